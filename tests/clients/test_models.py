import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clients.models import STAGE_TRANSITIONS, Client, value_tier_for
from tests.clients.factories import ClientFactory, FollowUpVisitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("budget", "area", "ptype", "intent", "tier"),
    [
        ("gt80", Decimal(200), "villa", "high", "A"),  # 4+2+2+2 = 10
        ("40_80", Decimal(150), "apartment", "high", "A"),  # 3+2+1+2 = 8 (A from 7)
        ("20_40", Decimal(100), "apartment", "medium", "B"),  # 2+1+1+1 = 5
        ("10_20", Decimal(80), "apartment", "medium", "C"),  # 1+0+1+1 = 3
        ("", None, "other", "low", "C"),  # 0
        ("20_40", Decimal(150), "villa", "low", "B"),  # 2+2+2+0 = 6 (B up to 6)
        ("20_40", Decimal(150), "villa", "medium", "A"),  # 7
    ],
)
def test_value_rule_points_and_thresholds(budget, area, ptype, intent, tier):
    assert value_tier_for(budget=budget, floor_area=area, property_type=ptype, intent=intent) == tier


def test_signed_is_only_reached_from_quoted_and_is_final():
    assert Client.Stage.SIGNED in STAGE_TRANSITIONS[Client.Stage.QUOTED]
    assert STAGE_TRANSITIONS[Client.Stage.SIGNED] == set()
    assert all(
        Client.Stage.LOST in STAGE_TRANSITIONS[s] for s in ("new", "contacted", "measured", "proposal", "quoted")
    )


def test_next_stage_walks_the_pipeline():
    client = ClientFactory.build(stage=Client.Stage.NEW)
    assert client.next_stage == Client.Stage.CONTACTED
    client.stage = Client.Stage.QUOTED
    assert client.next_stage is None


def test_open_lead_untouched_for_two_weeks_is_slipping():
    now = timezone.now()
    assert ClientFactory.build(stage="contacted", stage_changed_at=now - dt.timedelta(days=15)).is_slipping(now)
    assert not ClientFactory.build(stage="contacted", stage_changed_at=now - dt.timedelta(days=3)).is_slipping(now)
    assert not ClientFactory.build(stage="lost", stage_changed_at=now - dt.timedelta(days=30)).is_slipping(now)


def test_masked_phone_hides_the_middle():
    assert ClientFactory.build(phone="13812345678").masked_phone == "138****5678"


def test_visit_overdue_days():
    today = timezone.localdate()
    visit = FollowUpVisitFactory(due_date=today - dt.timedelta(days=4))
    assert visit.is_overdue(today)
    assert visit.days_overdue(today) == 4


def test_indexes_for_list_filters_and_reports_exist():
    from clients.models import AccessLog, FollowUpVisit

    names = {i.name for m in (Client, FollowUpVisit, AccessLog) for i in m._meta.indexes}
    assert {
        "client_team_stage",
        "client_team_created",
        "client_team_lost",
        "visit_owner_due",
        "visit_team_done",
    } <= names
    assert {"accesslog_at", "accesslog_user_at", "accesslog_action_at"} <= names

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clients import selectors
from clients.models import Client, ClientEvent, LostReason
from tests.clients.factories import ClientFactory, ContractFactory, FollowUpVisitFactory
from tests.complaints.factories import ComplaintFactory
from tests.reception.factories import CallFactory

pytestmark = pytest.mark.django_db


def _lost(team, reason_code, *, when, stage="quoted", budget="20_40", competitor=""):
    client = ClientFactory(team=team, stage="lost", budget=budget)
    Client.objects.filter(pk=client.pk).update(
        lost_reason=LostReason.objects.get(code=reason_code), lost_at=when, lost_stage=stage, competitor=competitor
    )
    return client


def test_lost_report_counts_value_stage_competitor_and_trend(consultant, outsider):
    team = consultant.team
    nov = timezone.make_aware(dt.datetime(2026, 11, 10, 12))
    _lost(team, "price", when=nov, budget="40_80", competitor="业之峰")
    _lost(team, "price", when=nov, stage="measured")
    _lost(team, "timing", when=nov, stage="measured")
    _lost(team, "price", when=nov - dt.timedelta(days=40))  # October: trend only
    _lost(outsider.team, "price", when=nov)  # another team: not counted
    data = selectors.lost_report_data(user=consultant, start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 1))
    assert data["total"] == 3
    price = next(r for r in data["by_reason"] if r["lost_reason__name"] == "价格")
    assert price["n"] == 2 and price["value"] == Decimal(600000 + 300000)
    assert {r["lost_stage"]: r["n"] for r in data["by_stage"]} == {"measured": 2, "quoted": 1}
    assert data["by_competitor"] == [{"competitor": "业之峰", "n": 1}]
    assert data["trend"]["months"][-1] == "2026-11"
    assert data["trend"]["counts"][-2:] == [1, 3]


def test_gm_lost_report_covers_every_team_or_one(consultant, outsider, gm):
    nov = timezone.make_aware(dt.datetime(2026, 11, 10, 12))
    _lost(consultant.team, "price", when=nov)
    _lost(outsider.team, "price", when=nov)
    period = {"start": dt.date(2026, 11, 1), "end": dt.date(2026, 12, 1)}
    assert selectors.lost_report_data(user=gm, **period)["total"] == 2
    assert selectors.lost_report_data(user=gm, team_id=outsider.team_id, **period)["total"] == 1


def test_satisfaction_by_team_and_month(consultant, outsider, gm):
    done = timezone.make_aware(dt.datetime(2026, 10, 5, 10))
    for score in (4, 5):
        FollowUpVisitFactory(client=ClientFactory(team=consultant.team), done_at=done, satisfaction=score)
    FollowUpVisitFactory(client=ClientFactory(team=outsider.team), done_at=done, satisfaction=2)
    data = selectors.satisfaction_by_team_month(user=gm, today=dt.date(2026, 11, 20))
    october = data["months"].index("2026-10")
    assert data["series"][consultant.team.name][october] == 4.5
    assert data["series"][outsider.team.name][october] == 2.0
    mine = selectors.satisfaction_by_team_month(user=consultant, today=dt.date(2026, 11, 20))
    assert list(mine["series"]) == [consultant.team.name]


def test_timeline_merges_calls_complaints_and_events_newest_first(consultant):
    client = ClientFactory(team=consultant.team)
    now = timezone.now()
    ClientEvent.objects.create(client=client, kind="created", text="创建", at=now - dt.timedelta(days=3))
    # Forwarded to the team, so its consultant may open it (reception's own scoping).
    CallFactory(client=client, purpose="询问报价", called_at=now - dt.timedelta(days=2), forward_team=consultant.team)
    ComplaintFactory(client=client, registered_at=now - dt.timedelta(days=1))
    items = selectors.client_timeline(client=client, user=consultant)
    assert [i["icon"] for i in items] == ["exclamation-triangle", "telephone", "clock-history"]
    assert [i["text"] for i in items][1:] == ["询问报价", "创建"]


def test_service_records_split_by_contract_and_completion(consultant):
    client = ClientFactory(team=consultant.team)
    ContractFactory(client=client, signed_date=dt.date(2026, 6, 1))
    at = lambda d: timezone.make_aware(dt.datetime.combine(d, dt.time(10)))  # noqa: E731
    timeline = [{"at": at(dt.date(2026, 5, 1))}, {"at": at(dt.date(2026, 7, 1))}]
    phases = selectors.client_service_records(client=client, timeline=timeline)
    assert len(phases["pre"]) == 1 and len(phases["in"]) == 1 and phases["after"] == []


def test_home_visits_split_overdue_today_week(consultant):
    today = dt.date(2026, 11, 25)  # a Wednesday
    for days in (-2, 0, 3, 9):
        FollowUpVisitFactory(
            client=ClientFactory(team=consultant.team), owner=consultant, due_date=today + dt.timedelta(days)
        )
    data = selectors.visits_for_home(user=consultant, today=today)
    assert [len(data[k]) for k in ("overdue", "today", "week")] == [1, 1, 1]


def test_service_records_from_loaded_contracts_and_projects_match_the_queried_ones(consultant):
    from tests.projects.factories import ProjectFactory

    client = ClientFactory(team=consultant.team)
    ContractFactory(client=client, signed_date=dt.date(2026, 7, 1))
    ContractFactory(client=client, signed_date=dt.date(2026, 6, 1))  # the first signed decides 售中
    first = timezone.make_aware(dt.datetime(2026, 6, 2, 9))
    ProjectFactory(client=client, created_at=first, actual_finish=dt.date(2026, 8, 31))
    ProjectFactory(client=client, created_at=first + dt.timedelta(days=30), actual_finish=None)
    at = lambda d: timezone.make_aware(dt.datetime.combine(d, dt.time(10)))  # noqa: E731
    timeline = [{"at": at(dt.date(2026, 5, 1))}, {"at": at(dt.date(2026, 6, 15))}, {"at": at(dt.date(2026, 9, 10))}]
    queried = selectors.client_service_records(client=client, timeline=timeline)
    loaded = selectors.client_service_records(
        client=client, timeline=timeline, contracts=list(client.contracts.all()), projects=list(client.projects.all())
    )
    assert loaded == queried
    assert [len(loaded[k]) for k in ("pre", "in", "after")] == [1, 1, 1]


def test_consultant_sees_every_visit_of_the_team_and_none_of_another(consultant, outsider):
    from clients.models import FollowUpVisit
    from tests.teams.factories import UserFactory

    colleague = UserFactory(role="consultant", team=consultant.team)
    mine = FollowUpVisitFactory(client=ClientFactory(team=consultant.team), owner=consultant)
    theirs = FollowUpVisitFactory(client=ClientFactory(team=consultant.team), owner=colleague)
    FollowUpVisitFactory(client=ClientFactory(team=outsider.team), owner=outsider)
    assert set(FollowUpVisit.objects.visible_to(consultant)) == {mine, theirs}


def test_pipeline_columns_newest_move_first_capped_with_full_counts(consultant, outsider):
    now = timezone.now()
    for days in range(5):
        c = ClientFactory(team=consultant.team, stage="contacted")
        Client.objects.filter(pk=c.pk).update(stage_changed_at=now - dt.timedelta(days=days))
    ClientFactory(team=outsider.team, stage="contacted")
    columns = {c["stage"]: c for c in selectors.pipeline_columns(user=consultant, limit=3)}
    cards = columns["contacted"]["cards"]
    assert columns["contacted"]["count"] == 5 and len(cards) == 3
    assert [c.stage_changed_at for c in cards] == sorted((c.stage_changed_at for c in cards), reverse=True)
    assert (
        cards[0].stage_changed_at
        == Client.objects.filter(team=consultant.team).order_by("-stage_changed_at")[0].stage_changed_at
    )

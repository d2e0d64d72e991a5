import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from performance import services, tasks
from performance.models import CardEvent, CardItem, TargetCard
from performance.selectors import card_progress, card_total
from teams.editing import EditConflict
from teams.models import Notification
from tests.clients.factories import ContractFactory

from .conftest import NOW, SHANGHAI
from .helpers import make_card

pytestmark = pytest.mark.django_db


def test_month_cards_created_from_role_templates_once(consultant, designer, pm, gm):
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 20, tzinfo=SHANGHAI), tick=False):
        assert tasks.create_month_cards() == 3
        assert tasks.create_month_cards() == 0  # a second beat adds nothing
    cards = TargetCard.objects.filter(month=dt.date(2026, 12, 1))
    assert {c.member for c in cards} == {consultant, designer, pm}  # the deputy GM has no template
    consultant_card = cards.get(member=consultant)
    assert list(consultant_card.items.values_list("metric", flat=True)) == [
        "signings",
        "contract_value",
        "followups_on_time",
        "complaints_resolved_in_time",
    ]
    assert consultant_card.team == consultant.team


def test_progress_uses_the_metric_for_the_member(frozen, consultant, designer):
    ContractFactory(
        client__team=consultant.team,
        client__consultant=consultant,
        signed_by=consultant,
        signed_date=dt.date(2026, 11, 3),
    )
    ContractFactory(
        client__team=consultant.team,
        client__consultant=consultant,
        signed_by=designer,
        signed_date=dt.date(2026, 11, 3),
    )  # someone else's signing does not count
    ContractFactory(
        client__team=consultant.team,
        client__consultant=consultant,
        signed_by=consultant,
        signed_date=dt.date(2026, 10, 31),
    )  # last month
    card = make_card(consultant)
    rows = card_progress(card)
    assert rows[0]["actual"] == 1
    assert rows[0]["achievement"] == Decimal("50.0")
    assert rows[0]["score"] == Decimal("30.00")  # 1/2 × 60
    assert rows[1]["actual"] is None and rows[1]["score"] is None
    # The unscored manual item is left out; the signing item counts for the whole card.
    assert card_total(rows) == Decimal("50.00")


def test_score_is_capped_at_120_percent_of_the_weight():
    assert services.item_score(Decimal(10), Decimal(2), 50) == Decimal("60.00")
    assert services.item_score(Decimal(1), Decimal(2), 50) == Decimal("25.00")
    assert services.item_score(None, Decimal(2), 50) is None


def _walk_to_reviewed(card, member, leader):
    services.card_confirm(card=card, user=member, version=card.version)
    services.card_self_assess(card=card, user=member, version=card.version, text="本月完成良好", manual={})
    return services.card_review(
        card=card, user=leader, version=card.version, comment="不错", adjustment=Decimal(2), reason="主动加班"
    )


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_appraisal_flow_and_locking(frozen, english, consultant, designer, gm):
    card = make_card(designer, month=dt.date(2026, 10, 1))
    manual = card.items.get(metric="manual")
    services.card_confirm(card=card, user=designer, version=card.version)
    services.card_self_assess(
        card=card, user=designer, version=card.version, text="十月总结", manual={manual.pk: Decimal(4)}
    )
    services.card_review(
        card=card, user=consultant, version=card.version, comment="好", adjustment=Decimal(-2), reason="回访记录不全"
    )
    # Stored in the site's language whatever the request's, read in the reader's.
    note = Notification.objects.get(recipient=gm)
    assert note.title.startswith("待审批绩效考核")
    assert note.display_title.startswith("Appraisal to approve: ")
    with translation.override("zh-hans"):
        assert note.display_title.startswith("待审批绩效考核")
    services.card_approve(card=card, user=gm, version=card.version)
    card.refresh_from_db()
    assert card.state == TargetCard.State.APPROVED and card.is_locked
    # signings: actual 0 of 2 → 0; manual 4 of 4 → 40; adjustment −2.
    assert card.final_score == Decimal("38.00")
    assert CardItem.objects.get(card=card, metric="signings").actual == 0  # frozen
    assert list(card.events.values_list("action", flat=True)) == ["confirmed", "self_assessed", "reviewed", "approved"]
    # Locked: later records do not change the approved card.
    ContractFactory(client__team=designer.team, signed_by=designer, signed_date=dt.date(2026, 10, 5))
    assert card_progress(card)[0]["actual"] == 0
    with pytest.raises(ValidationError):
        services.card_return(card=card, user=gm, version=card.version, comment="x")


def test_only_the_member_confirms_their_card(consultant, designer):
    card = make_card(designer)
    with pytest.raises(PermissionDenied):
        services.card_confirm(card=card, user=consultant, version=card.version)


def test_consultant_of_another_team_cannot_review(designer, consultant, outsider):
    card = make_card(designer)
    services.card_confirm(card=card, user=designer, version=card.version)
    services.card_self_assess(card=card, user=designer, version=card.version, text="总结", manual={})
    with pytest.raises(PermissionDenied):
        services.card_review(card=card, user=outsider, version=card.version, comment="x", adjustment=0, reason="")


def test_consultant_does_not_review_own_card_but_the_deputy_gm_does(consultant, gm):
    card = make_card(consultant)
    services.card_confirm(card=card, user=consultant, version=card.version)
    services.card_self_assess(card=card, user=consultant, version=card.version, text="总结", manual={})
    with pytest.raises(ValidationError):
        services.card_review(card=card, user=consultant, version=card.version, comment="x", adjustment=0, reason="")
    services.card_review(card=card, user=gm, version=card.version, comment="好", adjustment=0, reason="")
    assert TargetCard.objects.get(pk=card.pk).state == TargetCard.State.REVIEWED


def test_adjustment_needs_a_reason(designer, consultant):
    card = make_card(designer)
    services.card_confirm(card=card, user=designer, version=card.version)
    services.card_self_assess(card=card, user=designer, version=card.version, text="总结", manual={})
    with pytest.raises(ValidationError):
        services.card_review(
            card=card, user=consultant, version=card.version, comment="x", adjustment=Decimal(3), reason=" "
        )


def test_only_the_deputy_gm_approves(designer, consultant):
    card = make_card(designer)
    _walk_to_reviewed(card, designer, consultant)
    with pytest.raises(PermissionDenied):
        services.card_approve(card=card, user=consultant, version=card.version)


def test_stale_version_is_refused(designer, consultant):
    card = make_card(designer)
    stale = card.version
    services.card_set_targets(card=card, user=consultant, version=stale, targets={})
    with pytest.raises(EditConflict):
        services.card_set_targets(card=card, user=consultant, version=stale, targets={})


def test_targets_fixed_once_confirmed(designer, consultant):
    card = make_card(designer)
    item = card.items.first()
    services.card_set_targets(card=card, user=consultant, version=card.version, targets={item.pk: Decimal(5)})
    assert CardItem.objects.get(pk=item.pk).target == Decimal(5)
    services.card_confirm(card=card, user=designer, version=card.version)
    with pytest.raises(ValidationError):
        services.card_set_targets(card=card, user=consultant, version=card.version, targets={item.pk: Decimal(1)})
    assert CardEvent.objects.filter(card=card, action="targets_set").count() == 1


def test_days_left_counts_today(frozen):
    from performance.metrics import Period

    assert Period.month_of(NOW.date()).days_left(NOW.date()) == 16  # 15..30 November

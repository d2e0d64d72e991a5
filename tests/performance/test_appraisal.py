"""An appraisal judges a finished month (issue 12): self-assessment opens after the month's
last working day, approval freezes the figures, and only the deputy GM reopens a locked card,
for a recorded reason."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meetings.models import MeetingAttendance
from performance import services
from performance.models import CardItem, TargetCard
from performance.selectors import card_progress
from teams.models import CalendarDay, Notification
from tests.meetings.factories import MeetingAttendanceFactory, MeetingFactory

from .conftest import at
from .helpers import make_card

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)
ATTENDANCE = [("例会出勤率", "meeting_attendance", "95", 100)]


def _meeting(team, member, day, status):
    meeting = MeetingFactory(team=team, date=day, held=True)
    MeetingAttendanceFactory(meeting=meeting, member=member, status=status)


def _confirmed(member, month=NOV):
    card = make_card(member, month=month, items=ATTENDANCE)
    services.card_confirm(card=card, user=member, version=card.version)
    return card


def _assess(card, member):
    return services.card_self_assess(card=card, user=member, version=card.version, text="本月总结", manual={})


def _review(card, leader):
    return services.card_review(
        card=card, user=leader, version=card.version, comment="好", adjustment=Decimal(0), reason=""
    )


def test_self_assessment_opens_after_the_months_last_working_day(designer):
    # November 2026 ends on a Monday: the 30th is the last working day, the card opens on 1 December.
    card = _confirmed(designer)
    assert card.self_assessment_opens_on == dt.date(2026, 12, 1)
    with time_machine.travel(at(2026, 11, 30, 23, 59), tick=False), pytest.raises(ValidationError, match="2026-12-01"):
        _assess(card, designer)
    with time_machine.travel(at(2026, 12, 1, 8, 0), tick=False):
        _assess(card, designer)
    card.refresh_from_db()
    assert card.state == TargetCard.State.SELF_ASSESSED


def test_the_holiday_calendar_moves_the_opening_day(designer):
    # October 2026 ends on a Saturday; as a make-up working day (调休) it is the last working day.
    card = _confirmed(designer, month=dt.date(2026, 10, 1))
    assert card.self_assessment_opens_on == dt.date(2026, 10, 31)
    CalendarDay.objects.create(date=dt.date(2026, 10, 31), is_working_day=True, name="调休上班")
    assert card.self_assessment_opens_on == dt.date(2026, 11, 1)
    with time_machine.travel(at(2026, 10, 31, 18, 0), tick=False), pytest.raises(ValidationError):
        _assess(card, designer)


def test_nothing_is_approved_on_the_second_day_of_its_month(designer, consultant, gm):
    """The reported case: approved on the 2nd, freezing 100 % that a meeting that day made 50 %."""
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        _meeting(designer.team, designer, dt.date(2026, 11, 2), MeetingAttendance.Status.PRESENT)
        card = _confirmed(designer)
        with pytest.raises(ValidationError):
            _assess(card, designer)
        with pytest.raises(ValidationError):
            services.card_approve(card=card, user=gm, version=card.version)
        # The page offers no self-assessment yet and says when it opens.
        card.refresh_from_db()
        assert card.state == TargetCard.State.CONFIRMED


def test_approval_freezes_the_computed_figures(client, designer, consultant, gm):
    _meeting(designer.team, designer, dt.date(2026, 11, 2), MeetingAttendance.Status.PRESENT)
    _meeting(designer.team, designer, dt.date(2026, 11, 3), MeetingAttendance.Status.ABSENT)
    card = _confirmed(designer)
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        _assess(card, designer)
        _review(card, consultant)
        services.card_approve(card=card, user=gm, version=card.version)
    item = CardItem.objects.get(card=card)
    by_hand = MeetingAttendance.objects.filter(member=designer, meeting__date__month=11, status="present").count()
    assert item.actual == Decimal("50.00") == Decimal(by_hand * 100) / 2
    card.refresh_from_db()
    assert card.final_score == Decimal("52.63")  # 50 / 95 × 100, half up
    # A meeting recorded afterwards for the same month changes nothing on the approved card.
    _meeting(designer.team, designer, dt.date(2026, 11, 30), MeetingAttendance.Status.PRESENT)
    assert card_progress(card)[0]["actual"] == Decimal("50.00")
    client.force_login(designer)
    html = client.get(reverse("performance:card_detail", args=[card.pk])).content.decode()
    assert "50.0%" in html and "66.7%" not in html
    assert "冻结" in html  # "the actuals below are the figures frozen at approval"


@pytest.fixture
def approved(designer, consultant, gm):
    _meeting(designer.team, designer, dt.date(2026, 11, 2), MeetingAttendance.Status.ABSENT)
    card = _confirmed(designer)
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        _assess(card, designer)
        _review(card, consultant)
        services.card_approve(card=card, user=gm, version=card.version)
    card.refresh_from_db()
    assert card.is_locked and CardItem.objects.get(card=card).actual == 0
    return card


def test_only_the_deputy_gm_reopens_and_only_with_a_reason(approved, consultant, designer, gm):
    for user in (consultant, designer):
        with pytest.raises(PermissionDenied):
            services.card_reopen(card=approved, user=user, version=approved.version, reason="分数有误")
    with pytest.raises(ValidationError):
        services.card_reopen(card=approved, user=gm, version=approved.version, reason="  ")
    approved.refresh_from_db()
    assert approved.is_locked and approved.events.filter(action="reopened").count() == 0


def test_reopening_records_why_and_makes_the_figures_live_again(approved, designer, gm):
    # A meeting entered late: the frozen 0 % no longer holds.
    MeetingAttendance.objects.filter(member=designer).update(status=MeetingAttendance.Status.PRESENT)
    assert card_progress(approved)[0]["actual"] == 0
    with time_machine.travel(at(2026, 12, 2, 10, 0), tick=False):
        services.card_reopen(card=approved, user=gm, version=approved.version, reason="例会考勤补录")
    approved.refresh_from_db()
    assert approved.state == TargetCard.State.REVIEWED and approved.final_score is None
    assert approved.approved_by is None and CardItem.objects.get(card=approved).actual is None
    event = approved.events.get(action="reopened")
    assert (event.actor, event.comment) == (gm, "例会考勤补录")
    assert (event.from_state, event.to_state) == ("approved", "reviewed")
    assert Notification.objects.filter(recipient=designer, title__contains="重新打开").exists()
    assert card_progress(approved)[0]["actual"] == Decimal("100.0")
    # Approved again: the new figures are frozen.
    services.card_approve(card=approved, user=gm, version=approved.version)
    approved.refresh_from_db()
    assert CardItem.objects.get(card=approved).actual == Decimal("100.00")
    assert approved.final_score == Decimal("105.26")  # 100 / 95 × 100 (the cap is 120 %)


def test_reopen_page(approved, login, gm, consultant, designer, outsider):
    url = reverse("performance:card_reopen", args=[approved.pk])
    detail = reverse("performance:card_detail", args=[approved.pk])
    assert 'data-testid="reopen-card"' in login(gm).get(detail).content.decode()
    assert 'data-testid="reopen-card"' not in login(consultant).get(detail).content.decode()
    assert login(gm).get(url).status_code == 405
    assert login(consultant).post(url, {"version": approved.version, "reason": "x"}).status_code == 403
    assert login(outsider).post(url, {"version": approved.version, "reason": "x"}).status_code == 403
    response = login(gm).post(url, {"version": approved.version, "reason": ""})
    assert response.status_code == 400
    approved.refresh_from_db()
    assert approved.is_locked
    response = login(gm).post(url, {"version": approved.version, "reason": "例会考勤补录"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.state == TargetCard.State.REVIEWED
    html = login(designer).get(detail).content.decode()
    assert 'data-testid="card-reopened"' in html and "例会考勤补录" in html

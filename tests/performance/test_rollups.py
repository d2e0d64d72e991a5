"""The dashboards' daily rollups: exact after every kind of write (through the services), repaired by the
nightly recount, and the computed dashboard within ten queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.models import Client, PaymentStage
from meetings.services import AttendanceEntry, meeting_record_attendance
from performance import selectors, tasks
from performance.metrics import METRICS, Period, Scope
from performance.models import DailyTeamFact, FactRecount
from performance.rollups import recount_cells
from projects.services import design as design_services
from projects.services import project as project_services
from reception.models import PhoneCall
from reception.services_cti import _hangup, missed_call_callback
from tests.clients.factories import ClientFactory, ContractFactory, FollowUpVisitFactory
from tests.complaints.factories import ComplaintFactory
from tests.meetings.factories import MeetingFactory
from tests.projects.factories import ProjectFactory

from .conftest import NOW, at

pytestmark = pytest.mark.django_db


def cells():
    return {
        (row.day, row.team_key, row.kind): [row.count, row.amount]
        for row in DailyTeamFact.objects.all()
        if row.count or row.amount
    }


def assert_exact():
    assert cells() == recount_cells()


def cell(day, team, kind):
    row = DailyTeamFact.objects.filter(day=day, team_key=team.pk, kind=kind).first()
    return (row.count, row.amount) if row else (0, Decimal(0))


def test_signing_and_editing_a_contract_move_its_figures(frozen, team, consultant):
    client = ClientFactory(team=team, consultant=consultant, stage=Client.Stage.QUOTED)
    today = timezone.localdate()
    contract = client_services.contract_sign(
        client=client,
        by=consultant,
        data={"signed_date": today, "design_fee": Decimal(10000), "construction_amount": Decimal(200000)},
    )
    assert cell(today, team, "signings") == (1, Decimal(210000))
    # The visit plan the signing created is counted by due day.
    assert sum(c for (_d, _t, kind), (c, _a) in cells().items() if kind == "visits_due_open") >= 1
    assert_exact()
    earlier = today - dt.timedelta(days=40)
    client_services.contract_update(
        contract=contract,
        by=consultant,
        version=contract.version,
        data={"signed_date": earlier, "design_fee": Decimal(5000), "construction_amount": Decimal(200000)},
    )
    assert cell(today, team, "signings") == (0, Decimal(0))
    assert cell(earlier, team, "signings") == (1, Decimal(205000))
    assert_exact()


def test_receipts_and_their_reversal_add_up(frozen, team, consultant):
    contract = ContractFactory(client=ClientFactory(team=team, consultant=consultant))
    stage = PaymentStage.objects.create(contract=contract, name="首期", amount=Decimal(50000), trigger="signing")
    today = timezone.localdate()
    first = client_services.receipt_record(
        stage=stage, by=consultant, amount=Decimal(20000), received_on=today, method="bank"
    )
    client_services.receipt_record(
        stage=stage, by=consultant, amount=Decimal(1000), received_on=today, method="bank", refund=True, reason="多收"
    )
    assert cell(today, team, "money_received") == (2, Decimal(19000))
    client_services.receipt_reverse(receipt=first, by=consultant, reason="录错")
    assert cell(today, team, "money_received") == (3, Decimal(-1000))
    assert_exact()


def test_visits_planned_and_done(frozen, team, consultant):
    client = ClientFactory(team=team, consultant=consultant)
    due = timezone.localdate() - dt.timedelta(days=2)
    visit = client_services.visit_create(client=client, by=consultant, point="回访", due_date=due, channel="phone")
    assert cell(due, team, "visits_due_open") == (1, Decimal(0))
    client_services.visit_record(visit=visit, by=consultant, channel="phone", outcome="满意", satisfaction=4)
    assert cell(due, team, "visits_due_open") == (0, Decimal(0))
    assert cell(due, team, "visits_due_done") == (1, Decimal(0))
    assert cell(timezone.localdate(), team, "visit_satisfaction") == (1, Decimal(4))
    assert_exact()


def test_phases_moved_reopened_and_removed(frozen, team, consultant, pm):
    project = ProjectFactory(client=ClientFactory(team=team, consultant=consultant), team=team, project_manager=pm)
    today = timezone.localdate()
    phase = project_services.phase_add(
        project=project,
        by=pm,
        name="水电",
        planned_start=today - dt.timedelta(days=10),
        planned_finish=today - dt.timedelta(days=3),
    )
    assert cell(today - dt.timedelta(days=3), team, "phases_open") == (1, Decimal(0))
    args = {"by": pm, "planned_start": today - dt.timedelta(days=10), "crew": None}
    # Finished (on time), then moved to another planned day, then reopened (the finish cleared).
    phase = project_services.phase_update(
        phase=phase,
        version=phase.version,
        planned_finish=today - dt.timedelta(days=3),
        actual_start=today - dt.timedelta(days=9),
        actual_finish=today - dt.timedelta(days=4),
        **args,
    )
    assert cell(today - dt.timedelta(days=3), team, "phases_on_time") == (1, Decimal(0))
    phase = project_services.phase_update(
        phase=phase,
        version=phase.version,
        planned_finish=today - dt.timedelta(days=5),
        actual_start=today - dt.timedelta(days=9),
        actual_finish=today - dt.timedelta(days=4),
        **args,
    )
    assert cell(today - dt.timedelta(days=3), team, "phases_finished") == (0, Decimal(0))
    assert cell(today - dt.timedelta(days=5), team, "phases_finished") == (1, Decimal(0))
    assert cell(today - dt.timedelta(days=5), team, "phases_on_time") == (0, Decimal(0))  # late now
    assert_exact()
    phase = project_services.phase_update(
        phase=phase,
        version=phase.version,
        planned_finish=today - dt.timedelta(days=5),
        actual_start=None,
        actual_finish=None,
        **args,
    )
    assert cell(today - dt.timedelta(days=5), team, "phases_open") == (1, Decimal(0))
    assert_exact()
    project_services.phase_remove(phase=phase, by=pm)
    assert cell(today - dt.timedelta(days=5), team, "phases_open") == (0, Decimal(0))
    assert_exact()


def test_drawings_and_project_start(frozen, team, consultant, designer, assistant, pm):
    project = ProjectFactory(
        client=ClientFactory(team=team, consultant=consultant),
        team=team,
        project_manager=pm,
        designers=[designer],
        assistants=[assistant],
    )
    deadline = timezone.localdate() + dt.timedelta(days=3)
    task = design_services.drawing_task_create(
        project=project, by=designer, kind="rendering", title="客厅效果图", assignee=assistant, deadline=deadline
    )
    assert cell(deadline, team, "drawings_open") == (1, Decimal(0))
    design_services.drawing_task_deliver(task=task, by=assistant)
    assert cell(deadline, team, "drawings_on_time") == (1, Decimal(0))
    assert cell(deadline, team, "drawings_open") == (0, Decimal(0))
    assert_exact()


def test_roll_call_makes_the_meeting_held(frozen, team, consultant, designer):
    meeting = MeetingFactory(team=team, date=timezone.localdate())
    assert cell(meeting.date, team, "meetings_held") == (0, Decimal(0))
    meeting_record_attendance(
        meeting=meeting,
        by=consultant,
        entries=[
            AttendanceEntry(member=designer, status="present"),
            AttendanceEntry(member=consultant, status="absent"),
        ],
    )
    assert cell(meeting.date, team, "meetings_held") == (1, Decimal(0))
    assert cell(meeting.date, team, "attendance") == (2, Decimal(0))
    assert cell(meeting.date, team, "attendance_present") == (1, Decimal(0))
    assert_exact()


def test_missed_call_and_its_callback(frozen, team, consultant, front_desk):
    client = ClientFactory(team=team, consultant=consultant)
    ringing = PhoneCall.objects.create(call_id="r1", from_number=client.phone, client=client, rang_at=NOW)
    _hangup(ringing, {"cause": "cancel"}, NOW)
    assert cell(NOW.date(), team, "calls_missed") == (1, Decimal(0))
    missed_call_callback(phone_call=ringing, by=front_desk, outcome="reached")
    assert cell(NOW.date(), team, "calls_called_back") == (1, Decimal(0))
    assert_exact()


def test_recount_repairs_and_records_drift(frozen, team, consultant):
    ContractFactory(client=ClientFactory(team=team, consultant=consultant), signed_date=dt.date(2026, 11, 2))
    FollowUpVisitFactory(client__team=team, team=team, owner=consultant, due_date=dt.date(2026, 11, 3))
    good = cells()
    DailyTeamFact.objects.filter(kind="signings").update(count=7)
    DailyTeamFact.objects.filter(kind="visits_due_open").delete()
    DailyTeamFact.objects.create(day=dt.date(2026, 11, 4), team_key=team.pk, kind="meetings_held", count=2)
    assert tasks.recount_rollups() == {"cells": len(good), "drifted": 3}
    assert cells() == good
    record = FactRecount.objects.get()
    assert {d["kind"] for d in record.details} == {"signings", "visits_due_open", "meetings_held"}
    assert tasks.recount_rollups()["drifted"] == 0


def test_deputy_gm_sees_the_last_recount(login, gm, consultant):
    tasks.recount_rollups()
    FactRecount.objects.update(drifted=3)
    assert "3 项已更正" in login(gm).get(reverse("performance:dashboard")).content.decode()
    team_page = login(consultant).get(reverse("performance:dashboard")).content.decode()
    assert "fig-signings" in team_page and 'data-testid="recount"' not in team_page


@pytest.fixture
def busy(seeded, team):
    """More of everything in the months the dashboards read."""
    for i in range(5):
        ComplaintFactory(team=team, client__team=team, registered_at=at(2026, 11, 1 + i))
        ContractFactory(client=ClientFactory(team=team), signed_date=dt.date(2026, 3 + i, 5))
        FollowUpVisitFactory(client__team=team, team=team, due_date=dt.date(2026, 6 + i, 10))


@override_settings(PERFORMANCE_DASHBOARD_CACHE_SECONDS=0)
@pytest.mark.parametrize("kind", ["month", "year"])
@pytest.mark.parametrize("company", [True, False])
def test_computed_dashboard_runs_at_most_ten_queries(busy, team, kind, company, django_assert_max_num_queries):
    period = Period.of_kind(kind, NOW.date())
    scope = Scope() if company else Scope(team_id=team.pk)
    with django_assert_max_num_queries(10):
        data = selectors.dashboard_data(period=period, scope=scope, money=True)
    shown = {row["key"]: row["current"] for section in data["sections"] for row in section["rows"]}
    assert shown["signings"] == METRICS["signings"].queryset(period, scope).count() > 0


@override_settings(PERFORMANCE_DASHBOARD_CACHE_SECONDS=0)
def test_computed_dashboard_page_says_how_fresh(busy, login, gm):
    html = login(gm).get(reverse("performance:dashboard"), {"year": "2026"}).content.decode()
    assert "数据截至" in html


def test_a_phases_first_inspection_counts_once(frozen, team, consultant, pm):
    from projects.services.construction import inspection_record
    from tests.projects.factories import SchedulePhaseFactory

    phase = SchedulePhaseFactory(project__team=team, project__client__team=team, project__project_manager=pm)
    day = timezone.localdate() - dt.timedelta(days=5)
    inspection_record(phase=phase, by=pm, inspected_on=day, result="rectify", rectify_items="空鼓", reinspect_by=day)
    inspection_record(phase=phase, by=pm, inspected_on=day + dt.timedelta(days=2), result="pass")
    assert cell(day, team, "inspections_first") == (1, Decimal(0))
    assert cell(day, team, "inspections_first_pass") == (0, Decimal(0))
    assert cell(day + dt.timedelta(days=2), team, "inspections_first") == (0, Decimal(0))
    assert_exact()

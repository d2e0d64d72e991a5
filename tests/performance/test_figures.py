"""Figures say exactly what their name says (issue 12): each checked against a count made
here from the raw rows, on the pages and reports that show it."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import FollowUpVisit
from complaints.models import Complaint
from meetings.models import Training
from performance import selectors, services
from performance.metrics import METRICS, Period, Scope, mean, ratio, round_half_up
from performance.models import CardItem
from performance.rollups import rollups_rebuild
from performance.templatetags.performance_tags import format_value
from projects import services as project_services
from projects.models import Inspection, SchedulePhase
from teams.facts import facts_write
from tests.clients.factories import ClientFactory
from tests.complaints.factories import ComplaintFactory
from tests.meetings.factories import TrainingFactory
from tests.projects.factories import ProjectFactory, SchedulePhaseFactory

from .conftest import at

pytestmark = pytest.mark.django_db

OCT = Period.month_of(dt.date(2026, 10, 1))


# --- Decimal, half up ----------------------------------------------------------------


def test_rounding_is_half_up_and_refuses_floats():
    assert round_half_up(Decimal("14.625")) == Decimal("14.63")  # half to even gives 14.62
    assert round_half_up(Decimal("4.215")) == Decimal("4.22")
    assert round_half_up(Decimal("2.5"), "1") == 3
    assert ratio(2, 3) == Decimal("66.7") and ratio(1, 0) is None
    assert mean(843, 200) == Decimal("4.22") and mean(None, 0) is None
    with pytest.raises(TypeError):
        round_half_up(4.215)


def test_card_scores_round_half_up():
    # 1 of 8 × weight 1 = 0.125 → 0.13.
    assert services.item_score(Decimal(1), Decimal(8), 1) == Decimal("0.13")
    # A scored item worth 11.70 of weight 80 beside an unscored one of weight 20:
    # 11.70 × 100 / 80 = 14.625 → 14.63.
    rows = [
        {"item": CardItem(weight=80), "score": Decimal("11.70")},
        {"item": CardItem(weight=20), "score": None},
    ]
    assert selectors.card_total(rows) == Decimal("14.63")


def test_shown_values_round_half_up():
    assert format_value(Decimal("2.5"), "yuan") == "¥3"
    assert format_value(Decimal("4.225"), "avg") == "4.23"
    assert format_value(Decimal("0.25"), "pct") == "0.3%"


def test_average_satisfaction_is_exact(frozen, team, consultant):
    # 200 visits worth 843 points: 4.215, shown 4.22 (through a float it was 4.21).
    client = ClientFactory(team=team, consultant=consultant)
    scores = [5] * 43 + [4] * 157
    FollowUpVisit.objects.bulk_create(
        FollowUpVisit(
            client=client,
            team=team,
            owner=consultant,
            point=f"回访{i}",
            due_date=dt.date(2026, 10, 10),
            done_at=at(2026, 10, 10),
            satisfaction=score,
        )
        for i, score in enumerate(scores)
    )
    rollups_rebuild()  # a bulk write, around the services
    raw = FollowUpVisit.objects.filter(done_at__isnull=False).values_list("satisfaction", flat=True)
    assert sum(raw) == 843 and len(raw) == 200
    for scope in (Scope(), Scope(team_id=team.pk), Scope(person_id=consultant.pk)):
        assert METRICS["satisfaction"].value(OCT, scope, now=at(2026, 11, 15)) == Decimal("4.22")
    data = selectors.report_data(team=team, period=OCT, now=at(2026, 11, 15))
    assert data["team_figures"]["satisfaction"] == "4.22"


# --- 验收一次通过率 ---------------------------------------------------------------------


def test_first_inspection_pass_rate_ignores_re_inspections(frozen, team, pm):
    """100 % → 50 % → still 50 % when the rectified phase passes its re-inspection."""
    project = ProjectFactory(team=team, client__team=team, project_manager=pm)
    first = SchedulePhaseFactory(project=project)
    second = SchedulePhaseFactory(project=project, kind=SchedulePhase.Kind.MASONRY_TILING, order=3)
    metric = METRICS["inspection_pass_rate"]
    now = at(2026, 11, 15)

    def record(phase, day, result):
        project_services.inspection_record(
            phase=phase,
            by=pm,
            inspected_on=dt.date(2026, 10, day),
            result=result,
            rectify_items="墙面开裂" if result == "rectify" else "",
            reinspect_by=dt.date(2026, 10, day + 3) if result == "rectify" else None,
        )

    def by_hand():
        firsts = {}
        for row in Inspection.objects.order_by("inspected_on", "pk"):
            firsts.setdefault(row.phase_id, row)
        return ratio(sum(row.result == "pass" for row in firsts.values()), len(firsts))

    record(first, 5, "pass")
    assert metric.value(OCT, Scope(team_id=team.pk), now=now) == by_hand() == Decimal("100.0")
    record(second, 6, "rectify")
    assert metric.value(OCT, Scope(team_id=team.pk), now=now) == by_hand() == Decimal("50.0")
    record(second, 9, "pass")  # the re-inspection passes
    assert Inspection.objects.filter(reinspection_of__isnull=False).count() == 1
    for scope in (Scope(), Scope(team_id=team.pk), Scope(person_id=pm.pk)):
        assert metric.value(OCT, scope, now=now) == by_hand() == Decimal("50.0")  # not 66.7
    # The drill-down lists the same two first inspections.
    assert metric.queryset(OCT, Scope(team_id=team.pk), now=now).count() == 2
    # Deleting the rectified inspection leaves the re-inspection as the phase's first.
    # (No service deletes an inspection, the admin may: as a service would, through teams.facts.)
    with facts_write(SchedulePhase, second.pk):
        Inspection.objects.filter(phase=second, result="rectify").delete()
    assert metric.value(OCT, Scope(), now=now) == by_hand() == Decimal("100.0")


# --- 举办培训: the figure and the list ----------------------------------------------


def test_report_training_count_is_its_list(frozen, team, other_team):
    TrainingFactory(team=team, date=dt.date(2026, 10, 8), topic="本组：报价技巧")
    TrainingFactory(team=None, date=dt.date(2026, 10, 20), topic="全公司：服务礼仪")
    TrainingFactory(team=other_team, date=dt.date(2026, 10, 21), topic="别组：量房")
    TrainingFactory(team=team, date=dt.date(2026, 11, 1), topic="下月")
    october = [t for t in Training.objects.all() if dt.date(2026, 10, 1) <= t.date < dt.date(2026, 11, 1)]
    for_team = [t for t in october if t.team_id in (team.pk, None)]
    data = selectors.report_data(team=team, period=OCT, now=at(2026, 11, 15))
    assert data["team_figures"]["trainings_held"] == len(data["trainings"]) == len(for_team) == 2
    assert [t["topic"] for t in data["trainings"]] == ["本组：报价技巧", "全公司：服务礼仪"]
    assert data["company_figures"]["trainings_held"] == len(october) == 3
    # The dashboards' per-team figure follows the same definition.
    by_team = selectors.figures_by_team([METRICS["trainings_held"]], OCT, now=at(2026, 11, 15))
    assert by_team[team.pk]["trainings_held"] == 2 and by_team[other_team.pk]["trainings_held"] == 2


def test_report_page_shows_the_training_count_beside_its_list(frozen, login, gm, consultant, team):
    TrainingFactory(team=team, date=dt.date(2026, 10, 8), topic="本组：报价技巧")
    TrainingFactory(team=None, date=dt.date(2026, 10, 20), topic="全公司：服务礼仪")
    report = services.report_generate(team=team, month=OCT.start)
    html = login(gm).get(reverse("performance:report_detail", args=[report.pk])).content.decode()
    assert "本组：报价技巧" in html and "全公司：服务礼仪" in html
    assert report.data["team_figures"]["trainings_held"] == 2


# --- 登记投诉 on the front desk's own dashboard ------------------------------------------


def test_front_desk_dashboard_counts_the_complaints_she_registered(frozen, login, front_desk, team, consultant):
    when = at(2026, 10, 12)
    for _i in range(7):
        ComplaintFactory(client__team=team, team=team, handler=consultant, registered_by=front_desk, registered_at=when)
    ComplaintFactory(client__team=team, team=team, handler=consultant, registered_at=when)  # a colleague's
    by_hand = Complaint.objects.filter(registered_by=front_desk, registered_at__gte=OCT.start_dt).count()
    assert by_hand == 7
    response = login(front_desk).get(reverse("performance:dashboard"), {"month": "2026-10"})
    assert response.context["scope"] == Scope(person_id=front_desk.pk)  # no team: her own figures
    html = response.content.decode()
    shown = re.search(r'data-testid="fig-complaints_registered">(\d+)<', html)
    assert int(shown.group(1)) == by_hand
    # The split by category and the drill-down count the same complaints.
    data = response.context["data"]
    assert sum(data["categories"].values()) == by_hand
    assert METRICS["complaints_registered"].queryset(OCT, Scope(person_id=front_desk.pk)).count() == by_hand
    # The consultant who handles them registered none of them.
    assert METRICS["complaints_registered"].value(OCT, Scope(person_id=consultant.pk)) == 0
    assert METRICS["complaints_open"].value(OCT, Scope(person_id=consultant.pk)) == 8

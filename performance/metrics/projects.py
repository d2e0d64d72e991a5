"""Metrics over projects: started, completed and late projects, drawings on time,
phases on schedule, first-inspection pass rate and crew evaluations."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from performance.metrics.base import Metric
from performance.metrics.conditions import _and, _const, _dates
from projects.models import CrewEvaluation, DrawingTask, Inspection, Project, SchedulePhase

# A phase's first inspection: none of the same phase before it (by date, then by entry order).
# Not ``reinspection_of``: that link is cleared when the earlier inspection is deleted.
_FIRST_OF_PHASE = ~Exists(
    Inspection.objects.filter(phase=OuterRef("phase")).filter(
        Q(inspected_on__lt=OuterRef("inspected_on")) | Q(inspected_on=OuterRef("inspected_on"), pk__lt=OuterRef("pk"))
    )
)

PROJECT_METRICS = [
    # Projects
    Metric(
        "projects_started",
        _("Projects started"),
        "count",
        Project,
        "count",
        _dates("actual_start"),
        "team",
        "project_manager",
        _("Projects whose construction actually started in the period."),
    ),
    Metric(
        "projects_completed",
        _("Projects completed"),
        "count",
        Project,
        "count",
        _dates("actual_finish"),
        "team",
        "project_manager",
        _("Projects actually finished in the period."),
    ),
    Metric(
        "projects_late",
        _("Projects late"),
        "count",
        Project,
        "count",
        lambda p, now: (
            _dates("planned_finish")(p, now)
            & (
                Q(actual_finish__isnull=True, planned_finish__lt=p.cutoff_date(now))
                | Q(actual_finish__gt=F("planned_finish"))
            )
        ),
        "team",
        "project_manager",
        _("Projects planned to finish in the period that finished late or are still unfinished past that date."),
        higher_is_better=False,
    ),
    Metric(
        "drawings_on_time",
        _("Drawings delivered on time"),
        "pct",
        DrawingTask,
        "ratio",
        _and(
            _dates("deadline"),
            lambda p, now: Q(delivered_at__isnull=False) | Q(deadline__lt=p.cutoff_date(now)),
        ),
        "project__team",
        "assignee",
        _("Of the drawing tasks due in the period (delivered, or past the deadline), the share delivered on time."),
        hit=lambda p, now: Q(delivered_at__date__lte=F("deadline")),
    ),
    Metric(
        "phases_on_schedule",
        _("Phases on schedule"),
        "pct",
        SchedulePhase,
        "ratio",
        _and(
            _dates("planned_finish"),
            lambda p, now: Q(actual_finish__isnull=False) | Q(planned_finish__lt=p.cutoff_date(now)),
        ),
        "project__team",
        "project__project_manager",
        _("Of the construction phases planned to finish in the period (finished or past due), the share on time."),
        hit=lambda p, now: Q(actual_finish__lte=F("planned_finish")),
    ),
    Metric(
        "inspection_pass_rate",
        _("First-inspection pass rate"),
        "pct",
        Inspection,
        "ratio",
        _and(_dates("inspected_on"), lambda p, now: _FIRST_OF_PHASE),
        "phase__project__team",
        "inspector",
        _(
            "Of the phases first inspected in the period, the share that passed at that first inspection "
            "(re-inspections after rectification do not count)."
        ),
        hit=_const(result=Inspection.Result.PASS),
    ),
    Metric(
        "crew_evaluations",
        _("Crew evaluations done"),
        "count",
        CrewEvaluation,
        "count",
        _dates("evaluated_on"),
        "phase__project__team",
        "evaluated_by",
        _("Crew evaluations (施工队考核) made in the period."),
    ),
]

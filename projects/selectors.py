"""Reads of the projects app: always scoped to what the user may see first."""

from datetime import date, timedelta

from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    Attachment,
    BudgetRequest,
    ChangeOrder,
    CompletionItem,
    Crew,
    CrewEvaluation,
    DesignChange,
    DesignConsultation,
    DesignPlan,
    DesignReview,
    DrawingTask,
    Inspection,
    MaintenanceRequest,
    Project,
    ProjectEvent,
    SchedulePhase,
    SiteLog,
    TechnicalDisclosure,
)
from teams.models import User
from teams.registry import DueCount


def project_list(*, user: User) -> QuerySet:
    """Visible projects with how many drawings and phases are late (correlated counts, no row blow-up)."""
    today = timezone.localdate()
    late_drawings = (
        DrawingTask.objects.filter(project=OuterRef("pk"), delivered_at=None, deadline__lt=today)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    late_phases = (
        SchedulePhase.objects.filter(project=OuterRef("pk"))
        .filter(Q(actual_finish=None, planned_finish__lt=today) | Q(actual_finish__gt=F("planned_finish")))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Project.objects.visible_to(user)
        .select_related("client", "team", "project_manager")
        .prefetch_related("designers", "assistants")
        .annotate(
            late_drawings=Coalesce(Subquery(late_drawings), 0),
            late_phases=Coalesce(Subquery(late_phases), 0),
        )
        .order_by("-created_at", "-pk")
    )


def project_for_schedule(*, user: User, pk: int) -> Project:
    """One project with only what its schedule page shows: phases, their crews and inspections."""
    phases = (
        SchedulePhase.objects.select_related("crew")
        .prefetch_related(Prefetch("inspections", queryset=Inspection.objects.select_related("inspector")))
        .order_by("order", "pk")
    )
    qs = Project.objects.visible_to(user).select_related("team", "project_manager")
    qs = qs.prefetch_related("designers", "assistants", Prefetch("phases", queryset=phases))
    return get_object_or_404(qs, pk=pk)


# The project page's tabs loaded when first shown (``project_tab``, an htmx fragment each), so that the page
# itself runs a fixed, small number of queries: what each needs beyond the project.
LAZY_TABS = {
    "design": lambda: [
        Prefetch("plans", queryset=DesignPlan.objects.select_related("created_by")),
        Prefetch("consultations", queryset=DesignConsultation.objects.select_related("recorded_by")),
    ],
    "review": lambda: [
        Prefetch("reviews", queryset=DesignReview.objects.select_related("recorded_by")),
        Prefetch("drawing_tasks", queryset=DrawingTask.objects.select_related("assignee", "revision_of")),
    ],
    "disclosure": lambda: [Prefetch("disclosures", queryset=_disclosures())],
    "changes": lambda: [
        Prefetch("design_changes", queryset=DesignChange.objects.select_related("requested_by")),
        Prefetch("drawing_tasks", queryset=DrawingTask.objects.only("pk", "project_id", "title")),
    ],
    "logs": lambda: [Prefetch("site_logs", queryset=SiteLog.objects.select_related("author"))],
}


def project_for_page(*, user: User, pk: int) -> Project:
    """One project with the records of its eager tabs (those the overview's late list, the schedule and the
    phase buttons need too), in a fixed number of queries; the other tabs come from ``project_tab``. The
    records' files and photos come from one query of the project's attachments (``_attach_files``)."""
    inspections = Inspection.objects.select_related("inspector")
    phases = (
        SchedulePhase.objects.select_related("crew")
        .prefetch_related(
            Prefetch("inspections", queryset=inspections),
            Prefetch("evaluations", queryset=CrewEvaluation.objects.select_related("crew", "evaluated_by")),
        )
        .order_by("order", "pk")
    )
    qs = Project.objects.visible_to(user).select_related(
        "client", "team__leader", "project_manager", "contract", "completion_handed_to"
    )
    # What the design phase's "start construction" button checks, without loading the lazy tabs' records.
    qs = qs.annotate(
        has_confirmed_plan=Exists(
            DesignPlan.objects.filter(project=OuterRef("pk"), status=DesignPlan.Status.CONFIRMED)
        ),
        has_disclosure=Exists(TechnicalDisclosure.objects.filter(project=OuterRef("pk"))),
    )
    # The staff come from ``_attach_links``.
    qs = qs.prefetch_related(
        Prefetch("phases", queryset=phases),
        Prefetch(
            "drawing_tasks",
            queryset=DrawingTask.objects.select_related("assignee", "revision_of"),
        ),
        Prefetch(
            "budget_requests",
            queryset=BudgetRequest.objects.select_related("clerk", "requested_by", "plan"),
        ),
        Prefetch("completion_items", queryset=CompletionItem.objects.select_related("collected_by")),
        Prefetch(
            "maintenance_requests",
            queryset=MaintenanceRequest.objects.select_related("crew"),
        ),
        Prefetch("events", queryset=_events()),
    )
    project = get_object_or_404(qs, pk=pk)
    _attach_files(project)
    _attach_links(project)
    return project


def project_tab(*, user: User, pk: int, tab: str) -> Project:
    """One project with the records of one lazy tab (``LAZY_TABS``), their files and people."""
    qs = Project.objects.visible_to(user).select_related("team", "project_manager")
    project = get_object_or_404(qs.prefetch_related(*LAZY_TABS[tab]()), pk=pk)
    _attach_files(project)
    _attach_links(project, staff=False)
    return project


def _prefilled(record, name: str, rows: list) -> None:
    """``record.<name>.all()`` answers ``rows`` without a query, as if prefetched."""
    queryset = getattr(record, name).get_queryset()  # builds the filtered queryset, runs nothing
    queryset._result_cache = rows
    queryset._prefetch_done = True
    record.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _attach_links(project: Project, *, staff: bool = True) -> None:
    """The project's designers and assistants (``staff``), its prefetched reviews' attendees and its prefetched
    design changes' affected drawings from one query of the link tables, and the people from one more (six
    queries before); the revision tasks of each review from the project's drawing tasks (one query before)."""
    loaded = getattr(project, "_prefetched_objects_cache", {})
    reviews = list(project.reviews.all()) if "reviews" in loaded else []
    changes = list(project.design_changes.all()) if "design_changes" in loaded else []

    def links(through, owner_field, target_field, kind, **where):
        return through.objects.filter(**where).annotate(link=Value(kind)).values_list(owner_field, target_field, "link")

    parts = []
    if staff:
        parts += [
            links(Project.designers.through, "project_id", "user_id", "designer", project=project),
            links(Project.assistants.through, "project_id", "user_id", "assistant", project=project),
        ]
    if reviews:
        parts.append(
            links(
                DesignReview.attendees.through, "designreview_id", "user_id", "attendee", designreview__project=project
            )
        )
    if changes:
        parts.append(
            links(
                DesignChange.affected_drawings.through,
                "designchange_id",
                "drawingtask_id",
                "affected",
                designchange__project=project,
            )
        )
    if not parts:
        return
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    by_kind = {}
    for owner, target, kind in rows:
        by_kind.setdefault(kind, {}).setdefault(owner, set()).add(target)
    people = [
        pk for kind in ("designer", "assistant", "attendee") for ids in by_kind.get(kind, {}).values() for pk in ids
    ]
    users = list(User.objects.filter(pk__in=people)) if people else []  # Meta ordering: by name

    def chosen(kind, owner, records):
        wanted = by_kind.get(kind, {}).get(owner, set())
        return [record for record in records if record.pk in wanted]

    if staff:
        _prefilled(project, "designers", chosen("designer", project.pk, users))
        _prefilled(project, "assistants", chosen("assistant", project.pk, users))
    drawings = list(project.drawing_tasks.all()) if reviews or changes else []
    for review in reviews:
        _prefilled(review, "attendees", chosen("attendee", review.pk, users))
        _prefilled(review, "drawingtask_set", [task for task in drawings if task.review_id == review.pk])
    for change in changes:
        _prefilled(change, "affected_drawings", chosen("affected", change.pk, drawings))


# The records that carry files: the Attachment field pointing at each, the project relation listing them, and
# the name their files go by.
_ATTACHMENT_OWNERS = (
    ("plan_id", "plans", "files"),
    ("drawing_id", "drawing_tasks", "files"),
    ("budget_id", "budget_requests", "files"),
    ("site_log_id", "site_logs", "photos"),
    ("completion_item_id", "completion_items", "files"),
    ("maintenance_id", "maintenance_requests", "photos"),
)


def _attach_files(project: Project) -> None:
    """Give each prefetched record of ``project`` its files from one query of the project's attachments, as if
    each kind had been prefetched (seven queries, one per kind, before)."""
    loaded = getattr(project, "_prefetched_objects_cache", {})
    records = [
        (field, name, record)
        for field, relation, name in _ATTACHMENT_OWNERS
        if relation in loaded
        for record in getattr(project, relation).all()
    ]
    if "phases" in loaded:
        records += [
            ("inspection_id", "photos", inspection)
            for phase in project.phases.all()
            for inspection in phase.inspections.all()
        ]
    if not records:
        return
    fields = [field for field, _relation, _name in _ATTACHMENT_OWNERS] + ["inspection_id"]
    by_owner = {}
    for attachment in Attachment.objects.filter(project=project):  # Meta ordering: upload order
        for field in fields:
            owner = getattr(attachment, field)
            if owner is not None:
                by_owner.setdefault((field, owner), []).append(attachment)
    for field, name, record in records:
        queryset = getattr(record, name).get_queryset()  # builds the filtered queryset, runs nothing
        queryset._result_cache = by_owner.get((field, record.pk), [])
        queryset._prefetch_done = True
        record.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _disclosures():
    return TechnicalDisclosure.objects.select_related("designer", "project_manager", "crew")


def _completion_items():
    return CompletionItem.objects.select_related("collected_by").prefetch_related("files")


def _events():
    return ProjectEvent.objects.select_related("actor")


def late_items(project: Project, today: date | None = None) -> list[dict]:
    """What is late on the project (from its prefetched records): drawings, phases, budgets, maintenance."""
    today = today or timezone.localdate()
    late = []
    for task in project.drawing_tasks.all():
        if task.is_overdue(today):
            late.append(
                {
                    "what": _("Drawing: %(title)s") % {"title": task.title},
                    "due": task.deadline,
                    "who": task.assignee,
                    "tab": "drawings",
                }
            )
    for phase in project.phases.all():
        if phase.actual_finish is None and phase.planned_finish < today:
            late.append(
                {
                    "what": _("Phase not finished: %(phase)s") % {"phase": phase},
                    "due": phase.planned_finish,
                    "who": project.project_manager,
                    "tab": "schedule",
                }
            )
        latest = phase.latest_inspection()
        if (
            latest
            and latest.result == Inspection.Result.RECTIFY
            and latest.reinspect_by
            and latest.reinspect_by < today
        ):
            late.append(
                {
                    "what": _("Re-inspection: %(phase)s") % {"phase": phase},
                    "due": latest.reinspect_by,
                    "who": project.project_manager,
                    "tab": "inspections",
                }
            )
    for request in project.budget_requests.all():
        if request.is_overdue(today):
            late.append(
                {"what": _("Budget not returned"), "due": request.due_on, "who": request.clerk, "tab": "budget"}
            )
    for request in project.maintenance_requests.all():
        if request.is_overdue(today):
            late.append(
                {
                    "what": _("Maintenance: %(text)s") % {"text": str(request)},
                    "due": request.promised_on,
                    "who": project.project_manager,
                    "tab": "maintenance",
                }
            )
    return sorted(late, key=lambda item: item["due"])


GANTT_WEEK_LABELS = 6  # at most this many week labels, so that "12-07" labels never overlap (also on a phone)


def gantt_rows(project: Project, today: date | None = None) -> dict:
    """Bars for the schedule: planned and actual, as percentages of the project's time span.

    The span is the project's own dates (its phases, its planned start and finish), not today's: a schedule
    opened long after completion is not squeezed into a corner. Today's line shows only inside the span.
    Month ticks mark each first of a month inside the span; week lines are drawn every week but labelled
    only every ``step`` weeks (``labelled``)."""
    today = today or timezone.localdate()
    phases = list(project.phases.all())
    dates = [d for d in (project.planned_start, project.planned_finish) if d]
    for phase in phases:
        dates += [phase.planned_start, phase.planned_finish]
        dates += [d for d in (phase.actual_start, phase.actual_finish) if d]
    if any(p.actual_start and not p.actual_finish for p in phases):
        dates.append(today)  # a running phase's bar reaches today
    dates = dates or [today]
    start, end = min(dates), max(dates) + timedelta(days=1)
    span = max((end - start).days, 1)

    def left_of(day) -> float:
        return round((day - start).days / span * 100, 2)

    def bar(first, last):
        if first is None:
            return None
        last = min(last or max(today, first), end - timedelta(days=1))
        width = max(((last - first).days + 1) / span * 100, 0.8)
        return {"left": left_of(first), "width": round(width, 2)}

    rows = []
    for phase in phases:
        rows.append(
            {
                "phase": phase,
                "planned": bar(phase.planned_start, phase.planned_finish),
                "actual": bar(phase.actual_start, phase.actual_finish),
                "running": phase.actual_start is not None and phase.actual_finish is None,
                "late": phase.is_late(today),
            }
        )
    mondays = []
    cursor = start + timedelta(days=(7 - start.weekday()) % 7)
    while cursor < end:
        mondays.append(cursor)
        cursor += timedelta(days=7)
    step = max(1, -(-len(mondays) // GANTT_WEEK_LABELS))
    weeks = [{"date": d, "left": left_of(d), "labelled": i % step == 0} for i, d in enumerate(mondays)]
    firsts = []
    cursor = start.replace(day=1)
    while cursor < end:
        if cursor >= start:
            firsts.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    month_step = max(1, -(-len(firsts) // GANTT_WEEK_LABELS))
    months = [{"date": d, "left": left_of(d), "labelled": i % month_step == 0} for i, d in enumerate(firsts)]
    return {
        "rows": rows,
        "start": start,
        "end": end - timedelta(days=1),
        "today_left": left_of(today) if start <= today < end else None,
        "weeks": weeks,
        "months": months,
    }


def crew_list(*, active_only: bool = False) -> QuerySet:
    qs = Crew.objects.order_by("name", "pk").annotate(
        evaluation_count=Count("evaluations"),
        avg_quality=Avg("evaluations__quality"),
        avg_schedule=Avg("evaluations__schedule"),
        avg_tidiness=Avg("evaluations__tidiness"),
        avg_safety=Avg("evaluations__safety"),
        avg_cooperation=Avg("evaluations__cooperation"),
        avg_total=(
            Avg("evaluations__quality")
            + Avg("evaluations__schedule")
            + Avg("evaluations__tidiness")
            + Avg("evaluations__safety")
            + Avg("evaluations__cooperation")
        )
        / 5,
    )
    return qs.filter(is_active=True) if active_only else qs


def crew_history(*, crew: Crew, user: User) -> QuerySet:
    """The crew's score cards on projects ``user`` may see."""
    visible = Project.objects.visible_to(user).values("pk")
    return (
        CrewEvaluation.objects.filter(crew=crew, phase__project__in=visible)
        .select_related("phase__project", "evaluated_by")
        .order_by("-evaluated_on", "-pk")
    )


def attachment_for(*, user: User, token: str) -> Attachment:
    return get_object_or_404(
        Attachment.objects.filter(project__in=Project.objects.visible_to(user).values("pk")), token=token
    )


# --- Home panels -------------------------------------------------------------------------------------


def drawings_due_for(*, user: User, today: date, days: int = 3) -> QuerySet:
    return (
        DrawingTask.objects.filter(assignee=user, delivered_at=None, deadline__lte=today + timedelta(days=days))
        .select_related("project")
        .order_by("deadline", "pk")
    )


def plans_awaiting_confirmation(*, user: User) -> QuerySet:
    return (
        DesignPlan.objects.filter(status=DesignPlan.Status.SUBMITTED, project__designers=user)
        .select_related("project")
        .order_by("submitted_at")
    )


def budget_requests_of_designer(*, user: User) -> QuerySet:
    since = timezone.now() - timedelta(days=7)
    return (
        BudgetRequest.objects.filter(requested_by=user)
        .filter(Q(status=BudgetRequest.Status.REQUESTED) | Q(returned_at__gte=since))
        .select_related("project", "clerk")
        .order_by("status", "due_on")
    )


def budget_requests_waiting(*, clerk: User) -> QuerySet:
    qs = BudgetRequest.objects.filter(status=BudgetRequest.Status.REQUESTED)
    if not clerk.sees_all:
        qs = qs.filter(clerk=clerk)
    return qs.select_related("project", "requested_by").order_by("due_on", "pk")


def pm_today(*, user: User, today: date) -> dict:
    """The PM's day: projects under construction without today's log, inspections due, maintenance overdue."""
    building = Project.objects.filter(project_manager=user, phase=Project.Phase.CONSTRUCTION)
    logs_missing = building.exclude(site_logs__date=today).order_by("name")
    phases_due = (
        SchedulePhase.objects.filter(project__project_manager=user, project__phase=Project.Phase.CONSTRUCTION)
        .filter(actual_start__isnull=False, planned_finish__lte=today + timedelta(days=2))
        .exclude(inspections__result=Inspection.Result.PASS)
        .select_related("project")
        .order_by("planned_finish")
        .distinct()
    )
    maintenance = (
        MaintenanceRequest.objects.filter(project__project_manager=user, status=MaintenanceRequest.Status.OPEN)
        .filter(promised_on__lte=today)
        .select_related("project")
        .order_by("promised_on")
    )
    return {
        "logs_missing": list(logs_missing[:10]),
        "inspections_due": list(phases_due[:10]),
        "maintenance": list(maintenance[:10]),
    }


def client_timeline(client, user) -> list[dict]:
    """The client file's timeline rows of this app (teams/registry.py): the newest 20 projects."""
    return [
        {"at": p.created_at, "kind": Project._meta.verbose_name, "icon": "building", "text": p.name, "by": None}
        for p in Project.objects.visible_to(user).filter(client=client)[:20]
    ]


def due_today(team, user, today: date) -> list[DueCount]:
    """The team board's "due today" (teams/registry.py): per assignee the drawing tasks due by
    today and not delivered; per project manager the construction projects without today's site log."""
    visible = Project.objects.visible_to(user)
    drawings = (
        # Each open drawing task due of the team's people, then whether its project is visible (by its key).
        DrawingTask.objects.filter(Exists(visible.filter(pk=OuterRef("project_id"))))
        .filter(assignee__team=team, delivered_at=None, deadline__lte=today)
        .values("assignee_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today)))
    )
    logged = SiteLog.objects.filter(project=OuterRef("pk"), date=today)
    unlogged = (
        visible.filter(project_manager__team=team, phase=Project.Phase.CONSTRUCTION)
        .filter(~Exists(logged))
        .values("project_manager_id")
        .annotate(n=Count("pk"))
    )
    return [DueCount(r["assignee_id"], "drawings", r["n"], r["late"]) for r in drawings] + [
        DueCount(r["project_manager_id"], "site_logs_missing", r["n"]) for r in unlogged
    ]


def projects_assigned(*, user) -> QuerySet:
    """The ``client_access`` hook (teams/registry.py): a designer, assistant or PM sees the clients
    of the projects assigned to them."""
    return Project.objects.assigned_to(user)


# --- The client's page (portal/): one project, only what its client may see ----------------------------


def client_phases(*, project: Project) -> QuerySet:
    """The schedule with each phase's latest inspection (result and day), in one query."""
    latest = Inspection.objects.filter(phase=OuterRef("pk")).order_by("-inspected_on", "-pk")
    return (
        SchedulePhase.objects.filter(project=project)
        .annotate(
            last_result=Subquery(latest.values("result")[:1]),
            last_inspected_on=Subquery(latest.values("inspected_on")[:1]),
            inspection_passed=Exists(Inspection.objects.filter(phase=OuterRef("pk"), result=Inspection.Result.PASS)),
        )
        .order_by("order", "pk")
    )


def client_photos(*, project: Project, limit: int = 24) -> QuerySet:
    """Photos the PM marked 客户可见 (nothing is shown by default), newest first."""
    return (
        Attachment.objects.filter(project=project, client_visible=True, content_type__startswith="image/")
        .select_related("site_log", "inspection")
        .order_by("-uploaded_at", "-pk")[:limit]
    )


def client_photo(*, project: Project, token: str) -> Attachment:
    """One of the project's client-visible photos; anything else (another project's, a hidden one) is 404."""
    return get_object_or_404(
        Attachment, project=project, token=token, client_visible=True, content_type__startswith="image/"
    )


def client_plans_waiting(*, project: Project) -> QuerySet:
    return DesignPlan.objects.filter(project=project, status=DesignPlan.Status.SUBMITTED).order_by("-number")


def client_changes_waiting(*, project: Project) -> QuerySet:
    return DesignChange.objects.filter(project=project, status=DesignChange.Status.PROPOSED).order_by("created_at")


def client_change_orders_waiting(*, project: Project) -> QuerySet:
    return ChangeOrder.objects.filter(project=project, status=ChangeOrder.Status.DRAFT).order_by("created_at", "pk")

"""Reads: complaint lists scoped to the user, the complaint page, home panels, summaries."""

import datetime as dt

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.utils import timezone

from complaints.models import OPEN_STATES, Complaint, ComplaintEvent, ComplaintResolution, StandardAnswer
from teams.access import get_visible_or_404
from teams.models import User
from teams.numbers import round_half_up, seconds
from teams.registry import DueCount
from teams.roles import TEAM_ROLES, Role


def complaint_list(*, user, scope: str = "") -> QuerySet:
    """What ``user`` may see, narrowed to "mine" (handler or helper) or "team", with
    what a list row shows."""
    qs = Complaint.objects.visible_to(user)
    if scope == "mine" and user.role == Role.FRONT_DESK:
        pass  # the front desk sees what it registered, which is all of its "mine": the (registrar, time) index
    elif scope == "mine":
        qs = Complaint.objects.filter(pk__in=mine_ids(user, visible=qs))
    elif scope == "team" and user.team_id:
        qs = qs.filter(team_id=user.team_id)
    # What a row and the Excel export show (team, handler); more joins cost CPU per row, not only SQL time.
    return qs.select_related("team", "handler")


def mine_ids(user, *, visible: QuerySet) -> QuerySet:
    """The numbers of the ``visible`` complaints ``user`` handles, helps with or registered: a UNION of three
    index reads, each within what the user may see. (The OR across the helpers' join needed DISTINCT over the
    whole visible list: 417 ms for a project manager at 100,000 clients.)"""
    handled, helping, registered = (
        visible.filter(condition).order_by().values("pk")
        for condition in (Q(handler=user), Q(helpers=user), Q(registered_by=user))
    )
    if user.sees_all or user.role in TEAM_ROLES:
        # ``visible_to`` shows these users every complaint they help with: the helpers' own index suffices.
        helping = Complaint.helpers.through.objects.filter(user_id=user.pk).values("complaint_id")
    return handled.union(helping, registered)


def default_scope(user) -> str:
    if user.sees_all:
        return "all"
    if user.role == Role.CONSULTANT:
        return "team"
    return "mine"


def complaint_detail(*, user, pk: int) -> Complaint:
    qs = Complaint.objects.select_related(
        "team", "team__leader", "handler", "registered_by", "client", "project", "call"
    ).prefetch_related(
        "helpers",
        "attachments",
        Prefetch("events", queryset=ComplaintEvent.objects.select_related("actor")),
        Prefetch("resolutions", queryset=ComplaintResolution.objects.select_related("resolved_by")),
    )
    return get_visible_or_404(qs, user, pk=pk)


def complaint_page(*, user, pk: int) -> Complaint:
    """The complaint page (GET): the complaint with only the columns of the related rows the page shows.

    The full related rows (``complaint_detail``, which the actions use) made the SQL ~450 columns wide;
    compiling and reading them was a third of the page's CPU time (measured).
    """
    own = [f.attname for f in Complaint._meta.concrete_fields]
    person = ("full_name", "username")
    related = [
        "team__name",
        *(f"{rel}__{name}" for rel in ("handler", "registered_by") for name in person),
        "client__name",
        "project__name",
        "project__address",
        "call__called_at",
    ]
    people = User.objects.only(*person)
    qs = (
        Complaint.objects.select_related("team", "handler", "registered_by", "client", "project", "call")
        .only(*own, *related)
        .prefetch_related(
            Prefetch("helpers", queryset=people),
            "attachments",
            Prefetch(
                "events",
                queryset=ComplaintEvent.objects.select_related("actor").only(
                    *(f.attname for f in ComplaintEvent._meta.concrete_fields), *(f"actor__{n}" for n in person)
                ),
            ),
            Prefetch(
                "resolutions",
                queryset=ComplaintResolution.objects.select_related("resolved_by").only(
                    *(f.attname for f in ComplaintResolution._meta.concrete_fields),
                    *(f"resolved_by__{n}" for n in person),
                ),
            ),
        )
    )
    return get_visible_or_404(qs, user, pk=pk)


def client_other_complaints(*, user, complaint: Complaint, limit: int = 10) -> list[Complaint]:
    if complaint.client_id is None:
        return []
    return list(
        Complaint.objects.visible_to(user)
        .filter(client_id=complaint.client_id)
        .exclude(pk=complaint.pk)
        .only("pk", "state", "severity", "category", "registered_at", "ack_due_at", "resolve_due_at", "merged_into")[
            :limit
        ]
    )


def open_complaints_of_client(*, client_id: int, user, limit: int = 5) -> list[dict]:
    """The client's open complaints, newest first, for the registration form's "是否为同一投诉?": number, date,
    category, state and the start of the description; linked where ``user`` may open them. Two queries."""
    rows = list(
        Complaint.objects.filter(client_id=client_id, state__in=OPEN_STATES)
        .only("pk", "registered_at", "category", "state", "description")
        .order_by("-registered_at", "-pk")[:limit]
    )
    openable = (
        set(Complaint.objects.visible_to(user).filter(pk__in=[c.pk for c in rows]).values_list("pk", flat=True))
        if rows
        else set()
    )
    return [{"complaint": c, "openable": c.pk in openable} for c in rows]


def summary_figures(*, start: dt.date, end: dt.date, now: dt.datetime | None = None) -> dict:
    """Counts of complaints registered from ``start`` to ``end`` (inclusive, local dates):
    by category, team and state, overdue, major incidents, average times."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    # A duplicate merged into its original is counted once, as the original (complaint_merge).
    qs = Complaint.objects.filter(registered_at__gte=since, registered_at__lt=until, merged_into__isnull=True)
    categories = dict(Complaint.Category.choices)
    states = dict(Complaint.State.choices)
    by_category = qs.values("category").annotate(n=Count("pk")).order_by("-n", "category")
    order = list(Complaint.State.values)
    by_state = sorted(qs.values("state").annotate(n=Count("pk")).order_by(), key=lambda r: order.index(r["state"]))
    by_team = qs.values("team__name").annotate(n=Count("pk")).order_by("-n", "team__name")
    late_ack = Q(acknowledged_at__gt=F("ack_due_at")) | Q(acknowledged_at=None, ack_due_at__lt=now)
    late_resolve = Q(resolved_at__gt=F("resolve_due_at")) | Q(resolved_at=None, resolve_due_at__lt=now)
    totals = qs.aggregate(
        total=Count("pk"),
        major=Count("pk", filter=Q(severity=Complaint.Severity.MAJOR)),
        overdue=Count("pk", filter=late_ack | late_resolve),
        avg_ack=Avg(
            ExpressionWrapper(F("acknowledged_at") - F("registered_at"), output_field=DurationField()),
            filter=Q(acknowledged_at__isnull=False),
        ),
        avg_resolve=Avg(
            ExpressionWrapper(F("resolved_at") - F("registered_at"), output_field=DurationField()),
            filter=Q(resolved_at__isnull=False),
        ),
    )
    majors = qs.filter(severity=Complaint.Severity.MAJOR).select_related("team")[:50]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "total": totals["total"],
        "major_count": totals["major"],
        "overdue_count": totals["overdue"],
        # Exact durations, rounded half up (teams/numbers.py); stored as JSON numbers.
        "avg_ack_minutes": (
            int(round_half_up(seconds(totals["avg_ack"]) / 60, "1")) if totals["avg_ack"] is not None else None
        ),
        "avg_resolve_hours": (
            float(round_half_up(seconds(totals["avg_resolve"]) / 3600, "0.1"))
            if totals["avg_resolve"] is not None
            else None
        ),
        "by_category": [
            {"key": r["category"], "label": str(categories.get(r["category"], r["category"])), "count": r["n"]}
            for r in by_category
        ],
        "by_state": [
            {"key": r["state"], "label": str(states.get(r["state"], r["state"])), "count": r["n"]} for r in by_state
        ],
        "by_team": [{"label": r["team__name"], "count": r["n"]} for r in by_team],
        "majors": [
            {
                "pk": c.pk,
                "caller_name": c.caller_name,
                "team": c.team.name,
                "category": c.category,
                "state": c.state,
                "registered_at": c.registered_at.isoformat(),
            }
            for c in majors
        ],
    }


def relabel(figures: dict) -> dict:
    """Category and state labels in the reader's language (stored figures keep the keys)."""
    categories = dict(Complaint.Category.choices)
    states = dict(Complaint.State.choices)
    figures = dict(figures)
    figures["by_category"] = [{**r, "label": categories.get(r["key"], r["label"])} for r in figures["by_category"]]
    figures["by_state"] = [{**r, "label": states.get(r["key"], r["label"])} for r in figures["by_state"]]
    figures["majors"] = [
        {
            **m,
            "category_label": categories.get(m["category"], m["category"]),
            "state_label": states.get(m["state"], m["state"]),
            "registered_at": dt.datetime.fromisoformat(m["registered_at"]),
        }
        for m in figures["majors"]
    ]
    return figures


def panel_counts(*, user, now=None) -> dict:
    """Open and overdue complaints, mine and my team's (one query)."""
    now = now or timezone.now()
    qs = Complaint.objects.visible_to(user).filter(state__in=OPEN_STATES)
    overdue = Q(state=Complaint.State.REGISTERED, ack_due_at__lt=now) | Q(resolve_due_at__lt=now)
    mine = Q(handler=user)
    team = Q(team_id=user.team_id) if user.team_id else Q(pk__in=[])
    return qs.aggregate(
        mine_open=Count("pk", filter=mine),
        mine_overdue=Count("pk", filter=mine & overdue),
        team_open=Count("pk", filter=team),
        team_overdue=Count("pk", filter=team & overdue),
    )


def client_timeline(client, user) -> list[dict]:
    """The client file's timeline rows of this app (teams/registry.py)."""
    return [
        {
            "at": c.registered_at,
            "kind": Complaint._meta.verbose_name,
            "icon": "exclamation-triangle",
            "text": f"{c.get_category_display()} · {c.get_state_display()}",
            "by": c.registered_by,
        }
        for c in Complaint.objects.visible_to(user).filter(client=client).select_related("registered_by")[:100]
    ]


def due_today(team, user, today: dt.date) -> list[DueCount]:
    """The team board's "due today" (teams/registry.py): per handler, the open complaints to
    acknowledge or resolve by the end of today, and how many of them are already late."""
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=1)
    registered = Complaint.State.REGISTERED
    due = Q(resolve_due_at__lt=end) | Q(state=registered, ack_due_at__lt=end)
    late = Q(resolve_due_at__lt=start) | Q(state=registered, ack_due_at__lt=start)
    rows = (
        Complaint.objects.visible_to(user)
        .filter(handler__team=team, state__in=OPEN_STATES)
        .filter(due)
        .values("handler_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=late))
    )
    return [DueCount(r["handler_id"], "complaints", r["n"], r["late"]) for r in rows]


def standard_answers(*, fields, category: str | None = None) -> dict[str, list[StandardAnswer]]:
    """The active standard answers (常用语) of ``fields``, by field; with ``category`` only that category's and
    those for every category. One query."""
    qs = StandardAnswer.objects.filter(is_active=True, field__in=fields)
    if category:
        qs = qs.filter(category__in=[category, ""])
    answers: dict[str, list[StandardAnswer]] = {field: [] for field in fields}
    for answer in qs.only("field", "category", "title", "text"):
        answers[answer.field].append(answer)
    return answers

"""The dashboard and its drill-downs: the records behind each figure, as a page or a spreadsheet."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clients.models import Contract
from complaints.models import Complaint
from performance import selectors
from performance.metrics import METRICS
from performance.templatetags.performance_tags import format_value
from performance.views.common import (
    PAGE_SIZE,
    _today,
    period_choices,
    period_kinds,
    resolve_period,
    resolve_scope,
    scope_params,
    scope_title,
)
from teams.access import ALL_ROLES, role_required
from teams.models import Team
from teams.ordering import by_name


def _numbers(values):
    return [float(v) if v is not None else None for v in values]


def trend_chart(data, labels) -> dict:
    """Counts on the left axis, percentages on the right: one measure per axis, each labelled."""
    series = data["trend"]["series"]
    keys = [k for k in selectors.TREND_KEYS if k in series]
    axis_of = {k: 1 if METRICS[k].unit == "pct" else 0 for k in keys}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [labels[k] for k in keys], "type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 8, "top": 56, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": data["trend"]["months"]},
        "yAxis": [
            {"type": "value", "name": _("Count"), "minInterval": 1},
            {
                "type": "value",
                "name": _("Percent (%)"),
                "min": 0,
                "max": 100,
                "axisLabel": {"formatter": "{value}%"},
                "splitLine": {"show": False},
            },
        ],
        "series": [
            {"name": labels[k], "type": "line", "yAxisIndex": axis_of[k], "data": _numbers(series[k])} for k in keys
        ],
    }


def category_chart(data) -> dict:
    """Horizontal bars: every category's label reads in full, however many there are."""
    names = [selectors.category_label(c) for c in data["categories"]]
    return {
        "tooltip": {},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
        "yAxis": {"type": "category", "data": names, "inverse": True, "axisLabel": {"interval": 0}},
        "xAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "data": list(data["categories"].values()), "name": _("Complaints")}],
    }


def sparkline(values, months) -> dict:
    """A tile's small line: no axes, the months in the tooltip."""
    return {
        "animation": False,
        "grid": {"left": 2, "right": 2, "top": 4, "bottom": 4},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": months, "show": False, "boundaryGap": False},
        "yAxis": {"type": "value", "show": False, "scale": True},
        "series": [{"type": "line", "data": _numbers(values), "symbol": "none", "areaStyle": {"opacity": 0.15}}],
    }


def team_table(data, period) -> list[dict]:
    """The table by team: a row per figure, its value for each team formatted as the page shows figures (the
    ``metric_value`` filter) and linked to its drill-down. 21 teams × 30 figures are 600 cells: they are joined
    here with ``format_html_join`` (escaped as the template would) rather than by the template's loop."""
    if not data["teams"]:
        return []
    keys = [k for k in selectors.DASHBOARD_KEYS if k in data["teams"][0]["values"]]
    rows = []
    for key in keys:
        url, unit = reverse("performance:drill", args=[key]), METRICS[key].unit
        cells = format_html_join(
            "",
            '<td class="text-end"><a href="{}?{}&team={}">{}</a></td>',
            ((url, period.query, t["id"], format_value(t["values"].get(key), unit)) for t in data["teams"]),
        )
        rows.append({"label": METRICS[key].label, "cells": cells})
    return rows


class Figures:
    """What the cached fragment of the page shows besides ``data``: the charts, the tiles and the table by team.
    Built only when the fragment is rendered, not on every view of the cached page (tests/performance)."""

    def __init__(self, data, period):
        self.data, self.period = data, period

    @cached_property
    def labels(self) -> dict:
        return {key: str(metric.label) for key, metric in METRICS.items()}

    @cached_property
    def trend(self) -> dict:
        return trend_chart(self.data, self.labels)

    @cached_property
    def categories(self) -> dict:
        return category_chart(self.data)

    @cached_property
    def tiles(self) -> list[dict]:
        months = self.data["trend"]["months"]
        return [
            {**tile, "chart_id": f"spark-{tile['key']}", "chart": sparkline(tile["spark"], months)}
            for tile in self.data["tiles"]
        ]

    @cached_property
    def teams_chart(self) -> dict | None:
        teams, labels = self.data["teams"], self.labels
        if not teams:
            return None
        return {
            "tooltip": {"trigger": "axis"},
            "legend": {"data": [labels["signings"], labels["complaints_registered"]]},
            "xAxis": {"type": "category", "data": [t["name"] for t in teams], "axisLabel": {"interval": 0}},
            "yAxis": {"type": "value", "minInterval": 1, "name": _("Count")},
            "series": [
                {"name": labels[k], "type": "bar", "data": [t["values"].get(k) or 0 for t in teams]}
                for k in ("signings", "complaints_registered")
            ],
        }

    @cached_property
    def teams_table(self) -> list[dict]:
        return team_table(self.data, self.period)


@role_required(ALL_ROLES)
def dashboard(request):
    user = request.user
    scope = resolve_scope(user, team_id=request.GET.get("team"), person_id=request.GET.get("person"))
    period, period_error = resolve_period(request.GET)
    data = selectors.dashboard_data(period=period, scope=scope, money=selectors.sees_money(user))
    today = _today()
    context = {
        "data": data,
        "scope": scope,
        "scope_title": scope_title(scope),
        "scope_params": scope_params(scope),
        "period": period,
        "previous": period.previous(),
        "period_error": period_error,
        "kinds": period_kinds(today),
        "next_period": period.next() if period.end <= today else None,
        **period_choices(today),
        "computed_at": parse_datetime(data["computed_at"]),
        "figures": Figures(data, period),
        "teams": by_name(Team.objects.filter(is_active=True).only("pk", "name")) if user.sees_all else [],
        "recount_at": parse_datetime(data["recount"]["ran_at"]) if data.get("recount") else None,
        "money": selectors.sees_money(user),
        "fragment_seconds": settings.PERFORMANCE_DASHBOARD_CACHE_SECONDS * 2,
    }
    return render(request, "performance/dashboard.html", context)


# Columns of the drill-down list per model: (header, function of the row).
def _link(url_name, pk, text):
    try:
        return {"url": reverse(url_name, args=[pk]), "text": text}
    except NoReverseMatch:
        return text


def _dt(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


DRILL_COLUMNS = {
    "Client": (
        ["team", "consultant"],
        lambda: [_("Client"), _("Team"), _("Consultant"), _("Stage"), _("Created"), _("Signed on"), _("Lost at")],
        lambda o: [
            _link("clients:detail", o.pk, o.name),
            o.team.name,
            str(o.consultant or "—"),
            o.get_stage_display(),
            _dt(o.created_at),
            str(o.signed_on or "—"),
            _dt(o.lost_at),
        ],
    ),
    "Contract": (
        ["team", "client", "signed_by"],
        lambda: [_("Contract"), _("Client"), _("Team"), _("Signed on"), _("Signed by"), _("Amount (yuan)")],
        lambda o: [
            o.number,
            o.client.name,
            o.team.name,
            str(o.signed_date),
            str(o.signed_by),
            f"{o.total_amount:,.2f}",
        ],
    ),
    "PaymentStage": (
        ["contract__team", "contract__client"],
        lambda: [_("Contract"), _("Client"), _("Team"), _("Stage"), _("Pay by"), _("Outstanding (yuan)")],
        lambda o: [
            _link("clients:contract_detail", o.contract_id, o.contract.number),
            o.contract.client.name,
            o.contract.team.name,
            o.name,
            str(o.due_date or "—"),
            f"{o.outstanding:,.2f}",
        ],
    ),
    "Receipt": (
        ["contract__team", "contract__client", "stage"],
        lambda: [_("Contract"), _("Client"), _("Team"), _("Stage"), _("Received on"), _("Amount (yuan)")],
        lambda o: [
            _link("clients:contract_detail", o.contract_id, o.contract.number),
            o.contract.client.name,
            o.contract.team.name,
            o.stage.name,
            str(o.received_on),
            f"{o.amount:,.2f}",
        ],
    ),
    "ChangeOrder": (
        ["contract__team", "project"],
        lambda: [_("Change order"), _("Project"), _("Team"), _("Approved at"), _("Total (yuan)")],
        lambda o: [
            o.number,
            _link("projects:detail", o.project_id, o.project.name),
            o.contract.team.name,
            _dt(o.approved_at),
            f"{o.total:,.2f}",
        ],
    ),
    "FollowUpVisit": (
        ["client", "team", "owner"],
        lambda: [_("Client"), _("Visit point"), _("Owner"), _("Due date"), _("Done at"), _("Satisfaction")],
        lambda o: [o.client.name, o.point, str(o.owner), str(o.due_date), _dt(o.done_at), o.satisfaction or "—"],
    ),
    "Complaint": (
        ["team", "handler", "client"],
        lambda: [
            _("Complaint"),
            _("Team"),
            _("Category"),
            _("Severity"),
            _("State"),
            pgettext("date", "Registered"),
            _("Resolve by"),
            _("Resolved at"),
        ],
        lambda o: [
            _link("complaints:detail", o.pk, f"#{o.pk} {o.caller_name}"),
            o.team.name,
            o.get_category_display(),
            o.get_severity_display(),
            o.get_state_display(),
            _dt(o.registered_at),
            _dt(o.resolve_due_at),
            _dt(o.resolved_at),
        ],
    ),
    "Project": (
        ["team", "project_manager"],
        lambda: [
            _("Project"),
            _("Team"),
            _("Project manager"),
            _("Planned finish"),
            _("Actual start"),
            _("Actual finish"),
        ],
        lambda o: [
            _link("projects:detail", o.pk, o.name),
            o.team.name,
            str(o.project_manager or "—"),
            str(o.planned_finish or "—"),
            str(o.actual_start or "—"),
            str(o.actual_finish or "—"),
        ],
    ),
    "DrawingTask": (
        ["project", "assignee"],
        lambda: [_("Drawing"), _("Project"), _("Assigned to"), _("Deadline"), _("Delivered at")],
        lambda o: [o.title, o.project.name, str(o.assignee), str(o.deadline), _dt(o.delivered_at)],
    ),
    "SchedulePhase": (
        ["project"],
        lambda: [_("Phase"), _("Project"), _("Planned finish"), _("Actual finish")],
        lambda o: [o.get_kind_display(), o.project.name, str(o.planned_finish), str(o.actual_finish or "—")],
    ),
    "Inspection": (
        ["phase__project", "inspector"],
        lambda: [_("Project"), _("Phase"), _("Inspector"), _("Inspected on"), _("Result")],
        lambda o: [
            o.phase.project.name,
            o.phase.get_kind_display(),
            str(o.inspector),
            str(o.inspected_on),
            o.get_result_display(),
        ],
    ),
    "CrewEvaluation": (
        ["crew", "phase__project", "evaluated_by"],
        lambda: [_("Crew"), _("Project"), _("Evaluated by"), _("Evaluated on")],
        lambda o: [o.crew.name, o.phase.project.name, str(o.evaluated_by), str(o.evaluated_on)],
    ),
    "Call": (
        ["logged_by", "forward_to", "forward_team"],
        lambda: [
            _("Caller"),
            pgettext("call or visit", "Purpose"),
            _("Forwarded to"),
            _("Forwarded at"),
            _("Acknowledge by"),
            _("Acknowledged at"),
        ],
        lambda o: [
            o.caller_name,
            o.purpose,
            str(o.forward_to or o.forward_team or "—"),
            _dt(o.forwarded_at),
            _dt(o.ack_due_at),
            _dt(o.acknowledged_at),
        ],
    ),
    "PhoneCall": (
        ["client", "user", "handled_by"],
        lambda: [_("Time"), _("Caller"), _("Extension"), _("State"), _("Handled")],
        lambda o: [
            _dt(o.rang_at),
            o.client.name if o.client else o.masked_from,
            f"{o.extension} {o.user or ''}".strip() or "—",
            o.get_state_display(),
            _dt(o.handled_at),
        ],
    ),
    "Meeting": (
        ["team", "chair"],
        lambda: [_("Team"), _("Date"), _("Chair")],
        lambda o: [o.team.name, str(o.date), str(o.chair or "—")],
    ),
    "MeetingAttendance": (
        ["meeting__team", "member"],
        lambda: [_("Team"), _("Date"), _("Member"), _("Status"), _("Reason")],
        lambda o: [o.meeting.team.name, str(o.meeting.date), str(o.member), o.get_status_display(), o.reason],
    ),
    "ActionItem": (
        ["meeting__team", "owner"],
        lambda: [pgettext("action item", "Action"), _("Team"), _("Owner"), _("Due date"), _("Done at")],
        lambda o: [o.text, o.meeting.team.name, str(o.owner), str(o.due_date or "—"), _dt(o.done_at)],
    ),
    "Training": (
        ["team"],
        lambda: [_("Topic"), _("Trainer"), _("Date"), _("Team")],
        lambda o: [o.topic, o.trainer, str(o.date), str(o.team or _("Company-wide"))],
    ),
    "ClientAction": (
        ["project", "team"],
        lambda: [
            _("Project"),
            _("Team"),
            pgettext("drill-down", "What"),
            pgettext("drill-down", "Client rating"),
            _("Comment"),
            _("At"),
        ],
        lambda o: [
            _link("projects:detail", o.project_id, o.project.name),
            o.team.name,
            o.get_kind_display(),
            str(o.rating or "—"),
            o.comment or "—",
            _dt(o.at),
        ],
    ),
    "TrainingAttendance": (
        ["training", "member"],
        lambda: [_("Topic"), _("Date"), _("Member")],
        lambda o: [o.training.topic, str(o.training.date), str(o.member)],
    ),
}


# Per model, what the rows need beyond their own fields: a lead's first signing date shows why it
# counts (or not) in "signed within N days".
DRILL_ANNOTATIONS = {
    "Client": lambda: {
        "signed_on": Subquery(
            Contract.objects.filter(client=OuterRef("pk")).order_by("signed_date").values("signed_date")[:1]
        )
    },
}


def drill_queryset(user, metric, period, scope, *, category=None, now=None):
    """Exactly the metric's records (same function, same filter), limited to what ``user`` may see."""
    qs = metric.queryset(period, scope, now=now)
    if category:
        if metric.model is not Complaint or category not in Complaint.Category.values:
            raise Http404
        qs = qs.filter(category=category)
    if hasattr(qs, "visible_to"):
        qs = qs.visible_to(user)
    return qs


@role_required(ALL_ROLES)
def drill(request, key):
    metric = METRICS.get(key)
    if metric is None:
        raise Http404
    user = request.user
    if metric.key in selectors.MONEY_KEYS and not selectors.sees_money(user):
        raise Http404
    scope = resolve_scope(user, team_id=request.GET.get("team"), person_id=request.GET.get("person"))
    if not metric.applies_to(scope):
        raise Http404
    period, period_error = resolve_period(request.GET)
    category = request.GET.get("category") or None
    related, headers, cells = DRILL_COLUMNS[metric.model.__name__]
    qs = drill_queryset(user, metric, period, scope, category=category).select_related(*related).order_by("-pk")
    if metric.model.__name__ in DRILL_ANNOTATIONS:
        qs = qs.annotate(**DRILL_ANNOTATIONS[metric.model.__name__]())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"cells": cells(obj), "hit": getattr(obj, "metric_hit", None)} for obj in page]
    counted = metric.queryset(period, scope).filter(category=category).count() if category else None
    if counted is None:
        counted = metric.queryset(period, scope).count()
    return render(
        request,
        "performance/drill.html",
        {
            "metric": metric,
            "value": metric.value(period, scope) if not category else None,
            # A cohort still inside its window (leads signed within N days): the value may still grow.
            "matured": metric.matured(period, _today()),
            "period": period,
            "period_error": period_error,
            "scope": scope,
            "scope_title": scope_title(scope),
            "scope_params": scope_params(scope),
            "category": selectors.category_label(category) if category else "",
            "headers": headers(),
            "rows": rows,
            "page": page,
            "is_ratio": metric.hit is not None,
            "hidden": counted - page.paginator.count,
        },
    )

"""Reads of the performance app: card progress, dashboards, report figures.

Every number comes from ``performance.metrics``; these functions only choose
which metrics, periods and scopes a page shows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import LostLeadReport
from complaints.models import Complaint
from performance.metrics import (
    COMPANY,
    METRICS,
    Period,
    Scope,
    complaints_by_category,
    figures,
    figures_by_team,  # noqa: F401 (re-exported: the teams' figures of the receivables board and tests)
    figures_with_teams,
    ratio,
    round_half_up,
)
from performance.models import FactRecount, Highlight, TargetCard, TeamTarget
from teams.models import Team
from teams.ordering import by_name
from teams.roles import Role

DASHBOARD_SECTIONS = [
    (
        "business",
        ["leads_new", "lead_conversion", "leads_lost", "signings", "contract_value"],
    ),
    ("money", ["money_received", "receivables_overdue", "receivables_expected", "change_orders_approved"]),
    ("projects", ["projects_started", "projects_completed", "projects_late"]),
    ("delivery", ["drawings_on_time", "phases_on_schedule", "inspection_pass_rate"]),
    (
        "complaints",
        [
            "complaints_registered",
            "complaints_open",
            "complaints_overdue",
            "complaints_major",
            "complaints_ack_in_time",
            "complaints_resolved_in_time",
            "complaint_ack_minutes",
            "complaint_resolve_hours",
        ],
    ),
    ("service", ["followups_done", "followups_on_time", "satisfaction", "client_rating"]),
    ("team_life", ["meetings_held", "meeting_attendance"]),
    ("reception", ["calls_ack_in_time", "calls_missed", "calls_missed_called_back"]),
]
DASHBOARD_KEYS = [key for _section, keys in DASHBOARD_SECTIONS for key in keys]
TREND_KEYS = ["leads_new", "signings", "complaints_registered", "followups_on_time"]
# The tiles above the tables: what the deputy GM looks at first, each with its sparkline
# over the trend months (computed in the same queries as the trend).
TILE_KEYS = ["leads_new", "signings", "contract_value", "lead_conversion", "complaints_registered", "followups_on_time"]
SPARK_KEYS = list(dict.fromkeys(TREND_KEYS + TILE_KEYS))
TREND_MONTHS = 6
# Figures that are money: only for those who may see contracts.
MONEY_KEYS = {
    "contract_value",
    "money_received",
    "receivables_due",
    "receivables_expected",
    "receivables_overdue",
    "receivables_overdue_30",
    "receivables_overdue_60",
    "receivables_overdue_over_60",
    "change_orders_approved",
}

REPORT_SECTIONS = [
    (
        "management",
        ["meetings_held", "meeting_attendance", "trainings_held", "trainings_attended", "action_items_closed"],
    ),
    (
        "business",
        [
            "leads_new",
            "lead_conversion",
            "leads_lost",
            "signings",
            "contract_value",
            "money_received",
            "receivables_overdue",
            "projects_started",
            "projects_completed",
            "projects_late",
        ],
    ),
    (
        "service",
        [
            "complaints_registered",
            "complaints_major",
            "complaints_closed",
            "complaints_ack_in_time",
            "complaints_resolved_in_time",
            "complaint_ack_minutes",
            "complaint_resolve_hours",
            "followups_done",
            "followups_on_time",
            "satisfaction",
            "client_rating",
        ],
    ),
]
REPORT_KEYS = [key for _section, keys in REPORT_SECTIONS for key in keys]

# Team targets and the metric each is measured by.
TEAM_TARGET_METRICS = [
    ("signings", "signings"),
    ("contract_value", "contract_value"),
    ("complaint_closure", "complaints_closed"),
    ("satisfaction", "satisfaction"),
]


def section_label(name: str) -> str:
    return {
        "business": _("Leads and signings"),
        "money": _("Contract money"),
        "projects": _("Projects"),
        "delivery": _("Design and construction"),
        "reception": _("Front-desk calls"),
        "complaints": _("Complaints"),
        "service": _("Service"),
        "team_life": _("Team life"),
        "management": _("Management activities"),
    }[name]


def sees_money(user) -> bool:
    return user.sees_all or user.role == Role.CONSULTANT


def achievement(actual, target) -> Decimal | None:
    """Actual as a percentage of target."""
    return ratio(actual, target)


# --- target cards -------------------------------------------------------------------


def card_progress(card: TargetCard, *, now: dt.datetime | None = None) -> list[dict]:
    """Each item of ``card`` with its actual, % of target and score.

    Computed items take their actual from the metric (one query per model), until
    the appraisal is approved: then the frozen value counts.
    """
    from performance.services import item_score

    items = list(card.items.all())
    period = Period.month_of(card.month)
    today = timezone.localdate(now) if now else timezone.localdate()
    live = {}
    if not card.is_locked:
        metrics = [METRICS[i.metric] for i in items if i.metric in METRICS]
        live = figures(metrics, {"c": period}, Scope(person_id=card.member_id), now=now)
    rows = []
    for item in items:
        actual = item.actual if item.is_manual or card.is_locked else live.get(("c", item.metric))
        rows.append(
            {
                "item": item,
                "metric": METRICS.get(item.metric),
                "actual": actual,
                "achievement": achievement(actual, item.target),
                "score": item_score(actual, item.target, item.weight),
                # A cohort figure of a month whose window is still open is not final (未满期).
                "matured": item.metric not in METRICS or METRICS[item.metric].matured(period, today),
            }
        )
    return rows


def card_total(rows: list[dict], adjustment=Decimal(0)) -> Decimal:
    """The sum of the item scores plus the consultant's adjustment.

    An item with nothing to measure this month (no drawing due, no inspection)
    has no score; the scored items then count in proportion to their weights,
    so nobody loses points for work that did not exist.
    """
    scored = [row for row in rows if row["score"] is not None]
    all_weights = sum(row["item"].weight for row in rows)
    scored_weights = sum(row["item"].weight for row in scored)
    total = Decimal(0)
    if scored_weights:
        total = sum((row["score"] for row in scored), Decimal(0)) * all_weights / scored_weights
    return round_half_up(total + (adjustment or 0))


def current_card(user, today: dt.date):
    return TargetCard.objects.filter(member=user, month=today.replace(day=1)).prefetch_related("items").first()


# --- dashboards ---------------------------------------------------------------------


def _serial(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value)
    return value


def dashboard_data(*, period: Period, scope: Scope, money: bool, now: dt.datetime | None = None) -> dict:
    """Everything a dashboard shows, computed with a fixed number of queries, cached.

    ``computed_at`` tells the page how fresh the figures are (at most
    ``PERFORMANCE_DASHBOARD_CACHE_SECONDS`` old, whatever the period kind).
    """
    seconds = settings.PERFORMANCE_DASHBOARD_CACHE_SECONDS
    key = _dashboard_key(period=period, scope=scope, money=money)
    if seconds and now is None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    data = _compute_dashboard(period=period, scope=scope, money=money, now=now)
    if seconds and now is None:
        cache.set(key, data, seconds)
    return data


def _dashboard_key(*, period: Period, scope: Scope, money: bool) -> str:
    return f"performance:dashboard:v3:{scope.key}:{period.kind}:{period.key}:{int(money)}"


def dashboards_warm(*, today: dt.date | None = None) -> int:
    """Recompute the most opened dashboards into the cache, so nobody waits for them.

    The company's month and year (as the deputy GM sees them) and each active
    team's month (as its consultant sees it). Run by beat more often than the
    cache expires; the page still says how fresh the figures are. Others are
    computed on first view and cached as usual.
    """
    seconds = settings.PERFORMANCE_DASHBOARD_CACHE_SECONDS
    if not seconds:
        return 0
    today = today or timezone.localdate()
    wanted = [(Period.month_of(today), COMPANY), (Period.year_of(today), COMPANY)]
    wanted += [
        (Period.month_of(today), Scope(team_id=pk))
        for pk in Team.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    ]
    for period, scope in wanted:
        data = _compute_dashboard(period=period, scope=scope, money=True, now=None)
        # Twice the refresh interval: a late beat never leaves a gap.
        cache.set(_dashboard_key(period=period, scope=scope, money=True), data, seconds * 2)
    return len(wanted)


def trend_months(period: Period, today: dt.date) -> list[Period]:
    """The months of the trend line, oldest first.

    A year: its twelve months. Otherwise the ``TREND_MONTHS`` months ending with
    the period's last month (or the current month, while the period is running).
    """
    if period.kind == "year":
        return period.months()
    last = Period.month_of(min(period.last_day, max(today, period.start)))
    months = [last]
    for _i in range(TREND_MONTHS - 1):
        months.append(months[-1].previous())
    return list(reversed(months))


def _compute_dashboard(*, period: Period, scope: Scope, money: bool, now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    keys = [k for k in DASHBOARD_KEYS if money or k not in MONEY_KEYS]
    metrics = [METRICS[k] for k in keys if METRICS[k].applies_to(scope)]
    previous = period.previous()
    # The period and the previous one for every figure; the trend months for the trend
    # lines only, all in the same conditional-aggregation query per model. A trend month
    # that is the period (or the previous one) reuses its figures; a month not begun yet
    # has no point.
    periods = {"cur": period, "prev": previous}
    months = trend_months(period, today)
    month_tags = []
    for i, month in enumerate(months):
        tag = next((t for t, p in (("cur", period), ("prev", previous)) if p == month), None)
        if tag is None and month.start <= today:
            tag = f"t{i}"
            periods[tag] = month
        month_tags.append(tag)
    trend_only = {tag: set(SPARK_KEYS) for tag in periods if tag not in ("cur", "prev")}
    # Team targets are set per month: they are compared on a month's dashboard only.
    monthly = period.kind == "month"
    # What the targets compare and the dashboard does not show: the current period only.
    missing = [METRICS[m] for _f, m in TEAM_TARGET_METRICS if m not in keys] if monthly else []
    by_team = {}
    only = {**trend_only, "prev": set(keys)}
    if scope.kind == "company":
        # The company's figures and the teams' column from the same grouped queries.
        values, by_team = figures_with_teams(metrics + missing, periods, team_tag="cur", now=now, only=only)
    elif scope.kind == "team":
        values = figures(metrics + missing, periods, scope, now=now, only=only)
    else:
        values = figures(metrics, periods, scope, now=now, only=trend_only)

    def row(key):
        metric = METRICS[key]
        current, before = values[("cur", key)], values[("prev", key)]
        # A cohort not matured yet has no final value: no change is computed against it.
        matured, before_matured = metric.matured(period, today), metric.matured(previous, today)
        comparable = matured and before_matured and current is not None and before is not None
        return {
            "key": key,
            "current": _serial(current),
            "previous": _serial(before),
            "matured": matured,
            "previous_matured": before_matured,
            "change": _serial(current - before) if comparable else None,
        }

    sections = []
    for name, section_keys in DASHBOARD_SECTIONS:
        rows = [row(key) for key in section_keys if METRICS[key] in metrics]
        if rows:
            sections.append({"name": name, "rows": rows})
    trend = {
        "months": [p.key for p in months],
        "series": {
            key: [
                _serial(values[(tag, key)]) if tag and METRICS[key].matured(month, today) else None
                for tag, month in zip(month_tags, months, strict=True)
            ]
            for key in SPARK_KEYS
            if METRICS[key] in metrics
        },
    }
    tiles = [{**row(key), "spark": trend["series"][key]} for key in TILE_KEYS if METRICS[key] in metrics]
    categories = complaints_by_category(period, scope, now=now)
    data = {
        "period": period.key,
        "kind": period.kind,
        "computed_at": timezone.localtime(now).isoformat(),
        "sections": sections,
        "tiles": tiles,
        "trend": trend,
        "categories": categories,
        "teams": [],
        "targets": [],
        "recount": None,
    }
    if scope.kind == "company":
        # The company's page (the deputy GM's) says when the daily rollups were last recounted, and what that repaired.
        last = FactRecount.objects.first()
        if last is not None:
            data["recount"] = {"ran_at": timezone.localtime(last.ran_at).isoformat(), "drifted": last.drifted}
        data["teams"] = [
            {
                "id": team.pk,
                "name": team.name,
                "values": {key: _serial(by_team.get(team.pk, {}).get(key, _empty(METRICS[key]))) for key in keys},
            }
            for team in by_name(Team.objects.filter(is_active=True))
        ]
        team_values = by_team
        targets = TeamTarget.objects.filter(month=period.start).select_related("team") if monthly else []
    elif scope.kind == "team" and monthly:
        wanted = keys + [m.key for m in missing]
        team_values = {scope.team_id: {k: values[("cur", k)] for k in wanted if ("cur", k) in values}}
        targets = TeamTarget.objects.filter(month=period.start, team_id=scope.team_id).select_related("team")
    else:
        targets, team_values = [], {}
    for target in by_name(targets, lambda target: target.team.name):
        rows = []
        for field, metric_key in TEAM_TARGET_METRICS:
            if metric_key in MONEY_KEYS and not money:
                continue
            actual = team_values.get(target.team_id, {}).get(metric_key, _empty(METRICS[metric_key]))
            goal = getattr(target, field)
            rows.append(
                {
                    "key": metric_key,
                    "target": _serial(Decimal(goal)),
                    "actual": _serial(actual),
                    "achievement": _serial(achievement(actual, goal)),
                }
            )
        data["targets"].append({"team_id": target.team_id, "team": target.team.name, "rows": rows})
    return data


def _empty(metric):
    if metric.kind == "count":
        return 0
    if metric.kind == "sum":
        return Decimal(0)
    return None


# --- monthly report -------------------------------------------------------------------


def report_data(*, team: Team, period: Period, now: dt.datetime | None = None) -> dict:
    """The figures, lists and texts of a team's monthly report, as JSON-safe data."""
    now = now or timezone.now()
    # "Trainings held" is counted from the sessions the report lists (below), not by a query of its own.
    metrics = [METRICS[k] for k in REPORT_KEYS if k != "trainings_held"]
    team_scope = Scope(team_id=team.pk)
    # The team's and the company's figures in the same query per model.
    values = figures(metrics, {"t": period, "c": period}, now=now, tag_scopes={"t": team_scope, "c": COMPANY})
    # Every session of the period (a short list), the team's being its own and the company-wide ones: the
    # metric's ``team_q``; so the list and the figure agree.
    sessions = list(METRICS["trainings_held"].queryset(period, COMPANY, now=now).order_by("date", "pk"))
    trainings = [t for t in sessions if t.team_id in (team.pk, None)]
    values[("t", "trainings_held")], values[("c", "trainings_held")] = len(trainings), len(sessions)
    majors = (
        METRICS["complaints_major"]
        .queryset(period, team_scope, now=now)
        .select_related("client")
        .order_by("registered_at")[:20]
    )
    lost = LostLeadReport.objects.filter(team=team, month=period.start).first()
    highlights = Highlight.objects.filter(
        team=team, created_at__gte=period.start_dt, created_at__lt=period.end_dt
    ).select_related("member")
    categories = complaints_by_category(period, team_scope, now=now)
    return {
        "team": team.name,
        "month": period.key,
        "computed_at": timezone.localtime(now).isoformat(),
        "sections": [{"name": name, "keys": keys} for name, keys in REPORT_SECTIONS],
        "team_figures": {k: _serial(values[("t", k)]) for k in REPORT_KEYS},
        "company_figures": {k: _serial(values[("c", k)]) for k in REPORT_KEYS},
        # Cohort figures whose window had not closed when computed (未满期): not final, marked so.
        "not_matured": [k for k in REPORT_KEYS if not METRICS[k].matured(period, timezone.localdate(now))],
        "categories": [[value, count] for value, count in categories.items()],
        "major_incidents": [
            {
                "registered_at": timezone.localtime(c.registered_at).strftime("%Y-%m-%d %H:%M"),
                "category": c.category,
                "client": c.client.name if c.client else c.caller_name,
                "description": c.description[:200],
                "state": c.state,
            }
            for c in majors
        ],
        "lost_leads": {"conclusions": lost.conclusions, "actions": lost.actions} if lost else None,
        "highlights": [
            {"title": h.title, "member": h.member.full_name if h.member else "", "story": h.story} for h in highlights
        ],
        "trainings": [{"topic": t.topic, "date": t.date.isoformat()} for t in trainings],
    }


def category_label(value: str) -> str:
    return str(Complaint.Category(value).label) if value in Complaint.Category.values else value


def state_label(value: str) -> str:
    return str(Complaint.State(value).label) if value in Complaint.State.values else value

"""Client reads: every function scopes to what ``user`` may see first."""

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import (
    PIPELINE,
    SLIPPING_DAYS,
    AccessLog,
    ArchiveHandover,
    ArchiveLoan,
    Client,
    ClientConsent,
    ClientEvent,
    Contract,
    ContractAttachment,
    ContractChange,
    FollowUpVisit,
    LostLeadReport,
    PaymentStage,
    PrivacyRequest,
    PrivacyRequestStep,
)
from teams.numbers import MoneySum, mean
from teams.registry import DueCount, client_timeline_rows, run_hooks
from teams.roles import Role


def client_list(*, user, filters=None):
    """The clients ``user`` may see, filtered by a ClientFilter's data."""
    from clients.filters import ClientFilter

    qs = Client.objects.visible_to(user).select_related("team", "consultant", "lost_reason")
    return ClientFilter(filters or {}, queryset=qs, request=None).qs


def findable_clients(user) -> QuerySet:
    """Clients the user may pick on a call or complaint: the front desk (by the
    lookup) and the deputy GM any client, others those they may see."""
    if user.sees_all or user.role == Role.FRONT_DESK:
        return Client.objects.all()
    return Client.objects.visible_to(user)


def pipeline_columns(*, user, team_id=None, limit: int = 20):
    """The kanban: open leads per stage (newest stage change first), with counts. A column shows its 20 most
    recently moved cards, a screen or two on a phone, and links to the whole stage in the client list: 50 a
    column rendered 250 cards, 124 ms p95 at 100,000 clients (bench/results/2026-12-04.md)."""
    qs = Client.objects.visible_to(user).select_related("consultant", "team")
    if team_id:
        qs = qs.filter(team_id=team_id)
    counts = dict(qs.filter(stage__in=PIPELINE).order_by().values_list("stage").annotate(n=Count("pk")))
    columns = []
    for stage in PIPELINE:
        # One stage per query (no stage IN (...) beside it, which skews the estimate), so
        # Postgres reads the newest cards straight from the (team, stage, -moved) index.
        cards = list(qs.filter(stage=stage).order_by("-stage_changed_at", "-pk")[:limit])
        columns.append(
            {"stage": stage, "label": Client.Stage(stage).label, "cards": cards, "count": counts.get(stage, 0)}
        )
    return columns


def client_timeline(*, client: Client, user) -> list[dict]:
    """Everything the client has been through, newest first: this app's events plus the
    rows the other apps register (calls, office visits, complaints, projects), each app
    showing only what ``user`` may see there (teams/registry.py)."""
    items = [
        {"at": e.at, "kind": e.get_kind_display(), "icon": "clock-history", "text": e.display_text, "by": e.actor}
        for e in ClientEvent.objects.filter(client=client).select_related("actor")[:200]
    ]
    items.extend(client_timeline_rows(client, user))
    items.sort(key=lambda i: i["at"], reverse=True)
    return items


def service_phase(at, *, signed_at, finished_on) -> str:
    """售前 before the contract, 售中 until the project finishes, 售后 after."""
    if signed_at is None or at < signed_at:
        return "pre"
    if finished_on is not None and timezone.localdate(at) > finished_on:
        return "after"
    return "in"


def client_service_records(*, client: Client, timeline: list[dict], contracts=None, projects=None) -> dict:
    """The timeline grouped by service phase (售前 / 售中 / 售后). ``contracts`` (all the
    client's) and ``projects`` (the client's, oldest included) may be passed when the
    caller already loaded them; otherwise the first of each is read."""
    if contracts is None:
        contract = client.contracts.order_by("signed_date").first()
    else:
        contract = min(contracts, key=lambda c: (c.signed_date, c.pk), default=None)
    signed_at = None
    if contract is not None:
        signed_at = timezone.make_aware(dt.datetime.combine(contract.signed_date, dt.time.min))
    if projects is None:
        project = client.projects.order_by("created_at").first()
    else:
        project = min(projects, key=lambda p: (p.created_at, p.pk), default=None)
    finished_on = project.actual_finish if project is not None else None
    phases = {"pre": [], "in": [], "after": []}
    for item in timeline:
        phases[service_phase(item["at"], signed_at=signed_at, finished_on=finished_on)].append(item)
    return phases


def visit_list(*, user, filters=None):
    from clients.filters import VisitFilter

    qs = FollowUpVisit.objects.visible_to(user).select_related("client", "owner", "team")
    return VisitFilter(filters or {}, queryset=qs, request=None).qs


def visits_for_home(*, user, today=None) -> dict:
    """The consultant's home panel: visits due today, overdue, and later this week."""
    today = today or timezone.localdate()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    qs = (
        FollowUpVisit.objects.filter(owner=user, done_at=None, due_date__lte=week_end)
        .select_related("client")
        .order_by("due_date", "pk")[:60]
    )
    rows = list(qs)
    return {
        "overdue": [v for v in rows if v.due_date < today],
        "today": [v for v in rows if v.due_date == today],
        "week": [v for v in rows if today < v.due_date <= week_end],
    }


def overdue_stages_for_home(*, user, today=None, limit=6) -> dict | None:
    """The payment stages of ``user``'s contracts past their pay-by date and not fully paid: the most
    overdue few, their number and the money outstanding (two queries)."""
    today = today or timezone.localdate()
    overdue = PaymentStage.objects.visible_to(user).filter(due_date__lt=today, received__lt=F("amount"))
    totals = overdue.aggregate(n=Count("pk"), owed=MoneySum(F("amount") - F("received")))
    if not totals["n"]:
        return {"stages": [], "count": 0, "owed": Decimal(0), "today": today}
    stages = list(overdue.select_related("contract__client").order_by("due_date", "pk")[:limit])
    return {"stages": stages, "count": totals["n"], "owed": totals["owed"], "today": today}


def slipping_leads(*, user, now=None, limit=8):
    now = now or timezone.now()
    return list(
        Client.objects.visible_to(user)
        .filter(stage__in=PIPELINE, stage_changed_at__lt=now - dt.timedelta(days=SLIPPING_DAYS))
        .order_by("stage_changed_at")[:limit]
    )


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _aware(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def lost_report_data(*, user, start: dt.date, end: dt.date, team_id=None) -> dict:
    """Lost leads in [start, end): by reason (count and value), by stage, by competitor,
    plus a 12-month trend ending with ``end``'s month. A fixed number of queries."""
    lost = Client.objects.visible_to(user).filter(stage=Client.Stage.LOST)
    if team_id:
        lost = lost.filter(team_id=team_id)
    period = lost.filter(lost_at__gte=_aware(start), lost_at__lt=_aware(end)).order_by()
    by_reason = list(period.values("lost_reason__name").annotate(n=Count("pk")).order_by("-n"))
    by_stage = list(period.values("lost_stage").annotate(n=Count("pk")).order_by("-n"))
    by_competitor = list(period.exclude(competitor="").values("competitor").annotate(n=Count("pk")).order_by("-n")[:10])
    # Value lost: the midpoint of each lead's budget range.
    value_rows = list(period.values("lost_reason__name", "budget").annotate(n=Count("pk")))
    value_by_reason = defaultdict(Decimal)
    for row in value_rows:
        value_by_reason[row["lost_reason__name"]] += BUDGET_MIDPOINT.get(row["budget"], Decimal(0)) * row["n"]
    for row in by_reason:
        row["value"] = value_by_reason[row["lost_reason__name"]]
    for row in by_stage:
        row["label"] = Client.Stage(row["lost_stage"]).label if row["lost_stage"] else "-"
    by_tier = dict(period.values_list("value_tier").annotate(n=Count("pk")))
    trend_start = add_months(month_start(end - dt.timedelta(days=1)), -11)
    trend_rows = (
        lost.filter(lost_at__gte=_aware(trend_start), lost_at__lt=_aware(add_months(trend_start, 12)))
        .order_by()
        .annotate(m=TruncMonth("lost_at"))
        .values("m")
        .annotate(n=Count("pk"))
    )
    per_month = {timezone.localdate(r["m"]) if isinstance(r["m"], dt.datetime) else r["m"]: r["n"] for r in trend_rows}
    months = [add_months(trend_start, i) for i in range(12)]
    created = Client.objects.visible_to(user).filter(created_at__gte=_aware(start), created_at__lt=_aware(end))
    if team_id:
        created = created.filter(team_id=team_id)
    return {
        "total": sum(r["n"] for r in by_reason),
        "value": sum(value_by_reason.values(), Decimal(0)),
        "leads_created": created.count(),
        "by_reason": by_reason,
        "by_stage": by_stage,
        "by_competitor": by_competitor,
        "by_tier": by_tier,
        "trend": {"months": [m.strftime("%Y-%m") for m in months], "counts": [per_month.get(m, 0) for m in months]},
    }


# Midpoint of each budget range, in yuan (for "value lost").
BUDGET_MIDPOINT = {
    "lt10": Decimal(80000),
    "10_20": Decimal(150000),
    "20_40": Decimal(300000),
    "40_80": Decimal(600000),
    "gt80": Decimal(1000000),
}


def lost_reports(*, user, team_id=None):
    qs = LostLeadReport.objects.select_related("team", "written_by")
    if not user.sees_all:
        qs = qs.filter(team_id=user.team_id)
    if team_id:
        qs = qs.filter(team_id=team_id)
    return qs


def satisfaction_by_team_month(*, user, months: int = 12, today=None) -> dict:
    """Average satisfaction and number of visits done per team and month (for the chart
    and the dashboards)."""
    today = today or timezone.localdate()
    start = add_months(month_start(today), -(months - 1))
    rows = (
        FollowUpVisit.objects.visible_to(user)
        .filter(done_at__gte=_aware(start), satisfaction__isnull=False)
        .order_by()
        .annotate(m=TruncMonth("done_at"))
        .values("team__name", "m")
        .annotate(total=Sum("satisfaction"), n=Count("satisfaction"))
    )
    labels = [add_months(start, i).strftime("%Y-%m") for i in range(months)]
    series = defaultdict(lambda: [None] * months)
    for row in rows:
        m = timezone.localdate(row["m"]) if isinstance(row["m"], dt.datetime) else row["m"]
        key = m.strftime("%Y-%m")
        if key in labels:
            # Exact, rounded half up (teams/numbers.py); a float only for the chart's JSON.
            series[row["team__name"]][labels.index(key)] = float(mean(row["total"], row["n"]))
    return {"months": labels, "series": dict(series)}


def access_log_list(*, user, filters=None):
    from clients.filters import AccessLogFilter

    qs = AccessLog.objects.visible_to(user).select_related("user", "client")
    return AccessLogFilter(filters or {}, queryset=qs, request=None).qs


def archive_list(*, user, waiting_only=False):
    qs = ArchiveHandover.objects.filter(client__in=Client.objects.visible_to(user)).select_related(
        "client", "client__team", "handed_by", "received_by"
    )
    if waiting_only:
        qs = qs.filter(received_at=None)
    return qs.annotate(out=Count("loans", filter=Q(loans__returned_at=None))).order_by("-handed_on", "-pk")


def contract_for_detail(*, user, pk):
    return Contract.objects.visible_to(user).select_related("client", "team", "signed_by").get(pk=pk)


def due_today(team, user, today) -> list[DueCount]:
    """The team board's "due today" (teams/registry.py): per owner, the follow-up visits due
    by today and not done, and how many of them are overdue."""
    rows = (
        FollowUpVisit.objects.visible_to(user)
        .filter(owner__team=team, done_at=None, due_date__lte=today)
        .values("owner_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))
    )
    return [DueCount(r["owner_id"], "visits", r["n"], r["late"]) for r in rows]


# A client's personal data (PIPL) ----------------------------------------------------------------------------


def client_records(*, client_id: int) -> list[tuple[str, object]]:
    """Every record of every app that belongs to the client, as (label, queryset): this app's own and
    the ``client_records`` hooks of the apps above. The client's export and erasure both read it."""
    own = [
        (_("Timeline"), ClientEvent.objects.filter(client_id=client_id)),
        (_("Contracts"), Contract.objects.filter(client_id=client_id)),
        (_("Payment stages"), PaymentStage.objects.filter(contract__client_id=client_id)),
        (_("Contract changes"), ContractChange.objects.filter(contract__client_id=client_id)),
        (_("Contract attachments"), ContractAttachment.objects.filter(contract__client_id=client_id)),
        (_("Follow-up visits"), FollowUpVisit.objects.filter(client_id=client_id)),
        (_("Archive"), ArchiveHandover.objects.filter(client_id=client_id)),
        (_("Archive loans"), ArchiveLoan.objects.filter(handover__client_id=client_id)),
        (_("Consents"), ClientConsent.objects.filter(client_id=client_id)),
        (_("Access log"), AccessLog.objects.filter(client_id=client_id)),
        (_("Personal information requests"), PrivacyRequest.objects.filter(client_id=client_id)),
        (_("Request steps"), PrivacyRequestStep.objects.filter(request__client_id=client_id)),
    ]
    return own + [pair for pairs in run_hooks("client_records", client_id=client_id) for pair in pairs]


def client_urls(*, client_id: int) -> list[str]:
    """The pages of the client's records (notifications link to them): the client file, contracts, visits,
    and the ``client_urls`` hooks of the apps above."""
    urls = [reverse("clients:detail", args=[client_id])]
    urls += [
        reverse("clients:contract_detail", args=[pk])
        for pk in Contract.objects.filter(client_id=client_id).values_list("pk", flat=True)
    ]
    urls += [
        reverse("clients:visit_record", args=[pk])
        for pk in FollowUpVisit.objects.filter(client_id=client_id).values_list("pk", flat=True)
    ]
    return urls + [url for urls_of_app in run_hooks("client_urls", client_id=client_id) for url in urls_of_app]


def _cell(value):
    """A stored value as the export shows it: files by name, JSON as text, the rest as they are."""
    if hasattr(value, "name") and hasattr(value, "storage"):
        return value.name
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def client_data(*, client: Client) -> list[tuple[str, list[str], list[list]]]:
    """Everything held about ``client``: the client row, then one (label, column names, rows) per kind of
    record of every app (``client_records``), every stored column. For the client's request to see it."""
    tables = [(str(Client._meta.verbose_name), Client.objects.filter(pk=client.pk))]
    tables += [(str(label), queryset) for label, queryset in client_records(client_id=client.pk)]
    out = []
    for label, queryset in tables:
        names = [f.attname for f in queryset.model._meta.concrete_fields]
        rows = [[_cell(getattr(row, name)) for name in names] for row in queryset.order_by("pk")]
        out.append((label, names, rows))
    return out

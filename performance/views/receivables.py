"""The receivables board (应收款) and its Excel export: due, overdue by age, expected this month,
received, for the consultant's team or (the deputy GM) the company and each team."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.metrics import METRICS, Period
from performance.receivables import BOARD_KEYS, ReceivableFilter, board_by_team, board_figures, open_stages, stage_row
from performance.views.common import LEADERS, PAGE_SIZE, resolve_scope, scope_params, scope_title
from teams.access import role_required
from teams.exports import MONEY, Figure, export_response, export_rows
from teams.pagination import CappedPaginator


def _board(request):
    user = request.user
    today = timezone.localdate()
    scope = resolve_scope(user, team_id=request.GET.get("team"))
    filterset = ReceivableFilter(request.GET, queryset=open_stages(user=user), today=today, show_team=user.sees_all)
    return user, today, scope, filterset


@role_required(LEADERS)
def receivables(request):
    user, today, scope, filterset = _board(request)
    period = Period.month_of(today)
    values = board_figures(scope=scope, period=period)
    tiles = [
        {"key": key, "label": METRICS[key].label, "value": values[key], "description": METRICS[key].description}
        for key in BOARD_KEYS
    ]
    page = CappedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tiles": tiles,
        "period": period,
        "scope_title": scope_title(scope),
        "scope_params": scope_params(scope),
        "filter": filterset,
        "page": page,
        "rows": [stage_row(stage, today) for stage in page],
        "teams": board_by_team(period=period) if user.sees_all and scope.team_id is None else [],
        "headers": [METRICS[key].label for key in BOARD_KEYS],
    }
    return render(request, "performance/receivables.html", context)


@role_required(LEADERS)
def receivables_export(request):
    user, today, _scope, filterset = _board(request)
    rows = export_rows(
        filterset.qs,
        "receivables",
        user=user,
        row=lambda s: (
            s.contract.number,
            s.contract.client.name,
            s.contract.team.name,
            s.name,
            s.due_date,
            Figure(s.amount, MONEY),
            Figure(s.received, MONEY),
            Figure(s.outstanding, MONEY),
            s.days_overdue(today),
        ),
    )
    headers = [
        _("Contract"),
        _("Client"),
        _("Team"),
        _("Stage"),
        _("Pay by"),
        _("Amount (yuan)"),
        _("Received (yuan)"),
        _("Outstanding (yuan)"),
        _("Days overdue"),
    ]
    return export_response(
        request,
        kind="receivables",
        filename=f"receivables-{today:%Y%m%d}.xlsx",
        title=_("Receivables"),
        headers=headers,
        rows=rows,
    )

"""Managers' read-only pages: the lost-lead analysis and the access log."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import selectors, services
from clients.filters import AccessLogFilter
from clients.forms import LostReportForm
from clients.models import AccessLog, LostLeadReport
from clients.views.common import MANAGERS, SALES
from teams.access import role_required
from teams.models import Team
from teams.roles import Role


def _period(request):
    """[start, end) from ?month=YYYY-MM or ?start=&end= (default: this month)."""
    today = timezone.localdate()
    try:
        if request.GET.get("start") and request.GET.get("end"):
            start = dt.date.fromisoformat(request.GET["start"])
            end = dt.date.fromisoformat(request.GET["end"]) + dt.timedelta(days=1)
            if end > start:
                return start, end, None
        if request.GET.get("month"):
            start = dt.date.fromisoformat(request.GET["month"] + "-01")
            return start, selectors.add_months(start, 1), start
    except ValueError:
        pass
    start = today.replace(day=1)
    return start, selectors.add_months(start, 1), start


@role_required(MANAGERS)
def lost_report(request):
    start, end, month = _period(request)
    team = request.user.team
    if request.user.sees_all:
        team_id = request.GET.get("team")
        team = Team.objects.filter(pk=team_id).first() if (team_id or "").isdigit() else None
    report = (
        LostLeadReport.objects.filter(team=team, month=month).select_related("written_by").first()
        if team and month
        else None
    )
    form = LostReportForm(
        request.POST or None, initial={"conclusions": report.conclusions, "actions": report.actions} if report else None
    )
    if request.method == "POST":
        if request.user.role not in SALES or month is None or team is None:
            raise Http404
        if form.is_valid():
            services.lost_report_save(team=team, month=month, by=request.user, **form.cleaned_data)
            messages.success(request, _("Conclusions saved."))
            return redirect(f"{reverse('clients:lost_report')}?month={month:%Y-%m}")
    data = selectors.lost_report_data(user=request.user, start=start, end=end, team_id=team.pk if team else None)
    reason_chart = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [r["lost_reason__name"] or "-" for r in data["by_reason"]]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "name": _("Lost leads"), "data": [r["n"] for r in data["by_reason"]]}],
    }
    trend_chart = {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": data["trend"]["months"]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "line", "name": _("Lost leads"), "data": data["trend"]["counts"]}],
    }
    return render(
        request,
        "clients/lost_report.html",
        {
            "data": data,
            "start": start,
            "end": end - dt.timedelta(days=1),
            "month": month,
            "team": team,
            "teams": Team.objects.filter(is_active=True) if request.user.sees_all else [],
            "report": report,
            "past_reports": list(selectors.lost_reports(user=request.user, team_id=team.pk if team else None)[:12]),
            "form": form,
            "can_write": request.user.role in SALES and month is not None,
            "reason_chart": reason_chart,
            "trend_chart": trend_chart,
        },
    )


@role_required(Role.DEPUTY_GM)
def access_log(request):
    qs = AccessLog.objects.visible_to(request.user).select_related("user", "client")
    filterset = AccessLogFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "clients/access_log.html", {"filter": filterset, "page": page})

"""Follow-up visit pages: the list, recording a visit, planning an extra one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import selectors, services
from clients.filters import VisitFilter
from clients.forms import VisitCreateForm, VisitRecordForm
from clients.models import Client, FollowUpVisit
from clients.views.common import MANAGERS, PAGE_SIZE, SALES
from teams.access import get_visible_or_404, role_required
from teams.pagination import CappedPaginator
from teams.submissions import submit_once
from teams.views_helpers import form_page


@role_required(MANAGERS)
def visit_list(request):
    qs = FollowUpVisit.objects.visible_to(request.user).select_related("client", "owner", "team")
    data = request.GET.copy()
    data.setdefault("status", "open")
    filterset = VisitFilter(data, queryset=qs)
    if not request.user.sees_all:
        filterset.form.fields.pop("team")
    page = CappedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    sat = selectors.satisfaction_by_team_month(user=request.user)
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": sat["months"]},
        "yAxis": {"type": "value", "min": 1, "max": 5, "name": _("Average satisfaction")},
        "series": [
            {"name": name, "type": "line", "connectNulls": True, "data": values}
            for name, values in sat["series"].items()
        ],
    }
    return render(
        request,
        "clients/visit_list.html",
        {"filter": filterset, "page": page, "chart": chart, "today": timezone.localdate()},
    )


@role_required(SALES)
def visit_record(request, pk):
    visit = get_visible_or_404(FollowUpVisit.objects.select_related("client", "owner"), request.user, pk=pk)
    form = VisitRecordForm(request.POST or None, instance=visit)

    def done(visit):
        if visit.raised_complaint:
            # The complaint form, pre-filled.
            return f"{reverse('complaints:register')}?client={visit.client_id}&channel=phone"
        return reverse("clients:detail", args=[visit.client_id])

    return form_page(
        request,
        form=form,
        save=lambda cleaned: services.visit_record(visit=visit, by=request.user, **cleaned),
        template="clients/visit_form.html",
        context={"visit": visit},
        done=done,
        message=_("Visit recorded."),
    )


@role_required(SALES)
@require_POST
def visit_create(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = VisitCreateForm(request.POST)
    if form.is_valid():
        submit_once(request, form, lambda: services.visit_create(client=client, by=request.user, **form.cleaned_data))
        messages.success(request, _("Visit planned."))
    else:
        messages.error(request, _("Give the visit point, due date and channel."))
    return redirect("clients:detail", pk=client.pk)

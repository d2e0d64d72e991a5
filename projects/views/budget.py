"""The budget clerk's side of budget requests (设计预算)."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import services
from projects.filters import BudgetRequestFilter
from projects.forms import BudgetReturnForm
from projects.models import BudgetRequest, Project
from projects.views.common import form_page
from teams.access import role_required
from teams.roles import Role


def _requests_for(user):
    qs = BudgetRequest.objects.filter(project__in=Project.objects.visible_to(user).values("pk"))
    if user.role == Role.BUDGET_CLERK:
        qs = qs.filter(clerk=user)
    return qs.select_related("project__team", "requested_by", "clerk", "plan").order_by("status", "due_on", "pk")


@role_required(Role.BUDGET_CLERK, Role.DEPUTY_GM)
def budget_list(request):
    filterset = BudgetRequestFilter(request.GET or {"status": "requested"}, queryset=_requests_for(request.user))
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(
        request, "projects/budget_list.html", {"filter": filterset, "page": page, "today": timezone.localdate()}
    )


@role_required(Role.BUDGET_CLERK)
def budget_return(request, pk):
    item = get_object_or_404(_requests_for(request.user).filter(status=BudgetRequest.Status.REQUESTED), pk=pk)
    form = BudgetReturnForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    return form_page(
        request,
        project=item.project,
        form=form,
        title=_("Return the budget for %(name)s") % {"name": item.project.name},
        tab="budget",
        back=reverse("projects:budget_list"),
        save=lambda d: services.budget_return(
            request=item, by=request.user, amount=d["amount"], notes=d["notes"], files=d["files"]
        ),
        extra={"budget_request": item},
    )

"""Construction crews (施工队): the list with average scores, a crew's history, add and edit."""

from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from projects import selectors, services
from projects.filters import CrewFilter
from projects.forms import CrewForm
from projects.models import Crew
from projects.views.common import CREW_ROLES, form_page
from teams.access import role_required
from teams.numbers import mean
from teams.roles import Role

CREW_EDIT_ROLES = {Role.CONSULTANT, Role.PROJECT_MANAGER}


@role_required(CREW_ROLES)
def crew_list(request):
    filterset = CrewFilter(request.GET, queryset=selectors.crew_list(), request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(request, "projects/crew_list.html", {"filter": filterset, "page": page})


@role_required(CREW_ROLES)
def crew_detail(request, pk):
    """A crew's score cards across the projects the user may see, and its averages."""
    crew = get_object_or_404(selectors.crew_list(), pk=pk)
    history = selectors.crew_history(crew=crew, user=request.user)
    page = Paginator(history, 25).get_page(request.GET.get("page"))
    scores = ["quality", "schedule", "tidiness", "safety", "cooperation"]
    sums = history.aggregate(n=Count("pk"), **{name: Sum(name) for name in scores})
    labels = [_("Quality"), _("Schedule"), _("Site tidiness"), _("Safety"), _("Cooperation")]
    # Exact averages rounded half up (teams/numbers.py); floats only for the chart's JSON.
    values = [float(mean(sums[name], sums["n"]) or 0) for name in scores]
    chart = {
        "radar": {"indicator": [{"name": label, "max": 5} for label in labels]},
        "series": [{"type": "radar", "data": [{"value": values, "name": str(crew)}]}],
        "tooltip": {},
    }
    return render(
        request,
        "projects/crew_detail.html",
        {
            "crew": crew,
            "page": page,
            "averages": dict(zip(scores, values, strict=True)),
            "chart": chart,
            "can_edit": request.user.has_role(*CREW_EDIT_ROLES),
        },
    )


@role_required(CREW_EDIT_ROLES)
def crew_add(request):
    form = CrewForm(request.POST or None)
    return form_page(
        request,
        project=None,
        form=form,
        title=_("New crew"),
        tab="",
        back=reverse("projects:crew_list"),
        save=lambda d: services.crew_save(crew=None, by=request.user, data=d),
    )


@role_required(CREW_EDIT_ROLES)
def crew_edit(request, pk):
    crew = get_object_or_404(Crew, pk=pk)
    original = Crew.objects.get(pk=pk)
    form = CrewForm(request.POST or None, instance=crew)
    return form_page(
        request,
        project=None,
        form=form,
        title=_("Crew: %(name)s") % {"name": original.name},
        tab="",
        back=reverse("projects:crew_detail", args=[pk]),
        save=lambda d: services.crew_save(crew=original, by=request.user, data=d),
    )

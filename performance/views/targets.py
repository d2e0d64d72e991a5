"""Team targets for a month and the highlights page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from performance import services
from performance.forms import HighlightForm, TeamTargetForm
from performance.metrics import Period
from performance.models import Highlight, TeamTarget
from performance.views.common import LEADERS, PAGE_SIZE, _int_or_404, _today
from teams.access import role_required
from teams.editing import EditConflict
from teams.models import Team, User
from teams.roles import Role
from teams.submissions import submit_once


@role_required(*LEADERS)
def team_targets(request):
    """The month's team targets; the deputy GM sets them with the consultant."""
    user = request.user
    period = Period.parse(request.GET.get("month") or request.POST.get("month"), _today())
    teams = Team.objects.filter(is_active=True)
    if not user.sees_all:
        teams = teams.filter(pk=user.team_id)
    existing = {t.team_id: t for t in TeamTarget.objects.visible_to(user).filter(month=period.start)}
    form, form_team = None, None
    if request.method == "POST":
        if not user.sees_all:
            raise PermissionDenied
        form_team = get_object_or_404(teams, pk=_int_or_404(request.POST.get("team")))
        form = TeamTargetForm(request.POST, instance=existing.get(form_team.pk))
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in TeamTargetForm.Meta.fields}
            try:
                services.team_target_save(
                    team=form_team, month=period.start, user=user, version=form.cleaned_data.get("version"), **values
                )
            except EditConflict:
                messages.error(request, _("Someone changed these targets meanwhile. Check them and save again."))
            else:
                messages.success(request, _("Team targets saved."))
                return redirect(f"{reverse('performance:team_targets')}?month={period.key}")
    rows = []
    for team in teams:
        target = existing.get(team.pk)
        if form is not None and form_team == team:
            team_form = form
        else:
            team_form = TeamTargetForm(instance=target, initial={"version": target.version if target else None})
        rows.append({"team": team, "target": target, "form": team_form})
    return render(
        request,
        "performance/team_targets.html",
        {
            "rows": rows,
            "period": period,
            "previous": period.previous(),
            "next": period.next(),
            "editable": user.sees_all,
        },
        status=400 if form is not None and form.errors else 200,
    )


@role_required(*LEADERS)
def highlights(request):
    user = request.user
    qs = Highlight.objects.visible_to(user).select_related("team", "member", "given_by")
    team = None
    if user.role == Role.CONSULTANT:
        team = user.team
    elif request.GET.get("team") or request.POST.get("team"):
        team = get_object_or_404(Team, pk=_int_or_404(request.GET.get("team") or request.POST.get("team")))
    members = User.objects.filter(team=team, is_active=True) if team else User.objects.none()
    form = HighlightForm(request.POST or None, members=members)
    if request.method == "POST":
        if team is None:
            raise Http404
        if form.is_valid():
            submit_once(request, form, lambda: services.highlight_give(team=team, given_by=user, **form.cleaned_data))
            messages.success(request, _("Highlight given."))
            return redirect("performance:highlights")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "performance/highlights.html",
        {
            "page": page,
            "form": form if team else None,
            "team": team,
            "teams": Team.objects.filter(is_active=True) if user.sees_all else [],
        },
        status=400 if form.errors else 200,
    )

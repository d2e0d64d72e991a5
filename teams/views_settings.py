"""A team's settings page: its group robot (WeCom / DingTalk) and a test message that shows the robot's answer.

The deputy GM edits every team; a team's leader (its consultant, DOMAIN.md) edits their own. Another team's
settings answer 404 (``Team.objects.editable_by``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from teams import robots, selectors
from teams.access import NotVisible, role_required
from teams.forms import TeamRobotForm, add_service_errors
from teams.models import Team
from teams.roles import Role

SETTINGS_ROLES = (Role.DEPUTY_GM, Role.CONSULTANT)
RECENT_POSTS = 10


def _team_or_404(user, pk: int) -> Team:
    team = Team.objects.editable_by(user).select_related("leader").filter(pk=pk).first()
    if team is None:
        raise NotVisible(target=f"teams.team {pk}")
    return team


def _page(request, team: Team, form: TeamRobotForm, answer: robots.Answer | None = None):
    context = {
        "team": team,
        "form": form,
        "answer": answer,
        "posts": list(team.robot_posts.order_by("-posted_at")[:RECENT_POSTS]),
    }
    return render(request, "teams/team_settings.html", context)


@role_required(*SETTINGS_ROLES)
@require_GET
def team_settings_index(request):
    """The teams the user may set up; a leader of one team goes straight to it."""
    teams = list(selectors.team_settings_list(user=request.user))
    if not request.user.sees_all and len(teams) == 1:
        return redirect("teams:team_settings", pk=teams[0].pk)
    return render(request, "teams/team_settings_index.html", {"teams": teams})


# The secret (and the address, a credential too) stay out of error reports.
@sensitive_post_parameters("robot_secret", "webhook_url")
@role_required(*SETTINGS_ROLES)
def team_settings(request, pk):
    team = _team_or_404(request.user, pk)
    form = TeamRobotForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            robots.team_robot_update(
                team=team,
                robot_kind=data["robot_kind"],
                webhook_url=data["webhook_url"],
                robot_secret=data["robot_secret"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The team's settings are saved."))
            return redirect("teams:team_settings", pk=team.pk)
    return _page(request, team, form)


@sensitive_post_parameters("robot_secret", "webhook_url")
@role_required(*SETTINGS_ROLES)
@require_POST
def team_robot_test(request, pk):
    """Post a test message with the settings as typed (saved or not) and show what the robot answered."""
    team = _team_or_404(request.user, pk)
    form = TeamRobotForm(request.POST, team=team)
    answer = None
    if form.is_valid():
        if form.cleaned_data["webhook_url"]:
            answer = robots.team_robot_test(team=team, robot=form.robot(), by=request.user)
        else:
            form.add_error("webhook_url", _("Enter the robot's address to send it a test message."))
    if request.htmx:
        return render(request, "teams/partials/robot_answer.html", {"answer": answer, "form": form})
    return _page(request, team, form, answer)

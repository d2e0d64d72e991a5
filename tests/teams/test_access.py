import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.generic import ListView

from clients.models import Client
from teams.access import ScopedMixin, get_visible_or_404, role_required
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@role_required(Role.CONSULTANT)
def consultants_only(request):
    return HttpResponse("ok")


def test_role_required_redirects_anonymous_to_login(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/x/")
    request.user = AnonymousUser()
    response = consultants_only(request)
    assert response.status_code == 302 and "/login/" in response.url


def test_role_required_refuses_other_roles(rf, designer, consultant):
    request = rf.get("/x/")
    request.user = designer
    with pytest.raises(PermissionDenied):
        consultants_only(request)
    request.user = consultant
    assert consultants_only(request).status_code == 200


def test_scoped_view_without_roles_is_a_configuration_error(consultant):
    class Forgetful(ScopedMixin, ListView):
        model = Client

    request = RequestFactory().get("/x/")
    request.user = consultant
    with pytest.raises(ImproperlyConfigured):
        Forgetful.as_view()(request)


def test_other_teams_client_is_404_not_403(consultant, outsider):
    theirs = ClientFactory(team=outsider.team)
    from django.http import Http404

    with pytest.raises(Http404):
        get_visible_or_404(Client, consultant, pk=theirs.pk)
    assert get_visible_or_404(Client, outsider, pk=theirs.pk) == theirs


def test_client_visibility_per_role(consultant, designer, pm, outsider, gm, front_desk, admin_clerk, budget_clerk):
    mine = ClientFactory(team=consultant.team)
    theirs = ClientFactory(team=outsider.team)
    project = ProjectFactory(client=theirs, designers=[designer])

    def visible(user):
        return set(Client.objects.visible_to(user))

    assert visible(consultant) == {mine}
    assert visible(outsider) == {theirs}
    assert visible(designer) == {theirs}  # only the clients of their projects, even of another team
    assert visible(pm) == set()
    assert visible(gm) == {mine, theirs}
    assert visible(front_desk) == set()  # the front desk uses the reception lookup, not client files
    assert visible(budget_clerk) == set()
    assert project.client == theirs


@role_required((Role.DESIGNER, Role.PROJECT_MANAGER), Role.CONSULTANT)
def mixed_roles(request):
    return HttpResponse("ok")


def test_role_required_accepts_tuples_and_single_roles(rf, designer, pm, consultant, front_desk):
    request = rf.get("/x/")
    for user in (designer, pm, consultant):
        request.user = user
        assert mixed_roles(request).status_code == 200
    request.user = front_desk
    with pytest.raises(PermissionDenied):
        mixed_roles(request)

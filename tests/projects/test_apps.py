import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "projects", "crews", "budget"),
    [
        ("designer", True, False, False),
        ("assistant", True, False, False),
        ("pm", True, True, False),
        ("consultant", True, True, False),
        ("gm", True, True, False),
        ("budget_clerk", False, False, True),
        ("front_desk", False, False, False),
    ],
)
def test_navigation_per_role(request, login, who, projects, crews, budget):
    html = login(request.getfixturevalue(who)).get(reverse("teams:home")).content.decode()
    assert (f'href="{reverse("projects:list")}"' in html) is projects
    assert (f'href="{reverse("projects:crew_list")}"' in html) is crews
    assert (f'href="{reverse("projects:budget_list")}"' in html) is budget


@pytest.mark.parametrize("who", ["assistant", "designer", "pm", "budget_clerk"])
def test_home_panels_run_a_fixed_number_of_queries(request, login, who, project, django_assert_max_num_queries):
    """The whole home page (every app's panels) runs as many queries with one project as with many."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.projects.factories import DrawingTaskFactory, ProjectFactory, SiteLogFactory

    user = request.getfixturevalue(who)
    web = login(user)
    web.get(reverse("teams:home"))  # warm up: meetings are planned on first use
    with CaptureQueriesContext(connection) as few:
        assert web.get(reverse("teams:home")).status_code == 200
    for _ in range(6):
        extra = ProjectFactory(client=project.client, team=project.team, project_manager=project.project_manager)
        extra.designers.set(project.designers.all())
        extra.assistants.set(project.assistants.all())
        DrawingTaskFactory(project=extra, assignee=project.assistants.first())
        SiteLogFactory(project=extra)
    with django_assert_max_num_queries(len(few)):
        assert web.get(reverse("teams:home")).status_code == 200

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
    web = login(request.getfixturevalue(who))
    with django_assert_max_num_queries(25):
        assert web.get(reverse("teams:home")).status_code == 200

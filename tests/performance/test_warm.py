"""Beat keeps the most opened dashboards computed, so the deputy GM never waits for a cold one."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from performance import tasks
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_warming_fills_company_month_year_and_every_team(team, other_team, consultant, outsider):
    assert tasks.warm_dashboards() == 2 + 2  # company month and year, two teams' months


def test_warmed_dashboard_is_served_without_computing(login, gm, consultant, django_assert_max_num_queries):
    ComplaintFactory.create_batch(3, team=consultant.team, client__team=consultant.team)
    tasks.warm_dashboards()
    client = login(gm)
    # session, user, the heartbeat (banner), nav counts, the page's own lookups: no figures
    with django_assert_max_num_queries(8):
        response = client.get(reverse("performance:dashboard"))
    assert response.status_code == 200
    assert "数据截至" in response.content.decode()


def test_warmed_figures_equal_a_fresh_computation(login, gm, consultant):
    ComplaintFactory.create_batch(4, team=consultant.team, client__team=consultant.team)
    tasks.warm_dashboards()
    warm = dict(login(gm).get(reverse("performance:dashboard")).context["data"])
    cache.clear()
    fresh = dict(login(gm).get(reverse("performance:dashboard")).context["data"])
    warm.pop("computed_at"), fresh.pop("computed_at")
    assert warm == fresh

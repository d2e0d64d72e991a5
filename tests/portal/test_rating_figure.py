"""客户评分: the clients' own ratings are a figure of their own, apart from staff-entered satisfaction."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from performance.metrics.base import Period, Scope
from performance.metrics.registry import METRICS
from performance.selectors import DASHBOARD_KEYS, REPORT_KEYS
from portal.services import phase_sign_off, visit_rate
from tests.clients.factories import FollowUpVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(link, phase, project):
    visit = FollowUpVisitFactory(client=project.client, done_at=timezone.now(), satisfaction=5)
    phase_sign_off(link=link, phase=phase, rating=2, comment="一般", address="10.0.0.1")
    visit_rate(link=link, visit=visit, rating=5, comment="", address="10.0.0.1")


def test_client_rating_is_the_average_of_the_clients_ratings(rated, team, other_team):
    period = Period.month_of(timezone.localdate())
    metric = METRICS["client_rating"]
    assert metric.value(period, Scope(team_id=team.pk)) == Decimal("3.5")
    assert metric.value(period, Scope(team_id=other_team.pk)) is None
    assert METRICS["satisfaction"].value(period, Scope(team_id=team.pk)) == Decimal("5")


def test_a_consultants_card_can_count_the_ratings_of_their_clients(rated, consultant, pm):
    period = Period.month_of(timezone.localdate())
    metric = METRICS["client_rating"]
    assert metric.value(period, Scope(person_id=consultant.pk)) == Decimal("3.5")
    assert metric.value(period, Scope(person_id=pm.pk)) is None


def test_on_the_dashboard_and_in_the_monthly_report():
    assert "client_rating" in DASHBOARD_KEYS and "client_rating" in REPORT_KEYS


def test_the_deputy_gm_sees_it_and_drills_down(rated, client, gm, project):
    client.force_login(gm)
    html = client.get(reverse("performance:dashboard")).content.decode()
    assert "客户评分" in html
    drill = client.get(reverse("performance:drill", args=["client_rating"])).content.decode()
    assert project.name in drill and "一般" in drill


def test_another_teams_consultant_drills_into_nothing(rated, client, outsider):
    client.force_login(outsider)
    drill = client.get(reverse("performance:drill", args=["client_rating"]))
    assert "一般" not in drill.content.decode()

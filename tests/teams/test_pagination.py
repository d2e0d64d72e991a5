import pytest

from teams.models import Notification
from teams.pagination import CappedPaginator
from tests.teams.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_counts_exactly_below_the_cap(consultant):
    NotificationFactory.create_batch(7, recipient=consultant)
    paginator = CappedPaginator(Notification.objects.all(), 3)
    assert paginator.count == 7 and not paginator.capped and paginator.num_pages == 3


def test_stops_counting_at_the_cap(consultant, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    NotificationFactory.create_batch(8, recipient=consultant)
    paginator = CappedPaginator(Notification.objects.order_by("-created_at"), 2)
    assert paginator.count == 5 and paginator.capped and paginator.num_pages == 3
    assert len(paginator.get_page(1)) == 2


def test_capped_list_says_so(login, consultant, monkeypatch):
    from django.urls import reverse

    from tests.clients.factories import ClientFactory

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    ClientFactory.create_batch(4, team=consultant.team)
    html = login(consultant).get(reverse("clients:list")).content.decode()
    assert '<small class="text-muted">3+</small>' in html

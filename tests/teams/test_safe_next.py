"""``next`` never sends a user off the site (open redirect), on every view that reads it."""

import pathlib
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from teams.access import safe_next, safe_url
from tests.clients.factories import ClientFactory
from tests.meetings.factories import ActionItemFactory
from tests.reception.factories import VisitFactory
from tests.teams.factories import NotificationFactory

EVIL = "https://evil.example/"


@pytest.mark.parametrize(
    "target", [EVIL, "//evil.example/", "/\\evil.example", "https:///evil.example/", "javascript:alert(1)", ""]
)
def test_outside_or_odd_next_falls_back_to_the_default(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, "/home/") == "/home/"


def test_next_on_the_site_is_followed_post_first_then_get():
    factory = RequestFactory()
    assert safe_next(factory.post("/x/?next=/from-get/", {"next": "/from-post/"}), "/") == "/from-post/"
    assert safe_next(factory.get("/x/", {"next": "/clients/?page=2"}), "/") == "/clients/?page=2"
    assert safe_next(factory.get("/x/"), "teams:notifications") == reverse("teams:notifications")


def test_same_host_absolute_url_is_followed():
    request = RequestFactory().get("/x/")
    assert safe_url(request, "http://testserver/clients/", "/") == "http://testserver/clients/"


def _stays_on_site(response):
    assert response.status_code == 302
    assert "evil.example" not in response.url
    assert response.url.startswith("/")


def test_client_move_ignores_outside_next(login, consultant):
    lead = ClientFactory(team=consultant.team, stage="new")
    response = login(consultant).post(reverse("clients:move", args=[lead.pk]), {"stage": "contacted", "next": EVIL})
    _stays_on_site(response)
    assert response.url == reverse("clients:detail", args=[lead.pk])


def test_visit_leave_ignores_outside_next(login, front_desk):
    visit = VisitFactory()
    _stays_on_site(login(front_desk).post(reverse("reception:visit_leave", args=[visit.pk]), {"next": EVIL}))


@pytest.mark.parametrize("name", ["meetings:action_item_done", "meetings:action_item_reopen"])
def test_action_item_views_ignore_outside_next(login, designer, name):
    item = ActionItemFactory(meeting__team=designer.team, owner=designer)
    _stays_on_site(login(designer).post(reverse(name, args=[item.pk]), {"next": EVIL}))


def test_notification_link_to_outside_is_not_followed(login, consultant):
    note = NotificationFactory(recipient=consultant, url=EVIL)
    response = login(consultant).post(reverse("teams:notification_read", args=[note.pk]))
    _stays_on_site(response)
    assert response.url == reverse("teams:notifications")


def test_every_view_reading_next_is_covered():
    """A new view that reads ``next`` goes through ``safe_next`` and gets a case above."""
    root = pathlib.Path(__file__).resolve().parents[2]
    readers = []
    apps = [d for d in root.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name not in {"tests", "var"}]
    for path in sorted(p for app in apps for p in app.rglob("*.py")):
        if re.search(r"""(POST|GET)\.get\(\s*["']next["']""", path.read_text(encoding="utf-8")):
            readers.append(path.relative_to(root).as_posix())
    assert readers == ["teams/access.py"]

"""Forwards that finish: the number through the logged 显示, the client file, the outcome that closes it,
deadlines with their day and a countdown."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog
from reception.models import Call
from reception.services import call_log
from teams.models import Notification
from teams.templatetags.ui import deadline, when_text
from tests.clients.factories import ClientFactory
from tests.reception.factories import CallFactory

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def forwarded(front_desk, designer, team):
    client = ClientFactory(name="赵雷", phone="13811112222", team=team)
    return CallFactory(
        logged_by=front_desk,
        forward_to=designer,
        forwarded_at=timezone.now(),
        client=client,
        phone="13811112222",
        ack_due_at=timezone.now() + dt.timedelta(minutes=10),
    )


def test_recipient_reveals_the_number_through_the_logged_show(login, designer, forwarded):
    browser = login(designer)
    html = browser.get(reverse("reception:call_detail", args=[forwarded.pk])).content.decode()
    assert "138****2222" in html and "13811112222" not in html
    response = browser.post(reverse("reception:call_reveal_phone", args=[forwarded.pk]))
    assert "13811112222" in response.content.decode()
    assert AccessLog.objects.filter(user=designer, action="reveal", client=forwarded.client).exists()


def test_outsider_cannot_reveal(login, outsider, forwarded):
    assert login(outsider).post(reverse("reception:call_reveal_phone", args=[forwarded.pk])).status_code == 404
    assert not AccessLog.objects.filter(action="reveal").exists()


def test_recipient_gets_a_link_to_the_client_file_the_front_desk_does_not(login, consultant, front_desk, forwarded):
    Call.objects.filter(pk=forwarded.pk).update(forward_to=consultant)
    url = reverse("clients:detail", args=[forwarded.client_id])
    assert url in login(consultant).get(reverse("reception:call_detail", args=[forwarded.pk])).content.decode()
    assert url not in login(front_desk).get(reverse("reception:call_detail", args=[forwarded.pk])).content.decode()


@pytest.mark.parametrize("outcome", ["called_back", "handled", "unreachable"])
def test_the_outcome_with_a_note_closes_the_forward(login, designer, forwarded, outcome):
    response = login(designer).post(
        reverse("reception:call_forward_close", args=[forwarded.pk]), {"outcome": outcome, "note": "下午两点再联系"}
    )
    assert response.status_code == 302
    forwarded.refresh_from_db()
    assert forwarded.forward_outcome == outcome and forwarded.forward_note == "下午两点再联系"
    assert forwarded.forward_closed_by == designer and forwarded.forward_state() == "closed"
    assert forwarded.acknowledged_at is not None  # closing acknowledges: no reminder, no escalation


def test_could_not_reach_needs_a_note_and_keeps_what_was_typed(login, designer, forwarded):
    response = login(designer).post(
        reverse("reception:call_forward_close", args=[forwarded.pk]), {"outcome": "unreachable", "note": " "}
    )
    assert response.status_code == 400
    forwarded.refresh_from_db()
    assert forwarded.forward_closed_at is None
    assert "unreachable" in response.content.decode()


def test_others_cannot_close_and_get_is_refused(login, outsider, front_desk, designer, forwarded):
    url = reverse("reception:call_forward_close", args=[forwarded.pk])
    assert login(outsider).post(url, {"outcome": "handled"}).status_code == 404
    login(front_desk).post(url, {"outcome": "handled"})
    forwarded.refresh_from_db()
    assert forwarded.forward_closed_at is None
    assert login(designer).get(url).status_code == 405


def test_acknowledged_forward_stays_on_the_recipients_home_until_closed(login, designer, forwarded):
    Call.objects.filter(pk=forwarded.pk).update(acknowledged_at=timezone.now(), acknowledged_by=designer)
    browser = login(designer)
    assert "来电人" in browser.get(reverse("teams:home")).content.decode()
    browser.post(reverse("reception:call_forward_close", args=[forwarded.pk]), {"outcome": "handled"})
    assert 'data-testid="panel-forwards_for_me"' not in browser.get(reverse("teams:home")).content.decode()


def test_deadline_shows_the_day_unless_today_and_counts_down_under_an_hour():
    now = dt.datetime(2026, 12, 2, 16, 0, tzinfo=SHANGHAI)
    with time_machine.travel(now, tick=False):
        assert "16:35" in deadline(now + dt.timedelta(minutes=35), now) and "35" in deadline(
            now + dt.timedelta(minutes=35), now
        )
        assert deadline(now + dt.timedelta(minutes=35), now) != when_text(now + dt.timedelta(minutes=35), now)
        assert deadline(now + dt.timedelta(hours=17, minutes=10), now) == "12-03 09:10"
        assert deadline(dt.datetime(2027, 1, 4, 9, 10, tzinfo=SHANGHAI), now) == "2027-01-04 09:10"
        assert deadline(now - dt.timedelta(minutes=5), now) == when_text(now - dt.timedelta(minutes=5), now)


def test_forward_notification_says_the_day_of_the_deadline(front_desk, designer):
    with time_machine.travel(dt.datetime(2026, 12, 2, 17, 55, tzinfo=SHANGHAI), tick=False):
        call = call_log(
            logged_by=front_desk,
            caller_name="钱多多",
            phone="13900000001",
            caller_type="client",
            purpose="回电",
            forward_to=designer,
        )
    note = Notification.objects.get(recipient=designer)
    due = timezone.localtime(call.ack_due_at)
    assert f"{due:%Y-%m-%d %H:%M}" in note.display_body

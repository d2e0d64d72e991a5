"""The phone system (CTI): the webhook and every bad event, the screen-pop, missed calls and callbacks."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog
from performance.metrics import METRICS, Period, Scope, figures
from reception.management.commands.fake_pbx import FakePbx, play_call
from reception.models import Call, Callback, CtiEvent, Extension, PhoneCall
from tests.clients.factories import ClientFactory
from tests.complaints.factories import ComplaintFactory
from tests.projects.factories import ProjectFactory
from tests.reception.factories import CallFactory

pytestmark = pytest.mark.django_db

TOKEN = "test-cti-token"


def hook(client, data, token=TOKEN, as_json=False):
    url = reverse("reception:cti_webhook", args=[token])
    if as_json:
        return client.post(url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


def ring(client, call_id="c1", number="13812345678", extension="8001"):
    return hook(
        client,
        {
            "event": "newCall",
            "callId": call_id,
            "from": number,
            "to": "4008001234",
            "direction": "in",
            "user": extension,
        },
    )


@pytest.fixture
def desk_phone(front_desk):
    return Extension.objects.create(number="8001", user=front_desk)


@pytest.fixture
def known(team, consultant):
    return ClientFactory(name="王芳", phone="13812345678", team=team, consultant=consultant)


def last_event():
    return CtiEvent.objects.order_by("-pk").first()


# --- the webhook -------------------------------------------------------------------------------------------


def test_ring_answer_hangup_records_the_call_and_its_duration(client, desk_phone, known, front_desk):
    assert ring(client).status_code == 200
    phone_call = PhoneCall.objects.get(call_id="c1")
    assert (phone_call.state, phone_call.user, phone_call.client) == ("ringing", front_desk, known)
    assert hook(client, {"event": "answer", "callId": "c1", "user": "8001"}).status_code == 200
    phone_call.refresh_from_db()
    assert phone_call.state == "answered" and phone_call.answered_at is not None
    earlier = timezone.now() - dt.timedelta(seconds=95)
    PhoneCall.objects.filter(pk=phone_call.pk).update(rang_at=earlier - dt.timedelta(seconds=5), answered_at=earlier)
    assert hook(client, {"event": "hangup", "callId": "c1", "cause": "normalClearing"}).status_code == 200
    phone_call.refresh_from_db()
    assert phone_call.state == "ended" and 95 <= phone_call.duration_seconds <= 97
    assert phone_call.cause == "normalClearing"
    assert list(CtiEvent.objects.values_list("outcome", flat=True)) == ["applied"] * 3


def test_json_events_are_accepted(client, desk_phone):
    response = hook(
        client, {"event": "newCall", "callId": "j1", "from": "+86 139 0000 1111", "user": "8001"}, as_json=True
    )
    assert response.status_code == 200 and response.json() == {"status": "applied"}
    assert PhoneCall.objects.get(call_id="j1").from_number == "13900001111"


def test_hangup_while_ringing_is_a_missed_call(client, desk_phone):
    ring(client)
    hook(client, {"event": "hangup", "callId": "c1", "cause": "cancel"})
    phone_call = PhoneCall.objects.get(call_id="c1")
    assert phone_call.state == "missed" and phone_call.duration_seconds is None


def test_wrong_token_is_refused_and_logged(client, desk_phone):
    response = hook(client, {"event": "newCall", "callId": "x"}, token="wrong")
    assert response.status_code == 403
    assert not PhoneCall.objects.exists()
    assert last_event().outcome == CtiEvent.Outcome.BAD_TOKEN


def test_webhook_is_off_without_a_token(client, settings):
    settings.CTI_TOKEN = ""
    assert hook(client, {"event": "newCall", "callId": "x"}, token="anything").status_code == 403
    assert not PhoneCall.objects.exists()


def test_unknown_call_id_is_refused_and_logged(client):
    for event in ("answer", "hangup"):
        assert hook(client, {"event": event, "callId": "never-rang"}).status_code == 404
        assert last_event().outcome == CtiEvent.Outcome.UNKNOWN_CALL
    assert not PhoneCall.objects.exists()


@pytest.mark.parametrize("data", [{"event": "newCall"}, {"event": "transfer", "callId": "c1"}, {}])
def test_invalid_event_is_refused_and_logged(client, data):
    assert hook(client, data).status_code == 400
    assert last_event().outcome == CtiEvent.Outcome.INVALID


def test_duplicate_events_change_nothing(client, desk_phone):
    ring(client)
    assert ring(client, number="13900000000").status_code == 200
    assert last_event().outcome == CtiEvent.Outcome.DUPLICATE
    assert PhoneCall.objects.get().from_number == "13812345678"
    hook(client, {"event": "answer", "callId": "c1"})
    answered_at = PhoneCall.objects.get().answered_at
    assert hook(client, {"event": "answer", "callId": "c1"}).status_code == 200
    assert last_event().outcome == CtiEvent.Outcome.DUPLICATE
    hook(client, {"event": "hangup", "callId": "c1"})
    ended = PhoneCall.objects.get()
    assert hook(client, {"event": "hangup", "callId": "c1"}).status_code == 200
    assert last_event().outcome == CtiEvent.Outcome.DUPLICATE
    again = PhoneCall.objects.get()
    assert (again.answered_at, again.ended_at, again.duration_seconds) == (
        answered_at,
        ended.ended_at,
        ended.duration_seconds,
    )


def test_answer_after_hangup_is_out_of_order_and_ignored(client, desk_phone):
    ring(client)
    hook(client, {"event": "hangup", "callId": "c1", "cause": "cancel"})
    assert hook(client, {"event": "answer", "callId": "c1"}).status_code == 200
    assert last_event().outcome == CtiEvent.Outcome.OUT_OF_ORDER
    assert PhoneCall.objects.get().state == "missed"


def test_webhook_answers_405_to_get(client):
    assert client.get(reverse("reception:cti_webhook", args=[TOKEN])).status_code == 405


# --- the screen-pop ----------------------------------------------------------------------------------------


def pop(client, showing=""):
    return client.get(
        reverse("reception:screen_pop"), {"showing": showing}, HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND="1"
    )


def test_nothing_ringing_answers_204_in_at_most_three_queries(login, front_desk, desk_phone):
    browser = login(front_desk)
    pop(browser)  # the first request after signing in writes the session once
    with CaptureQueriesContext(connection) as queries:
        response = pop(browser)
    assert response.status_code == 204
    # The session and the user (read through Redis when there is one: teams/auth_cache.py), the one indexed query.
    assert 1 <= len(queries) <= 3


def test_the_poll_does_not_keep_an_idle_session_alive(login, front_desk, desk_phone):
    browser = login(front_desk)
    session = browser.session
    session["_touched"] = 1
    session.save()
    pop(browser)
    assert browser.session["_touched"] == 1


def test_known_caller_pops_with_team_consultant_complaints_phase_and_last_contact(
    client, login, front_desk, desk_phone, known, consultant
):
    complaint = ComplaintFactory(client=known, registered_by=front_desk)
    ProjectFactory(client=known, phase="construction")
    CallFactory(client=known, purpose="询问开工日期", called_at=timezone.now() - dt.timedelta(days=3))
    browser = login(front_desk)
    pop(browser)  # the first request after signing in writes the session once
    ring(client)
    with CaptureQueriesContext(connection) as queries:
        response = pop(browser)
    html = response.content.decode()
    assert response.status_code == 200
    assert "王芳" in html and "138****5678" in html and "13812345678" not in html
    assert "静安一组" in html and "张伟" in html
    assert reverse("complaints:detail", args=[complaint.pk]) in html
    assert "询问开工日期" in html and 'data-testid="screen-pop-phase"' in html
    assert len(queries) <= 7  # session, user, the call, open complaints, those she may open, project, last call
    showing = f"{PhoneCall.objects.get().pk}:ringing"
    assert f'value="{showing}"' in html
    assert pop(browser, showing).status_code == 204  # same call, same state: nothing to swap


def test_unknown_caller_pops_as_new_caller_with_one_click_to_log(client, login, front_desk, desk_phone):
    ring(client, number="13700001234")
    html = pop(login(front_desk)).content.decode()
    pk = PhoneCall.objects.get().pk
    assert 'data-testid="screen-pop-new"' in html
    assert reverse("reception:call_create") + f"?phone_call={pk}" in html


def test_pop_only_at_the_extension_that_rings(client, login, front_desk, desk_phone, known):
    from tests.teams.factories import UserFactory

    other_clerk = UserFactory(role="front_desk", team=None)
    ring(client)
    assert pop(login(other_clerk)).status_code == 204


def test_answer_opens_the_call_log_prefilled(client, login, front_desk, desk_phone, known):
    ring(client)
    hook(client, {"event": "answer", "callId": "c1"})
    pk = PhoneCall.objects.get().pk
    browser = login(front_desk)
    response = pop(browser, f"{pk}:ringing")
    assert response["HX-Redirect"] == reverse("reception:call_create") + f"?phone_call={pk}"
    page = browser.get(response["HX-Redirect"])
    html = page.content.decode()
    assert 'value="13812345678"' in html and 'value="王芳"' in html and f'name="phone_call" value="{pk}"' in html
    assert f'value="{pk}:answered"' in html  # the pop on this page does not send her here again
    response = browser.post(
        reverse("reception:call_create"),
        {
            "phone": "13812345678",
            "caller_name": "王芳",
            "caller_type": "client",
            "client": known.pk,
            "phone_call": pk,
            "purpose": "投诉地板",
            "summary": "客厅地板起拱",
            "save": "1",
        },
    )
    assert response.status_code == 302
    call = Call.objects.get()
    assert PhoneCall.objects.get().logged_call == call and call.client == known


def test_hangup_clears_the_pop(client, login, front_desk, desk_phone):
    ring(client)
    pk = PhoneCall.objects.get().pk
    hook(client, {"event": "hangup", "callId": "c1", "cause": "cancel"})
    response = pop(login(front_desk), f"{pk}:ringing")
    assert response.status_code == 200 and 'data-testid="screen-pop"' not in response.content.decode()


def test_every_clerk_page_polls_the_screen_pop(login, front_desk, consultant):
    assert reverse("reception:screen_pop") in login(front_desk).get(reverse("teams:home")).content.decode()
    assert reverse("reception:screen_pop") not in login(consultant).get(reverse("teams:home")).content.decode()


# --- missed calls --------------------------------------------------------------------------------------------


@pytest.fixture
def missed(client, desk_phone, known):
    ring(client)
    hook(client, {"event": "hangup", "callId": "c1", "cause": "cancel"})
    return PhoneCall.objects.get()


def test_missed_call_listed_until_a_callback_reaches_the_caller(login, front_desk, missed, outsider):
    browser = login(front_desk)
    assert "王芳" in browser.get(reverse("reception:missed_calls")).content.decode()
    url = reverse("reception:missed_callback", args=[missed.pk])
    browser.post(url, {"outcome": "no_answer", "note": "无人接听"})
    missed.refresh_from_db()
    assert missed.handled_at is None
    assert "无人接听" in browser.get(reverse("reception:missed_calls")).content.decode()
    browser.post(url, {"outcome": "reached", "note": "已约量房"})
    missed.refresh_from_db()
    assert missed.handled_by == front_desk and missed.handled_at is not None
    assert list(missed.callbacks.values_list("outcome", flat=True)) == ["no_answer", "reached"]
    assert "王芳" not in browser.get(reverse("reception:missed_calls")).content.decode()
    assert "已约量房" in browser.get(reverse("reception:missed_calls") + "?handled=1").content.decode()
    assert browser.get(url).status_code == 405


def test_handled_missed_call_takes_no_second_callback(login, front_desk, missed):
    url = reverse("reception:missed_callback", args=[missed.pk])
    browser = login(front_desk)
    browser.post(url, {"outcome": "reached"})
    browser.post(url, {"outcome": "reached"})
    assert Callback.objects.count() == 1


def test_revealing_a_missed_callers_number_is_logged(login, front_desk, missed):
    response = login(front_desk).post(reverse("reception:phone_call_reveal", args=[missed.pk]))
    assert "13812345678" in response.content.decode()
    assert AccessLog.objects.filter(user=front_desk, action="reveal", client=missed.client).exists()


def test_missed_calls_count_in_the_front_desks_figures(client, desk_phone, front_desk, missed):
    ring(client, call_id="c2")
    hook(client, {"event": "hangup", "callId": "c2", "cause": "cancel"})
    from reception.services_cti import missed_call_callback

    missed_call_callback(phone_call=missed, by=front_desk, outcome="reached")
    period = Period.month_of(timezone.localdate())
    got = figures(
        [METRICS["calls_missed"], METRICS["calls_missed_called_back"]], {"p": period}, Scope(person_id=front_desk.pk)
    )
    assert got[("p", "calls_missed")] == 2
    assert float(got[("p", "calls_missed_called_back")]) == 50.0


# --- fake_pbx, over real HTTP --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_fake_pbx_plays_a_call_and_a_missed_call_against_the_live_server(live_server, settings):
    from tests.teams.factories import UserFactory

    clerk = UserFactory(role="front_desk", team=None)
    Extension.objects.create(number="8009", user=clerk)
    pbx = FakePbx(live_server.url, TOKEN, from_number="13812345678", extension="8009")
    assert play_call(pbx, ring_seconds=0, talk_seconds=0, log=lambda m: None) == [200, 200, 200]
    missed = FakePbx(live_server.url, TOKEN, from_number="13812345678", extension="8009")
    assert play_call(missed, missed=True, ring_seconds=0, log=lambda m: None) == [200, 200]
    states = dict(PhoneCall.objects.values_list("call_id", "state"))
    assert states == {pbx.call_id: "ended", missed.call_id: "missed"}
    assert FakePbx(live_server.url, "wrong", from_number="1", extension="8009").ring()[0] == 403
    # The command itself, as an operator runs it.
    out = io.StringIO()
    call_command(
        "fake_pbx",
        url=live_server.url,
        token=TOKEN,
        from_number="13700000000",
        extension="8009",
        missed=True,
        ring=0,
        stdout=out,
    )
    assert "ring: 200" in out.getvalue() and PhoneCall.objects.filter(state="missed").count() == 2
    with pytest.raises(CommandError):
        call_command(
            "fake_pbx",
            url=live_server.url,
            token="wrong",
            from_number="1",
            extension="8009",
            ring=0,
            talk=0,
            stdout=io.StringIO(),
        )


def test_missed_calls_drill_down_lists_them(client, login, gm, desk_phone, missed):
    response = login(gm).get(
        reverse("performance:drill", args=["calls_missed"]), {"month": f"{timezone.localdate():%Y-%m}"}
    )
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].object_list] == [missed.pk]
    assert "王芳" in response.content.decode()


# --- a later call reaches the caller ------------------------------------------------------------------------


def test_a_later_answered_call_from_the_caller_handles_the_missed_call(login, client, front_desk, missed):
    ring(client, call_id="c2")
    assert PhoneCall.objects.missed_open().count() == 1  # ringing is not reaching
    hook(client, {"event": "answer", "callId": "c2", "user": "8001"})
    missed.refresh_from_db()
    assert missed.handled_at is not None and missed.handled_by == front_desk
    assert missed.handled_by_call.call_id == "c2"
    page = login(front_desk).get(reverse("reception:missed_calls") + "?handled=1").content.decode()
    assert "王芳" in page and 'data-testid="reached-by-call"' in page


def test_calling_the_number_back_through_the_pbx_handles_the_missed_call(client, desk_phone, missed):
    other = ring(client, call_id="x1", number="13900009999")
    assert other.status_code == 200
    hook(client, {"event": "hangup", "callId": "x1", "cause": "cancel"})
    hook(client, {"event": "newCall", "callId": "out1", "from": "8001", "to": "13812345678", "direction": "out"})
    hook(client, {"event": "answer", "callId": "out1", "user": "8001"})
    assert list(PhoneCall.objects.missed_open().values_list("call_id", flat=True)) == ["x1"]
    missed.refresh_from_db()
    assert missed.handled_by_call.direction == "out"


# --- the webhook under a flood ------------------------------------------------------------------------------


def test_guessing_the_token_is_rate_limited_without_filling_the_event_log(client, settings):
    settings.CTI_BAD_TOKENS_PER_MINUTE = 3
    statuses = [hook(client, {"event": "newCall", "callId": f"g{n}"}, token=f"guess{n}").status_code for n in range(6)]
    assert statuses == [403, 403, 403, 429, 429, 429]
    assert CtiEvent.objects.filter(outcome="bad_token").count() == 3
    assert ring(client).status_code == 200  # the real PBX, with the token, is not held up by the guesser


def test_a_runaway_pbx_is_refused_beyond_its_rate(client, desk_phone, settings):
    settings.CTI_EVENTS_PER_MINUTE = 2
    assert [ring(client, call_id=f"r{n}").status_code for n in range(3)] == [200, 200, 429]
    assert PhoneCall.objects.count() == 2

"""WeCom application messages in the notification outbox, the real client (teams/wecom.py) against the fake
WeCom (teams/wecom_fake.py) on a loopback port: text cards, the cached and refreshed token, retries after
errcodes, rate-limit backoff, the final failure shown to the deputy GM, per-kind channel choice, and nothing of
it while WeCom is not configured."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from teams import services
from teams import wecom as client
from teams.models import ChannelOptOut, Delivery, NotificationKind
from teams.services import CLAIM_TIMEOUT, MAX_ATTEMPTS
from tests.teams.factories import UserFactory

SEND = "/cgi-bin/message/send"
TOKEN = "/cgi-bin/gettoken"


@pytest.fixture
def linked(wecom, consultant):
    """张伟, linked to WeCom member ``zhangwei``."""
    wecom.add_member("zhangwei", "张伟", consultant.phone)
    consultant.wecom_userid = "zhangwei"
    consultant.save(update_fields=["wecom_userid"])
    return consultant


def wecom_deliveries():
    return Delivery.objects.filter(channel=Delivery.Channel.WECOM)


def expire_claim(delivery_id):
    """The time between attempts has passed (the claim of the failed attempt has expired)."""
    Delivery.objects.filter(pk=delivery_id).update(claimed_at=timezone.now() - CLAIM_TIMEOUT - timedelta(seconds=1))


@pytest.mark.django_db
def test_notification_is_delivered_as_a_text_card_linking_through_the_wecom_sign_in(
    wecom, linked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            kind=NotificationKind.COMPLAINT,
            recipients=[linked],
            title="重大事件：业主投诉漏水",
            body="请立即处理",
            url="/complaints/7/",
        )

    [card] = wecom.cards_to("zhangwei")
    assert card["title"] == "重大事件：业主投诉漏水"
    assert card["description"] == "请立即处理"
    assert card["url"] == "http://testserver" + reverse("teams:wecom_login") + "?next=%2Fcomplaints%2F7%2F"
    [sent] = [c.body for c in wecom.calls_to(SEND)]
    assert sent["msgtype"] == "textcard" and sent["agentid"] == 1000002 and sent["enable_duplicate_check"] == 1
    delivery = wecom_deliveries().get()
    assert delivery.address == "zhangwei" and delivery.sent_at is not None and delivery.last_error == ""
    # The e-mail goes as before, beside it.
    assert Delivery.objects.get(channel=Delivery.Channel.EMAIL).sent_at is not None


@pytest.mark.django_db
def test_the_access_token_is_fetched_once_and_kept_in_the_cache(wecom, linked, django_capture_on_commit_callbacks):
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(recipients=[linked], title=f"通知{n}", url="/")

    assert len(wecom.cards_to("zhangwei")) == 3
    assert len(wecom.calls_to(TOKEN)) == 1


@pytest.mark.django_db
def test_an_expired_token_42001_is_fetched_again_and_the_message_sent_in_the_same_attempt(wecom, linked):
    services.notify(recipients=[linked], title="第一条", url="/")
    services.notify(recipients=[linked], title="第二条", url="/")
    first, second = wecom_deliveries().order_by("pk")
    assert services.delivery_send(delivery_id=first.pk) == "sent"
    wecom.expire_tokens()  # two hours later, say: WeCom answers 42001 to the cached token

    assert services.delivery_send(delivery_id=second.pk) == "sent"
    assert [c.path for c in wecom.calls] == [TOKEN, SEND, SEND, TOKEN, SEND]
    tokens = [c.query["access_token"] for c in wecom.calls_to(SEND)]
    assert tokens[0] == tokens[1] != tokens[2]
    assert [c["title"] for c in wecom.cards_to("zhangwei")] == ["第一条", "第二条"]


@pytest.mark.django_db
def test_an_invalid_token_40014_is_refreshed_too(wecom, linked):
    services.notify(recipients=[linked], title="x", url="/")
    wecom.fail(SEND, 40014)
    assert services.delivery_send(delivery_id=wecom_deliveries().get().pk) == "sent"
    assert len(wecom.calls_to(TOKEN)) == 2


@pytest.mark.django_db
def test_a_token_refreshed_once_even_when_a_rate_limit_follows(wecom, linked, settings):
    settings.WECOM_RATE_LIMIT_RETRIES = 1
    services.notify(recipients=[linked], title="x", url="/", email=False)
    wecom.fail(SEND, 42001, 45009)
    assert services.delivery_send(delivery_id=wecom_deliveries().get().pk) == "sent"
    assert [c.path for c in wecom.calls] == [TOKEN, SEND, TOKEN, SEND, SEND]


@pytest.mark.django_db
def test_a_busy_answer_is_recorded_and_the_next_attempt_sends_it(wecom, linked):
    services.notify(recipients=[linked], title="工地验收提醒", url="/", email=False)
    delivery = wecom_deliveries().get()
    wecom.fail(SEND, -1)

    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.sent_at is None and delivery.failed_at is None and "-1" in delivery.last_error
    assert delivery.pk not in services.deliveries_pending(older_than=timedelta(0))  # waits for its claim

    expire_claim(delivery.pk)
    assert services.deliveries_pending(older_than=timedelta(0)) == [delivery.pk]
    assert services.delivery_send(delivery_id=delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.attempts == 2
    assert [c["title"] for c in wecom.cards_to("zhangwei")] == ["工地验收提醒"]


@pytest.mark.django_db
def test_a_rate_limit_answer_is_waited_out_and_retried_within_the_attempt(wecom, linked, settings):
    settings.WECOM_RATE_LIMIT_RETRIES = 2
    services.notify(recipients=[linked], title="x", url="/")
    wecom.fail(SEND, 45009, 45033)

    assert services.delivery_send(delivery_id=wecom_deliveries().get().pk) == "sent"
    assert len(wecom.calls_to(SEND)) == 3
    assert client.paused_for() == 0


@pytest.mark.django_db
def test_a_lasting_rate_limit_pauses_every_call_and_the_delivery_waits_the_backoff(wecom, linked, designer, settings):
    settings.WECOM_RATE_LIMIT_RETRIES = 1
    designer.wecom_userid = "liuyang"
    designer.save(update_fields=["wecom_userid"])
    wecom.add_member("liuyang", "刘洋")
    services.notify(recipients=[linked, designer], title="x", url="/", email=False)
    first, second = wecom_deliveries().order_by("pk")
    wecom.fail(SEND, 45009, 45009)

    assert services.delivery_send(delivery_id=first.pk) == "failed"
    assert len(wecom.calls_to(SEND)) == 2  # the call and one retry after a short wait
    assert client.paused_for() == pytest.approx(60, abs=2)
    # While paused, the next delivery does not call WeCom at all.
    assert services.delivery_send(delivery_id=second.pk) == "failed"
    assert len(wecom.calls_to(SEND)) == 2
    for row in (first, second):
        row.refresh_from_db()
        assert "WeComRateLimited" in row.last_error and row.failed_at is None

    later = timezone.now()
    # The scan leaves them alone for the pause (a minute), not only for the usual claim timeout.
    with time_machine.travel(later + timedelta(seconds=30)):
        assert services.deliveries_pending(older_than=timedelta(0)) == []
    with time_machine.travel(later + timedelta(seconds=65)):
        assert client.paused_for() == 0
        assert sorted(services.deliveries_pending(older_than=timedelta(0))) == [first.pk, second.pk]
        assert services.delivery_send(delivery_id=first.pk) == "sent"
        assert services.delivery_send(delivery_id=second.pk) == "sent"
    assert {c["title"] for c in wecom.cards_to("zhangwei") + wecom.cards_to("liuyang")} == {"x"}
    assert len(wecom.messages) == 2


@pytest.mark.django_db
def test_a_second_rate_limit_doubles_the_pause(wecom, linked, settings):
    settings.WECOM_RATE_LIMIT_RETRIES = 0
    services.notify(recipients=[linked], title="x", url="/")
    delivery = wecom_deliveries().get()
    wecom.fail(SEND, 45009, 45009)
    services.delivery_send(delivery_id=delivery.pk)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        expire_claim(delivery.pk)
        assert services.delivery_send(delivery_id=delivery.pk) == "failed"
        assert client.paused_for() == pytest.approx(120, abs=2)


@pytest.mark.django_db
def test_a_member_wecom_does_not_know_is_given_up_at_once_and_shown_to_the_deputy_gm(wecom, consultant, gm, login):
    consultant.wecom_userid = "left-the-corp"
    consultant.save(update_fields=["wecom_userid"])
    services.notify(recipients=[consultant], title="回访逾期", url="/")
    delivery = wecom_deliveries().get()

    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.failed_at is not None and "81013" in delivery.last_error
    page = login(gm).get(reverse("teams:failed_deliveries"))
    assert f'id="delivery-{delivery.pk}"' in page.content.decode()
    assert "企业微信应用消息" in page.content.decode() and "left-the-corp" in page.content.decode()
    home = login(gm).get(reverse("teams:home")).content.decode()
    assert "回访逾期" in home


@pytest.mark.django_db
def test_a_member_listed_as_invalid_user_is_a_permanent_failure(wecom, linked):
    """WeCom answers errcode 0 with ``invaliduser`` when some recipients are unknown: ours is never silently lost."""
    services.notify(recipients=[linked], title="x", url="/")
    del wecom.members["zhangwei"]
    wecom.add_member("someone-else", "某人")
    # With another valid target WeCom answers 0 and lists ours in invaliduser.
    with pytest.raises(client.WeComPermanentError, match="invaliduser: zhangwei"):
        client.send_textcard(touser="zhangwei|someone-else", title="t", description="d", url="http://x/")
    assert len(wecom.messages) == 1  # the valid one got it
    # Alone, WeCom answers 81013: the delivery is given up at once.
    assert services.delivery_send(delivery_id=wecom_deliveries().get().pk) == "failed"
    assert wecom_deliveries().get().failed_at is not None


@pytest.mark.django_db
def test_transient_failures_are_given_up_after_max_attempts_and_sent_again_by_the_deputy_gm(
    wecom, linked, gm, login, django_capture_on_commit_callbacks
):
    services.notify(recipients=[linked], title="会议议程", url="/")
    delivery = wecom_deliveries().get()
    Delivery.objects.filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    wecom.fail(SEND, -1)

    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.failed_at is not None
    assert delivery in Delivery.objects.failed()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(gm).post(reverse("teams:delivery_retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.sent_at is not None  # eager in tests: sent again at once
    assert [c["title"] for c in wecom.cards_to("zhangwei")] == ["会议议程"]


@pytest.mark.django_db
def test_a_wrong_secret_is_retried_not_given_up(wecom, linked, settings):
    """A configuration error is fixed by an administrator; the message then goes without anyone resending."""
    settings.WECOM_SECRET = "wrong"
    services.notify(recipients=[linked], title="x", url="/")
    delivery = wecom_deliveries().get()
    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.failed_at is None and "40001" in delivery.last_error

    settings.WECOM_SECRET = wecom.secret
    expire_claim(delivery.pk)
    assert services.delivery_send(delivery_id=delivery.pk) == "sent"


@pytest.mark.django_db
def test_wecom_down_is_a_transient_failure(wecom, linked, settings):
    settings.WECOM_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    services.notify(recipients=[linked], title="x", url="/")
    delivery = wecom_deliveries().get()
    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.failed_at is None and "WeComTransientError" in delivery.last_error


# --- per-kind channel choice --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_person_chooses_channels_per_kind_and_notify_honours_it(
    wecom, linked, login, django_capture_on_commit_callbacks
):
    page = login(linked).get(reverse("teams:notification_settings"))
    assert page.status_code == 200
    names = [f"{kind.value}__{channel}" for kind in NotificationKind for channel in ("email", "wecom")]
    # Everything on, except complaints by WeCom and meetings by e-mail.
    data = {name: "on" for name in names if name not in ("complaint__wecom", "meeting__email")}
    response = login(linked).post(reverse("teams:notification_settings"), data)
    assert response.status_code == 302
    assert set(ChannelOptOut.objects.filter(user=linked).values_list("kind", "channel")) == {
        ("complaint", "wecom"),
        ("meeting", "email"),
    }

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(kind=NotificationKind.COMPLAINT, recipients=[linked], title="投诉", url="/")
        services.notify(kind=NotificationKind.MEETING, recipients=[linked], title="会议", url="/")
        services.notify(kind=NotificationKind.PROJECT, recipients=[linked], title="项目", url="/")

    channels = sorted(Delivery.objects.values_list("subject", "channel"))
    assert channels == [("会议", "wecom"), ("投诉", "email"), ("项目", "email"), ("项目", "wecom")]
    assert [c["title"] for c in wecom.cards_to("zhangwei")] == ["会议", "项目"]
    assert linked.notifications.count() == 3  # the bell: always
    assert set(linked.notifications.values_list("kind", flat=True)) == {"complaint", "meeting", "project"}


@pytest.mark.django_db
def test_settings_page_shows_the_choice_and_an_unlinked_person_cannot_tick_wecom(wecom, designer, login):
    ChannelOptOut.objects.create(user=designer, kind="complaint", channel="email")
    page = login(designer).get(reverse("teams:notification_settings")).content.decode()
    assert checkbox(page, "project__email") == {"checked"}
    assert checkbox(page, "complaint__email") == set()
    assert checkbox(page, "project__wecom") == {"disabled"}
    # A forged tick on the disabled column changes nothing; e-mail choices are saved.
    login(designer).post(reverse("teams:notification_settings"), {"project__wecom": "on", "project__email": "on"})
    assert not ChannelOptOut.objects.filter(user=designer, channel="wecom").exists()
    assert ChannelOptOut.objects.filter(user=designer, channel="email").count() == len(NotificationKind) - 1


def checkbox(page: str, name: str) -> set[str]:
    """Which of checked / disabled the page's checkbox ``name`` has."""
    [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return {flag for flag in ("checked", "disabled") if re.search(rf"\s{flag}[\s>]", tag)}


@pytest.mark.django_db
def test_the_settings_page_is_in_the_user_menu(login, consultant):
    home = login(consultant).get(reverse("teams:home")).content.decode()
    assert reverse("teams:notification_settings") in home


@pytest.mark.django_db
def test_notify_reads_the_choices_of_many_people_in_one_query(wecom, team, django_assert_num_queries):
    people = [UserFactory(team=team, wecom_userid=f"u{n}") for n in range(20)]
    with django_assert_num_queries(3):  # the notifications, everyone's choices, the deliveries
        services.notify(recipients=people, title="x", url="/")
    assert Delivery.objects.count() == 40


# --- not configured -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_wecom_settings_no_wecom_message_no_column_no_button(
    consultant, login, client, settings, django_capture_on_commit_callbacks
):
    settings.WECOM_CORP_ID = settings.WECOM_AGENT_ID = settings.WECOM_SECRET = ""
    consultant.wecom_userid = "zhangwei"
    consultant.save(update_fields=["wecom_userid"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[consultant], title="x", url="/")
    assert not wecom_deliveries().exists()
    assert Delivery.objects.filter(channel=Delivery.Channel.EMAIL).exists()

    page = login(consultant).get(reverse("teams:notification_settings")).content.decode()
    assert "__wecom" not in page and "企业微信" not in page
    client.logout()
    login_page = client.get(reverse("login")).content.decode()
    assert 'data-testid="wecom-login"' not in login_page
    assert client.get(reverse("teams:wecom_login")).status_code == 404
    assert client.get(reverse("teams:wecom_callback"), {"code": "x", "state": "y"}).status_code == 404


@pytest.mark.django_db
def test_a_wecom_delivery_left_when_wecom_is_switched_off_waits_and_is_not_dropped(wecom, linked, settings):
    services.notify(recipients=[linked], title="x", url="/")
    settings.WECOM_CORP_ID = ""
    delivery = wecom_deliveries().get()
    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.failed_at is None and "not configured" in delivery.last_error


# --- the demo's command ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_fake_wecom_serves_on_loopback_only(settings):
    from django.core.management import CommandError, call_command

    settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_SECRET = "ww-demo", "1000002", "s"
    with pytest.raises(CommandError, match="loopback"):
        call_command("fake_wecom", "--host", "0.0.0.0")  # noqa: S104 (refused, which is the point)
    settings.WECOM_CORP_ID = ""
    with pytest.raises(CommandError, match="WECOM_DEMO"):
        call_command("fake_wecom")

"""The teams' group robots (teams/robots.py) against the fake WeCom and DingTalk robots on a loopback port
(teams/fake_robots.py): signatures, markdown, the 20 posts a minute, rate-limit answers, secrets kept."""

import datetime as dt
import logging
import socket

import pytest
import time_machine
from django.utils import timezone

from teams import robots, services, tasks
from teams.models import Delivery, RobotPost
from tests.teams.conftest import DINGTALK_PLAIN_TOKEN, DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY

pytestmark = pytest.mark.django_db


def wecom_team(team, server):
    team.webhook_url, team.robot_kind = server.wecom_url(WECOM_KEY), "wecom"
    team.save()
    return team


def dingtalk_team(team, server, secret=DINGTALK_SECRET, token=DINGTALK_TOKEN):
    team.webhook_url, team.robot_kind, team.robot_secret = server.dingtalk_url(token), "dingtalk", secret
    team.save()
    return team


def notify(team, user, capture, title="新投诉：厨房漏水", body="业主：王先生", url="/complaints/1/"):
    with capture(execute=True):
        services.notify(recipients=[user], title=title, body=body, url=url, team_channel=team, email=False)


def robot_deliveries():
    return Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK).order_by("pk")


# --- Signing ---------------------------------------------------------------------------------------------------


def test_dingtalk_signature_is_the_documented_hmac():
    # printf '1700000000000\nSECtest' | openssl dgst -sha256 -hmac SECtest -binary | base64
    assert robots.dingtalk_sign("SECtest", 1700000000000) == "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g="
    url = robots.signed_url("https://oapi.dingtalk.com/robot/send?access_token=t&sign=old", "SECtest", 1700000000000)
    assert url == (
        "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000"
        "&sign=aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D"
    )


def test_signed_dingtalk_robot_accepts_the_markdown(team, consultant, fake_robots, django_capture_on_commit_callbacks):
    dingtalk_team(team, fake_robots)
    notify(team, consultant, django_capture_on_commit_callbacks)

    [call] = fake_robots.robots.calls
    assert call.errcode == 0 and call.robot == DINGTALK_TOKEN
    assert call.query["timestamp"].isdigit() and call.query["sign"]
    assert call.body == {
        "msgtype": "markdown",
        "markdown": {
            "title": "新投诉：厨房漏水",
            "text": "#### 新投诉：厨房漏水  \n业主：王先生  \n[在客服系统中打开](http://testserver/complaints/1/)",
        },
    }
    delivery = robot_deliveries().get()
    assert delivery.sent_at is not None and delivery.last_error == ""
    assert RobotPost.objects.get(team=team).errcode == 0


def test_a_wrong_secret_is_refused_given_up_and_never_written_down(
    team, consultant, fake_robots, django_capture_on_commit_callbacks, caplog
):
    wrong = "SEC" + "f" * 64
    dingtalk_team(team, fake_robots, secret=wrong)
    with caplog.at_level(logging.DEBUG):
        notify(team, consultant, django_capture_on_commit_callbacks)

    [call] = fake_robots.robots.calls
    assert (call.errcode, call.errmsg) == (310000, "sign not match")
    delivery = robot_deliveries().get()
    assert delivery.sent_at is None and delivery.failed_at is not None  # no retry fixes a wrong secret
    assert "310000" in delivery.last_error
    written = " ".join(record.getMessage() for record in caplog.records) + delivery.last_error + delivery.address
    assert wrong not in written and call.query["sign"] not in written and DINGTALK_TOKEN not in written


def test_a_signed_robot_refuses_an_unsigned_post(team, consultant, fake_robots, django_capture_on_commit_callbacks):
    dingtalk_team(team, fake_robots, secret="")
    notify(team, consultant, django_capture_on_commit_callbacks)
    assert [(c.errcode, c.errmsg) for c in fake_robots.robots.calls] == [(310000, "invalid timestamp")]


def test_a_dingtalk_robot_without_secret_takes_unsigned_posts(
    team, consultant, fake_robots, django_capture_on_commit_callbacks
):
    dingtalk_team(team, fake_robots, secret="", token=DINGTALK_PLAIN_TOKEN)
    notify(team, consultant, django_capture_on_commit_callbacks)
    [call] = fake_robots.robots.accepted()
    assert "sign" not in call.query
    assert robot_deliveries().get().sent_at is not None


# --- WeCom markdown ----------------------------------------------------------------------------------------------


def test_wecom_robot_gets_markdown_with_the_link_and_no_tags(
    team, consultant, fake_robots, django_capture_on_commit_callbacks
):
    wecom_team(team, fake_robots)
    notify(team, consultant, django_capture_on_commit_callbacks, body='业主说：<@all> <font color="warning">急</font>')

    [call] = fake_robots.robots.accepted()
    assert call.body == {
        "msgtype": "markdown",
        "markdown": {
            "content": "#### 新投诉：厨房漏水\n"
            '业主说：＜@all＞ ＜font color="warning"＞急＜/font＞\n'
            "[在客服系统中打开](http://testserver/complaints/1/)"
        },
    }
    delivery = robot_deliveries().get()
    assert delivery.sent_at is not None
    # The row shows which robot, with its key cut short.
    assert delivery.address == f"{fake_robots.url}/cgi-bin/webhook/send?key=weco…"


def test_the_kind_is_told_from_the_address_when_not_chosen(
    team, consultant, fake_robots, django_capture_on_commit_callbacks
):
    team.webhook_url, team.robot_kind = fake_robots.wecom_url(WECOM_KEY), ""
    team.save()
    notify(team, consultant, django_capture_on_commit_callbacks)
    assert fake_robots.robots.accepted()[0].body["msgtype"] == "markdown"
    assert robots.detect_kind("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k") == "wecom"
    assert robots.detect_kind("https://oapi.dingtalk.com/robot/send?access_token=t") == "dingtalk"
    assert robots.detect_kind("https://example.com/hook") == ""


# --- The 20 posts a minute ---------------------------------------------------------------------------------------


def most_in_a_minute(calls) -> int:
    times = sorted(c.at for c in calls if c.accepted)
    return max((sum(1 for t in times if start <= t < start + 60) for start in times), default=0)


def test_25_messages_in_a_minute_arrive_within_the_limit_without_loss(
    team, consultant, fake_robots, django_capture_on_commit_callbacks
):
    wecom_team(team, fake_robots)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        for n in range(25):  # 25 events, each committed and sent on its own, as they come
            notify(team, consultant, django_capture_on_commit_callbacks, title=f"提醒 {n + 1:02d}")

        assert len(fake_robots.robots.accepted()) == 20 and fake_robots.robots.refused() == []
        held = list(robot_deliveries().filter(sent_at__isnull=True))
        assert [d.subject for d in held] == [f"提醒 {n:02d}" for n in range(21, 26)]
        # Held for the next minute: no attempt spent, nothing given up.
        assert all(d.not_before is not None and d.attempts == 0 and d.failed_at is None for d in held)

        clock.shift(dt.timedelta(seconds=30))
        tasks.deliver_pending()
        assert len(fake_robots.robots.calls) == 20  # still the same minute

        clock.shift(dt.timedelta(seconds=35))
        tasks.deliver_pending()

    calls = fake_robots.robots.calls
    assert fake_robots.robots.refused() == [] and len(calls) == 21
    assert most_in_a_minute(calls) <= 20
    # The five that waited went out together in one markdown post.
    assert [line for line in calls[-1].text.splitlines() if line.startswith("####")] == [
        f"#### 提醒 {n:02d}" for n in range(21, 26)
    ]
    text = "\n".join(c.text for c in calls)
    assert all(f"提醒 {n:02d}" in text for n in range(1, 26))
    assert not robot_deliveries().filter(sent_at__isnull=True).exists()


def test_notifications_waiting_together_go_out_in_one_post(
    team, consultant, fake_robots, django_capture_on_commit_callbacks
):
    dingtalk_team(team, fake_robots)
    with django_capture_on_commit_callbacks(execute=True):  # one transaction, 12 notifications
        for n in range(12):
            services.notify(recipients=[consultant], title=f"到期回访 {n + 1}", team_channel=team, email=False)

    [call] = fake_robots.robots.calls
    assert call.errcode == 0 and call.body["markdown"]["title"] == "到期回访 1（另有 11 条）"
    assert call.text.count("#### 到期回访") == 12
    assert robot_deliveries().filter(sent_at__isnull=False).count() == 12
    assert RobotPost.objects.get().messages == 12


def test_a_post_carries_no_more_than_the_robot_takes(team, consultant, fake_robots, django_capture_on_commit_callbacks):
    wecom_team(team, fake_robots)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            services.notify(
                recipients=[consultant], title=f"长消息 {n}", body="很长" * 300, team_channel=team, email=False
            )

    calls = fake_robots.robots.calls
    assert len(calls) > 1 and fake_robots.robots.refused() == []
    assert all(len(c.text.encode()) <= 4096 for c in calls)
    assert sum(c.text.count("#### 长消息") for c in calls) == 10
    assert not robot_deliveries().filter(sent_at__isnull=True).exists()


# --- "Too many messages" from the robot ------------------------------------------------------------------------


def test_a_rate_limit_answer_is_retried_later(team, consultant, fake_robots, django_capture_on_commit_callbacks):
    wecom_team(team, fake_robots)
    other_sender = robots.Robot(kind="wecom", url=fake_robots.wecom_url(WECOM_KEY))
    with time_machine.travel(timezone.now(), tick=True) as clock:
        for _ in range(20):  # another system posting to the same robot used up its minute
            assert robots.post(other_sender, title="", text="别的系统").ok
        notify(team, consultant, django_capture_on_commit_callbacks, title="第一条")

        assert fake_robots.robots.refused()[0].errcode == 45009
        first = robot_deliveries().get()
        assert first.sent_at is None and first.failed_at is None and first.attempts == 1
        assert "45009" in first.last_error
        assert first.not_before >= timezone.now() + dt.timedelta(seconds=55)

        # While the robot pauses, a new notification waits without asking it.
        notify(team, consultant, django_capture_on_commit_callbacks, title="第二条")
        assert len(fake_robots.robots.calls) == 21
        clock.shift(dt.timedelta(seconds=30))
        tasks.deliver_pending()
        assert len(fake_robots.robots.calls) == 21

        clock.shift(dt.timedelta(seconds=35))
        assert tasks.deliver_pending() >= 1

    last = fake_robots.robots.calls[-1]
    assert last.errcode == 0 and "#### 第一条" in last.text and "#### 第二条" in last.text
    assert robot_deliveries().filter(sent_at__isnull=False).count() == 2


def test_dingtalk_blocks_ten_minutes_after_too_many_and_the_delivery_waits_it_out(
    team, consultant, fake_robots, django_capture_on_commit_callbacks
):
    dingtalk_team(team, fake_robots)
    robot = robots.Robot(kind="dingtalk", url=fake_robots.dingtalk_url(DINGTALK_TOKEN), secret=DINGTALK_SECRET)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        for _ in range(21):  # someone else went past the 20: DingTalk blocks the robot for 10 minutes
            robots.post(robot, title="别的系统", text="别的系统")
        notify(team, consultant, django_capture_on_commit_callbacks, title="重大事件")
        assert fake_robots.robots.calls[-1].errcode == 410100
        delivery = robot_deliveries().get()
        assert delivery.not_before >= timezone.now() + dt.timedelta(minutes=9)

        clock.shift(dt.timedelta(minutes=3))
        tasks.deliver_pending()
        assert len(fake_robots.robots.calls) == 22  # waiting: the robot is not asked during its block

        clock.shift(dt.timedelta(minutes=8))
        tasks.deliver_pending()

    assert fake_robots.robots.calls[-1].errcode == 0
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.attempts == 2


def test_the_minute_is_shared_by_two_workers(team, consultant, fake_robots):
    """Twenty places a minute however many workers send: the 21st is held, even while the 20 are under way."""
    wecom_team(team, fake_robots)
    now = timezone.now()
    for _ in range(20):
        robots.window_take(team=team, now=now)
    with pytest.raises(robots.RobotBusy) as busy:
        robots.window_take(team=team, now=now)
    assert busy.value.at == now + robots.WINDOW


# --- Nothing lost ------------------------------------------------------------------------------------------------


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key={WECOM_KEY}"


def test_an_unreachable_robot_is_retried_with_the_corrected_address(team, consultant, fake_robots):
    team.webhook_url, team.robot_kind = closed_port_url(), "wecom"
    team.save()
    services.notify(recipients=[consultant], title="无人应答", team_channel=team, email=False)
    delivery = robot_deliveries().get()
    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.failed_at is None and "no answer" in delivery.last_error  # transient: tried again later

    wecom_team(team, fake_robots)  # the leader corrects the address on the team's settings page
    with time_machine.travel(services.CLAIM_TIMEOUT + dt.timedelta(minutes=1)):
        assert tasks.deliver_pending() == 1
    assert "#### 无人应答" in fake_robots.robots.accepted()[0].text


def test_a_delivery_queued_before_robots_had_a_team_is_still_posted(consultant, fake_robots):
    delivery = Delivery.objects.create(
        channel=Delivery.Channel.WEBHOOK, address=fake_robots.wecom_url(WECOM_KEY), subject="旧的", body="b"
    )
    assert services.delivery_send(delivery_id=delivery.pk) == "sent"
    assert fake_robots.robots.accepted()[0].text == "#### 旧的\nb"


def test_a_team_whose_robot_was_removed_gives_up_what_waited(team, consultant, fake_robots):
    wecom_team(team, fake_robots)
    services.notify(recipients=[consultant], title="x", team_channel=team, email=False)
    team.webhook_url = ""
    team.save()
    assert services.delivery_send(delivery_id=robot_deliveries().get().pk) == "failed"
    assert robot_deliveries().get().failed_at is not None
    assert fake_robots.robots.calls == []

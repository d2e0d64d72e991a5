"""A team's settings page (teams/views_settings.py): its group robot, saved and tested against the fake robots on
a loopback port. The deputy GM and the team's leader; another team's leader gets 404, other roles 403."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from teams import robots
from teams.models import RobotPost
from teams.roles import Role
from tests.teams.conftest import DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY
from tests.teams.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(team):
    return reverse("teams:team_settings", args=[team.pk])


def robot_test_url(team):
    return reverse("teams:team_robot_test", args=[team.pk])


def form(url="", kind="", secret="", **extra):
    return {"webhook_url": url, "robot_kind": kind, "robot_secret": secret, **extra}


def answer_box(html: str) -> str:
    found = re.search(r'<div class="alert[^"]*"[^>]*data-testid="robot-answer".*?</div>\s*</div>', html, re.S)
    return found.group(0) if found else ""


# --- Who may ---------------------------------------------------------------------------------------------------


def test_the_deputy_gm_and_the_leader_open_the_settings(login, team, consultant, gm):
    for user in (gm, consultant):
        response = login(user).get(page(team))
        assert response.status_code == 200
        assert "团队设置" in response.content.decode() and "发送测试消息" in response.content.decode()


def test_another_teams_settings_answer_404(login, team, consultant, outsider, fake_robots):
    client = login(outsider)
    assert client.get(page(team)).status_code == 404
    url = fake_robots.wecom_url(WECOM_KEY)
    assert client.post(page(team), form(url)).status_code == 404
    assert client.post(robot_test_url(team), form(url)).status_code == 404
    team.refresh_from_db()
    assert team.webhook_url == "" and fake_robots.robots.calls == []


def test_a_member_who_does_not_lead_the_team_gets_404(login, team, consultant):
    second = UserFactory(role=Role.CONSULTANT, team=team)
    assert login(second).get(page(team)).status_code == 404


@pytest.mark.parametrize("role", [Role.DESIGNER, Role.PROJECT_MANAGER, Role.FRONT_DESK])
def test_other_roles_are_refused(login, team, consultant, role, fake_robots):
    user = UserFactory(role=role, team=team if role in (Role.DESIGNER, Role.PROJECT_MANAGER) else None)
    client = login(user)
    assert client.get(page(team)).status_code == 403
    assert client.post(robot_test_url(team), form(fake_robots.wecom_url(WECOM_KEY))).status_code == 403
    assert fake_robots.robots.calls == []


def test_the_test_takes_post_only(login, team, gm):
    assert login(gm).get(robot_test_url(team)).status_code == 405


def test_the_menu_leads_the_leader_to_their_team_and_the_gm_to_every_team(login, team, consultant, gm, other_team):
    index = reverse("teams:team_settings_index")
    home = login(consultant).get(reverse("teams:home")).content.decode()
    assert index in home
    assert login(consultant).get(index).url == page(team)

    with_gm = login(gm)
    assert index in with_gm.get(reverse("teams:home")).content.decode()
    listing = with_gm.get(index).content.decode()
    assert page(team) in listing and page(other_team) in listing


def test_the_index_reads_a_fixed_number_of_queries(login, gm, django_assert_max_num_queries):
    for n in range(15):
        team = TeamFactory(name=f"第{n}组")
        RobotPost.objects.create(team=team, posted_at=timezone.now(), errcode=0)
    client = login(gm)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("teams:team_settings_index"))
    assert response.content.decode().count("已接收") == 15


def test_the_menu_entry_is_not_shown_to_a_designer(login, designer):
    assert reverse("teams:team_settings_index") not in login(designer).get(reverse("teams:home")).content.decode()


# --- Saving ----------------------------------------------------------------------------------------------------


def test_the_leader_saves_a_signed_dingtalk_robot_and_its_secret_is_not_shown_back(
    login, team, consultant, fake_robots
):
    client = login(consultant)
    url = fake_robots.dingtalk_url(DINGTALK_TOKEN)
    response = client.post(page(team), form(url, "", DINGTALK_SECRET))
    assert response.status_code == 302 and response.url == page(team)
    team.refresh_from_db()
    assert (team.webhook_url, team.robot_kind, team.robot_secret) == (url, "dingtalk", DINGTALK_SECRET)

    html = client.get(page(team)).content.decode()
    assert DINGTALK_SECRET not in html and DINGTALK_SECRET[3:20] not in html
    assert f"SEC…{DINGTALK_SECRET[-4:]}" in html


def test_an_empty_secret_keeps_the_saved_one_and_remove_drops_it(login, team, consultant, fake_robots):
    url = fake_robots.dingtalk_url(DINGTALK_TOKEN)
    team.webhook_url, team.robot_kind, team.robot_secret = url, "dingtalk", DINGTALK_SECRET
    team.save()
    client = login(consultant)

    assert client.post(page(team), form(url, "dingtalk", "")).status_code == 302
    team.refresh_from_db()
    assert team.robot_secret == DINGTALK_SECRET

    assert client.post(page(team), form(url, "dingtalk", "", forget_secret="on")).status_code == 302
    team.refresh_from_db()
    assert team.robot_secret == ""


def test_switching_to_wecom_leaves_the_dingtalk_secret_behind(login, team, consultant, fake_robots):
    team.webhook_url, team.robot_kind, team.robot_secret = (
        "https://oapi.dingtalk.com/robot/send?access_token=t",
        "dingtalk",
        DINGTALK_SECRET,
    )
    team.save()
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    assert login(consultant).post(page(team), form(url)).status_code == 302
    team.refresh_from_db()
    assert (team.robot_kind, team.robot_secret) == ("wecom", "")


def test_an_empty_address_removes_the_robot(login, team, gm):
    team.webhook_url, team.robot_kind, team.robot_secret = (
        "https://oapi.dingtalk.com/robot/send?access_token=t",
        "dingtalk",
        DINGTALK_SECRET,
    )
    team.save()
    assert login(gm).post(page(team), form()).status_code == 302
    team.refresh_from_db()
    assert (team.webhook_url, team.robot_kind, team.robot_secret) == ("", "", "")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (form("http://example.com/cgi-bin/webhook/send?key=k"), "webhook_url", "https://"),
        # An allowed host (ROBOT_HOSTS: a proxy; here the tests' loopback) whose path names no robot.
        (form("https://127.0.0.1/hook?key=k"), "robot_kind", "无法根据这个地址识别"),
        (form("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "dingtalk"), "robot_kind", "另一种机器人"),
        (form("https://oapi.dingtalk.com/robot/send"), "webhook_url", "access_token"),
        (form("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "", "SECabc"), "robot_secret", "没有密钥"),
        (form("https://oapi.dingtalk.com/robot/send?access_token=t", "", "abc"), "robot_secret", "SEC"),
    ],
)
def test_settings_that_cannot_work_are_refused(login, team, consultant, data, field, message):
    response = login(consultant).post(page(team), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    team.refresh_from_db()
    assert team.webhook_url == ""


def test_the_kind_is_told_from_the_real_hosts(login, team, gm):
    client = login(gm)
    client.post(page(team), form("https://oapi.dingtalk.com/robot/send?access_token=t"))
    team.refresh_from_db()
    assert team.robot_kind == "dingtalk"


# --- The test button -------------------------------------------------------------------------------------------


def test_the_test_message_reaches_the_signed_robot_and_its_answer_shows(login, team, consultant, fake_robots):
    response = login(consultant).post(
        robot_test_url(team), form(fake_robots.dingtalk_url(DINGTALK_TOKEN), "dingtalk", DINGTALK_SECRET)
    )
    assert response.status_code == 200
    box = answer_box(response.content.decode())
    assert "机器人已接收该消息。" in box and "errcode 0" in box and "errmsg ok" in box

    [call] = fake_robots.robots.accepted()
    assert call.body["markdown"]["title"] == "客服系统测试消息"
    assert "静安一组" in call.text and "张伟" in call.text
    # A test does not save what was typed; it counts as one of the robot's posts of the minute.
    team.refresh_from_db()
    assert team.webhook_url == ""
    assert RobotPost.objects.get(team=team).errcode == 0


def test_a_wrong_secret_shows_the_robots_refusal_in_the_users_language(login, team, gm, fake_robots):
    client = login(gm)
    data = form(fake_robots.dingtalk_url(DINGTALK_TOKEN), "dingtalk", "SEC" + "0" * 64)
    box = answer_box(client.post(robot_test_url(team), data).content.decode())
    assert "errcode 310000" in box and "sign not match" in box and "钉钉拒绝了签名" in box

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    box = answer_box(client.post(robot_test_url(team), data).content.decode())
    assert "errcode 310000" in box and "DingTalk refused the signature" in box


def test_the_saved_secret_signs_the_test_when_none_is_typed(login, team, consultant, fake_robots):
    url = fake_robots.dingtalk_url(DINGTALK_TOKEN)
    team.webhook_url, team.robot_kind, team.robot_secret = url, "dingtalk", DINGTALK_SECRET
    team.save()
    box = answer_box(login(consultant).post(robot_test_url(team), form(url, "dingtalk")).content.decode())
    assert "errcode 0" in box


def test_the_wecom_test_and_an_unknown_key(login, team, consultant, fake_robots):
    client = login(consultant)
    ok = answer_box(client.post(robot_test_url(team), form(fake_robots.wecom_url(WECOM_KEY))).content.decode())
    assert "errcode 0" in ok
    assert fake_robots.robots.accepted()[0].body["msgtype"] == "markdown"
    refused = answer_box(client.post(robot_test_url(team), form(fake_robots.wecom_url("nope"))).content.decode())
    assert "errcode 93000" in refused and "企业微信不认识这个 webhook key" in refused


def test_an_address_that_does_not_answer_is_shown(login, team, consultant):
    url = "http://127.0.0.1:9/cgi-bin/webhook/send?key=k"  # the discard port: nobody listens
    box = answer_box(login(consultant).post(robot_test_url(team), form(url)).content.decode())
    assert "机器人没有应答" in box


def test_the_test_waits_when_the_robots_minute_is_full(login, team, consultant, fake_robots):
    now = timezone.now()
    for _ in range(robots.POSTS_PER_MINUTE):
        robots.window_take(team=team, now=now)
    box = answer_box(
        login(consultant).post(robot_test_url(team), form(fake_robots.wecom_url(WECOM_KEY))).content.decode()
    )
    assert "本分钟已发满 20 条" in box and "秒后再试" in box
    assert fake_robots.robots.calls == []


def test_the_test_by_htmx_answers_with_the_fragment(login, team, consultant, fake_robots):
    response = login(consultant).post(
        robot_test_url(team), form(fake_robots.wecom_url(WECOM_KEY)), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "errcode 0" in html and "<html" not in html and "<form" not in html


def test_the_test_without_an_address_asks_for_one(login, team, consultant):
    response = login(consultant).post(robot_test_url(team), form(), HTTP_HX_REQUEST="true")
    assert "请填写机器人地址后再发送测试消息" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "https://intranet.example.com/cgi-bin/webhook/send?key=k",  # another host on the robot's path
        "https://169.254.169.254/robot/send?access_token=t",  # the cloud's metadata endpoint
    ],
)
def test_an_address_outside_wecom_and_dingtalk_is_refused_and_never_posted_to(login, team, consultant, url):
    client = login(consultant)
    response = client.post(page(team), form(url))
    assert response.status_code == 200 and "只能使用企业微信或钉钉的机器人地址" in response.content.decode()
    team.refresh_from_db()
    assert team.webhook_url == ""
    box = answer_box(client.post(robot_test_url(team), form(url)).content.decode())
    assert "机器人没有应答" not in box  # refused before any connection was tried
    # Set behind the form's back (the admin, a script): the post is refused for good, nothing is sent.
    with pytest.raises(robots.RobotRejected):
        robots.post(robots.Robot(kind="wecom", url=url, secret=""), title="t", text="t")


def test_the_company_proxy_can_be_allowed(settings):
    settings.ROBOT_HOSTS = ["robot-proxy.internal"]
    url = "https://robot-proxy.internal/cgi-bin/webhook/send?key=k"
    assert robots.robot_check(kind="wecom", url=url, secret="") == "wecom"

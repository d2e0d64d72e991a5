"""The team's group robot edited in the admin is held to the same rules as on the team's settings page
(teams/models/staff.py Team.clean, teams/robots.py robot_check)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from teams.models import Team
from tests.teams.conftest import DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY
from tests.teams.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

DINGTALK = f"https://oapi.dingtalk.com/robot/send?access_token={DINGTALK_TOKEN}"
WECOM = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}"


def _admin_form(team, **changes):
    request = RequestFactory().post("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    form_class = admin.site._registry[Team].get_form(request, team)
    data = {"name": team.name, "leader": "", "webhook_url": team.webhook_url, "robot_kind": team.robot_kind}
    data["is_active"] = "on"
    return form_class({**data, **changes}, instance=team)


@pytest.mark.parametrize(
    "url, kind, field",
    [
        ("https://robots.example.com/send?access_token=t", "", "webhook_url"),  # not WeCom's nor DingTalk's
        ("http://oapi.dingtalk.com/robot/send?access_token=t", "dingtalk", "webhook_url"),  # not https
        (WECOM, "dingtalk", "robot_kind"),  # another kind's address
        ("https://oapi.dingtalk.com/robot/send", "", "webhook_url"),  # no key
    ],
)
def test_the_admin_refuses_a_robot_the_settings_page_refuses(url, kind, field):
    team = TeamFactory()
    form = _admin_form(team, webhook_url=url, robot_kind=kind)
    assert not form.is_valid()
    assert field in form.errors
    team.refresh_from_db()
    assert team.webhook_url == ""


def test_the_admin_tells_the_kind_and_a_move_to_wecom_drops_the_dingtalk_secret():
    team = TeamFactory(webhook_url=DINGTALK, robot_kind="dingtalk", robot_secret=DINGTALK_SECRET)
    form = _admin_form(team, webhook_url=WECOM, robot_kind="")
    assert form.is_valid(), form.errors
    form.save()
    team.refresh_from_db()
    assert (team.robot_kind, team.robot_secret) == ("wecom", "")


def test_a_dingtalk_robot_edited_in_the_admin_keeps_its_secret():
    team = TeamFactory(webhook_url=DINGTALK, robot_kind="dingtalk", robot_secret=DINGTALK_SECRET)
    form = _admin_form(team, name="静安一组(新)")
    assert form.is_valid(), form.errors
    form.save()
    team.refresh_from_db()
    assert (team.name, team.robot_kind, team.robot_secret) == ("静安一组(新)", "dingtalk", DINGTALK_SECRET)

"""The team group-robot channel, against the fake robots on 127.0.0.1 (teams/fake_robots.py)."""

import pytest

from teams import services
from teams.models import Delivery
from tests.teams.conftest import WECOM_KEY


@pytest.mark.django_db
def test_team_channel_posts_to_the_group_robot(team, consultant, fake_robots, django_capture_on_commit_callbacks):
    team.webhook_url = fake_robots.wecom_url(WECOM_KEY)
    team.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[consultant], title="重大事件：业主投诉漏水", body="请立即处理", team_channel=team)

    assert [call.body for call in fake_robots.robots.calls] == [
        {"msgtype": "markdown", "markdown": {"content": "#### 重大事件：业主投诉漏水\n请立即处理"}}
    ]
    assert Delivery.objects.get(channel=Delivery.Channel.WEBHOOK).sent_at is not None


@pytest.mark.django_db
def test_robot_refusal_is_recorded_and_the_delivery_not_marked_sent(team, consultant, fake_robots):
    team.webhook_url = fake_robots.wecom_url("a-key-the-robot-does-not-know")
    team.save()
    services.notify(recipients=[consultant], title="x", team_channel=team, email=False)
    delivery = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)

    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.sent_at is None and "93000" in delivery.last_error
    # A key the robot does not know is not fixed by retrying: given up, on the deputy GM's list.
    assert delivery.failed_at is not None


@pytest.mark.django_db
def test_team_without_robot_gets_no_webhook_delivery(team, consultant):
    services.notify(recipients=[consultant], title="x", team_channel=team)
    assert not Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK).exists()

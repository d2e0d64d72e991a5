"""Fixtures of the teams tests: the fake group robots (teams/fake_robots.py) on a loopback port."""

import pytest

from teams.fake_robots import FakeRobots, FakeRobotServer

# The fake's robots: a WeCom robot, a DingTalk robot with 加签, and a DingTalk robot without.
WECOM_KEY = "wecom-test-key"
DINGTALK_TOKEN = "dingtalk-test-token"
DINGTALK_SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
DINGTALK_PLAIN_TOKEN = "dingtalk-plain-token"


@pytest.fixture
def fake_robots():
    """The fake robots, started for the test and stopped after it; ``.robots`` holds every call it answered."""
    server = FakeRobotServer(
        FakeRobots(wecom={WECOM_KEY}, dingtalk={DINGTALK_TOKEN: DINGTALK_SECRET, DINGTALK_PLAIN_TOKEN: ""})
    ).start()
    yield server
    server.stop()

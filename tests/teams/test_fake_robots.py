"""The fake group robots of `make run` (``manage.py fake_robots``) and the demo teams that post to them."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

from teams import robots
from teams.demo import DEMO_ROBOTS, seed_robots
from teams.fake_robots import FakeRobotServer, demo_robots
from tests.teams.factories import TeamFactory, UserFactory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def test_the_command_answers_as_the_demo_robots_and_prints_what_they_receive():
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "fake_robots", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(port)
        base = f"http://127.0.0.1:{port}"
        answers = []
        for _index, kind, path, secret in DEMO_ROBOTS:
            robot = robots.Robot(kind=kind, url=base + path, secret=secret)
            answers.append(robots.post(robot, title="演示", text=f"#### 演示 {kind}"))
        assert [a.errcode for a in answers] == [0, 0]
        with urllib.request.urlopen(base + "/", timeout=5) as response:  # noqa: S310 (our loopback)
            listed = json.loads(response.read())["calls"]
        assert [c["text"] for c in listed] == ["#### 演示 dingtalk", "#### 演示 wecom"]
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "errcode 0 ok | #### 演示 wecom" in output and "errcode 0 ok | #### 演示 dingtalk" in output
    # The keys and the secret stay out of what it prints.
    assert all(secret not in output for *_, secret in DEMO_ROBOTS if secret)


@pytest.mark.django_db
def test_the_demo_teams_robots_post_to_the_fake(settings):
    server = FakeRobotServer(demo_robots()).start()
    try:
        settings.DEMO_ROBOTS_URL = server.url
        teams = [TeamFactory(name=name) for name in ("静安一组", "浦东二组", "徐汇三组")]
        seed_robots(teams)
        gm = UserFactory(role="deputy_gm", team=None)
        kinds = []
        for team in teams:
            team.refresh_from_db()
            robot = robots.Robot.of_team(team)
            kinds.append(robot.kind if robot else None)
            if robot:
                assert robots.team_robot_test(team=team, robot=robot, by=gm).ok
        assert kinds == ["wecom", "dingtalk", None]  # 徐汇三组 shows a team without a robot
        assert [c.kind for c in server.robots.accepted()] == ["wecom", "dingtalk"]
        assert server.robots.accepted()[1].query["sign"]  # 浦东二组's robot is signed (加签)

        seed_robots(teams)  # seeding again changes nothing
        assert robots.Robot.of_team(teams[0]).url == server.url + DEMO_ROBOTS[0][2]
    finally:
        server.stop()

"""Shared fixtures. The usual cast (STYLE.md): a member of a team, its leader,
and an outsider from another team; plus one user per company-wide role."""

import os

import pytest

from teams.roles import Role
from tests.teams.factories import TeamFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread (RECIPES.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def team(db):
    return TeamFactory(name="静安一组")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="浦东二组")


@pytest.fixture
def consultant(team):
    user = UserFactory(role=Role.CONSULTANT, team=team, full_name="张伟")
    team.leader = user
    team.save(update_fields=["leader"])
    return user


@pytest.fixture
def designer(team):
    return UserFactory(role=Role.DESIGNER, team=team, full_name="刘洋")


@pytest.fixture
def assistant(team):
    return UserFactory(role=Role.ASSISTANT_DESIGNER, team=team, full_name="陈静")


@pytest.fixture
def pm(team):
    return UserFactory(role=Role.PROJECT_MANAGER, team=team, full_name="杨强")


@pytest.fixture
def outsider(other_team):
    """The consultant of another team."""
    user = UserFactory(role=Role.CONSULTANT, team=other_team, full_name="周杰")
    other_team.leader = user
    other_team.save(update_fields=["leader"])
    return user


@pytest.fixture
def gm(db):
    return UserFactory(role=Role.DEPUTY_GM, team=None, full_name="王建国")


@pytest.fixture
def front_desk(db):
    return UserFactory(role=Role.FRONT_DESK, team=None, full_name="李小红")


@pytest.fixture
def admin_clerk(db):
    return UserFactory(role=Role.ADMIN_CLERK, team=None, full_name="赵敏")


@pytest.fixture
def budget_clerk(db):
    return UserFactory(role=Role.BUDGET_CLERK, team=None, full_name="孙建华")


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user`` and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- Browser tests: Debian's Chromium, never a downloaded browser (RECIPES.md).
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}

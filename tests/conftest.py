"""Shared fixtures. The usual cast: a member of a team, its leader,
and an outsider from another team; plus one user per company-wide role."""

import contextlib
import os

import kombu.pools
import pytest

from teams.roles import Role
from tests.teams.factories import TeamFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread, and live_server's ORM calls would then raise
# SynchronousOnlyOperation.
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


# --- Browser tests: Debian's Chromium (`playwright install` cannot download here, and CI installs the package).
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


@contextlib.contextmanager
def real_broker(url: str):
    """Run Celery against a real broker URL (not eagerly) inside the block.

    Connection pools are dropped before and after, so no connection to the
    previous broker is reused (and none to this one leaks into other tests).
    """
    from config.celery import app as celery_app

    def reset_pools():
        # kombu keeps process-wide connection and producer pools keyed by URL.
        kombu.pools.reset()
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
            celery_app._pool = None
        celery_app.amqp._producer_pool = None

    keys = ("task_always_eager", "broker_url", "broker_connection_timeout", "broker_connection_retry")
    previous = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(task_always_eager=False, broker_url=url)
    reset_pools()
    try:
        yield celery_app
    finally:
        celery_app.conf.update(previous)
        reset_pools()


@pytest.fixture
def redis_url():
    """The real Redis of CI; its absence fails in CI and skips only on a laptop without Redis."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set in CI: real-broker tests may not be skipped there.")
        pytest.skip("REDIS_URL not set (CI always sets it)")
    return url

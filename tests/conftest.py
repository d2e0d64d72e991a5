"""Shared fixtures. The usual cast: a member of a team, its leader,
and an outsider from another team; plus one user per company-wide role."""

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time

import kombu.pools
import pytest

from teams.roles import Role
from tests import seeds
from tests.teams.factories import TeamFactory, UserFactory

seeds.connect()

# pytest-timeout (pyproject.toml ``timeout``) fails a hung test instead of letting the run hang for hours. The first
# test of each process also builds the session's fixtures, the test database among them (every migration, about a
# minute of CPU, several on a busy machine): it alone gets this much more.
SESSION_SETUP_SECONDS = 600
_first_test = True


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    global _first_test
    timeout = getattr(item.config, "_env_timeout", None)
    if _first_test and timeout and item.get_closest_marker("timeout") is None:
        item.add_marker(pytest.mark.timeout(timeout + SESSION_SETUP_SECONDS))
    _first_test = False
    yield


# Playwright's sync API runs an event loop in the test thread, and live_server's ORM calls would then raise
# SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: counters and cached figures of an earlier test never leak in."""
    from django.core.cache import cache

    cache.clear()


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
    from config.celery import broker_breaker

    def reset_pools():
        # kombu keeps process-wide connection and producer pools keyed by URL.
        kombu.pools.reset()
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
            celery_app._pool = None
        celery_app.amqp._producer_pool = None
        # A failure against the previous broker must not skip publishing to this one.
        broker_breaker.reset()

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


class RedisServer:
    """A private ``redis-server`` on a free loopback port, stopped and restarted on that port
    mid-test to make a real outage (not a mock)."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return self
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    """A real Redis of the test's own (needs ``redis-server``; CI has it, see .ci/run)."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") or os.environ.get("REDIS_URL"):
            pytest.fail("redis-server must be installed where REDIS_URL is set: outage tests may not be skipped.")
        pytest.skip("redis-server not installed")
    from config.resilience import FailSoftRedisCache

    FailSoftRedisCache._breakers.clear()  # an earlier test's outage on a reused port must not count
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def hung_server():
    """A TCP server on loopback that accepts connections and never answers (a hung broker)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    listener.close()


@pytest.fixture
def wecom(settings):
    """A fake WeCom (teams/wecom_fake.py) on a loopback port, and the settings pointing the real client at it.
    Yields the fake: its ``calls``, ``messages``, ``fail()``, ``expire_tokens()``, ``add_member()``."""
    from teams.wecom_fake import FakeWeCom, running

    fake = FakeWeCom(corp_id="ww-test-corp", secret="test-secret", agent_id="1000002")  # noqa: S106
    with running(fake) as url:
        settings.WECOM_CORP_ID = fake.corp_id
        settings.WECOM_AGENT_ID = fake.agent_id
        settings.WECOM_SECRET = fake.secret
        settings.WECOM_API_BASE = url
        settings.WECOM_OAUTH_URL = f"{url}/connect/oauth2/authorize"
        settings.WECOM_QR_LOGIN_URL = f"{url}/wwlogin/sso/login"
        settings.WECOM_BACKOFF_SECONDS = 0.01
        fake.url = url
        yield fake

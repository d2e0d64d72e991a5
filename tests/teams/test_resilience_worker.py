"""The Celery worker of the Procfile survives its broker restarting: a real worker process
against a private ``redis-server`` that is stopped and started again twice, after which
the worker still runs a task (the delivery scan, which records its heartbeat)."""

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import enqueue
from teams import services, tasks
from teams.models import Heartbeat
from tests.conftest import real_broker

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def procfile_command(name: str) -> list[str]:
    for line in (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return shlex.split(line.split(":", 1)[1])
    raise AssertionError(f"no {name} in the Procfile")


def wait_for(predicate, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def database_url():
    """The test database, for a worker in another process (it cannot share an in-memory SQLite)."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        if os.environ.get("CI"):
            pytest.fail("DATABASE_URL (PostgreSQL) must be set in CI: the worker test may not be skipped.")
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_procfile_worker_survives_two_redis_restarts_and_runs_a_task(redis_server, database_url, tmp_path):
    command = procfile_command("worker")
    assert command[:2] == ["celery", "-A"]
    # One solo process is enough here; later options win over the Procfile's.
    command = [sys.executable, "-m", *command, "--pool", "solo", "--concurrency", "1"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server.url,
        "VAR_DIR": str(tmp_path),
    }
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:

        def log_text():
            return log_path.read_text(errors="replace")

        wait_for(lambda: "ready." in log_text(), "the worker to start")
        for outage in range(2):
            redis_server.stop()
            wait_for(lambda n=outage: log_text().count("Connection to broker lost") > n, "the worker to notice")
            redis_server.start()
            wait_for(lambda n=outage: log_text().count("Connected to redis") > n + 1, "the worker to reconnect")
        assert worker.poll() is None, log_text()

        with real_broker(redis_server.url):
            assert enqueue(tasks.deliver_pending)
        wait_for(lambda: Heartbeat.objects.filter(name=services.DELIVERY_SCAN).exists(), "the task to run")

        assert worker.poll() is None
        assert "Unrecoverable error" not in log_text()
        # Gossip's channel is what breaks on a broker restart (kombu #582): off, with mingle.
        assert "Error on restarting" not in log_text()
        assert "mingle:" not in log_text()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

"""The load harness's drain (bench/benchlib.drain): it waits for queries still running on the database, not
only for the gunicorn workers' CPU (the peer's slow pages wait on PostgreSQL using almost none)."""

import threading
import time

import psycopg2
import pytest
from django.db import connection

from bench.benchlib import drain

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_stat_activity is PostgreSQL's"),
]


def _dsn():
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgresql://{s['USER']}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def test_drain_waits_for_a_query_still_running_then_logs_it():
    started = threading.Event()

    def slow():
        conn = psycopg2.connect(_dsn())
        try:
            with conn.cursor() as cur:
                started.set()
                cur.execute("SELECT pg_sleep(1.5)")
        finally:
            conn.close()

    worker = threading.Thread(target=slow)
    worker.start()
    started.wait(5)
    time.sleep(0.2)
    lines = []
    t0 = time.time()
    result = drain([], [_dsn()], limit_s=20, interval=0.3, log=lines.append)
    worker.join()
    assert result["drained"] and time.time() - t0 >= 1.0
    assert result["active"] and not any(result["active"].values()) and not result["unreachable"]
    assert "drain: done" in lines[0]


def test_drain_gives_up_after_its_limit_and_a_server_that_is_down_is_noted():
    stop = threading.Event()

    def busy():
        conn = psycopg2.connect(_dsn())
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_sleep(3)")
        finally:
            conn.close()
            stop.set()

    worker = threading.Thread(target=busy)
    worker.start()
    time.sleep(0.3)
    down = "postgresql://nobody:x@127.0.0.1:1/none"
    lines = []
    result = drain([], [_dsn(), down], limit_s=1, interval=0.3, log=lines.append)
    worker.join()
    assert not result["drained"] and result["unreachable"] == ["127.0.0.1:1/none"]
    assert "TIMED OUT" in lines[0]

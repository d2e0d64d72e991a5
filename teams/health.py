"""What ``/healthz`` checks: each part the app needs, answered ok or failed within about a second.

No check returns anything but ok/failed (no versions, addresses or errors: the page is public);
the reasons go to the log.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection

from config.celery import app
from teams import services

logger = logging.getLogger(__name__)


def database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_works() -> bool:
    # The cache fails soft (config/resilience.py): a broken one reads back nothing.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    found = cache.get(key) == "ok"
    cache.delete(key)
    return found


def broker() -> bool:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=1)
        channel = conn.default_channel
        client = getattr(channel, "client", None)  # Redis; the folder broker has none
        return client is None or bool(client.ping())


def worker() -> bool:
    """The every-minute delivery scan ran within the last few minutes (beat queued it, a worker ran it)."""
    return services.background_stopped() is None


CHECKS = {"database": database, "cache": cache_works, "broker": broker, "worker": worker}


def report() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            ok = check()
        except Exception:  # any failure of the part is the answer, not an error of the page
            logger.warning("Health check %s failed", name, exc_info=True)
            ok = False
        results[name] = "ok" if ok else "failed"
    return results

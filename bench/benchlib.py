"""Generic helpers for the in-process and load benchmarks (no peer specifics).

Reusable for the new project: nothing here knows about django-helpdesk.
"""

import os
import re
import statistics
import time


def percentile(values, q):
    """Linear-interpolated percentile (same as numpy's default), q in [0, 100]."""
    xs = sorted(values)
    if not xs:
        return None
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize_ms(samples_s):
    ms = [s * 1000.0 for s in samples_s]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "min_ms": round(min(ms), 2),
        "max_ms": round(max(ms), 2),
    }


class _SqlTimer:
    def __init__(self):
        self.total = 0.0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - t0


def measure_requests(do_request, n, warmup, capture_reps, connection, expect_status=(200,)):
    """Time `do_request(i)` n times (after `warmup` untimed calls), then run it
    `capture_reps` more times inside CaptureQueriesContext to count queries.

    Timing runs are NOT wrapped in CaptureQueriesContext (its debug cursor adds
    overhead); query counts come from separate, identical requests.
    do_request(i) must return a response object (status_code, content).
    """
    from django.test.utils import CaptureQueriesContext

    statuses = {}
    sizes = []
    for i in range(warmup):
        do_request(-1 - i)
    samples = []
    cpu = []
    for i in range(n):
        c0 = time.process_time()
        t0 = time.perf_counter()
        resp = do_request(i)
        samples.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
        sizes.append(len(resp.content))
    query_counts = []
    sql_ms = []
    for i in range(capture_reps):
        # Django's captured "time" is rounded to 1 ms, useless for sub-ms
        # queries, so SQL time is taken with an execute_wrapper instead
        # (psycopg2 fetches the whole result inside execute()).
        timer = _SqlTimer()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            resp = do_request(n + i)
        query_counts.append(len(ctx.captured_queries))
        sql_ms.append(timer.total * 1000.0)
    out = summarize_ms(samples)
    out.update(
        {
            # CPU time of the Django (client+server) process only: PostgreSQL's
            # work is excluded, and so is time spent waiting for a busy CPU, which
            # makes it the steadier number on a shared machine.
            "cpu_median_ms": round(statistics.median(cpu) * 1000.0, 2),
            "status_codes": {str(k): v for k, v in statuses.items()},
            "all_expected_status": all(int(k) in expect_status for k in statuses),
            "response_bytes_median": int(statistics.median(sizes)) if sizes else 0,
            "queries": query_counts,
            "queries_max": max(query_counts) if query_counts else None,
            "sql_ms_median": round(statistics.median(sql_ms), 2) if sql_ms else None,
        }
    )
    return out


def sign_in(client, user):
    """Sign ``client`` in as ``user`` the way a person is after the sign-in page: with a confirmed TOTP device
    and the session verified by it when the role needs a second factor (teams/two_factor.py), so that the
    pages answer 200 instead of sending the person to enrolment, and every request pays what production pays
    (django-otp reads the session's device). Needs Django set up."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from teams import two_factor

    client.force_login(user)
    if not two_factor.two_factor_required(user):
        return client
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[two_factor.HAS_DEVICE_KEY] = True
    session.save()
    return client


def machine_notes():
    notes = {"nproc": os.cpu_count()}
    try:
        with open("/proc/loadavg") as f:
            notes["loadavg"] = f.read().split()[:3]
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            notes["cpu_model"] = m.group(1).strip() if m else None
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            m = re.search(r"MemTotal:\s*(\d+)", f.read())
            notes["mem_gib"] = round(int(m.group(1)) / 1024 / 1024, 1) if m else None
    except OSError:
        pass
    return notes


def cpu_busy_fraction(interval=3.0):
    """Fraction (0..1) of all CPUs busy over `interval`, from /proc/stat."""

    def snap():
        with open("/proc/stat") as f:
            vals = list(map(int, f.readline().split()[1:]))
        idle = vals[3] + vals[4]  # idle + iowait
        return idle, sum(vals)

    i0, t0 = snap()
    time.sleep(interval)
    i1, t1 = snap()
    return 1.0 - (i1 - i0) / max(1, (t1 - t0))


def wait_quiet(threshold=0.25, max_wait_s=180, interval=3.0):
    """Block until other processes use < threshold of the CPUs (while this
    harness is idle) or max_wait_s has passed. Returns (busy, waited_s)."""
    start = time.time()
    busy = cpu_busy_fraction(interval)
    while busy >= threshold and time.time() - start < max_wait_s:
        busy = cpu_busy_fraction(interval)
    return round(busy, 3), round(time.time() - start, 1)


# --- Draining between two load runs ------------------------------------------------------------------------
# After a wrk run, sync workers keep serving the requests queued by clients that have left. The peer's slow
# pages wait on PostgreSQL (a worker using no CPU can still be busy), so "the workers use no CPU" alone let
# queued requests spill into the next URL's window: the drain waits for the databases too.

ACTIVE_SQL = (
    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() "
    "AND backend_type = 'client backend' AND datname = current_database()"
)


def drain_dsns():
    """The databases to watch (``BENCH_DRAIN_DSNS``: space-separated libpq URLs naming our database and the
    peer's, each on its private cluster; bench/run.sh sets it). Only sessions on the named database count."""
    return os.environ.get("BENCH_DRAIN_DSNS", "").split()


def _dsn_label(dsn):
    m = re.search(r"@([^/?]+)(/[^?]*)?", dsn)
    return (m.group(1) + (m.group(2) or "")) if m else dsn


def children_cpu_ticks(ppids):
    """Summed utime+stime (clock ticks) of the processes whose parent is one of ``ppids``."""
    ppids = set(ppids)
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) in ppids:  # fields[1] is the ppid (after pid and comm)
            total += int(fields[11]) + int(fields[12])
    return total


def drain(master_pids, dsns=None, limit_s=180, interval=0.5, quiet_polls=2, log=None):
    """Wait until the previous run's requests are all finished, on both sides: no query other than the
    watcher's own active on any server of ``dsns`` (pg_stat_activity; a superuser role sees every
    session, another role its own, which are the app's) and no CPU burnt by the gunicorn workers (children of
    ``master_pids``), for ``quiet_polls`` consecutive polls; at most ``limit_s``.

    Returns {"drained", "waited_s", "polls", "active": {server: n at the last poll}, "unreachable": [...]}
    and, with ``log``, logs one line."""
    dsns = drain_dsns() if dsns is None else dsns
    conns, unreachable = {}, []
    try:
        import psycopg2
    except ImportError:  # the watcher then relies on the workers' CPU alone, and says so
        psycopg2 = None
        unreachable = [_dsn_label(d) for d in dsns]
    for dsn in dsns if psycopg2 else []:
        try:
            conn = psycopg2.connect(dsn, connect_timeout=3)
            conn.autocommit = True
            conns[_dsn_label(dsn)] = conn
        except Exception:  # noqa: BLE001 -- a server not up (the peer's before its run) has nothing queued
            unreachable.append(_dsn_label(dsn))
    start = time.time()
    quiet = polls = ticks = 0
    active = {}
    last = children_cpu_ticks(master_pids)
    try:
        while quiet < quiet_polls and time.time() - start < limit_s:
            time.sleep(interval)
            polls += 1
            for label, conn in conns.items():
                with conn.cursor() as cur:
                    cur.execute(ACTIVE_SQL)
                    active[label] = cur.fetchone()[0]
            now = children_cpu_ticks(master_pids)
            ticks = now - last
            idle = ticks <= 1 and not any(active.values())
            quiet = quiet + 1 if idle else 0
            last = now
    finally:
        for conn in conns.values():
            conn.close()
    out = {
        "drained": quiet >= quiet_polls,
        "waited_s": round(time.time() - start, 1),
        "polls": polls,
        "active": active,
        "worker_cpu_ticks_last_poll": ticks,
        "unreachable": unreachable,
    }
    if log:
        log(
            f"    drain: {'done' if out['drained'] else 'TIMED OUT'} after {out['waited_s']} s "
            f"(active queries {active or '-'}, worker CPU ticks in the last poll {ticks}; "
            f"not reachable: {unreachable or '-'})"
        )
    return out


if __name__ == "__main__":
    import json
    import sys

    if len(sys.argv) > 1 and sys.argv[1] == "wait-quiet":
        thr = float(sys.argv[2]) if len(sys.argv) > 2 else 0.25
        mx = float(sys.argv[3]) if len(sys.argv) > 3 else 180
        busy, waited = wait_quiet(thr, mx)
        print(json.dumps({"busy_before": busy, "waited_s": waited, "loadavg": machine_notes().get("loadavg")}))

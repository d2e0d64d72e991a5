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


if __name__ == "__main__":
    import json
    import sys

    if len(sys.argv) > 1 and sys.argv[1] == "wait-quiet":
        thr = float(sys.argv[2]) if len(sys.argv) > 2 else 0.25
        mx = float(sys.argv[3]) if len(sys.argv) > 3 else 180
        busy, waited = wait_quiet(thr, mx)
        print(json.dumps({"busy_before": busy, "waited_s": waited, "loadavg": machine_notes().get("loadavg")}))

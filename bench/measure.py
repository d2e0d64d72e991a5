"""In-process server time of every page in bench/pages.py (Django test client), query counts, EXPLAIN.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.measure OUT.json [--n 30] [--warmup 5] [--explain]

Per page: ``--warmup`` untimed requests, then ``--n`` timed ones (wall clock around ``client.get``, no
query capture), then ``--capture`` identical requests under CaptureQueriesContext for the query count
(benchlib.measure_requests, shared with the peer). With ``--explain`` (PostgreSQL) every SELECT of one
request is EXPLAINed and sequential scans over tables above pages.BIG_TABLE_ROWS are flagged.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    import django

    django.setup()


def table_sizes(connection):
    """{table: estimated rows} from the planner's statistics (PostgreSQL), for flagging big scans."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
        return dict(cursor.fetchall())


def _walk(plan, out):
    if plan.get("Node Type") == "Seq Scan":
        out.append((plan.get("Relation Name"), plan.get("Plan Rows")))
    for child in plan.get("Plans", []):
        _walk(child, out)


def explain_request(do_request, connection, sizes, big_rows):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        do_request(0)
    report = {"selects": 0, "seq_scans": [], "big_seq_scans": []}
    if connection.vendor != "postgresql":
        report["note"] = "EXPLAIN only on PostgreSQL"
        return report
    for q in ctx.captured_queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        report["selects"] += 1
        try:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
        except Exception as exc:  # noqa: BLE001 (a query we cannot re-run verbatim: note it, go on)
            report.setdefault("errors", []).append(f"{type(exc).__name__}: {exc}"[:200])
            continue
        if isinstance(plan, str):
            plan = json.loads(plan)
        scans = []
        _walk(plan[0]["Plan"], scans)
        for table, rows in scans:
            entry = {"table": table, "table_rows": sizes.get(table), "plan_rows": rows, "sql": sql[:400]}
            report["seq_scans"].append(entry)
            if (sizes.get(table) or 0) > big_rows:
                report["big_seq_scans"].append(entry)
    return report


def data_volume(connection):
    from django.apps import apps

    labels = [
        "teams.Team",
        "teams.User",
        "clients.Client",
        "clients.Contract",
        "projects.Project",
        "complaints.Complaint",
        "complaints.ComplaintEvent",
        "clients.FollowUpVisit",
        "reception.Call",
        "reception.Visit",
        "meetings.Meeting",
        "meetings.MeetingAttendance",
        "meetings.ActionItem",
    ]
    out = {}
    for label in labels:
        try:
            out[label] = apps.get_model(label).objects.count()
        except LookupError:
            continue
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            out["db_size_mb"] = round(cursor.fetchone()[0] / 1e6, 1)
    return out


def url_exists(url_name):
    """Whether the URL name is defined at all (with no argument or with one pk)."""
    from django.urls import NoReverseMatch, reverse

    for args in ((), (1,)):
        try:
            reverse(url_name, args=args)
            return True
        except NoReverseMatch:
            continue
    return False


def resolve(page):
    """(urls, None) or (None, reason): 'not built' (no such URL name), 'no data' (no record to show)."""
    from django.urls import NoReverseMatch, reverse

    if not url_exists(page.url_name):
        return None, "not built"
    if page.args is None:
        arg_list = [()]
    else:
        try:
            arg_list = page.args()
        except Exception as exc:  # noqa: BLE001 (a model or field not there yet)
            return None, f"no data ({type(exc).__name__}: {exc})"[:300]
        if not arg_list:
            return None, "no data"
    try:
        urls = [reverse(page.url_name, args=args) for args in arg_list]
    except NoReverseMatch:
        return None, "not built"
    suffix = ("?" + urlencode(page.query)) if page.query else ""
    return [u + suffix for u in urls], None


def measure_pages(pages, *, n=30, warmup=5, capture=3, explain=False, log=None):
    from django.db import connection
    from django.test import Client

    from bench.benchlib import measure_requests, sign_in
    from bench.pages import BIG_TABLE_ROWS
    from teams.models import User

    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    sizes = table_sizes(connection) if explain else {}
    clients = {}
    results = {}
    for page in pages:
        entry = {
            "title": page.title,
            "url_name": page.url_name,
            "user": page.user,
            "query": page.query,
            "target_p95_ms": page.target_p95_ms,
            "load": page.load,
            "peer": page.peer,
            "peer_target_ratio": page.peer_target_ratio,
        }
        results[page.key] = entry
        urls, reason = resolve(page)
        if urls is None:
            entry["status"] = reason
            log(f"  {page.key:26s} {reason}")
            continue
        if page.user is None and None not in clients:
            clients[None] = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
        if page.user not in clients:
            user = User.objects.filter(username=page.user).first()
            if user is None:
                entry["status"] = f"no user {page.user}"
                continue
            client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
            sign_in(client, user)  # with the second factor where the role needs one
            clients[page.user] = client
        client = clients[page.user]

        def do(i, client=client, urls=urls):
            return client.get(urls[i % len(urls)])

        t0 = time.perf_counter()
        r = measure_requests(do, n, warmup, capture, connection, expect_status=(200,))
        entry.update(r)
        entry["status"] = "measured"
        entry["urls"] = urls
        if explain:
            entry["explain"] = explain_request(do, connection, sizes, BIG_TABLE_ROWS)
        big = [s["table"] for s in entry.get("explain", {}).get("big_seq_scans", [])]
        log(
            f"  {page.key:26s} median {r['median_ms']:8.1f} ms  p95 {r['p95_ms']:8.1f} ms  "
            f"queries {r['queries']}  status {r['status_codes']}"
            + (f"  SEQ SCAN {sorted(set(big))}" if big else "")
            + f"  ({time.perf_counter() - t0:.0f}s)"
        )
    return results


def versions(connection):
    import importlib.metadata as md

    out = {"python": sys.version.split()[0]}
    for pkg in ("Django", "psycopg2-binary", "gunicorn"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            out["postgresql"] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'port')"
            )
            out["postgresql_settings"] = dict(cursor.fetchall())
    else:
        out["database"] = connection.vendor
    return out


def run(out, *, n=30, warmup=5, capture=3, explain=False, only=None, log=None):
    from django.db import connection

    from bench.benchlib import machine_notes
    from bench.pages import PAGES

    pages = [p for p in PAGES if not only or p.key in only]
    started = time.perf_counter()
    results = measure_pages(pages, n=n, warmup=warmup, capture=capture, explain=explain, log=log)
    doc = {
        "kind": "inprocess",
        "n": n,
        "warmup": warmup,
        "capture_reps": capture,
        "versions": versions(connection),
        "data": data_volume(connection),
        "machine": machine_notes(),
        "seconds": round(time.perf_counter() - started, 1),
        "results": results,
    }
    Path(out).write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--capture", type=int, default=3)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--pages", nargs="*", help="only these page keys")
    args = ap.parse_args()
    _setup()
    run(args.out, n=args.n, warmup=args.warmup, capture=args.capture, explain=args.explain, only=args.pages)


if __name__ == "__main__":
    main()

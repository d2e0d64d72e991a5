"""Throughput under gunicorn + wrk, with a bare Django view as the ceiling (adapted from bench/peer/load_wrk.py).

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.load OUT.json [--workers 2 4] [--duration 15]

The pages are those of bench/pages.py with ``load=True``, at the URLs the in-process run used
(``--inprocess INPROCESS.json``; detail pages rotate over their 30 records with a wrk Lua script). For each
worker count: start gunicorn (sync workers, 127.0.0.1, persistent DB connections from bench.settings),
check every URL answers 200 with its logged-in session cookie (wrk counts 3xx as success), warm each URL
3 s, then ``wrk -t2 -c16 -d15s --latency`` per URL; after each run drain (benchlib.drain: sync workers finish
the requests queued by clients that left, and a slow page waits on PostgreSQL without using CPU, so the
drain waits until no query is active on our cluster nor the peer's, ``BENCH_DRAIN_DSNS``, and the workers
burn no CPU; logged, with a timeout). The bare view runs first and last in each block; the ratio uses their
mean. A plain Django project (bench/plain: Django's default middleware, one view) runs beside it
under the same gunicorn, raced right after each bare run: ours ÷ plain is the shell's cost. The load average
is recorded before and after every run. Worker RSS is read after the block. gunicorn is stopped by its own
PID.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def to_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    v, unit = float(m.group(1)), m.group(2)
    return {"us": v / 1000, "ms": v, "s": v * 1000, "m": v * 60000}[unit]


def parse_wrk(out):
    r = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    r["rps"] = float(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in ([\d.]+\w+)", out)
    r["requests"] = int(m.group(1)) if m else None
    m = re.search(r"Latency\s+([\d.]+\w+)\s+([\d.]+\w+)\s+([\d.]+\w+)", out)
    if m:
        r["latency_avg_ms"] = round(to_ms(m.group(1)), 2)
        r["latency_max_ms"] = round(to_ms(m.group(3)), 2)
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+\w+)", out)
        r[f"p{pct}_ms"] = round(to_ms(m.group(1)), 2) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    r["non_2xx_3xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    r["socket_errors"] = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()), strict=True)) if m else None
    )
    return r


def http_status(port, path, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status


def wait_ready(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if http_status(port, "/bench/bare/", "") == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def _children(ppid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == ppid:
            out.append((int(d), int(fields[11]) + int(fields[12])))
    return out


def worker_rss_mb(ppid):
    rss = {}
    for pid, _ticks in _children(ppid):
        try:
            with open(f"/proc/{pid}/status") as f:
                m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
            rss[pid] = round(int(m.group(1)) / 1024, 1)
        except (OSError, AttributeError):
            continue
    return rss


# The drain after the last wrk run (benchlib.drain), recorded with the run.
LAST_DRAIN = {}


def drain(master_pids, limit_s=180):
    from bench.benchlib import drain as drain_both

    result = drain_both(master_pids, limit_s=limit_s, log=lambda msg: print(msg, file=sys.stderr, flush=True))
    LAST_DRAIN.clear()
    LAST_DRAIN.update(result)
    return result["drained"]


def mean_rps(block, *keys):
    got = [block["pages"][k]["rps"] for k in keys if block["pages"].get(k, {}).get("rps")]
    return sum(got) / len(got) if got else None


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def run_wrk(args, url, cookie, duration, script=None, master_pids=None, conns=None):
    conns = conns or args.conns
    cmd = [
        "wrk",
        f"-t{min(args.threads, conns)}",
        f"-c{conns}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        f"{args.wrk_timeout}s",
        "-H",
        f"Cookie: {cookie}",
    ]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 90, check=False).stdout  # noqa: S603
    if master_pids:
        drain(master_pids)
    return cmd, out


def rotate_script(path, urls):
    items = ",".join(json.dumps(u) for u in urls)
    path.write_text(
        f"local paths = {{{items}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
        '  return wrk.format("GET", paths[(i % #paths) + 1])\nend\n'
    )
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--inprocess", required=True, help="the in-process JSON (URLs of the pages)")
    ap.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--warm", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--conns", type=int, default=16)
    ap.add_argument("--port", type=int, default=8746)
    ap.add_argument("--wrk-timeout", type=int, default=60)
    args = ap.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from bench.benchlib import machine_notes, sign_in
    from teams.models import User

    out_path = Path(args.out)
    workdir = out_path.parent
    inproc = json.loads(Path(args.inprocess).read_text())["results"]
    pages = {k: v for k, v in inproc.items() if v.get("load") and v.get("status") == "measured"}
    skipped = {k: v["status"] for k, v in inproc.items() if v.get("load") and v.get("status") != "measured"}
    cookies = {}
    for entry in pages.values():
        if entry["user"] not in cookies:
            client = Client()
            sign_in(client, User.objects.get(username=entry["user"]))  # second factor included
            cookies[entry["user"]] = (
                f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            )
    scripts = {}
    for key, entry in pages.items():
        if len(entry["urls"]) > 1:
            scripts[key] = rotate_script(workdir / f"rotate_{key}.lua", entry["urls"])
    bare_cookie = next(iter(cookies.values()), "")
    connections.close_all()

    blocks = {}
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    plain_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plainsite.settings"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    plain_port = args.port + 1

    def gunicorn_cmd(workers, port, app="config.wsgi:application", chdir=ROOT):
        return [
            gunicorn,
            app,
            "--chdir",
            str(chdir),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            # Two servers at once (ours and the plain one), and other gunicorns on the machine: no shared
            # control socket (~/.gunicorn/gunicorn.ctl).
            "--no-control-socket",
        ]

    def stop(proc):
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    for workers in args.workers:
        gcmd = gunicorn_cmd(workers, args.port)
        pcmd = gunicorn_cmd(workers, plain_port, "plainsite.wsgi:application", ROOT / "bench" / "plain")
        log = open(workdir / f"gunicorn-w{workers}.log", "a")  # noqa: SIM115
        plain_log = open(workdir / f"gunicorn-plain-w{workers}.log", "a")  # noqa: SIM115
        proc = subprocess.Popen(gcmd, stdout=log, stderr=log, env=env)  # noqa: S603
        plain = subprocess.Popen(pcmd, stdout=plain_log, stderr=plain_log, env=plain_env)  # noqa: S603
        masters = [proc.pid, plain.pid]
        block = {
            "gunicorn_cmd": " ".join(gcmd),
            "plain_gunicorn_cmd": " ".join(pcmd),
            "machine_before": machine_notes(),
            "pages": {},
        }
        try:
            wait_ready(args.port)
            wait_ready(plain_port)
            for key, entry in pages.items():
                st = http_status(args.port, entry["urls"][0], cookies[entry["user"]])
                if st != 200:
                    block["pages"][key] = {"error": f"precheck HTTP {st}"}
            live = [k for k in pages if k not in block["pages"]]
            for key in live:  # warm every worker
                entry = pages[key]
                run_wrk(
                    args,
                    f"http://127.0.0.1:{args.port}{entry['urls'][0]}",
                    cookies[entry["user"]],
                    args.warm,
                    scripts.get(key),
                    masters,
                    conns=max(2, workers),
                )
            run_wrk(args, f"http://127.0.0.1:{plain_port}/bench/bare/", bare_cookie, args.warm, None, masters)
            for key in ["bare_start", "plain_start", *live, "bare_end", "plain_end"]:
                port = plain_port if key.startswith("plain") else args.port
                if key.startswith(("bare", "plain")):
                    path, cookie, script = "/bench/bare/", bare_cookie, None
                else:
                    path, cookie, script = pages[key]["urls"][0], cookies[pages[key]["user"]], scripts.get(key)
                before = loadavg()
                t_run = time.time()
                cmd, out = run_wrk(args, f"http://127.0.0.1:{port}{path}", cookie, args.duration, script, masters)
                res = parse_wrk(out)
                res["path"] = path if not script else f"{path} … rotated over {len(pages[key]['urls'])} URLs"
                res["wrk_cmd"] = " ".join(c if not c.startswith("Cookie:") else "Cookie: sessionid=…" for c in cmd)
                res["raw"] = out
                res["drain_s"] = round(time.time() - t_run - args.duration, 1)
                res["drain"] = dict(LAST_DRAIN)
                res["loadavg_before"] = before
                res["loadavg_after"] = loadavg()
                block["pages"][key] = res
                print(
                    f"  w{workers} {key:24s} {res['rps'] or 0:8.1f} req/s  p50 {res['p50_ms']} ms  "
                    f"p99 {res['p99_ms']} ms  non2xx {res['non_2xx_3xx']} err {res['socket_errors']}  "
                    f"load {' '.join(map(str, before))}",
                    file=sys.stderr,
                    flush=True,
                )
            block["worker_rss_mb"] = worker_rss_mb(proc.pid)
        finally:
            stop(proc)
            stop(plain)
            log.close()
            plain_log.close()
        block["machine_after"] = machine_notes()

        block["bare_rps_mean"] = mean_rps(block, "bare_start", "bare_end")
        block["plain_rps_mean"] = mean_rps(block, "plain_start", "plain_end")
        if block["bare_rps_mean"] and block["plain_rps_mean"]:
            block["bare_to_plain"] = round(block["bare_rps_mean"] / block["plain_rps_mean"], 4)
        for key, v in block["pages"].items():
            if block["bare_rps_mean"] and v.get("rps") is not None and not key.startswith("plain"):
                v["ratio_to_bare"] = round(v["rps"] / block["bare_rps_mean"], 6)
        rss = block.get("worker_rss_mb") or {}
        block["worker_rss_mb_max"] = max(rss.values()) if rss else None
        blocks[str(workers)] = block

    out_path.write_text(
        json.dumps(
            {
                "kind": "load",
                "tool": "wrk",
                "threads": args.threads,
                "conns": args.conns,
                "duration_s": args.duration,
                "skipped": skipped,
                "blocks": blocks,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()

"""Throughput under gunicorn + wrk, with a bare Django view as the ceiling (adapted from bench/peer/load_wrk.py).

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.load OUT.json [--workers 2 4] [--duration 15]

The pages are those of bench/pages.py with ``load=True``, at the URLs the in-process run used
(``--inprocess INPROCESS.json``; detail pages rotate over their 30 records with a wrk Lua script). For each
worker count: start gunicorn (sync workers, 127.0.0.1, persistent DB connections from bench.settings),
check every URL answers 200 with its logged-in session cookie (wrk counts 3xx as success), warm each URL
3 s, then ``wrk -t2 -c16 -d15s --latency`` per URL; after each run wait until the workers are idle (sync
workers finish queued requests whose client left). The bare view runs first and last in each block; the
ratio uses their mean. Worker RSS is read after the block. gunicorn is stopped by its own PID.
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


def drain(master_pid, limit_s=180):
    """Done when the gunicorn workers burn no CPU for two consecutive 0.5 s windows."""
    t_end = time.time() + limit_s
    quiet = 0
    last = sum(t for _p, t in _children(master_pid))
    while time.time() < t_end and quiet < 2:
        time.sleep(0.5)
        now = sum(t for _p, t in _children(master_pid))
        quiet = quiet + 1 if now - last <= 1 else 0
        last = now
    return quiet >= 2


def run_wrk(args, url, cookie, duration, script=None, master_pid=None, conns=None):
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
    if master_pid:
        drain(master_pid)
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

    from bench.benchlib import machine_notes
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
            client.force_login(User.objects.get(username=entry["user"]))
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
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    for workers in args.workers:
        gcmd = [
            gunicorn,
            "config.wsgi:application",
            "--chdir",
            str(ROOT),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        log = open(workdir / f"gunicorn-w{workers}.log", "a")  # noqa: SIM115
        proc = subprocess.Popen(gcmd, stdout=log, stderr=log, env=env)  # noqa: S603
        block = {"gunicorn_cmd": " ".join(gcmd), "machine_before": machine_notes(), "pages": {}}
        try:
            wait_ready(args.port)
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
                    proc.pid,
                    conns=max(2, workers),
                )
            for key in ["bare_start", *live, "bare_end"]:
                if key.startswith("bare"):
                    path, cookie, script = "/bench/bare/", bare_cookie, None
                else:
                    path, cookie, script = pages[key]["urls"][0], cookies[pages[key]["user"]], scripts.get(key)
                t_run = time.time()
                cmd, out = run_wrk(args, f"http://127.0.0.1:{args.port}{path}", cookie, args.duration, script, proc.pid)
                res = parse_wrk(out)
                res["path"] = path if not script else f"{path} … rotated over {len(pages[key]['urls'])} URLs"
                res["wrk_cmd"] = " ".join(c if not c.startswith("Cookie:") else "Cookie: sessionid=…" for c in cmd)
                res["raw"] = out
                res["drain_s"] = round(time.time() - t_run - args.duration, 1)
                block["pages"][key] = res
                print(
                    f"  w{workers} {key:20s} {res['rps'] or 0:8.1f} req/s  p50 {res['p50_ms']} ms  "
                    f"p99 {res['p99_ms']} ms  non2xx {res['non_2xx_3xx']} err {res['socket_errors']}",
                    file=sys.stderr,
                    flush=True,
                )
            block["worker_rss_mb"] = worker_rss_mb(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
        block["machine_after"] = machine_notes()
        bare = [block["pages"][k]["rps"] for k in ("bare_start", "bare_end") if block["pages"].get(k, {}).get("rps")]
        block["bare_rps_mean"] = sum(bare) / len(bare) if bare else None
        for v in block["pages"].values():
            if block["bare_rps_mean"] and v.get("rps") is not None:
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

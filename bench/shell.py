"""The shell's cost in-process: our bare view (bench/urls.py, ``HttpResponse("ok")`` behind our whole middleware,
signed in as the deputy GM with a verified second factor, as bench/load.py's bare run) against the plain Django
view (bench/plain: Django's default middleware, the same "ok"), each in its own process.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.shell [OUT.json] [--n 200] [--rounds 5] [--user gm]

Each side is served through Django's WSGI handler (what gunicorn calls, minus the HTTP parsing) with the same
session cookie; ``--rounds`` rounds of ``--n`` requests after a warm-up, the best round kept (a loaded machine
only ever makes a round slower). Both CPU time (the steadier figure on a shared machine) and wall time per
request are printed, and ``ratio = plain ÷ ours`` per request, i.e. our requests per second ÷ the plain view's:
the issue-14 target is ≥ 60 %. The two sides run alternately, twice, so that a change in the machine's load
hits both."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = "/bench/bare/"


def _environ(cookie: str) -> dict:
    from django.test.client import FakePayload, RequestFactory

    env = RequestFactory()._base_environ(PATH_INFO=PATH, REQUEST_METHOD="GET", HTTP_HOST="127.0.0.1")
    env["HTTP_COOKIE"] = cookie
    env["wsgi.input"] = FakePayload(b"")
    return env


def _serve(n: int, rounds: int, warmup: int, cookie: str) -> dict:
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    statuses = set()

    def start_response(status, headers, exc_info=None):
        statuses.add(status.split()[0])

    def one():
        body = handler(_environ(cookie), start_response)
        b"".join(body)
        body.close()

    for _ in range(warmup):
        one()
    best_cpu = best_wall = None
    for _ in range(rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(n):
            one()
        cpu = (time.process_time() - c0) / n * 1000
        wall = (time.perf_counter() - t0) / n * 1000
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
        best_wall = wall if best_wall is None else min(best_wall, wall)
    return {"cpu_ms": round(best_cpu, 4), "wall_ms": round(best_wall, 4), "statuses": sorted(statuses)}


def _child(side: str, n: int, rounds: int, warmup: int, cookie: str) -> None:
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    if side == "plain":
        os.environ["DJANGO_SETTINGS_MODULE"] = "plainsite.settings"
        sys.path.insert(0, str(ROOT / "bench" / "plain"))
    else:
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(json.dumps(_serve(n, rounds, warmup, cookie)))


def _cookie(username: str) -> str:
    """A signed-in session of ``username`` (second factor included, benchlib.sign_in), as bench/load.py makes."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from bench.benchlib import sign_in
    from teams.models import User

    client = Client()
    sign_in(client, User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--user", default="gm")
    ap.add_argument("--child", choices=["ours", "plain"], help=argparse.SUPPRESS)
    ap.add_argument("--cookie", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.n, args.rounds, args.warmup, args.cookie)
        return
    cookie = _cookie(args.user)
    runs = {"ours": [], "plain": []}
    load = []
    for _ in range(2):
        for side in ("ours", "plain"):
            load.append(os.getloadavg()[0])
            # By path, not ``-m bench.shell``: the plain side must import nothing of ours (bench/__init__.py
            # imports config).
            cmd = [sys.executable, str(Path(__file__).resolve()), "--child", side, "--n", str(args.n)]
            cmd += ["--rounds", str(args.rounds), "--warmup", str(args.warmup), "--cookie", cookie]
            out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
            runs[side].append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = {side: {k: min(r[k] for r in rs) for k in ("cpu_ms", "wall_ms")} for side, rs in runs.items()}
    doc = {
        "n": args.n,
        "rounds": args.rounds,
        "user": args.user,
        "runs": runs,
        "best": best,
        "ratio_cpu": round(best["plain"]["cpu_ms"] / best["ours"]["cpu_ms"], 3),
        "ratio_wall": round(best["plain"]["wall_ms"] / best["ours"]["wall_ms"], 3),
        "loadavg_1min": load,
    }
    print(
        f"bare (ours) {best['ours']['cpu_ms']:.3f} ms CPU, {best['ours']['wall_ms']:.3f} ms wall; "
        f"plain {best['plain']['cpu_ms']:.3f} ms CPU, {best['plain']['wall_ms']:.3f} ms wall; "
        f"ours/plain throughput: {doc['ratio_cpu']:.0%} (CPU), {doc['ratio_wall']:.0%} (wall); "
        f"load avg {' '.join(f'{x:.2f}' for x in load)}; statuses "
        f"{runs['ours'][0]['statuses']} / {runs['plain'][0]['statuses']}"
    )
    if args.out:
        Path(args.out).write_text(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()

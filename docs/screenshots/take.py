"""Renew the README screenshots: desktop and phone, in Chinese and in English.

Run from the repository root on a database that holds the demo company:

    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python docs/screenshots/take.py            # starts runserver on a free loopback port
    .venv/bin/python docs/screenshots/take.py --base http://127.0.0.1:8000   # or a running server
                                                  # (with its Celery worker and beat, as `make run` starts)

It signs in as the demo users of README.md ("Demo logins"), chooses the language with the
`django_language` cookie and saves viewport shots (not full pages, to keep each PNG small) next to this file.
The Chinese shots need a CJK font for Chromium (Debian's `fonts-noto-cjk`, which `.ci/run` installs).
"""

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PASSWORD = "demo1234"  # noqa: S105 (the README's shared demo password)
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 812}

# (file stem, username, path, viewport); the PM sees his team's complaints, his own list is empty in the demo
SHOTS = [
    ("home_consultant", "consultant1", "/", DESKTOP),
    ("dashboard_gm", "gm", "/performance/", DESKTOP),
    ("home_pm_phone", "pm1", "/", PHONE),
    ("complaints_phone", "pm1", "/complaints/?scope=team", PHONE),
]
# The client's page (issue 17) opens by its link with nobody signed in: the demo company's fixed link.
CLIENT_SHOTS = [("client_page_phone", PHONE)]
CLIENT_PATH = "from portal.demo import demo_path; print(demo_path())"
LANGUAGES = ["zh-hans", "en"]
HEARTBEAT = "from teams import services; services.heartbeat_record(name=services.DELIVERY_SCAN)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    # The deputy GM's pages show a "background work has never run" banner until the delivery scan
    # (teams/tasks.py deliver_pending) has beaten; record the beat a running worker would.
    subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", "shell", "-c", HEARTBEAT],
        cwd=ROOT,
        check=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(60):
        try:
            # /login/ rather than /healthz: the health check answers 503 without a Celery worker
            urllib.request.urlopen(base + "/login/", timeout=2)  # noqa: S310 (our own http URL)
            return server, base
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("runserver did not answer /login/")


def take(base: str) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for lang in LANGUAGES:
            suffix = "zh" if lang == "zh-hans" else "en"
            for stem, username, path, viewport in SHOTS:
                context = browser.new_context(viewport=viewport, locale=lang)
                context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
                page = context.new_page()
                page.goto(f"{base}/login/?next={path}")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", PASSWORD)
                # by test id: the navbar's language switch is a submit button too
                page.get_by_test_id("login-submit").click()
                page.wait_for_url(lambda url: "/login/" not in url)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1500)  # let the ECharts animations finish
                if page.url != base + path:
                    raise SystemExit(f"{username} did not reach {path}: {page.url}")
                out = HERE / f"{stem}_{suffix}.png"
                page.screenshot(path=out)
                print(out.relative_to(ROOT), out.stat().st_size // 1024, "KB")
                context.close()
        client_path = subprocess.run(  # noqa: S603 (fixed arguments)
            [sys.executable, "manage.py", "shell", "-c", CLIENT_PATH],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]  # the shell's own banner comes first
        for stem, viewport in CLIENT_SHOTS:
            # The client's page is always in Chinese (portal/views.py): one shot.
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            response = page.goto(base + client_path)
            if response is None or response.status != 200:
                raise SystemExit(f"the demo client page did not open: {client_path}")
            page.wait_for_load_state("networkidle")
            out = HERE / f"{stem}.png"
            page.screenshot(path=out)
            print(out.relative_to(ROOT), out.stat().st_size // 1024, "KB")
            context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a running server, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    if args.base:
        take(args.base.rstrip("/"))
        return
    server, base = start_server()
    try:
        take(base)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

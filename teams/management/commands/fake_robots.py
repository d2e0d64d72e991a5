"""Run the local fake of the WeCom and DingTalk group robots (teams/fake_robots.py) until stopped.

    python manage.py fake_robots                 # the demo teams' robots, on DEMO_ROBOTS_URL (make run: 8025)
    python manage.py fake_robots --port 9000 --wecom KEY --dingtalk TOKEN:SECRET

Each call prints one line (robot, errcode, the start of the text); ``GET /`` on it lists the last calls as JSON,
which is what each group would have seen. `make run` starts it beside the Celery worker.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teams.fake_robots import FakeRobots, FakeRobotServer, demo_robots


class Command(BaseCommand):
    help = "Answer as WeCom and DingTalk group robots do, on a local port, and print what they receive."

    def add_arguments(self, parser):
        default = urlsplit(settings.DEMO_ROBOTS_URL or "http://127.0.0.1:8025")
        parser.add_argument("--host", default=default.hostname or "127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=default.port or 8025, help="port (default DEMO_ROBOTS_URL's)")
        parser.add_argument("--wecom", action="append", default=[], metavar="KEY", help="a WeCom robot's key")
        parser.add_argument(
            "--dingtalk", action="append", default=[], metavar="TOKEN[:SECRET]", help="a DingTalk robot (加签 secret)"
        )
        parser.add_argument("--per-minute", type=int, default=20, help="messages a robot takes a minute")

    def handle(self, *args, **options):
        wecom, dingtalk = list(options["wecom"]), {}
        for spec in options["dingtalk"]:
            token, _, secret = spec.partition(":")
            dingtalk[token] = secret
        if wecom or dingtalk:
            robots = FakeRobots(wecom=wecom, dingtalk=dingtalk, per_minute=options["per_minute"])
        else:
            robots = demo_robots(per_minute=options["per_minute"])
        robots_log = _Printer(self.stdout, robots)
        try:
            server = FakeRobotServer(robots_log, host=options["host"], port=options["port"])
        except OSError as exc:
            raise CommandError(f"Cannot listen on {options['host']}:{options['port']}: {exc}") from exc
        self.stdout.write(
            f"Fake group robots on {server.url} — WeCom: {len(robots.wecom)}, DingTalk: {len(robots.dingtalk)}. "
            "Ctrl-C stops."
        )
        self.stdout.flush()
        try:
            server.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server.server_close()


class _Printer:
    """The fake, printing a line for each message it answers."""

    def __init__(self, out, robots: FakeRobots):
        self.out, self.robots = out, robots

    def __call__(self, environ, start_response):
        before = len(self.robots.calls)
        result = self.robots(environ, start_response)
        for call in self.robots.calls[before:]:
            first_line = call.text.splitlines()[0] if call.text else ""
            self.out.write(f"{call.kind} {call.robot[:4]}…: errcode {call.errcode} {call.errmsg} | {first_line[:60]}")
            self.out.flush()
        return result

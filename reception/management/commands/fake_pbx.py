"""Play a call of a phone system against the CTI webhook, over real HTTP (demos and tests).

    python manage.py fake_pbx --from 13812345678 --extension 8001            # ring 3 s, talk 5 s, hang up
    python manage.py fake_pbx --from 13812345678 --extension 8001 --missed   # ring 3 s, hang up unanswered
    python manage.py fake_pbx --url https://kefu.example.com --token "$CTI_TOKEN" ...

It posts what Zammad's generic CTI API defines (form-encoded ``event``, ``callId``, ``from``, ``to``,
``direction``, ``user``, ``cause``), so it also shows what a real PBX must send (README, "Telephony").
"""

import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse


class FakePbx:
    """One call: ``ring()``, then ``answer()`` and/or ``hangup()``; each returns (HTTP status, JSON text)."""

    def __init__(self, base_url: str, token: str, *, from_number: str, extension: str, to: str = "4008001234"):
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"Not an http(s) address: {base_url}")
        self.url = base_url.rstrip("/") + reverse("reception:cti_webhook", args=[token])
        self.call_id = uuid.uuid4().hex
        self.from_number, self.extension, self.to = from_number, extension, to

    def post(self, event: str, **fields) -> tuple[int, str]:
        data = {"event": event, "callId": self.call_id, "from": self.from_number, "to": self.to, "direction": "in"}
        data.update(fields)
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.url, data=body, method="POST")  # noqa: S310 (http(s) checked)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own URL)
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def ring(self):
        return self.post("newCall", user=self.extension)

    def answer(self):
        return self.post("answer", user=self.extension, answeringNumber=self.extension)

    def hangup(self, cause: str = "normalClearing"):
        return self.post("hangup", cause=cause)


def play_call(pbx: FakePbx, *, missed: bool = False, ring_seconds: float = 3, talk_seconds: float = 5, log=print):
    """Ring → answer → hang up (or ring → hang up unanswered); the statuses of the three (two) posts."""
    statuses = []
    for step, pause in (("ring", ring_seconds), ("answer", talk_seconds), ("hangup", 0)):
        if missed and step == "answer":
            continue
        status, body = (
            pbx.hangup("cancel" if missed else "normalClearing") if step == "hangup" else getattr(pbx, step)()
        )
        log(f"{step}: {status} {body}")
        statuses.append(status)
        time.sleep(pause)
    return statuses


class Command(BaseCommand):
    help = "Play a call (ring → answer → hang-up, or missed) against the CTI webhook over HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=settings.SITE_URL, help="the site's address (default SITE_URL)")
        parser.add_argument("--token", default=settings.CTI_TOKEN, help="the webhook's token (default CTI_TOKEN)")
        parser.add_argument("--from", dest="from_number", required=True, help="the caller's number")
        parser.add_argument("--extension", required=True, help="the extension that rings")
        parser.add_argument("--missed", action="store_true", help="hang up before anyone answers")
        parser.add_argument("--ring", type=float, default=3, help="seconds of ringing")
        parser.add_argument("--talk", type=float, default=5, help="seconds of talking")

    def handle(self, *args, **options):
        if not options["token"]:
            raise CommandError("No token: set CTI_TOKEN or pass --token.")
        pbx = FakePbx(
            options["url"], options["token"], from_number=options["from_number"], extension=options["extension"]
        )
        statuses = play_call(
            pbx,
            missed=options["missed"],
            ring_seconds=options["ring"],
            talk_seconds=options["talk"],
            log=self.stdout.write,
        )
        if any(status != 200 for status in statuses):
            raise CommandError(f"The webhook refused an event: {statuses}")

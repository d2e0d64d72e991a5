"""Serve the local fake of the WeCom API (teams/wecom_fake.py) for the demo: `make run` starts it.

    python manage.py fake_wecom                      # http://127.0.0.1:8700, the corp of the WECOM_* settings
    WECOM_DEMO=1 python manage.py runserver          # the app, pointed at it (config/settings/local.py)

Its members are the active staff with a phone: a linked account under its ``wecom_userid``, an unlinked one as
``wx-<username>`` with the same mobile (signing in as them opens a link for the deputy GM to confirm), and a
stranger whose mobile matches nobody. Its page ``/`` shows the text cards it received.
"""

import ipaddress

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teams.models import User
from teams.wecom_fake import FakeWeCom, make_fake_server


class Command(BaseCommand):
    help = "Serve a local fake of the WeCom API on a loopback port (the demo; README 'WeCom')."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8700)
        parser.add_argument("--rate-limit", type=int, default=None, help="text cards per minute before 45009")

    def handle(self, *args, **options):
        host = options["host"]
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise CommandError("The fake serves on a loopback address only (127.0.0.1, ::1, localhost).")
        if not (settings.WECOM_CORP_ID and settings.WECOM_AGENT_ID and settings.WECOM_SECRET):
            raise CommandError("Set WECOM_DEMO=1 (config/settings/local.py) or the WECOM_* settings first.")
        fake = FakeWeCom(
            corp_id=settings.WECOM_CORP_ID,
            secret=settings.WECOM_SECRET,
            agent_id=str(settings.WECOM_AGENT_ID),
            send_limit_per_minute=options["rate_limit"],
        )
        for user in User.objects.filter(is_active=True).exclude(phone="").order_by("username"):
            fake.add_member(user.wecom_userid or f"wx-{user.username}", user.full_name or user.username, user.phone)
        fake.add_member("wx-stranger", "陌生人", "19900000000")
        server = make_fake_server(fake, host, options["port"], quiet=False)
        self.stdout.write(f"Fake WeCom on http://{host}:{server.server_port}/ ({len(fake.members)} members)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

"""Build a realistic demo company, or a company-scale data set for benchmarks.

Each app contributes its records in ``<app>/demo.py``: ``seed(ctx)`` for the demo (idempotent: a second run
adds nothing). ``--scale N`` then adds N clients and their history in bulk: ``teams.demo.seed_scale`` (teams
and staff) calls ``bench/scale_seed.py``, which holds the table list of every app (COPY on PostgreSQL).
"""

import random
import time
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from json import dumps
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

DEMO_APPS = ["teams", "meetings", "clients", "projects", "reception", "complaints", "performance"]
DEMO_PASSWORD = "demo1234"  # noqa: S105 (the README's shared demo password)


@dataclass
class DemoContext:
    rng: random.Random
    now: object
    scale: int = 0
    seed: int = 2026
    password: str = DEMO_PASSWORD
    teams: list = field(default_factory=list)
    # username → User, for the demo logins and every seeded member of staff.
    users: dict = field(default_factory=dict)
    log: object = print
    # --scale: {table: {"rows": n, "seconds": s}} as loaded.
    timings: dict = field(default_factory=dict)

    @property
    def today(self):
        return timezone.localdate(self.now)


class Command(BaseCommand):
    help = "Create the demo company (idempotent); --scale N adds N clients and their history for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        parser.add_argument("--scale", type=int, default=0, help="number of clients for a large data set")
        parser.add_argument("--json", default="", help="--scale: write the per-table timings to this file")

    def handle(self, *args, seed, scale, json="", **options):
        started_all = time.monotonic()
        ctx = DemoContext(rng=random.Random(seed), now=timezone.now(), scale=scale, seed=seed, log=self.stdout.write)
        for app in DEMO_APPS:
            if find_spec(f"{app}.demo") is None:
                continue
            module = import_module(f"{app}.demo")
            started = time.monotonic()
            with transaction.atomic():
                module.seed(ctx)
            self.stdout.write(f"  {app}: {time.monotonic() - started:.1f}s")
        if scale:
            from clients.models import Client
            from teams.demo import seed_scale

            if Client.objects.count() >= scale:
                self.stdout.write(f"  --scale {scale}: the database already holds that many clients, nothing added")
            else:
                self.stdout.write(f"  --scale {scale}: bulk-loading (per table: rows, seconds)")
                seed_scale(ctx)
        if json:
            ctx.timings["command_seconds"] = round(time.monotonic() - started_all, 1)
            Path(json).write_text(dumps(ctx.timings, indent=2))
        self._print_logins(ctx)

    def _print_logins(self, ctx):
        from teams.demo import DEMO_LOGINS

        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {ctx.password}):"))
        for username, *_ in DEMO_LOGINS:
            user = ctx.users[username]
            self.stdout.write(f"  {username:<12} {user.full_name:<4} {user.get_role_display()} {user.team or ''}")

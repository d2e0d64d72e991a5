"""Build a realistic demo company.

Each app contributes its records with a seeder it registers in its ``AppConfig.ready()``
(``register_demo_seeder`` in teams/registry.py, usually ``<app>/demo.py: seed(ctx)``), naming the
seeders it must run after; this command runs them in that order without knowing the apps. A seeder is
idempotent: a second run adds nothing. Company-scale data for benchmarks is bench's
(``bench/management/commands/seed_scale.py``), which nothing in the product imports.
"""

import random
import time
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from teams.demo import DEMO_LOGINS
from teams.registry import demo_seeders

DEMO_PASSWORD = "demo1234"  # noqa: S105 (the README's shared demo password)


@dataclass
class DemoContext:
    rng: random.Random
    now: object
    seed: int = 2026
    password: str = DEMO_PASSWORD
    teams: list = field(default_factory=list)
    # username → User, for the demo logins and every seeded member of staff.
    users: dict = field(default_factory=dict)
    log: object = print

    @property
    def today(self):
        return timezone.localdate(self.now)


class Command(BaseCommand):
    help = "Create the demo company (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")

    def handle(self, *args, seed, **options):
        ctx = DemoContext(rng=random.Random(seed), now=timezone.now(), seed=seed, log=self.stdout.write)
        self.seed_demo(ctx)
        self.print_logins(ctx)

    def seed_demo(self, ctx) -> None:
        for seeder in demo_seeders():
            started = time.monotonic()
            with transaction.atomic():
                seeder.run(ctx)
            self.stdout.write(f"  {seeder.name}: {time.monotonic() - started:.1f}s")

    def print_logins(self, ctx):
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {ctx.password}):"))
        for username, *_ in DEMO_LOGINS:
            user = ctx.users[username]
            self.stdout.write(f"  {username:<12} {user.full_name:<4} {user.get_role_display()} {user.team or ''}")

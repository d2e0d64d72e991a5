"""``manage.py seed_scale --scale N`` (settings ``bench.settings``, which install the ``bench`` app): the demo
company (every app's ``seed_demo`` seeder), then company-scale staff (bench/scale_staff.py) and N clients with
their history in bulk (bench/scale_seed.py: one table list, COPY on PostgreSQL). Lives in bench so that
nothing in the product imports the benchmark."""

import random
import time
from dataclasses import dataclass, field
from json import dumps
from pathlib import Path

from django.utils import timezone

from bench.scale_seed import seed_scale
from bench.scale_staff import seed_staff
from clients.models import Client
from teams.management.commands.seed_demo import Command as SeedDemo
from teams.management.commands.seed_demo import DemoContext


@dataclass
class ScaleContext(DemoContext):
    scale: int = 0
    # {table: {"rows": n, "seconds": s}} as loaded.
    timings: dict = field(default_factory=dict)


class Command(SeedDemo):
    help = "The demo company, then N clients and their history in bulk for benchmarks."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--scale", type=int, required=True, help="number of clients for a large data set")
        parser.add_argument("--json", default="", help="write the per-table timings to this file")

    def handle(self, *args, seed, scale, json="", **options):
        started_all = time.monotonic()
        ctx = ScaleContext(rng=random.Random(seed), now=timezone.now(), seed=seed, log=self.stdout.write, scale=scale)
        self.seed_demo(ctx)
        if Client.objects.count() >= scale:
            self.stdout.write(f"  --scale {scale}: the database already holds that many clients, nothing added")
        else:
            self.stdout.write(f"  --scale {scale}: bulk-loading (per table: rows, seconds)")
            seed_staff(ctx)
            ctx.timings = seed_scale(ctx, seed=ctx.seed, out=ctx.log)
        if json:
            ctx.timings["command_seconds"] = round(time.monotonic() - started_all, 1)
            Path(json).write_text(dumps(ctx.timings, indent=2))
        self.print_logins(ctx)

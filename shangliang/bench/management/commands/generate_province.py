"""Build a synthetic province for the dashboards' benchmark (bulk-loaded; COPY on PostgreSQL), then fill the
figure cache. At --scale 1: 25,000 units, 300,000 users, 1,000,000 topics, 300,000 consultations,
1,000,000 tasks.

    scripts/with-postgres.sh bash -c 'uv run python manage.py migrate -v0 && uv run python manage.py generate_province'
    uv run python manage.py generate_province --scale 0.002      # a tiny one (tests)
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shangliang.bench.province import PROVINCE_NAME, Generator, Plan
from shangliang.dashboards import cells
from shangliang.units.models import Unit


class Command(BaseCommand):
    help = "Generate a province-scale dataset (bulk loading) and warm the dashboards' cache."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 25,000 units, 1,000,000 topics")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-warm", action="store_true", help="leave the figure cache empty")

    def handle(self, *args, scale, seed, no_warm, **options):
        if not 0 < scale <= 4:
            raise CommandError("--scale must be in (0, 4]")
        if Unit.objects.filter(depth=1, name=PROVINCE_NAME).exists():
            raise CommandError(f"“{PROVINCE_NAME}” exists already: use a fresh database")
        plan = Plan.at(scale)
        self.stdout.write(
            f"generating: ~{plan.units} units, {plan.users} users, {plan.topics} topics, "
            f"{plan.consultations} consultations, ~{plan.tasks} tasks (scale {scale})"
        )
        started = time.perf_counter()
        with transaction.atomic():
            loaded = Generator(plan, seed=seed, log=self.stdout.write).run()
        loaded_at = time.perf_counter()
        for label, n in loaded.items():
            self.stdout.write(f"  {label:36s} {n:>10,d}")
        self.stdout.write(f"loaded in {loaded_at - started:.1f} s")
        if not no_warm:
            counts = cells.warm()
            self.stdout.write(f"figure cache warmed in {time.perf_counter() - loaded_at:.1f} s: {counts}")
        self.stdout.write(f"total {time.perf_counter() - started:.1f} s")

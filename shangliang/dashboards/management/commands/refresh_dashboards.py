"""Recompute every cached figure (the periodic job, e.g. nightly and after bulk imports): the months since the
first record, coverage for each year and now, the norms today. The cache also refills itself on reads."""

import time

from django.core.management.base import BaseCommand

from shangliang.dashboards import cells


class Command(BaseCommand):
    help = "Recompute the dashboards' figure cache."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = cells.warm()
        self.stdout.write(f"cells: {counts} in {time.perf_counter() - started:.1f} s")

"""Repair: recompute every flow counter and every cached cell from the live tables, and report each counter that
differed from the stored one (there should be none: changes keep the counters by delta). Also what to run after a
bulk import that wrote no events. Changes wait while it runs.

    manage.py refresh_dashboards           # recompute, report, put right
    manage.py refresh_dashboards --check   # only report
"""

import time

from django.core.management.base import BaseCommand

from shangliang.dashboards import cells, counters

SHOWN = 50


class Command(BaseCommand):
    help = "Recompute the dashboards' counters and cells; report every counter that differed."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report only, change nothing")

    def handle(self, *args, check, **options):
        started = time.perf_counter()
        report = counters.repair(fix=not check)
        differed = report["counters_differed"]
        for (anchor, kind, key, part, name), was, computed in differed[:SHOWN]:
            self.stdout.write(f"{anchor} {kind} {key} {part} {name}: stored {was}, computed {computed}")
        if len(differed) > SHOWN:
            self.stdout.write(f"… and {len(differed) - SHOWN} more")
        self.stdout.write(
            f"{report['subjects']} subjects; {report['contributions_differed']} contributions differed; "
            f"{len(differed)} counters differed"
        )
        if not check:
            self.stdout.write(f"cells: {cells.warm(counters=False)} in {time.perf_counter() - started:.1f} s")

"""Benchmark: unit-tree reads at province scale. Prints figures; it is not a test.

Builds a synthetic province (1 province → cities → counties → towns → villages, ~25,000 units, one room each,
one assessment each) inside a transaction that is rolled back at the end, then times the unit page's reads
(coverage now and by year, children with figures, subtree counts) for the province root, a county and a village.

    uv run python manage.py bench_tree --units 25000 --runs 20
    scripts/with-postgres.sh uv run python manage.py bench_tree   # on PostgreSQL
"""

import statistics
import time
from datetime import date

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from shangliang.units import selectors
from shangliang.units.models import Assessment, Room, Standard, Unit, UnitKind

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def segment(n: int) -> str:
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time unit-tree reads on a synthetic province (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=25000)
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                targets = self.build(options["units"])
                self.stdout.write(
                    f"built {Unit.objects.count()} units, {Room.objects.count()} rooms on {connection.vendor} "
                    f"in {time.perf_counter() - started:.1f} s"
                )
                for label, unit in targets:
                    self.measure(label, unit, options["runs"])
                raise Rollback
        except Rollback:
            self.stdout.write("rolled back")

    def build(self, total: int):
        cities, counties_per_city, towns_per_county = 14, 8, 15
        villages_per_town = max(
            1,
            round(
                (total - 1 - cities * (1 + counties_per_city * (1 + towns_per_county)))
                / (cities * counties_per_city * towns_per_county)
            ),
        )
        units = [Unit(path=segment(1), depth=1, numchild=cities, name="某省", kind=UnitKind.PROVINCE)]
        for c in range(1, cities + 1):
            cp = segment(1) + segment(c)
            units.append(Unit(path=cp, depth=2, numchild=counties_per_city, name=f"市{c}", kind=UnitKind.CITY))
            for k in range(1, counties_per_city + 1):
                kp = cp + segment(k)
                units.append(Unit(path=kp, depth=3, numchild=towns_per_county, name=f"县{c}-{k}", kind=UnitKind.COUNTY))
                for t in range(1, towns_per_county + 1):
                    tp = kp + segment(t)
                    units.append(
                        Unit(path=tp, depth=4, numchild=villages_per_town, name=f"镇{c}-{k}-{t}", kind=UnitKind.TOWN)
                    )
                    units.extend(
                        Unit(
                            path=tp + segment(v), depth=5, numchild=0, name=f"村{c}-{k}-{t}-{v}", kind=UnitKind.VILLAGE
                        )
                        for v in range(1, villages_per_town + 1)
                    )
        Unit.objects.bulk_create(units, batch_size=5000)
        county_by_path = dict(Unit.objects.filter(kind=UnitKind.COUNTY).values_list("path", "pk"))
        for path, pk in county_by_path.items():
            Unit.objects.filter(path__startswith=path).update(county_id=pk)
        standards = Standard.objects.bulk_create(Standard(county_id=pk, name="五有") for pk in county_by_path.values())
        standard_of = {s.county_id: s.pk for s in standards}
        bearing = list(Unit.objects.filter(kind__in=[UnitKind.TOWN, UnitKind.VILLAGE]).values_list("pk", "county_id"))
        Room.objects.bulk_create(
            (
                Room(unit_id=pk, name="议事室", stage="built", stage_year=2022, operational_since=2022)
                for pk, _ in bearing
            ),
            batch_size=5000,
        )
        rooms = Room.objects.values_list("pk", "unit__county_id")
        Assessment.objects.bulk_create(
            (
                Assessment(
                    room_id=pk, standard_id=standard_of[county], assessed_on=date(2023, 3, 1), passed=pk % 7 != 0
                )
                for pk, county in rooms
            ),
            batch_size=5000,
        )
        root = Unit.objects.get(depth=1, path=segment(1))
        county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("path")[len(county_by_path) // 2]
        village = Unit.objects.filter(kind=UnitKind.VILLAGE, path__startswith=county.path).order_by("path").last()
        return [("province root", root), ("county", county), ("village", village)]

    def measure(self, label: str, unit: Unit, runs: int):
        def page_reads():
            selectors.coverage(unit)
            selectors.coverage_by_year(unit, first_year=2021, last_year=2026)
            selectors.children_with_figures(unit)
            selectors.rooms_by_stage(unit)

        timings = []
        for i in range(runs + 1):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                page_reads()
                elapsed = (time.perf_counter() - t0) * 1000
            if i == 0:
                cold = elapsed
            else:
                timings.append(elapsed)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
        self.stdout.write(
            f"{label:14s} subtree={Unit.objects.filter(path__startswith=unit.path).count():6d} units  "
            f"cold={cold:7.1f} ms  p50={statistics.median(timings):7.1f} ms  p95={p95:7.1f} ms  "
            f"queries={len(queries)}"
        )

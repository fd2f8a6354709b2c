"""Benchmark: the dashboard page for the province root, a county and a village, cold and warm, against a trivial
Django view on the same server (the floor). Prints p50 / p95 latency and query counts; it is not a test.

Requests go through the whole Django stack (middleware, permissions, templates) with the test client, logged in
as a superuser. "warm": the figure cache holds the cells (the normal state). "cold": every cell the page reads is
dropped before each request, so all are recomputed from the live tables (the worst case, e.g. after a unit was
moved). "changed": one county's cells are dropped (what a page meets after a change in that county when no worker has
refilled them yet). Below county level the page reads the live tables only, so its three modes are the same work.
Then the background work: refilling a county after a change (the worker, DASHBOARDS_REFILL_ON_CHANGE), the periodic
command when nothing is missing, and on a new day. Run after generate_province:

    scripts/with-postgres.sh bash -c 'uv run python manage.py migrate -v0 \\
        && uv run python manage.py generate_province && uv run python manage.py bench_dashboard'
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path

from shangliang.bench.province import PROVINCE_NAME
from shangliang.dashboards import cells
from shangliang.dashboards.models import CellKind, FigureCell
from shangliang.people.models import User
from shangliang.units.models import Unit, UnitKind


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/floor/", floor), path("", include("shangliang.urls"))]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


class Command(BaseCommand):
    help = "Print p50/p95 latency and query counts of the dashboard (root, county, village; cold and warm)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="warm requests per page (bounded: at most 500)")
        parser.add_argument("--cold-runs", type=int, default=5, help="cold requests per page (at most 50)")
        parser.add_argument("--period", default="", help='e.g. "2025"; default: the current year')

    def handle(self, *args, runs, cold_runs, period, **options):
        runs, cold_runs = max(1, min(runs, 500)), max(1, min(cold_runs, 50))
        root = Unit.objects.filter(depth=1, name=PROVINCE_NAME).first() or Unit.objects.get_root_nodes().first()
        if root is None:
            raise CommandError("no units: run generate_province first")
        counties = list(Unit.objects.filter(path__startswith=root.path, kind=UnitKind.COUNTY).order_by("path"))
        county = counties[len(counties) // 2] if counties else root
        village = (
            Unit.objects.filter(path__startswith=county.path, kind=UnitKind.VILLAGE).order_by("path").last() or county
        )
        user, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
        client = Client()
        client.force_login(user)
        query = {"period": period} if period else {}
        self.stdout.write(
            f"{connection.vendor}: {Unit.objects.filter(path__startswith=root.path).count():,d} units under "
            f"{root.name}; county {county.name}, village {village.name}"
        )
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            self.measure(client, "floor (trivial view)", "/bench/floor/", {}, runs, None)
            for label, unit in (("province root", root), ("county", county), ("village", village)):
                url = f"/dashboards/units/{unit.pk}/"
                every = [a for a, _p in cells.anchors_in(unit)] if cells.is_anchor(unit) else []
                self.measure(client, f"{label} cold", url, query, cold_runs, every)
                self.measure(client, f"{label} changed", url, query, cold_runs, [county.pk])
                self.measure(client, f"{label} warm", url, query, runs, [])
        self.background(county)

    def background(self, county):
        """What the worker and the periodic command spend (DASHBOARDS_REFILL_ON_CHANGE, run_periodic)."""
        cells.refill()
        for label, prepare, kwargs in (
            ("refill: a county after a change", lambda: cells.invalidate([county.pk]), {"anchor_ids": [county.pk]}),
            ("refill: nothing missing", lambda: None, {}),
            (
                "refill: a new day (norms)",
                lambda: FigureCell.objects.filter(kind__in=[CellKind.NORMS, CellKind.NORMS_CHILDREN]).delete(),
                {},
            ),
        ):
            prepare()
            connection.queries_log.clear()  # it keeps 9,000 at most: a full log would count nothing
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                n = cells.refill(**kwargs)
                took = (time.perf_counter() - t0) * 1000
            self.stdout.write(f"{label:34s} {took:8.1f} ms  cells={n}  queries={len(queries)}")

    def measure(self, client, label, url, query, runs, drop):
        timings, counts = [], []
        for _ in range(runs):
            if drop:
                FigureCell.objects.filter(anchor_id__in=drop).delete()
            connection.queries_log.clear()  # it keeps 9,000 at most: a full log would count nothing
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url, query)
                timings.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url}: HTTP {response.status_code}")
            counts.append(len(queries))
        self.stdout.write(
            f"{label:22s} p50={statistics.median(timings):8.1f} ms  p95={pct(timings, 0.95):8.1f} ms  "
            f"max={max(timings):8.1f} ms  queries={min(counts)}–{max(counts)}  (n={runs})"
        )

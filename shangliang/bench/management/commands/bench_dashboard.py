"""Benchmark: the dashboard page for the province root, a county and a village, cold and warm, against a trivial
Django view on the same server (the floor). Prints p50 / p95 latency and query counts; it is not a test.

Requests go through the whole Django stack (middleware, permissions, templates) with the test client, logged in
as a superuser. Flows are counters kept by delta in each change's transaction (dashboards.counters); rooms,
coverage and the norms' standing are cells recomputed after a change drops them. States measured, each request
preceded by its preparation:
- "warm": nothing changed (the normal state);
- "topic changed": a topic entered in the county through the service (its counters change, no cell is dropped);
- "consultation changed": an event on one of the county's consultations (its counters are projected; the county's
  norms cells are dropped, as the event handler does after commit);
- "unit moved": a village moved between two counties through the service, back and forth (both counties' cells
  of rooms and norms dropped; their counters shifted);
- "cells dropped": every cell the page reads dropped (the worst case after a bulk load).
Below county level the page reads the live tables only. Then the cost a change adds to its transaction (projecting a
new topic; a consultation with a new suggestion) and the background work: refilling a county's cells after a change
(the worker, DASHBOARDS_REFILL_ON_CHANGE), the periodic command when nothing is missing, and on a new day. Run after
generate_province:

    scripts/with-postgres.sh bash -c 'uv run python manage.py migrate -v0 \\
        && uv run python manage.py generate_province && uv run python manage.py bench_dashboard'
"""

import os
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path

from shangliang.bench.province import PROVINCE_NAME
from shangliang.consultations.models import HELD, Consultation, Suggestion
from shangliang.core.events import record_event
from shangliang.dashboards import cells, counters
from shangliang.dashboards.models import CellKind, FigureCell
from shangliang.people.models import User
from shangliang.topics.models import Topic, TopicSource
from shangliang.topics.services import topic_enter
from shangliang.units.models import Unit, UnitKind
from shangliang.units.services import unit_move


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/floor/", floor), path("", include("shangliang.urls"))]


class Rollback(Exception):
    pass


class Changes:
    """Changes made through the services before a request, as people would make them."""

    def __init__(self, user, county, village, other):
        self.user, self.county, self.village, self.other = user, county, village, other
        self.n = 0
        self.held = (
            Consultation.objects.filter(unit__path__startswith=county.path, status__in=HELD).order_by("-pk").first()
        )
        self.away = other and Unit.objects.filter(path__startswith=other.path, kind=UnitKind.TOWN).first()
        self.home = Unit.objects.get_parent(village) if village.pk != county.pk else None

    def topic(self):
        self.n += 1
        topic_enter(
            actor=self.user,
            unit=self.village,
            source=TopicSource.GRID,
            title=f"基准：村口积水{self.n}",
            description="雨后积水，出行不便。",
            name="王大妈",
        )

    def consultation(self):
        if self.held is not None:
            with transaction.atomic():
                record_event(self.held, actor=self.user, action="edit", unit=self.held.unit)

    def move(self):
        unit = Unit.objects.get(pk=self.village.pk)
        target = self.away if unit.path.startswith(self.county.path) else self.home
        if target is not None:
            unit_move(actor=self.user, unit=unit, new_parent=Unit.objects.get(pk=target.pk))


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


class Command(BaseCommand):
    help = "Print p50/p95 latency and query counts of the dashboard (root, county, village; cold and warm)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="warm requests per page (bounded: at most 500)")
        parser.add_argument("--cold-runs", type=int, default=5, help="cold requests per page (at most 50)")
        parser.add_argument("--period", default="", help='e.g. "2025"; default: the current year')
        parser.add_argument(
            "--only",
            choices=["pages", "writes", "background"],
            default="",
            help="run one part only: the pages, the added write cost, or the background work",
        )

    def handle(self, *args, runs, cold_runs, period, only, **options):
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
        other = next((c for c in counties if c.pk != county.pk), None)
        changes = Changes(user, county, village, other)
        if only in ("", "pages"):
            self.pages(client, root, county, village, query, runs, cold_runs, changes, other)
        if only in ("", "writes"):
            self.write_cost(county, village, runs)
        if only in ("", "background"):
            self.background(county)

    def pages(self, client, root, county, village, query, runs, cold_runs, changes, other):
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            self.measure(client, "floor (trivial view)", "/bench/floor/", {}, runs, None)
            for label, unit in (("province root", root), ("county", county), ("village", village)):
                url = f"/dashboards/units/{unit.pk}/"
                every = [a for a, _p in cells.anchors_in(unit)] if cells.is_anchor(unit) else []
                self.measure(client, f"{label} warm", url, query, runs, None)
                self.measure(client, f"{label} topic changed", url, query, cold_runs, changes.topic)
                self.measure(client, f"{label} consultation changed", url, query, cold_runs, changes.consultation)
                if other is not None:
                    self.measure(client, f"{label} unit moved", url, query, cold_runs, changes.move)
                self.measure(
                    client,
                    f"{label} cells dropped",
                    url,
                    query,
                    cold_runs,
                    lambda every=every: FigureCell.objects.filter(anchor_id__in=every).delete(),
                )

    def write_cost(self, county, village, runs):
        """What projecting a change adds to its transaction (measured inside a transaction that is rolled back)."""
        consultation = (
            Consultation.objects.filter(unit__path__startswith=county.path, status__in=HELD).order_by("-pk").first()
        )
        costs: dict[str, list[tuple[float, float, int]]] = {"a new topic": [], "a consultation": []}

        def timed(label, subjects):
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                t0, c0 = time.perf_counter(), time.process_time()
                counters.project(subjects)
                wall, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
            costs[label].append((wall, cpu, len(queries)))

        try:
            with transaction.atomic():
                for i in range(runs):
                    t = Topic.objects.create(
                        unit=village,
                        source="resident",
                        title="基准议题",
                        description="基准",
                        tracking_code=f"WC{i:010d}",
                    )
                    timed("a new topic", {counters.TOPIC: [t.pk]})
                    if consultation is not None:
                        Suggestion.objects.create(consultation=consultation, order=1000 + i, text="基准建议")
                        topics = list(consultation.topics.values_list("pk", flat=True))
                        timed("a consultation", {counters.CONSULTATION: [consultation.pk], counters.TOPIC: topics})
                raise Rollback
        except Rollback:
            pass
        for label, rows in costs.items():
            if rows:
                wall, cpu, queries = ([r[i] for r in rows] for i in range(3))
                self.stdout.write(
                    f"write cost: {label:22s} p50={statistics.median(wall):6.2f} ms  p95={pct(wall, 0.95):6.2f} ms  "
                    f"cpu p50={statistics.median(cpu):6.2f} ms  queries={min(queries)}–{max(queries)}  "
                    f"(n={len(rows)}, load {os.getloadavg()[0]:.2f})"
                )

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
            self.stdout.write(
                f"{label:34s} {took:8.1f} ms  cells={n}  queries={len(queries)}  (load {os.getloadavg()[0]:.2f})"
            )

    def measure(self, client, label, url, query, runs, prepare):
        timings, counts = [], []
        for _ in range(runs):
            if prepare:
                prepare()
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
            f"max={max(timings):8.1f} ms  queries={min(counts)}–{max(counts)}  "
            f"(n={runs}, load {os.getloadavg()[0]:.2f})"
        )

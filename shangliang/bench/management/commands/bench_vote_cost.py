"""`manage.py bench_vote_cost`: what one vote of a busy online room costs the app, in process, whatever the load of the
machine — queries per vote and CPU milliseconds per vote of this Python process (the app's share; PostgreSQL's own
work runs in its processes and is not counted), and the wall time per vote for reference.

    manage.py bench_vote_cost --participants 10000 --statements 1000 --prefill 200000 --votes 300

It prepares the same room as bench_busy_room (an open room whose conversation is imported and analysed once,
residents with verified numbers and sessions of their own in the session store), then sends `--votes` votes through
Django's test client exactly as the vote card does (htmx POST, CSRF cookie and header enforced, the session cookie,
a client address behind the proxy), with the settings of the shell (run it with the stack's settings to measure the
production path: CACHE_BACKEND=database, TASK_BACKEND=database, DATABASE_URL). `--show-queries` prints the SQL of
one vote. Everything it created is deleted at the end.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections import Counter

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shangliang.bench.management.commands.bench_busy_room import CSRF, drop
from shangliang.bench.management.commands.bench_busy_room import Command as BusyRoom


class Command(BaseCommand):
    help = "Queries and CPU milliseconds of one online-room vote, in process (independent of the machine's load)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=10_000)
        parser.add_argument("--statements", type=int, default=1_000)
        parser.add_argument("--prefill", type=int, default=200_000, help="votes already cast before measuring")
        parser.add_argument("--votes", type=int, default=300, help="votes to measure")
        parser.add_argument("--warm", type=int, default=20, help="votes sent first and not measured")
        parser.add_argument("--show-queries", action="store_true", help="print the SQL of one measured vote")
        parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")

    def handle(self, *args, **o) -> None:
        started = time.perf_counter()
        room, sessions, statement_ids = BusyRoom()._prepare(o)
        self.stdout.write(
            f"room {room.pk}: {o['participants']} participants, {len(statement_ids)} statements, {o['prefill']} votes "
            f"(setup {time.perf_counter() - started:.0f} s); database {connection.vendor}, cache "
            f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, sessions {settings.SESSION_ENGINE}"
        )
        try:
            self._measure(o, room, sessions, statement_ids)
        finally:
            drop(room, sessions)

    def _measure(self, o, room, sessions, statement_ids) -> None:
        path = reverse("online:vote", args=[room.pk])
        client = Client(enforce_csrf_checks=True, HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "")
        rng = np.random.default_rng(11)
        queries, cpu, wall, statuses = [], [], [], Counter()
        sample: list[str] = []
        profiler = cProfile.Profile(time.process_time) if o["profile"] else None  # CPU time, not waits
        for i in range(o["warm"] + o["votes"]):
            key, _pk = sessions[int(rng.integers(len(sessions)))]
            client.cookies[settings.SESSION_COOKIE_NAME] = key
            client.cookies[settings.CSRF_COOKIE_NAME] = CSRF
            data = {
                "statement": statement_ids[int(rng.integers(len(statement_ids)))],
                "value": int(rng.integers(-1, 2)),
            }
            measured = i >= o["warm"]
            with CaptureQueriesContext(connection) as captured:
                if profiler is not None and measured:
                    profiler.enable()
                c0, w0 = time.process_time(), time.perf_counter()
                response = client.post(
                    path,
                    data,
                    HTTP_X_CSRFTOKEN=CSRF,
                    HTTP_HX_REQUEST="true",
                    HTTP_X_FORWARDED_FOR=f"10.9.{i % 250}.{(i // 250) % 250 + 1}",
                    REMOTE_ADDR="127.0.0.1",
                )
                c1, w1 = time.process_time(), time.perf_counter()
                if profiler is not None and measured:
                    profiler.disable()
            ok = response.status_code == 200 and b"errorlist" not in response.content
            statuses["accepted" if ok else f"HTTP {response.status_code}"] += 1
            if not measured:
                continue
            queries.append(len(captured.captured_queries))
            cpu.append(1000 * (c1 - c0))
            wall.append(1000 * (w1 - w0))
            if o["show_queries"] and not sample:
                sample = [q["sql"] for q in captured.captured_queries]
        self.stdout.write(f"answers: {dict(statuses)}")
        self.stdout.write(
            f"{len(queries)} votes measured: queries/vote mean {statistics.mean(queries):.1f} "
            f"(min {min(queries)}, max {max(queries)}); CPU ms/vote (this process) "
            f"median {statistics.median(cpu):.1f}, mean {statistics.mean(cpu):.1f}; "
            f"wall ms/vote median {statistics.median(wall):.1f}"
        )
        for n, sql in enumerate(sample, 1):
            self.stdout.write(f"{n:3d}. {sql[:300]}")
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(o["profile"])
            self.stdout.write(out.getvalue())

"""Prints how fast an online room is at a given size (nothing is kept: everything is rolled back).

    manage.py bench_online --participants 2000 --statements 100 --votes 80000

Builds a room with a synthetic conversation (planted opinion groups, loaded through the Pol.is import path), then
times the background recomputation (cold, then warm-started after more votes) and the requests people make: the
results page, the vote card, a vote. Requests go through Django's test client in this process, so the figures are
the server's time without the network.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import numpy as np
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test import Client
from django.urls import reverse

from shangliang.consultations.models import Consultation
from shangliang.core import clock
from shangliang.online.consensus import PolisExport
from shangliang.online.consensus.polis_io import PolisStatement
from shangliang.online.consensus.synthetic import planted_conversation
from shangliang.online.models import OnlineRoom, RoomStatus, Statement, Vote
from shangliang.online.services import polis, tasks
from shangliang.people.models import User
from shangliang.units.models import Unit, UnitKind


class _Rollback(Exception):
    pass


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {1000 * statistics.median(ordered):.1f} ms, p95 {1000 * p95:.1f} ms (n={len(ordered)})"


class Command(BaseCommand):
    help = "Time an online room's recomputation and pages on a synthetic conversation (rolled back afterwards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=2000)
        parser.add_argument("--statements", type=int, default=100)
        parser.add_argument("--votes", type=int, default=80_000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, **options) -> None:
        try:
            with transaction.atomic():
                self._run(options)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, o: dict) -> None:
        now = clock.now()
        county = Unit.add_root(name="基准县", kind=UnitKind.COUNTY)
        county.county = county  # a county is its own county, as units.services sets it
        county.save(update_fields=["county"])
        c = Consultation.objects.create(unit=county, title="基准网上协商", form="online", status="in_session")
        room = OnlineRoom.objects.create(
            consultation=c,
            unit=county,
            question="基准问题",
            status=RoomStatus.OPEN,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=7),
        )
        talk = planted_conversation(o["votes"], o["participants"], o["statements"], seed=1)
        log = talk.votes
        stamps = (now - timedelta(hours=1)).timestamp() * 1000 + np.arange(len(log), dtype=np.int64)
        export = PolisExport(
            votes=type(log)(log.participant_ids, log.statement_ids, log.values, stamps.astype(np.int64)),
            statements=[
                PolisStatement(statement_id=i, body=f"基准观点 {i}", moderated=1) for i in range(o["statements"])
            ],
        )
        started = time.perf_counter()
        summary = polis.import_into_room(actor=None, room=room, export=export, require_permission=False)
        self.stdout.write(
            f"room: {summary.participants} participants, {summary.statements} statements, {summary.votes} votes "
            f"(import {time.perf_counter() - started:.2f} s)"
        )

        started = time.perf_counter()
        cold = tasks.recompute(room.pk)
        wall = time.perf_counter() - started
        self.stdout.write(
            f"recompute, cold: analysis {cold.seconds:.3f} s, with reading votes {cold.total_seconds:.3f} s, "
            f"with storing {wall:.3f} s; k={cold.k}, analysed {cold.n_analysed}"
        )
        # more votes arrive, the next run starts from the stored state
        first = list(Statement.objects.filter(room=room).order_by("pk").values_list("pk", flat=True)[:5])
        voters = list(room.participants.order_by("pk").values_list("pk", flat=True)[:200])
        Vote.objects.filter(participant_id__in=voters, statement_id__in=first).update(value=1, updated_at=now)
        OnlineRoom.objects.filter(pk=room.pk).update(change_seq=cold.covers_seq + 1)
        started = time.perf_counter()
        warm = tasks.recompute(room.pk)
        self.stdout.write(
            f"recompute, warm-started: analysis {warm.seconds:.3f} s, with reading votes {warm.total_seconds:.3f} s, "
            f"with storing {time.perf_counter() - started:.3f} s"
        )

        user = User.objects.create(username="bench-online-user")
        client = Client()
        client.force_login(user)
        results_url = reverse("online:results", args=[room.pk])
        card_url = reverse("online:card", args=[room.pk])
        vote_url = reverse("online:vote", args=[room.pk])
        statement_ids = list(Statement.objects.filter(room=room).values_list("pk", flat=True))
        timings: dict[str, list[float]] = {"results page": [], "vote card": [], "vote (htmx)": []}
        client.get(results_url)  # warm the template cache
        for i in range(o["repeat"]):
            for name, call in (
                ("results page", lambda: client.get(results_url)),
                ("vote card", lambda: client.get(card_url, HTTP_HX_REQUEST="true")),
                (
                    "vote (htmx)",
                    lambda i=i: client.post(
                        vote_url,
                        {"statement": statement_ids[i % len(statement_ids)], "value": "1"},
                        HTTP_HX_REQUEST="true",
                    ),
                ),
            ):
                started = time.perf_counter()
                response = call()
                timings[name].append(time.perf_counter() - started)
                assert response.status_code == 200, (name, response.status_code)
        size = len(client.get(results_url).content)
        for name, values in timings.items():
            self.stdout.write(f"{name}: {_ms(values)}")
        self.stdout.write(f"results page size: {size / 1024:.0f} KiB")

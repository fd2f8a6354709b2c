"""`manage.py bench_busy_room --base-url URL`: one online room under many participants voting at once, through the
whole stack at URL (nginx, gunicorn, PostgreSQL, the task worker: whatever serves that address), and what it prints:
votes accepted per second, the time from a vote to results that include it (p50/p95), and errors.

    manage.py bench_busy_room --base-url http://127.0.0.1:8000 --participants 10000 --statements 1000 \\
        --prefill 200000 --rate 100 --duration 120

It runs on the server's machine with the server's settings (same database), because it prepares the room there:
- an open room of `--statements` statements whose conversation (`--prefill` votes of `--participants` residents in
  planted opinion groups) is loaded through the Pol.is import, analysed once;
- each resident is a verified mobile number with a session of their own in the session store, as after the SMS-code
  step, so the load is votes, not logins; each request carries its own X-Forwarded-For address (residents come from
  many networks: behind the proxy the per-address limit applies to each, as in life);
- votes go over HTTP, as the vote card sends them (htmx POST with the CSRF header), from `--concurrency` loopback
  connections, open-loop at `--rate` votes per second (a vote late in the schedule is sent at once, not dropped);
- a watcher follows the room's live event stream like an open results page (every `--watch-interval` seconds) and
  notes when each new analysis becomes visible; a vote is in the first analysis that read the votes after it was
  accepted (the run's start, from its stored timings), so vote-to-results = seen − accepted.
Everything it created is deleted at the end unless --keep.
"""

from __future__ import annotations

import http.client
import itertools
import secrets
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from urllib.parse import urlsplit

import numpy as np
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from shangliang.bench.sessions import forget_sessions, verified
from shangliang.consultations.models import Consultation
from shangliang.core import clock
from shangliang.online.consensus import PolisExport
from shangliang.online.consensus.polis_io import PolisStatement
from shangliang.online.consensus.synthetic import planted_conversation
from shangliang.online.models import AnalysisRun, OnlineParticipant, OnlineRoom, ParticipantKind, RoomStatus, Statement
from shangliang.online.services import polis, tasks
from shangliang.residents.visitor import SESSION_MOBILE
from shangliang.units.models import Unit, UnitKind

CSRF = "b" * 32  # any 32-character secret: the cookie and the header carry the same one


@dataclass
class Tally:
    accepted: list[float] = field(default_factory=list)  # wall-clock time each accepted vote's answer came back
    errors: dict[str, int] = field(default_factory=dict)
    request_seconds: list[float] = field(default_factory=list)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def drop(room: OnlineRoom, sessions: list[tuple[str, int]]) -> None:
    """Remove a benchmark's room, its consultation and its residents' sessions."""
    forget_sessions([key for key, _ in sessions])
    consultation = room.consultation
    room.delete()
    consultation.delete()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Command(BaseCommand):
    help = "Drive one online room through the stack at --base-url with many simulated participants; print figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--participants", type=int, default=10_000)
        parser.add_argument("--statements", type=int, default=1_000)
        parser.add_argument("--prefill", type=int, default=200_000, help="votes already cast when the load starts")
        parser.add_argument("--rate", type=float, default=100.0, help="votes per second to offer")
        parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
        parser.add_argument("--concurrency", type=int, default=32, help="simultaneous connections")
        parser.add_argument("--watch-interval", type=float, default=0.5)
        parser.add_argument("--settle", type=float, default=60.0, help="seconds to wait for the last results")
        parser.add_argument("--keep", action="store_true", help="keep the room and its sessions afterwards")

    def handle(self, *args, **o) -> None:
        target = urlsplit(o["base_url"])
        if target.scheme != "http" or not target.hostname:
            raise CommandError("--base-url 须为 http://主机:端口（loopback; http only）")
        started = time.perf_counter()
        room, sessions, statement_ids = self._prepare(o)
        self.stdout.write(
            f"room {room.pk}: {o['participants']} participants, {len(statement_ids)} statements, "
            f"{o['prefill']} votes prefilled and analysed (setup {time.perf_counter() - started:.0f} s)"
        )
        try:
            self._load(o, target, room, sessions, statement_ids)
        finally:
            if not o["keep"]:
                drop(room, sessions)

    # --- the room ------------------------------------------------------------------------------------------------

    def _prepare(self, o):
        now = clock.now()
        county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("path").first()
        if county is None:
            county = Unit.add_root(name="基准县", kind=UnitKind.COUNTY)
        c = Consultation.objects.create(unit=county, title="基准：热闹的网上协商", form="online", status="in_session")
        room = OnlineRoom.objects.create(
            consultation=c,
            unit=county,
            question="基准：一个很多人同时表态的议事室",
            status=RoomStatus.OPEN,
            opened_at=now,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
        )
        talk = planted_conversation(max(o["prefill"], 1), o["participants"], o["statements"], seed=7)
        log = talk.votes
        stamps = int((now - timedelta(minutes=30)).timestamp() * 1000) + np.arange(len(log), dtype=np.int64)
        export = PolisExport(
            votes=type(log)(log.participant_ids, log.statement_ids, log.values, stamps),
            statements=[
                PolisStatement(statement_id=i, body=f"基准观点 {i}", moderated=1) for i in range(o["statements"])
            ],
        )
        polis.import_into_room(actor=None, room=room, export=export, require_permission=False)
        # Every resident becomes a verified mobile number with a session, as after the SMS-code step.
        rows = list(OnlineParticipant.objects.filter(room=room).order_by("polis_id"))
        expire = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        in_database = settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
        engine = import_module(settings.SESSION_ENGINE)
        sessions, models = [], []
        for p in rows:
            data = verified(f"139{p.polis_id:08d}")
            mobile = data[SESSION_MOBILE]
            p.kind, p.mobile_hash, p.mobile_masked = ParticipantKind.MOBILE, mobile["hash"], mobile["masked"]
            if in_database:  # ten thousand sessions in one bulk insert
                key = secrets.token_hex(16)
                models.append(Session(session_key=key, session_data=SessionStore().encode(data), expire_date=expire))
            else:
                store = engine.SessionStore()
                store.update(data)
                store.create()
                key = store.session_key
            sessions.append((key, p.pk))
        OnlineParticipant.objects.bulk_update(rows, ["kind", "mobile_hash", "mobile_masked"], batch_size=2000)
        Session.objects.bulk_create(models, batch_size=2000)
        tasks.recompute(room.pk, force=True)
        OnlineRoom.objects.filter(pk=room.pk).update(recompute_queued_at=None)
        statement_ids = list(Statement.objects.filter(room=room).values_list("pk", flat=True))
        return room, sessions, statement_ids

    # --- the load ------------------------------------------------------------------------------------------------

    def _load(self, o, target, room, sessions, statement_ids) -> None:
        vote_path = reverse("online:vote", args=[room.pk])
        events_path = reverse("online:events", args=[room.pk])
        tally = Tally()
        seen_runs: dict[int, float] = {}
        stop = threading.Event()
        plan = itertools.count()
        plan_lock = threading.Lock()
        rate, duration = o["rate"], o["duration"]
        self._warm_up(target, room, sessions)
        t0 = time.time() + 1.0

        def connection():
            return http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)

        def voter(worker: int) -> None:
            conn = connection()
            local = np.random.default_rng(worker)
            while True:
                with plan_lock:
                    i = next(plan)
                due = t0 + i / rate
                if due > t0 + duration or time.time() > t0 + duration:
                    break  # bounded: what the stack could not take in the time is not sent (offered − sent)
                pause = due - time.time()
                if pause > 0:
                    time.sleep(pause)
                key, _pk = sessions[int(local.integers(len(sessions)))]
                statement = statement_ids[int(local.integers(len(statement_ids)))]
                body = f"statement={statement}&value={int(local.integers(-1, 2))}"
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={CSRF}",
                    "X-CSRFToken": CSRF,
                    "HX-Request": "true",
                    "X-Forwarded-For": f"10.{worker}.{i % 250}.{(i // 250) % 250 + 1}",
                    "Host": target.netloc,
                }
                sent = time.time()
                try:
                    conn.request("POST", vote_path, body=body, headers=headers)
                    response = conn.getresponse()
                    text = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    tally.error(type(exc).__name__)
                    conn.close()
                    conn = connection()
                    continue
                done = time.time()
                if response.status == 200 and b"errorlist" not in text:
                    with tally.lock:
                        tally.accepted.append(done)
                        tally.request_seconds.append(done - sent)
                else:
                    tally.error(f"HTTP {response.status}" if response.status != 200 else "refused in the card")
            conn.close()

        def watcher() -> None:
            conn = connection()
            last = ""
            while not stop.is_set():
                try:
                    conn.request("GET", f"{events_path}?last={last}", headers={"Host": target.netloc})
                    text = conn.getresponse().read().decode()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = connection()
                    time.sleep(o["watch_interval"])
                    continue
                for line in text.splitlines():
                    if line.startswith("id: "):
                        last = line[4:]
                        run = int(last.split("-", 1)[0][1:] or 0)
                        seen_runs.setdefault(run, time.time())
                time.sleep(o["watch_interval"])
            conn.close()

        watch = threading.Thread(target=watcher, daemon=True)
        watch.start()
        workers = [threading.Thread(target=voter, args=(w,), daemon=True) for w in range(o["concurrency"])]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        load_end = time.time()
        tally.sent = next(plan) - len(workers)  # each voter drew one number it did not send
        # wait until a run has read every accepted vote (or --settle runs out)
        deadline = time.time() + o["settle"]
        while time.time() < deadline:
            newest = AnalysisRun.objects.filter(room=room).order_by("-id").values("created_at", "total_seconds").first()
            if newest and newest["created_at"].timestamp() - newest["total_seconds"] >= load_end:
                time.sleep(2 * o["watch_interval"])  # and the watcher has seen it
                break
            time.sleep(0.5)
        stop.set()
        watch.join(timeout=5)
        self._report(o, room, tally, seen_runs, t0, load_end)

    def _warm_up(self, target, room, sessions) -> None:
        """Open the room page from as many connections as the stack has app processes, until each answers in under a
        second: an app process loads the site's code on its first request (seconds on a busy machine; under the load
        itself such a request outlived gunicorn's 30 s timeout), which is start-up, not the room's traffic."""
        path = reverse("online:room", args=[room.pk])
        key = sessions[0][0]
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}", "Host": target.netloc}
        deadline = time.time() + 120

        def fetch() -> float:
            conn = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=60)
            sent = time.time()
            try:
                conn.request("GET", path, headers=headers)
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                return float("inf")
            finally:
                conn.close()
            return time.time() - sent

        while time.time() < deadline:
            times: list[float] = []
            batch = [threading.Thread(target=lambda out=times: out.append(fetch())) for _ in range(16)]
            for t in batch:
                t.start()
            for t in batch:
                t.join()
            if max(times) < 1.0:
                break
        self.stdout.write(f"warm: 16 room pages answered in {max(times):.2f} s at most")

    def _report(self, o, room, tally, seen_runs, t0, load_end) -> None:
        runs = list(
            AnalysisRun.objects.filter(room=room, pk__in=list(seen_runs))
            .order_by("pk")
            .values("pk", "created_at", "total_seconds", "seconds", "n_votes")
        )
        # a run read the votes from (created − total_seconds); it holds every vote accepted before that
        starts = np.asarray([r["created_at"].timestamp() - r["total_seconds"] for r in runs])
        seen = np.asarray([seen_runs[r["pk"]] for r in runs])
        latencies, missing = [], 0
        for accepted in tally.accepted:
            later = np.flatnonzero(starts >= accepted)
            if len(later):
                latencies.append(float(seen[later].min() - accepted))
            else:
                missing += 1
        span = max(load_end - t0, 1e-9)
        offered = int(o["rate"] * o["duration"])
        self.stdout.write(
            f"offered {offered} votes at {o['rate']:.0f}/s for {o['duration']:.0f} s; sent {tally.sent} "
            f"(the rest fell after the end while earlier answers were awaited)"
        )
        self.stdout.write(
            f"accepted {len(tally.accepted)} votes: {len(tally.accepted) / span:.1f} votes/s; "
            f"errors {sum(tally.errors.values())} {dict(sorted(tally.errors.items()))}"
        )
        if tally.request_seconds:
            self.stdout.write(
                f"vote request: p50 {1000 * statistics.median(tally.request_seconds):.0f} ms, "
                f"p95 {1000 * _percentile(tally.request_seconds, 0.95):.0f} ms"
            )
        if latencies:
            self.stdout.write(
                f"vote to results: p50 {statistics.median(latencies):.1f} s, p95 {_percentile(latencies, 0.95):.1f} s,"
                f" max {max(latencies):.1f} s ({missing} votes in no analysis seen)"
            )
        if runs:
            analysis = [r["seconds"] for r in runs]
            whole = [r["total_seconds"] for r in runs]
            self.stdout.write(
                f"analyses seen: {len(runs)}; analysis {statistics.median(analysis):.2f} s median, with reading and "
                f"storing {statistics.median(whole):.2f} s; last covered {runs[-1]['n_votes']} votes"
            )

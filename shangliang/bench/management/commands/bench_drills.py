"""`manage.py bench_drills --base-url URL`: fault drills against the stack that `make prod` started, each printing
what it did and what it found. Run with the stack's settings (`set -a; . var/prod/secrets.env; . var/prod/app.env;
set +a`) and, for the submissions, its rate limits off on loopback (RATE_TOPIC_SUBMIT=0 RATE_TOPIC_SUBMIT_NETWORK=0
make prod), after `bench_load` has prepared its county.

- storm: one resident's form posted --storm times at once from 8 connections (a double-tapping phone, a retrying
  proxy): how many answers of each kind, and how many topics were stored (must be one);
- postgres: residents reading and submitting from 4 connections while PostgreSQL restarts (pg_ctl restart -m fast):
  the answers during the outage (a Chinese 503 page, not a 500), how long until the site answers again by itself,
  and afterwards every submission a client saw accepted stored once, every stored topic with its event, every event
  delivered;
- worker: --events topic events written (each one tells the village's convenor: a notification row), the worker
  killed with SIGKILL while it delivers them, a new worker started: every event delivered and each notification
  written exactly once (the killed worker's claim lapses after OUTBOX_CLAIM_SECONDS; run_periodic then delivers).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, transaction
from django.db.models import Count

from shangliang.core.events import record_event
from shangliang.core.models import Event
from shangliang.notifications.models import Notification
from shangliang.people.models import Role, RoleAssignment, User
from shangliang.topics.models import Topic
from shangliang.units.models import Room, Unit, UnitKind

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


class Client:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Location", ""), err.read().decode(errors="replace")
        except (urllib.error.URLError, OSError) as err:
            return 0, "", str(err)


def concern(fields: dict, key: str) -> dict:
    return {
        **fields,
        "idempotency_key": key,
        "title": f"演练：井盖松动 {key[:6]}",
        "description": "路口井盖松动，车辆经过有响声。",
        "name": "演练居民",
        "mobile": "13800138000",
        "contact_consent": "on",
    }


class Command(BaseCommand):
    help = "故障演练：重复提交风暴、数据库重启、任务进程被杀，打印做了什么、发现了什么。"

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8080")
        parser.add_argument("--only", default="storm,postgres,worker")
        parser.add_argument("--run-dir", default=str(settings.BASE_DIR / "var" / "prod"), help="make prod 的 var/prod")
        parser.add_argument("--storm", type=int, default=40)
        parser.add_argument("--events", type=int, default=200)

    def handle(self, *args, **options):
        county = Unit.objects.filter(name="压测县", kind=UnitKind.COUNTY).first()
        if county is None:
            raise CommandError("先运行 bench_load（它准备压测县）")
        self.base = options["base_url"]
        self.run_dir = Path(options["run_dir"])
        self.rooms = list(Room.objects.filter(unit__county=county, unit__kind=UnitKind.VILLAGE).order_by("pk"))
        self.county = county
        self.stdout.write(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for drill in options["only"].split(","):
            getattr(self, f"drill_{drill.strip()}")(options)

    # -- duplicate submission storm ------------------------------------------------------------------------------

    def drill_storm(self, options):
        room = self.rooms[0]
        client = Client(self.base)
        status, _loc, html = client.request(f"/public/rooms/{room.pk}/new/")
        if status != 200:
            raise CommandError(f"the form answered {status}")
        key = uuid.uuid4().hex
        data = concern(dict(HIDDEN.findall(html)), key)
        answers: Counter = Counter()
        lock = threading.Lock()
        gate = threading.Barrier(8)
        per_thread = max(options["storm"] // 8, 1)

        def fire():
            gate.wait()
            for _ in range(per_thread):
                status, location, _body = client.request(f"/public/rooms/{room.pk}/new/", data)
                with lock:
                    answers[f"{status} {'thanks' if '/thanks/' in location else ''}".strip()] += 1

        threads = [threading.Thread(target=fire) for _ in range(8)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stored = Topic.objects.filter(idempotency_key=key).count()
        self.stdout.write(
            f"\n[storm] one form posted {per_thread * 8} times at once from 8 connections in "
            f"{time.monotonic() - started:.1f} s: answers {dict(answers)}; topics stored: {stored} "
            f"({'OK' if stored == 1 else 'FAILED'})"
        )

    # -- PostgreSQL restarted under load -------------------------------------------------------------------------

    def pg_control(self) -> tuple[str, str]:
        for line in (self.run_dir / "pids").read_text().splitlines():
            name, *rest = line.split()
            if name == "postgres":
                return rest[0], rest[1]
        raise CommandError("this stack does not run its own PostgreSQL (DATABASE_URL was set): restart it yourself")

    def drill_postgres(self, options):
        pg_ctl, data_dir = self.pg_control()
        log: list[tuple[float, str, int, str, str]] = []  # (time, kind, status, key, body mark)
        lock = threading.Lock()
        stop = threading.Event()

        def resident(n: int):
            client = Client(self.base)
            room = self.rooms[n % len(self.rooms)]
            i = 0
            while not stop.is_set():
                i += 1
                if i % 3:
                    status, _loc, body = client.request(f"/public/rooms/{room.pk}/")
                    kind, key = "read", ""
                else:
                    status, _loc, body = client.request(f"/public/rooms/{room.pk}/new/")
                    fields = dict(HIDDEN.findall(body)) if status == 200 else {}
                    if not fields:
                        kind, key = "form", ""
                    else:
                        key = uuid.uuid4().hex
                        status, loc, body = client.request(f"/public/rooms/{room.pk}/new/", concern(fields, key))
                        kind = "submit"
                        if status == 302 and "/thanks/" not in loc:
                            status = -302
                mark = "zh503" if "系统暂时不可用" in body else ""
                with lock:
                    log.append((time.monotonic(), kind, status, key, mark))
                time.sleep(0.05)

        before = Topic.objects.filter(unit__county=self.county).count()
        threads = [threading.Thread(target=resident, args=(n,)) for n in range(4)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(8)
        down_at = time.monotonic()
        restart = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        log_file = str(Path(data_dir).parent / "postgresql.log")
        subprocess.run(  # noqa: S603 (our own cluster's pg_ctl)
            [*restart, pg_ctl, "-D", data_dir, "-l", log_file, "-m", "fast", "-w", "restart"], check=True
        )
        up_at = time.monotonic()
        time.sleep(15)
        stop.set()
        for t in threads:
            t.join()
        close_old_connections()

        ok = {200, 302}
        during = [e for e in log if down_at <= e[0] <= up_at + 0.5]
        bad = [e for e in log if e[2] not in ok and e[0] >= down_at]
        last_bad = max((e[0] for e in bad), default=down_at)
        first_good_after = min((e[0] for e in log if e[0] > up_at and e[2] in ok), default=None)
        statuses = Counter(
            f"{e[2]}{' (中文503页)' if e[4] else ''}" for e in log if e[0] >= down_at and e[0] <= last_bad
        )
        accepted = [e[3] for e in log if e[1] == "submit" and e[2] == 302]
        failed_keys = [e[3] for e in log if e[1] == "submit" and e[2] not in ok]
        rows = Counter(
            Topic.objects.filter(idempotency_key__in=accepted + failed_keys).values_list("idempotency_key", flat=True)
        )
        topic_type = ContentType.objects.get_for_model(Topic)
        created = Topic.objects.filter(unit__county=self.county).order_by("-pk")[
            : Topic.objects.filter(unit__county=self.county).count() - before
        ]
        created_ids = [t.pk for t in created]
        with_event = set(
            Event.objects.filter(content_type=topic_type, object_id__in=created_ids, action="submit").values_list(
                "object_id", flat=True
            )
        )
        deadline = time.monotonic() + 90
        while Event.objects.filter(delivered_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(1)
        self.stdout.write(
            f"\n[postgres] {len(log)} requests from 4 residents over {log[-1][0] - t0:.0f} s; PostgreSQL restarted "
            f"(pg_ctl restart -m fast) in {up_at - down_at:.1f} s; {len(during)} requests during the restart\n"
            f"  answers from the restart until the last error: {dict(statuses)}\n"
            f"  site answering again {((first_good_after or up_at) - up_at):.1f} s after the database was back; "
            f"last error {max(last_bad - up_at, 0):.1f} s after it\n"
            f"  submissions seen accepted: {len(accepted)}, stored once: {sum(1 for k in accepted if rows[k] == 1)}, "
            f"missing: {sum(1 for k in accepted if rows[k] == 0)}, doubled: {sum(1 for k in rows if rows[k] > 1)}; "
            f"submissions that got an error: {len(failed_keys)}, of which stored anyway: "
            f"{sum(1 for k in failed_keys if rows[k])} (a resubmission with the same form is not stored twice)\n"
            f"  topics created {len(created_ids)}, without their event: {len(set(created_ids) - with_event)}; "
            f"events undelivered after up to 90 s: {Event.objects.filter(delivered_at__isnull=True).count()}"
        )

    # -- the worker killed mid-job -------------------------------------------------------------------------------

    def drill_worker(self, options):
        pid_file = self.run_dir / "worker.pid"
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend" or not pid_file.exists():
            raise CommandError("the worker drill needs the stack's worker (TASK_BACKEND=database, var/prod/worker.pid)")
        convenor, _created = User.objects.get_or_create(
            username="bench_village_convenor", defaults={"full_name": "演练召集人"}
        )
        for room in self.rooms:
            RoleAssignment.objects.get_or_create(
                user=convenor, role=Role.CONVENOR, unit=room.unit, defaults={"assumed_at": date(2020, 1, 1)}
            )
        topics = list(Topic.objects.filter(unit__county=self.county).order_by("-pk")[: options["events"]])
        if len(topics) < options["events"]:
            raise CommandError(f"only {len(topics)} topics in the county: run bench_load first")
        supervisor = int(pid_file.read_text())
        children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
        if not children:
            raise CommandError("the worker is not running under its supervisor (var/prod/worker.pid)")
        old_pid = int(children[0])
        written: list[int] = []
        caught = {"held": 0, "at": 0.0}

        def kill_mid_job():
            # Watch for a claim the worker holds (it is inside deliver()), then kill it there.
            try:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    held = Event.objects.filter(
                        pk__in=list(written), delivered_at__isnull=True, claimed_until__isnull=False
                    ).count()
                    if held:
                        os.kill(old_pid, signal.SIGKILL)
                        caught.update(held=held, at=time.monotonic())
                        return
                    time.sleep(0.01)
                os.kill(old_pid, signal.SIGKILL)
                caught["at"] = time.monotonic()
            finally:
                close_old_connections()

        killer = threading.Thread(target=kill_mid_job)
        started = time.monotonic()
        killer.start()
        for topic in topics:
            with transaction.atomic():  # each event enqueued to the worker after its own commit
                event = record_event(topic, actor=None, action="submit", to_state="submitted", data={"drill": True})
            written.append(event.pk)
        killer.join()
        written_at, killed_at = time.monotonic(), caught["at"]
        events = Event.objects.filter(pk__in=written)
        delivered_before = events.filter(delivered_at__isnull=False).count()
        held = caught["held"]
        deadline = time.monotonic() + settings.OUTBOX_CLAIM_SECONDS + 180
        while events.filter(delivered_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(2)
        done_at = time.monotonic()
        per_event = Counter(
            dict(
                Notification.objects.filter(event_id__in=written, user=convenor, verb="topic.arrived")
                .values("event_id")
                .annotate(n=Count("id"))
                .values_list("event_id", "n")
            )
        )
        self.stdout.write(
            f"\n[worker] {len(written)} events written in {written_at - started:.1f} s; worker {old_pid} killed "
            f"(SIGKILL) {killed_at - started:.1f} s in, while it held {held} claimed event(s) ({delivered_before} "
            f"delivered when the writing ended); its supervisor starts a new one\n"
            f"  all delivered {done_at - killed_at:.0f} s after the kill (a dead claimer's events wait "
            f"OUTBOX_CLAIM_SECONDS={settings.OUTBOX_CLAIM_SECONDS} s, then run_periodic delivers them): "
            f"{events.filter(delivered_at__isnull=False).count()}/{len(written)}\n"
            f"  the convenor's notification per event: once {sum(1 for e in written if per_event[e] == 1)}, "
            f"missing {sum(1 for e in written if per_event[e] == 0)}, more than once "
            f"{sum(1 for e in written if per_event[e] > 1)}"
        )

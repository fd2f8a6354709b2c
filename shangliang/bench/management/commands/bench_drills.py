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
  written exactly once (the killed worker's claim lapses after OUTBOX_CLAIM_SECONDS; run_periodic then delivers);
- app: 6 residents reading and submitting while one gunicorn process of the first instance is killed (SIGKILL; its
  master starts another), then the whole second instance (master and workers, SIGKILL; down 15 s, then started again
  with the command line, environment and folder read from /proc before the kill): the answers in each phase, how soon
  the restarted instance answers, and every submission a resident saw accepted (after a second try with the same
  form if the first got an error) stored exactly once;
- disk: the uploads' volume (MEDIA_ROOT on a small volume of its own: PROD_UPLOADS_MB=64 make prod) filled with a
  ballast file but for room for one photo and a half, a concern sent with two photos: the answer (507 with the
  message "服务器存储空间已满…"), no topic and no file left behind; meanwhile pages and concerns without photos go on;
  the ballast removed, the same form again is stored once with both photos.
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import shutil
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
from PIL import Image

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

    def request(self, path: str, data: dict | None = None, files: list | None = None) -> tuple[int, str, str]:
        headers = {"Referer": self.base + path}
        if files:
            body, headers["Content-Type"] = multipart(data or {}, files)
        else:
            body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Location", ""), err.read().decode(errors="replace")
        except (urllib.error.URLError, OSError) as err:
            return 0, "", str(err)


def multipart(data: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A form with files as a browser sends it: (field, file name, bytes) per file."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in data.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for field, filename, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: image/png\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def noise_png(side: int) -> bytes:
    """A photo that does not compress: about side*side*3 bytes."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


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
    help = "故障演练：重复提交风暴、数据库重启、任务进程被杀、应用进程与实例被杀、附件磁盘写满，打印经过与发现。"

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8080")
        parser.add_argument("--only", default="storm,postgres,worker,app,disk")
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

    def resident(self, n: int, stop: threading.Event, log: list, lock: threading.Lock, *, retry: bool = False):
        """A resident on a phone until `stop`: two reads, then the form and a submission, and again. Each answer is
        logged as (time, kind, status, key, mark); with `retry` a submission that got an error is sent again once
        with the same form after a second (what a resident does), logged as "resubmit"."""
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
                    if retry and status != 302:
                        mark = "zh503" if "系统暂时不可用" in body else ""
                        with lock:
                            log.append((time.monotonic(), kind, status, key, mark))
                        time.sleep(1)
                        status, loc, body = client.request(f"/public/rooms/{room.pk}/new/", concern(fields, key))
                        kind = "resubmit"
                        if status == 302 and "/thanks/" not in loc:
                            status = -302
            mark = "zh503" if "系统暂时不可用" in body else ""
            with lock:
                log.append((time.monotonic(), kind, status, key, mark))
            time.sleep(0.05)

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

        before = Topic.objects.filter(unit__county=self.county).count()
        threads = [threading.Thread(target=self.resident, args=(n, stop, log, lock)) for n in range(4)]
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

    # -- one gunicorn process, then one of the two app instances, killed under load ------------------------------

    def instances(self) -> list[tuple[str, Path]]:
        found = []
        for line in (self.run_dir / "pids").read_text().splitlines():
            name, *rest = line.split()
            if name.startswith("gunicorn"):
                found.append((name, Path(rest[0])))
        return found

    def drill_app(self, options):
        instances = self.instances()
        if len(instances) < 2:
            raise CommandError("the app drill needs two gunicorn instances (PROD_INSTANCES=2, the default)")
        (first, first_pid_file), (second, second_pid_file) = instances[:2]
        first_master = int(first_pid_file.read_text())
        second_master = int(second_pid_file.read_text())
        first_workers = children(first_master)
        if not first_workers:
            raise CommandError(f"{first} has no worker processes")
        # What a restart of the second instance needs, read before it is killed: its command line, environment and
        # folder (as scripts/prod.sh started it).
        argv = Path(f"/proc/{second_master}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
        raw_environ = Path(f"/proc/{second_master}/environ").read_bytes().split(b"\0")
        environ = dict(item.split(b"=", 1) for item in raw_environ if b"=" in item)
        cwd = os.readlink(f"/proc/{second_master}/cwd")
        bind = argv[argv.index(b"--bind") + 1].decode()

        log: list[tuple[float, str, int, str, str]] = []
        lock = threading.Lock()
        stop = threading.Event()
        before = Topic.objects.filter(unit__county=self.county).count()
        threads = [
            threading.Thread(target=self.resident, args=(n, stop, log, lock), kwargs={"retry": True}) for n in range(6)
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(6)
        victim = first_workers[0]
        os.kill(victim, signal.SIGKILL)
        worker_killed = time.monotonic()
        time.sleep(8)
        second_workers = children(second_master)
        for pid in [second_master, *second_workers]:
            os.kill(pid, signal.SIGKILL)
        instance_killed = time.monotonic()
        time.sleep(15)
        subprocess.run(  # noqa: S603 (the instance's own command line, read from /proc before the kill)
            [a.decode() for a in argv], env={k.decode(): v.decode() for k, v in environ.items()}, cwd=cwd, check=True
        )
        restarted = time.monotonic()
        back_after = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, _loc, _body = Client(f"http://{bind}").request("/healthz")
            if status == 200:
                back_after = time.monotonic() - restarted
                break
            time.sleep(0.5)
        time.sleep(6)
        stop.set()
        for t in threads:
            t.join()
        ended = time.monotonic()
        close_old_connections()

        phases = [
            ("before", t0, worker_killed),
            (f"after one {first} process was killed", worker_killed, instance_killed),
            (f"while {second} was down", instance_killed, restarted),
            (f"after {second} was started again", restarted, ended),
        ]
        lines = []
        for label, start, end in phases:
            answers = Counter(
                f"{e[2]}{' (中文503页)' if e[4] else ''}" for e in log if start <= e[0] < end and e[1] != "resubmit"
            )
            total = sum(answers.values())
            bad = sum(n for k, n in answers.items() if not k.startswith(("200", "302")))
            lines.append(f"  {label}: {total} requests, {bad} not answered normally {dict(answers)}")
        respawned = children(first_master)
        first_submit: dict[str, int] = {}
        final: dict[str, int] = {}
        for e in log:
            if e[1] == "submit":
                first_submit[e[3]] = e[2]
                final[e[3]] = e[2]
            elif e[1] == "resubmit":
                final[e[3]] = e[2]
        accepted = [k for k, status in final.items() if status == 302]
        retried = [k for k, status in first_submit.items() if status != 302]
        rows = Counter(Topic.objects.filter(idempotency_key__in=list(final)).values_list("idempotency_key", flat=True))
        created = Topic.objects.filter(unit__county=self.county).count() - before
        self.stdout.write(
            f"\n[app] 6 residents reading and submitting for {ended - t0:.0f} s through nginx; "
            f"{first} worker {victim} killed (SIGKILL) at {worker_killed - t0:.0f} s, its master started a new one "
            f"({len(respawned)}/{len(first_workers)} workers now, "
            f"{'the killed one replaced' if victim not in respawned else 'NOT replaced'}); "
            f"{second} (master {second_master} and workers {second_workers}) killed at {instance_killed - t0:.0f} s, "
            f"started again {restarted - instance_killed:.0f} s later, answering /healthz "
            f"{f'{back_after:.1f} s after' if back_after is not None else 'NOT within 60 s'}\n"
            + "\n".join(lines)
            + f"\n  submissions {len(final)}: accepted {len(accepted)} ({len(retried)} after a resident's second "
            f"try with the same form), stored once {sum(1 for k in accepted if rows[k] == 1)}, missing "
            f"{sum(1 for k in accepted if rows[k] == 0)}, stored twice {sum(1 for k in rows if rows[k] > 1)}; "
            f"topics created {created}"
        )

    # -- the uploads' disk full ----------------------------------------------------------------------------------

    def drill_disk(self, options):
        media = Path(settings.MEDIA_ROOT)
        usage = shutil.disk_usage(media)
        if usage.total > 2 * 1024**3:
            raise CommandError(
                f"the disk drill fills the disk under MEDIA_ROOT ({media}, {usage.total / 1024**3:.0f} GB): put the "
                f"uploads on a small volume of their own first (PROD_UPLOADS_MB=64 make prod, as root)"
            )
        room = self.rooms[0]
        photos = [("photos", "a.png", noise_png(260)), ("photos", "b.png", noise_png(260))]
        ballast = media / ".drill-ballast"
        stored_files = {p for p in media.rglob("*") if p.is_file()}
        client = Client(self.base)
        key = uuid.uuid4().hex
        try:
            # Fill the volume, then give back room for one photo and a half: the first photo of the form fits, the
            # second is cut off in the middle of its write.
            fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                for chunk in (b"\1" * 1048576, b"\1" * 4096):  # until the last block is taken
                    try:
                        while True:
                            os.write(fd, chunk)
                    except OSError:
                        pass
                os.fsync(fd)
            finally:
                os.close(fd)
            room_left = len(photos[0][2]) + len(photos[1][2]) // 2 - shutil.disk_usage(media).free
            os.truncate(ballast, max(ballast.stat().st_size - room_left, 0))
            free_kb = shutil.disk_usage(media).free // 1024
            status, _loc, html = client.request(f"/public/rooms/{room.pk}/new/")
            fields = dict(HIDDEN.findall(html))
            status, location, body = client.request(f"/public/rooms/{room.pk}/new/", concern(fields, key), photos)
            message = "存储空间已满" in body
            kept = Topic.objects.filter(idempotency_key=key).count()
            new_files = {p for p in media.rglob("*") if p.is_file()} - stored_files - {ballast}
            read_status, _loc, _body = client.request(f"/public/rooms/{room.pk}/")
            status_form, _loc, html = client.request(f"/public/rooms/{room.pk}/new/")
            text_key = uuid.uuid4().hex
            text_status, text_location, _body = client.request(
                f"/public/rooms/{room.pk}/new/", concern(dict(HIDDEN.findall(html)), text_key)
            )
            _s, _l, health = client.request("/healthz")
            low = '"low": true' in health
        finally:
            ballast.unlink(missing_ok=True)
        # Room made: the same form again.
        again, again_location, _body = client.request(f"/public/rooms/{room.pk}/new/", concern(fields, key), photos)
        topic = Topic.objects.filter(idempotency_key=key).first()
        on_disk = []
        if topic is not None:
            on_disk = [
                (media / p.image.name).stat().st_size if (media / p.image.name).exists() else 0
                for p in topic.photos.all()
            ]
        whole = status == 507 and message and not kept and not new_files
        self.stdout.write(
            f"\n[disk] uploads on {media} ({usage.total / 1048576:.0f} MB volume) filled with a ballast file, "
            f"{free_kb} KB left: room for the first of two photos ({len(photos[0][2]) // 1024} KB each), "
            f"not the second\n"
            f"  a submission with the two photos: answer {status}"
            f"{' with the message “服务器存储空间已满…”' if message else ' WITHOUT the message'}; "
            f"topics stored {kept}, files left behind {len(new_files)} ({'OK' if whole else 'FAILED'})\n"
            f"  meanwhile: the room's page {read_status}, a concern without photos "
            f"{text_status}{' (thanks page)' if '/thanks/' in text_location else ''}, /healthz uploads low: {low}\n"
            f"  ballast removed, the same form sent again: answer {again}"
            f"{' (thanks page)' if '/thanks/' in again_location else ''}, topics with its key "
            f"{Topic.objects.filter(idempotency_key=key).count()}, its photos on disk {len(on_disk)} "
            f"({'whole' if on_disk and all(on_disk) else 'MISSING'})"
        )

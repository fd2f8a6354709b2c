"""`manage.py bench_load --base-url URL`: the county's mix of pages driven by locust (headless, loopback, bounded in
time) against the stack at URL, then a reconciliation in the stack's database. Run it with the stack's settings
(`set -a; . var/prod/secrets.env; . var/prod/app.env; set +a`) so that it can prepare the county and check the rows.

    RATE_TOPIC_SUBMIT=0 RATE_TOPIC_SUBMIT_NETWORK=0 make prod     # loopback: every client is 127.0.0.1 to the limits
    manage.py bench_load --base-url http://127.0.0.1:8080 --users 10,20,40 --duration 60
    manage.py bench_load --mix public --users 100,200 --duration 60              # public pages alone
    manage.py bench_load --mix public --users 100,200 --duration 60 --no-cache   # ... each rendered by Django

Anonymous residents carry no cookie of their own until they write, so nginx's micro-cache serves their public pages
(core.publiccache); --no-cache gives them a language cookie, which makes every page theirs (rendered by Django).

For each number of simulated people (a step) it prints requests per second, and per kind of page the requests,
failures and p50/p95/p99 (ms), from locust's own statistics, counted from the moment every simulated person has
started (the staff's sign-ins — a password hash each, as people do once in the morning — fall in the ramp, 5 s);
the step where throughput stops growing or p95 passes 300 ms is the saturation point. Then: every submission a client
saw accepted is in the database exactly once, every screening a client saw accepted has its event, and every event
is delivered (the outbox is empty within a minute).
The load generator runs on the same machine as the stack: its CPU is part of the load (say so with the figures).
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.accountability.models import ProgressReport, Rating
from shangliang.bench.load.county import at_work
from shangliang.bench.sessions import forget_sessions
from shangliang.core.models import Event
from shangliang.people.models import Role, RoleAssignment, User
from shangliang.topics.models import PUBLIC_STATUSES, Support, Topic
from shangliang.units.models import Room, RoomStage, RoomStageRecord, Unit, UnitKind

LOCUSTFILE = Path(__file__).resolve().parents[2] / "load" / "locustfile.py"
COUNTY = "压测县"
PASSWORD = "Bench-Load-2026!county"  # noqa: S105 (accounts of the benchmark's own county)


def make_unit(name: str, kind: str, parent: Unit | None = None) -> Unit:
    if parent is None:
        unit = Unit.objects.add_root({"name": name, "kind": kind})
        unit.county = unit
        unit.save(update_fields=["county"])
        return unit
    return Unit.objects.add_child(parent, {"name": name, "kind": kind, "county": parent.county})


def make_room(unit: Unit) -> Room:
    room = Room.objects.create(
        unit=unit, name=f"{unit.name}协商议事室", stage=RoomStage.BUILT, stage_year=2022, operational_since=2022
    )
    RoomStageRecord.objects.create(room=room, stage=RoomStage.BUILT, year=2022)
    return room


class Command(BaseCommand):
    help = "负载基准：用 locust 按县里的访问组合压测生产栈，并核对写入与事件投递。"

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8080")
        parser.add_argument("--users", default="10,20", help="每一步模拟的人数，逗号分隔（逐步加压）")
        parser.add_argument("--duration", type=int, default=60, help="每一步的秒数")
        parser.add_argument("--villages", type=int, default=20)
        parser.add_argument("--convenors", type=int, default=3, help="每一步的召集人数")
        parser.add_argument(
            "--staff", type=int, default=3, help="每一步每类工作人员（网格员、政协机关干部、部门干部）的人数"
        )
        parser.add_argument("--residents", type=int, default=200, help="已用短信验证码验证手机号的居民数（评价用）")
        parser.add_argument("--mix", choices=["county", "public"], default="county", help="public：只有公开页面")
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="locust 的进程数（一个进程约能发出几百个请求/秒；公开页面走缓存时负载生成器先饱和）",
        )
        parser.add_argument(
            "--no-cache",
            action="store_true",
            help="居民带语言选择的 Cookie 访问：公开页面都由 Django 生成，不用 nginx 的微缓存（对照）",
        )

    def handle(self, *args, **options):
        steps = [int(n) for n in options["users"].split(",") if n.strip()]
        if not steps or min(steps) < 1:
            raise CommandError("--users 应为正整数，逗号分隔")
        if options["processes"] > 1 and options["mix"] != "public":
            # each process would sign the same convenors in with the same authenticator code (refused as reused)
            raise CommandError("--processes 只用于 --mix public")
        plan = self.prepare(villages=options["villages"], accounts=options["convenors"] * len(steps))
        if options["mix"] == "county":
            county, towns = Unit.objects.get(pk=plan["county"]), Unit.objects.filter(pk__in=plan["units"][1:])
            plan.update(
                at_work(
                    county,
                    list(towns.order_by("pk")),
                    password=PASSWORD,
                    people=options["staff"] * len(steps),
                    residents=options["residents"],
                )
            )
            # what the writes will be counted against
            plan["public_topics"] = list(
                Topic.objects.filter(unit__county=county, status__in=PUBLIC_STATUSES).values_list("pk", flat=True)[:200]
            )
        before_counts = self.counts(plan)
        before = Topic.objects.filter(unit__county_id=plan["county"]).count()
        workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
        seen_file = workdir / "seen.jsonl"
        self.stdout.write(
            f"county {plan['county']}: {len(plan['rooms'])} rooms, {len(plan['public_topics'])} public topics; "
            f"load from this machine ({os.cpu_count()} cores), load average before: {os.getloadavg()[0]:.1f}; "
            f"mix {options['mix']}, nginx micro-cache {'bypassed' if options['no_cache'] else 'on'}"
        )
        results = []
        for number, users in enumerate(steps):
            step_plan = {
                **plan,
                "convenors": plan["accounts"][number * options["convenors"] : (number + 1) * options["convenors"]],
                **{
                    kind: plan.get(kind, [])[number * options["staff"] : (number + 1) * options["staff"]]
                    for kind in ("liaisons", "staff", "departments")
                },
                **{
                    kind: plan.get(kind, [])
                    for kind in ("tasks_in_progress", "tasks_done", "villages_of", "resident_sessions")
                },
            }
            (workdir / "plan.json").write_text(json.dumps(step_plan))
            prefix = workdir / f"step{number}"
            env = {
                **os.environ,
                "BENCH_LOAD_PLAN": str(workdir / "plan.json"),
                "BENCH_LOAD_SEEN": str(seen_file),
                "BENCH_LOAD_MIX": options["mix"],
                "BENCH_LOAD_NO_CACHE": "1" if options["no_cache"] else "",
            }
            spawn = max(users // 5, 1)
            command = [
                sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
                "-u", str(users), "-r", str(spawn), "-t", f"{options['duration']}s", "--stop-timeout", "5",
                "--reset-stats", "--host", options["base_url"], "--csv", str(prefix), "--loglevel", "ERROR",
                *(["--exclude-tags", "write"] if options["mix"] == "public" else []),
                *(["--processes", str(options["processes"])] if options["processes"] > 1 else []),
            ]  # fmt: skip
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
            rows = self.read_stats(prefix)
            if not rows:
                raise CommandError(f"locust produced no statistics:\n{done.stderr[-3000:]}")
            results.append((users, rows, os.getloadavg()[0]))
            self.print_step(users, rows, options["duration"])
        self.print_saturation(results)
        self.reconcile(plan, seen_file, before, before_counts)
        forget_sessions(plan.get("resident_sessions", []))

    # -- the county ----------------------------------------------------------------------------------------------

    def prepare(self, *, villages: int, accounts: int) -> dict:
        county = Unit.objects.filter(name=COUNTY, kind=UnitKind.COUNTY).first()
        if county is None:
            county = make_unit(COUNTY, UnitKind.COUNTY)
        towns = list(Unit.objects.get_children(county).filter(kind=UnitKind.TOWN).order_by("pk"))
        while len(towns) < 2:
            towns.append(make_unit(f"压测{len(towns) + 1}镇", UnitKind.TOWN, county))
        have = Unit.objects.filter(kind=UnitKind.VILLAGE, county=county).count()
        for n in range(have, villages):
            make_room(make_unit(f"压测{n + 1}村", UnitKind.VILLAGE, towns[n % 2]))
        rooms = list(Room.objects.filter(unit__county=county, unit__kind=UnitKind.VILLAGE).values_list("pk", flat=True))
        plan_accounts = []
        for n in range(accounts):
            user, created = User.objects.get_or_create(
                username=f"bench_convenor_{n}", defaults={"full_name": f"压测召集人{n}"}
            )
            user.set_password(PASSWORD)
            user.save()
            if created:
                RoleAssignment.objects.create(
                    user=user, role=Role.CONVENOR, unit=towns[n % 2], assumed_at=date(2020, 1, 1), position="first"
                )
            key = secrets.token_hex(20)
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(user=user, name="bench", confirmed=True, key=key)
            town = (
                RoleAssignment.objects.filter(user=user, role=Role.CONVENOR).values_list("unit_id", flat=True).first()
            )
            plan_accounts.append({"username": user.username, "password": PASSWORD, "totp": key, "unit": town})
        public = list(
            Topic.objects.filter(unit__county=county, status__in=PUBLIC_STATUSES).values_list("pk", flat=True)[:200]
        )
        units = [county.pk, *(t.pk for t in towns)]
        return {"county": county.pk, "rooms": rooms, "units": units, "public_topics": public, "accounts": plan_accounts}

    # -- figures -------------------------------------------------------------------------------------------------

    def read_stats(self, prefix: Path) -> list[dict]:
        path = Path(f"{prefix}_stats.csv")
        if not path.exists():
            return []
        with path.open() as f:
            return list(csv.DictReader(f))

    def print_step(self, users: int, rows: list[dict], duration: int) -> None:
        total = next(r for r in rows if r["Name"] == "Aggregated")
        self.stdout.write(
            f"\n== {users} people, {duration} s: {float(total['Requests/s']):.1f} requests/s, "
            f"{total['Request Count']} requests, {total['Failure Count']} failed, "
            f"p50/p95/p99 {total['50%']}/{total['95%']}/{total['99%']} ms, load average {os.getloadavg()[0]:.1f}"
        )
        self.stdout.write(f"{'page':28} {'requests':>8} {'failed':>6} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
        for row in rows:
            if row["Name"] == "Aggregated":
                continue
            self.stdout.write(
                f"{row['Name'][:28]:28} {row['Request Count']:>8} {row['Failure Count']:>6} "
                f"{float(row['Requests/s']):>6.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
            )

    def print_saturation(self, results) -> None:
        best = None
        for users, rows, _load in results:
            total = next(r for r in rows if r["Name"] == "Aggregated")
            rps, p95 = float(total["Requests/s"]), float(total["95%"] or 0)
            if p95 <= 300 and int(total["Failure Count"]) == 0:
                best = (users, rps, p95)
        if best is None:
            self.stdout.write("\nsaturation: already past it at the first step (p95 > 300 ms or failures)")
        else:
            self.stdout.write(
                f"\nsaturation: the largest step within p95 ≤ 300 ms and no failure: {best[0]} people, "
                f"{best[1]:.1f} requests/s (p95 {best[2]:.0f} ms)"
            )

    # -- reconciliation ------------------------------------------------------------------------------------------

    def counts(self, plan: dict) -> dict[str, int]:
        """The rows the county mix's other writes add to, before and after the run."""
        county = plan["county"]
        return {
            "supported": Support.objects.filter(topic__unit__county_id=county).count(),
            "rated": Rating.objects.filter(task__unit__county_id=county).count(),
            "progress": ProgressReport.objects.filter(task__unit__county_id=county).count(),
        }

    def reconcile(self, plan: dict, seen_file: Path, before: int, before_counts: dict[str, int]) -> None:
        seen: dict[str, list] = {}
        if seen_file.exists():
            for line in seen_file.read_text().splitlines():
                for kind, values in json.loads(line).items():
                    seen.setdefault(kind, []).extend(values)
        submitted, screened = seen.get("submitted", []), seen.get("screened", [])
        entered = seen.get("entered", [])
        keys = submitted + entered
        rows = Counter(Topic.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
        missing = [k for k in keys if rows[k] == 0]
        doubled = [k for k, n in rows.items() if n > 1]
        added = {kind: n - before_counts[kind] for kind, n in self.counts(plan).items()}
        unequal = {kind: (len(seen.get(kind, [])), n) for kind, n in added.items() if len(seen.get(kind, [])) != n}
        self.stdout.write(
            f"\nreconciliation of the other writes: {len(entered)} concerns entered by grid workers (checked with "
            f"the submissions below); "
            + "; ".join(f"{kind}: {len(seen.get(kind, []))} accepted, {n} rows added" for kind, n in added.items())
        )
        created = Topic.objects.filter(unit__county_id=plan["county"]).count() - before
        topic_type = ContentType.objects.get_for_model(Topic)
        with_event = set(
            Event.objects.filter(content_type=topic_type, object_id__in=screened, to_state="accepted").values_list(
                "object_id", flat=True
            )
        )
        deadline = time.monotonic() + 60
        while Event.objects.filter(delivered_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(1)
        waiting = Event.objects.filter(delivered_at__isnull=True).count()
        self.stdout.write(
            f"\nreconciliation: {len(keys)} submissions and entries accepted by the clients, {len(missing)} missing, "
            f"{len(doubled)} stored twice, {created} topics created in the county; {len(screened)} screenings "
            f"accepted, {len(set(screened) - with_event)} without their event; {waiting} events undelivered after "
            f"up to 60 s"
        )
        if missing or doubled or set(screened) - with_event or waiting or unequal:
            raise CommandError("reconciliation failed")

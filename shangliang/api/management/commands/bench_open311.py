"""Prints requests per second of Open311 POST (a concern becomes a topic) and GET (a request by id, the list).

    manage.py bench_open311 --requests 200                       # in process, on this database, nothing kept
    manage.py bench_open311 --base-url http://127.0.0.1:8000 --key slk_…   # a running server (gunicorn + PostgreSQL)

In process, a client is registered for the first village with a room (the system administrator as actor) inside a
transaction that is rolled back at the end; each request goes through the whole middleware stack and the API, but
not through the network or a WSGI server, and the audit chain's sealing (after commit) does not run.
"""

from __future__ import annotations

import json
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client

from shangliang.api import services
from shangliang.api.models import Scope
from shangliang.security.models import AdminKind, AdminRole
from shangliang.units.models import OPERATIONAL_STAGES, Room, UnitKind


class Rollback(Exception):
    pass


def concern(i: int) -> dict:
    return {
        "service_code": "livelihood",
        "description": f"第 {i} 号：村口路灯不亮，夜间出行不便，希望尽快修复。",
        "address_string": f"村口 {i} 号杆",
    }


class Command(BaseCommand):
    help = "Requests per second of Open311 POST and GET"

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--base-url", default="")
        parser.add_argument("--key", default="")

    def handle(self, *args, requests, base_url, key, **options):
        if base_url:
            if not key:
                raise CommandError("--key is needed with --base-url")
            self.run(self.remote(base_url.rstrip("/"), key), requests, f"server {base_url}")
            return
        room = (
            Room.objects.filter(unit__kind=UnitKind.VILLAGE, unit__is_active=True, stage__in=OPERATIONAL_STAGES)
            .select_related("unit")
            .order_by("id")
            .first()
        )
        admin = AdminRole.objects.filter(kind=AdminKind.SYSTEM, ended_at__isnull=True).select_related("user").first()
        if room is None or admin is None:
            raise CommandError("needs a village with a room and a system administrator (load_demo)")
        try:
            with transaction.atomic():
                client, new_key = services.client_register(
                    actor=admin.user,
                    name="bench_open311",
                    unit=room.unit,
                    scopes=[Scope.RAISE_TOPICS, Scope.READ_PUBLIC],
                    rate_limit="api_large",
                )
                self.run(self.local(new_key), requests, f"in process, {room.unit.name}")
                raise Rollback
        except Rollback:
            pass

    def local(self, key):
        http = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

        def call(method, path, data=None):
            response = http.post(path, data) if method == "POST" else http.get(path)
            return response.status_code, response.content

        return call

    def remote(self, base, key):
        def call(method, path, data=None):
            body = urllib.parse.urlencode(data).encode() if data else None
            request = urllib.request.Request(  # noqa: S310 (the operator's own server)
                base + path, data=body, method=method, headers={"Authorization": f"Bearer {key}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    return response.status, response.read()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read()

        return call

    def run(self, call, n, where):
        codes, timings = [], []
        started = time.perf_counter()
        for i in range(n):
            t = time.perf_counter()
            status, body = call("POST", "/open311/v2/requests.json", concern(i))
            timings.append(time.perf_counter() - t)
            if status == 201:
                codes.append(json.loads(body)[0]["service_request_id"])
        self.report("POST requests.json", n, time.perf_counter() - started, timings, n - len(codes))
        timings, errors = [], 0
        started = time.perf_counter()
        for i in range(n):
            t = time.perf_counter()
            status, _body = call("GET", f"/open311/v2/requests/{codes[i % len(codes)]}.json" if codes else "/")
            timings.append(time.perf_counter() - t)
            errors += status != 200
        self.report("GET requests/{id}.json", n, time.perf_counter() - started, timings, errors)
        timings, errors, lists = [], 0, max(1, n // 10)
        started = time.perf_counter()
        for _i in range(lists):
            t = time.perf_counter()
            status, _body = call("GET", "/open311/v2/requests.json")
            timings.append(time.perf_counter() - t)
            errors += status != 200
        self.report(f"GET requests.json (list of {len(codes)})", lists, time.perf_counter() - started, timings, errors)
        self.stdout.write(f"({where})")

    def report(self, what, n, elapsed, timings, errors):
        timings = sorted(timings)
        p95 = timings[int(len(timings) * 0.95) - 1] if len(timings) >= 20 else timings[-1]
        self.stdout.write(
            f"{what}: {n} in {elapsed:.1f} s = {n / elapsed:.1f} req/s; "
            f"p50 {statistics.median(timings) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; errors {errors}"
        )

"""`/healthz` for a load balancer or a watchdog: the database, the cache, the task worker's heartbeat and the outbox's
oldest undelivered event, as JSON; 200 when all are well, 503 otherwise.

The worker's heartbeat goes round the real path: every run of `run_periodic` enqueues `worker_heartbeat`, and the
worker stamps the shared cache when it runs it, so a stale stamp means the queue is not being worked (a dead worker or
a dead periodic loop), whatever the processes' state.
"""

from __future__ import annotations

import sys
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import task as background_task

from shangliang.core import clock
from shangliang.core.events import outbox_status
from shangliang.core.storage import uploads_space

HEARTBEAT_KEY = "shangliang:heartbeat:%s"
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


def beat(name: str) -> None:
    cache.set(HEARTBEAT_KEY % name, clock.now().timestamp(), timeout=None)


def heartbeat_age(name: str) -> float | None:
    stamp = cache.get(HEARTBEAT_KEY % name)
    return None if stamp is None else max(clock.now().timestamp() - float(stamp), 0.0)


def inline_tasks() -> bool:
    return settings.TASKS["default"]["BACKEND"] == IMMEDIATE


@background_task()
def worker_heartbeat() -> None:
    beat("worker")


def heartbeat_line(today) -> str:
    """run_periodic's job: stamp the periodic loop's heartbeat and send the worker one to stamp."""
    beat("periodic")
    worker_heartbeat.enqueue()
    return "heartbeat: sent"


def check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # a health check reports, it does not fail
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_cache() -> dict:
    try:
        cache.set("shangliang:healthz", 1, timeout=30)
        ok = cache.get("shangliang:healthz") == 1
    except Exception as exc:  # the database cache fails with the database
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": ok}


def check_heartbeat(name: str, limit: int) -> dict:
    if name == "worker" and inline_tasks():
        return {"ok": True, "inline": True}
    try:
        age = heartbeat_age(name)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": age is not None and age <= limit, "age_seconds": None if age is None else round(age)}


def check_outbox() -> dict:
    try:
        status = outbox_status(failures=0)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {
        "ok": status.oldest_age_seconds <= settings.HEALTH_OUTBOX_MAX_SECONDS,
        "undelivered": status.undelivered,
        "failing": status.failing,
        "oldest_age_seconds": status.oldest_age_seconds,
    }


def health() -> dict:
    report = {"database": check_database()}
    if report["database"]["ok"]:
        report["cache"] = check_cache()
        report["worker"] = check_heartbeat("worker", settings.HEALTH_WORKER_MAX_SECONDS)
        report["outbox"] = check_outbox()
    report["ok"] = all(part["ok"] for part in report.values())
    report["uploads"] = uploads_space()
    return report


@login_not_required
@never_cache
@require_GET
def healthz(request):
    report = health()
    return JsonResponse(report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False})


def server_error(request):
    """handler500: a request that failed because the database is away (a restart, a failover) gets the Chinese
    "briefly unavailable" page with 503 and Retry-After, so that people and load balancers retry; anything else is
    the ordinary error page. Renders without the request's context: the context processors would need the database."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        return response
    return defaults.server_error(request)

"""The one periodic command (`manage.py run_periodic`): each app registers its scheduled job here, in its
AppConfig.ready; the command and the django-tasks job run them all in registration order. Every job must be
idempotent (safe to run every few minutes) and returns one line for the log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django_tasks import task as background_task

from shangliang.core import clock

Job = Callable[[date], str]
_JOBS: dict[str, Job] = {}


def register_periodic(name: str, job: Job) -> None:
    _JOBS[name] = job


def run_all() -> list[str]:
    today = clock.today()
    return [job(today) for job in _JOBS.values()]


@background_task()
def run_periodic_task() -> list[str]:
    """The periodic command as a django-tasks job, for deployments that schedule jobs on the worker."""
    return run_all()

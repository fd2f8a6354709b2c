"""The demo county, loaded once for every test module of this package (loading it takes seconds, most on
PostgreSQL), inside a transaction rolled back when the package is done; each test runs in its own savepoint on top.

`make test` runs the suite with `-n 2 --dist loadscope`, and tests/conftest.py makes this whole package one scope:
its tests run one after the other on one worker and the demo is loaded once per run (under plain `--dist load` a
module's tests were spread over both workers, and each module loaded it on each)."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import TestCase

from shangliang.demo.loader import load_demo
from shangliang.units.models import Unit, UnitKind


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    # Notifications and figure-cache updates run after commit: run them as a commit would, inside this transaction.
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            summary = load_demo()
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def county(demo, db):
    """The demo county, 东宁市."""
    return Unit.objects.get(kind=UnitKind.COUNTY, code="231086")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()

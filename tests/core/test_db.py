"""core.db.locked: the caller's object shows the row as it is now; a deleted row is refused. commit_without_flush:
only the transaction it is called in skips the wait for the disk. refresh_statistics: the project's tables only."""

import pytest
from django.db import connection, transaction

from shangliang.core.db import commit_without_flush, locked, refresh_statistics
from shangliang.core.errors import NotPossible
from shangliang.units.models import Unit, UnitKind
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def test_locked_reads_the_row_into_the_same_object():
    county = make_unit("甲县", UnitKind.COUNTY)
    stale = Unit.objects.get(pk=county.pk)
    Unit.objects.filter(pk=county.pk).update(name="乙县")
    with transaction.atomic():
        same = locked(stale)
    assert same is stale and stale.name == "乙县"


def test_locked_reads_only_the_named_fields():
    county = make_unit("甲县", UnitKind.COUNTY)
    stale = Unit.objects.get(pk=county.pk)
    stale.description = "未保存"
    Unit.objects.filter(pk=county.pk).update(name="乙县")
    with transaction.atomic():
        locked(stale, fields=["name"])
    assert (stale.name, stale.description) == ("乙县", "未保存")


def test_a_deleted_row_is_not_possible():
    county = make_unit("甲县", UnitKind.COUNTY)
    ghost = Unit.objects.get(pk=county.pk)
    Unit.objects.filter(pk=county.pk).update(county=None)
    Unit.objects.filter(pk=county.pk).delete()
    with transaction.atomic(), pytest.raises(NotPossible):
        locked(ghost)


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # the test's own transaction would outlive the one under test
def test_commit_without_flush_holds_for_its_transaction_only():
    with pytest.raises(RuntimeError):
        commit_without_flush()
    if connection.vendor != "postgresql":
        with transaction.atomic():
            commit_without_flush()  # nothing to relax on SQLite, and no error
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on")  # the test cluster turns it off for speed
    try:
        with transaction.atomic():
            commit_without_flush()
            assert synchronous_commit() == "off"
        assert synchronous_commit() == "on"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's")
def test_refresh_statistics_leaves_the_shared_catalogs_alone():
    """Its locks last until the (bulk load's) transaction ends: on a shared catalog they would make every other
    database's ANALYZE wait as long (two test workers, a load beside the production database)."""
    refresh_statistics()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relisshared FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE l.pid = pg_backend_pid() AND l.mode = 'ShareUpdateExclusiveLock'"
        )
        analysed = dict(cursor.fetchall())
    assert "units_unit" in analysed and "topics_topic" in analysed
    assert not [name for name, shared in analysed.items() if shared]

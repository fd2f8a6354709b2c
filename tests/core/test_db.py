"""core.db.locked: the caller's object shows the row as it is now; a deleted row is refused."""

import pytest
from django.db import transaction

from shangliang.core.db import locked
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

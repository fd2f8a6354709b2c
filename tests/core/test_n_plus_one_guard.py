"""The N+1 guard itself: it must fail on an N+1, or the suite's promise means nothing."""

import pytest
from django.conf import settings
from zeal import NPlusOneError, zeal_context

from shangliang.units.models import Room


def test_guard_is_installed_for_every_request():
    assert settings.MIDDLEWARE[0] == "zeal.middleware.zeal_middleware"
    assert settings.ZEAL_RAISE


def test_guard_catches_an_n_plus_one(world):
    with pytest.raises(NPlusOneError), zeal_context():
        for room in Room.objects.all():
            _ = room.unit.name


def test_select_related_passes(world):
    with zeal_context():
        names = [room.unit.name for room in Room.objects.select_related("unit")]
    assert len(names) == 7

"""What every write on village affairs checks first: the unit is a village or community."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shangliang.core.errors import InvalidInput
from shangliang.units.models import Unit
from shangliang.villageaffairs.selectors import VILLAGE_KINDS


def require_village(unit: Unit) -> None:
    if unit is None or not unit.is_active or unit.kind not in VILLAGE_KINDS:
        raise InvalidInput(_("村务公开、月例会和纠纷信访登记只适用于村（社区）。"), field="unit")

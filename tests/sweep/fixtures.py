"""The sweeps' fixture county: the demo county (objects of every app in every state, in many units), loaded once for
the sweeps and tests/demo (tests/conftest.py DemoCounty) inside a transaction that is rolled back when they are done;
each sweep module's actors are picked in a savepoint rolled back when the module is done, each test runs in a savepoint
on top.

The sweeps look at it from a few fixed places and through a few fixed people:

- places (`SweepCounty.units`): `A` the county, `T` the demo town, `V` and `V2` two of its villages, `T2` another town
  and `V3` one of that town's villages. Seen from a village actor at `V`: `V` is its own unit, `V2` a sibling, `T` the
  unit above, `V3` a village of another town, `A` the county. Seen from a town actor at `T`: `V`/`V2` are below, `T2`
  a sibling, `V3` below another town.
- actors (`SweepCounty.actors`, key → user, `None` for an anonymous visitor): see `ACTORS`.

Use it from a test module with `from tests.sweep.fixtures import sweep_county  # noqa: F401` (a module-scoped fixture);
`sweep_county.first(queryset, "V", "unit")` finds an object of a place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.test import TestCase

from shangliang.demo.people import DEMO_TOWN
from shangliang.people.models import LinkKind, MemberLink, Position, Role, RoleAssignment, User
from shangliang.units.models import Unit, UnitKind

# The people the sweeps act as, with where they sit (a place key) and what they hold there.
ACTORS: dict[str, str] = {
    "anonymous": "no account",
    "stranger": "an account without any role",
    "staff": "CPPCC office staff of the county (A)",
    "town_convenor": "first convenor of the town T",
    "town_approver": "party approver of the town T",
    "village_convenor": "first convenor (and party approver) of the village V",
    "second_convenor": "member linked one-to-one to V, its second convenor",
    "liaison": "grid worker (liaison) of the village V",
    "member": "CPPCC member linked to a village of another town, convenor nowhere",
    "department": "staff of a county department",
    "expert": "expert of the county",
    "evaluator": "third-party evaluator of the county",
    "resident": "resident of the village V",
}

PLACES = ("A", "T", "V", "V2", "T2", "V3")


@dataclass
class SweepCounty:
    units: dict[str, Unit]
    actors: dict[str, User | None]
    _found: dict = field(default_factory=dict)

    def first(self, queryset: QuerySet, place: str, unit_field: str = "unit"):
        """The first object (by pk) of `queryset` whose `unit_field` (a lookup path to a Unit) is the place's unit;
        None if there is none. Cached for the module (objects the tests change are rolled back)."""
        key = (str(queryset.query), place, unit_field)
        if key not in self._found:
            unit = self.units[place]
            self._found[key] = queryset.filter(**{unit_field: unit}).order_by("pk").first()
        return self._found[key]

    def place_of(self, unit: Unit) -> str | None:
        for key, place in self.units.items():
            if place.pk == unit.pk:
                return key
        return None


def _children(unit: Unit) -> QuerySet:
    return Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)


def build_sweep_county() -> SweepCounty:
    """Pick the places and actors of the loaded demo county (callers hold a transaction they roll back)."""
    county = Unit.objects.get(kind=UnitKind.COUNTY, code="231086")
    towns = list(_children(county).filter(kind__in=(UnitKind.TOWN, UnitKind.URBAN_AREA)).order_by("path"))
    town = next(t for t in towns if t.name == DEMO_TOWN)
    other_town = next(t for t in towns if t.pk != town.pk)
    villages = list(_children(town).order_by("path")[:2])
    units = {
        "A": county,
        "T": town,
        "V": villages[0],
        "V2": villages[1],
        "T2": other_town,
        "V3": _children(other_town).order_by("path").first(),
    }
    active = RoleAssignment.objects.active()

    def holder(role: str, place: str, **extra) -> User:
        return User.objects.get(pk=active.filter(role=role, unit=units[place], **extra).order_by("pk")[0].user_id)

    convenors = active.filter(role=Role.CONVENOR).values("user_id")
    linked_elsewhere = MemberLink.objects.filter(
        kind=LinkKind.ONE_TO_ONE, unit__path__startswith=other_town.path
    ).values("member_id")
    member = (
        User.objects.filter(assignments__role=Role.MEMBER, pk__in=linked_elsewhere)
        .exclude(pk__in=convenors)
        .order_by("pk")
        .first()
    ) or User.objects.filter(assignments__role=Role.MEMBER).exclude(pk__in=convenors).order_by("pk").first()
    stranger = User.objects.create(username="sweep_stranger", full_name="路人")
    actors: dict[str, User | None] = {
        "anonymous": None,
        "stranger": stranger,
        "staff": User.objects.get(username="demo_staff"),
        "town_convenor": User.objects.get(username="demo_convenor"),
        "town_approver": User.objects.get(username="demo_approver"),
        "village_convenor": holder(Role.CONVENOR, "V", position=Position.FIRST_CONVENOR),
        "second_convenor": holder(Role.CONVENOR, "V", position=Position.SECOND_CONVENOR),
        "liaison": User.objects.get(username="demo_liaison"),
        "member": member,
        "department": User.objects.get(username="demo_department"),
        "expert": User.objects.get(username="demo_expert"),
        "evaluator": User.objects.get(username="demo_evaluator"),
        "resident": User.objects.get(username="demo_resident"),
    }
    assert set(actors) == set(ACTORS)
    return SweepCounty(units=units, actors=actors)


@pytest.fixture(scope="module")
def sweep_county(demo_county, django_db_blocker):
    """The fixture county for one test module (see the module's docstring). Tests that use it also need `db`."""
    cache.clear()
    demo_county.ensure()  # shared with tests/demo (tests/conftest.py DemoCounty)
    with django_db_blocker.unblock(), transaction.atomic():
        # Notifications and figure-cache updates run after commit: run them as a commit would, inside this transaction.
        with TestCase.captureOnCommitCallbacks(execute=True):
            built = build_sweep_county()
        yield built
        transaction.set_rollback(True)
    cache.clear()

"""The access sweep: every URL pattern of the project, for every actor × place of the fixture county
(tests/sweep/fixtures.py), against the policy declared per view (tests/sweep/policy.py)."""

from shangliang.people.models import Role, RoleAssignment
from tests.sweep.fixtures import ACTORS, PLACES, sweep_county  # noqa: F401


def test_the_fixture_county_has_its_places_and_actors(sweep_county, db):  # noqa: F811
    units = sweep_county.units
    assert set(units) == set(PLACES)
    assert units["V"].path.startswith(units["T"].path) and units["V2"].path.startswith(units["T"].path)
    assert units["V3"].path.startswith(units["T2"].path) and not units["T2"].path.startswith(units["T"].path)
    assert set(sweep_county.actors) == set(ACTORS)
    active = RoleAssignment.objects.active()
    assert active.filter(user=sweep_county.actors["village_convenor"], role=Role.CONVENOR, unit=units["V"]).exists()
    assert active.filter(user=sweep_county.actors["second_convenor"], role=Role.CONVENOR, unit=units["V"]).exists()
    assert not active.filter(user=sweep_county.actors["member"], role=Role.CONVENOR).exists()
    assert not active.filter(user=sweep_county.actors["stranger"]).exists()

"""Permission matrix for units, rooms, assessments, subsidies and role assignments.

Each role × {own unit, unit below, sibling unit, county} × {view, change}, checked through rules and through HTTP.
"""

import pytest
from django.urls import reverse

from tests.conftest import fresh

# Where each role stands in the `world` fixture: (own, below, sibling, county).
PLACES = {
    "staff": ("a", "t1", "b", "a"),
    "convenor": ("t1", "v1", "t2", "a"),
    "approver": ("t1", "v1", "t2", "a"),
    "liaison": ("t1", "v1", "t2", "a"),
    "member": ("t1", "v1", "t2", "a"),
    "department": ("a", "t1", "b", "a"),
    "expert": ("a", "t1", "b", "a"),
    "evaluator": ("a", "t1", "b", "a"),
    "resident": ("v1", "v1", "v2", "a"),
    "stranger": ("t1", "v1", "t2", "a"),
}
COLUMNS = ("own", "below", "sibling", "county")

Y, N = True, False
# role: {permission kind: (own, below, sibling, county)}
SEE = {"view": (Y, Y, N, N), "change": (N, N, N, N)}
NOTHING = {"view": (N, N, N, N), "change": (N, N, N, N)}
MATRIX = {
    "unit": {
        "staff": {"view": (Y, Y, N, Y), "change": (Y, Y, N, Y)},
        "convenor": {"view": (Y, Y, N, N), "change": (Y, Y, N, N)},
        "approver": SEE,
        "liaison": SEE,
        "member": SEE,
        "department": NOTHING,
        "expert": NOTHING,
        "evaluator": NOTHING,
        "resident": NOTHING,
        "stranger": NOTHING,
    },
    "subsidy": {
        "staff": {"view": (Y, Y, N, Y), "change": (Y, Y, N, Y)},
        "convenor": {"view": (Y, Y, N, N), "change": (N, N, N, N)},
        "approver": {"view": (Y, Y, N, N), "change": (N, N, N, N)},
        "liaison": NOTHING,
        "member": NOTHING,
        "department": NOTHING,
        "expert": NOTHING,
        "evaluator": NOTHING,
        "resident": NOTHING,
        "stranger": NOTHING,
    },
}
# Rooms, assessments and role assignments follow the unit column: whoever sees/changes the unit sees/changes them.
PERMS = {
    "unit": ("units.view_unit", "units.change_unit"),
    "room": ("units.view_room", "units.change_room"),
    "assessment": ("units.view_assessment", "units.assess_room"),
    "assignment": ("people.view_assignments", "people.change_assignments"),
    "subsidy": ("units.view_subsidy", "units.add_subsidy"),
}
CASES = [
    (thing, role, col, action)
    for thing in PERMS
    for role in PLACES
    for col in range(4)
    for action in ("view", "change")
    # Counties have no room of their own: no room, assessment or subsidy column there.
    if not (thing in ("room", "assessment", "subsidy") and PLACES[role][col] in ("a", "b"))
]


def expected(thing, role, col, action):
    table = MATRIX["subsidy" if thing == "subsidy" else "unit"]
    return table[role][action][col]


def target(world, thing, place):
    unit = getattr(world, place)
    if thing in ("room", "assessment", "subsidy"):
        return world.rooms.get(unit.name)  # the county has no room: the column is empty there
    return unit


@pytest.mark.parametrize(("thing", "role", "col", "action"), CASES)
def test_permission_matrix(world, thing, role, col, action):
    obj = target(world, thing, PLACES[role][col])
    perm = PERMS[thing][0 if action == "view" else 1]
    user = fresh(world.users[role])
    assert user.has_perm(perm, obj) is expected(thing, role, col, action), (role, COLUMNS[col], perm)


@pytest.mark.parametrize("role", list(PLACES))
def test_unit_pages_over_http(client, world, role):
    """The internal unit page answers 200 where the matrix says view, 403 elsewhere; edit likewise."""
    client.force_login(world.users[role])
    for col, place in enumerate(PLACES[role]):
        unit = getattr(world, place)
        view = client.get(reverse("units:detail", args=[unit.pk]))
        assert view.status_code == (200 if expected("unit", role, col, "view") else 403), (role, place)
        edit = client.get(reverse("units:edit", args=[unit.pk]))
        assert edit.status_code == (200 if expected("unit", role, col, "change") else 403), (role, place)


@pytest.mark.parametrize("role", list(PLACES))
def test_room_pages_over_http(client, world, role):
    client.force_login(world.users[role])
    for col, place in enumerate(PLACES[role]):
        room = world.rooms.get(getattr(world, place).name)
        if room is None:
            continue
        view = client.get(reverse("units:room", args=[room.pk]))
        assert view.status_code == (200 if expected("room", role, col, "view") else 403), (role, place)
        assess = client.get(reverse("units:room_assess", args=[room.pk]))
        assert assess.status_code == (200 if expected("assessment", role, col, "change") else 403), (role, place)
        before = room.subsidies.count()
        post = client.post(
            reverse("units:subsidy_add", args=[room.pk]), {"amount": "1000", "year": "2024", "purpose": "建设"}
        )
        allowed = expected("subsidy", role, col, "change")
        assert post.status_code == (302 if allowed else 403), (role, place)
        assert room.subsidies.count() == before + (1 if allowed else 0)


def test_anonymous_goes_to_login(client, world):
    for url in (
        reverse("units:index"),
        reverse("units:detail", args=[world.t1.pk]),
        reverse("units:room", args=[world.rooms["一镇"].pk]),
        reverse("units:standard", args=[world.a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_public_unit_page_open_to_all(client, world):
    response = client.get(reverse("public:unit", args=[world.v1.pk]))
    assert response.status_code == 200
    assert "一村协商议事室" in response.content.decode()


def test_standard_configuration_is_county_staff_only(client, world):
    url = reverse("units:standard", args=[world.a.pk])
    for role in PLACES:
        client.force_login(world.users[role])
        assert client.get(url).status_code == (200 if role == "staff" else 403), role
    client.force_login(world.users["staff"])
    assert client.get(reverse("units:standard", args=[world.b.pk])).status_code == 403


def test_member_sees_only_linked_units(world):
    member = fresh(world.users["member"])
    assert member.has_perm("units.view_unit", world.v2)
    assert not member.has_perm("units.view_unit", world.v3)
    assert not member.has_perm("units.view_unit", world.vb)


def test_ended_role_gives_no_access(world):
    from datetime import date

    assignment = world.users["convenor"].assignments.get()
    assignment.renounced_at = date(2021, 1, 1)
    assignment.save()
    assert not fresh(world.users["convenor"]).has_perm("units.view_unit", world.t1)

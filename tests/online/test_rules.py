"""Permission matrix for online rooms: role × {own unit, unit below, sibling unit, county} × action.

Running and moderating a room is for the convenor of its consultation's own unit only (as running the
consultation is); the staff page and the export follow who sees the unit; results of a room being prepared are
private to those, and public once it opens; taking part is open to anyone identified (the room's state decides).
Checked through rules and through HTTP.
"""

import pytest
from django.urls import reverse

from shangliang.consultations.models import Consultation
from shangliang.online.models import OnlineRoom, RoomStatus, Statement, StatementStatus
from tests.conftest import fresh
from tests.online.rooms import _clear_cache  # noqa: F401

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
NOTHING = (N, N, N, N)
ALL = (Y, Y, Y, Y)
SEE = (Y, Y, N, N)
STAFF_SEE = (Y, Y, N, Y)
OWN = (Y, N, N, N)

ACTIONS = ("view", "run", "moderate", "export", "results", "take_part")
#   role:        staff page  run (open, seed,  moderate  export     results of   take part
#                            import, pull)                         a draft room
ROWS = {
    "staff":      (STAFF_SEE, NOTHING,        NOTHING,  STAFF_SEE, STAFF_SEE,   ALL),
    "convenor":   (SEE,       OWN,            OWN,      SEE,       SEE,         ALL),
    "approver":   (SEE,       NOTHING,        NOTHING,  SEE,       SEE,         ALL),
    "liaison":    (SEE,       NOTHING,        NOTHING,  SEE,       SEE,         ALL),
    "member":     (SEE,       NOTHING,        NOTHING,  SEE,       SEE,         ALL),
    "department": (NOTHING,   NOTHING,        NOTHING,  NOTHING,   NOTHING,     ALL),
    "expert":     (NOTHING,   NOTHING,        NOTHING,  NOTHING,   NOTHING,     ALL),
    "evaluator":  (NOTHING,   NOTHING,        NOTHING,  NOTHING,   NOTHING,     ALL),
    "resident":   (NOTHING,   NOTHING,        NOTHING,  NOTHING,   NOTHING,     ALL),
    "stranger":   (NOTHING,   NOTHING,        NOTHING,  NOTHING,   NOTHING,     ALL),
}  # fmt: skip
MATRIX = {role: dict(zip(ACTIONS, row, strict=True)) for role, row in ROWS.items()}
PERMS = {
    "view": "online.view_room",
    "run": "online.run_room",
    "moderate": "online.moderate_statement",
    "export": "online.export_room",
    "results": "online.view_results",
    "take_part": "online.take_part",
}


@pytest.fixture
def rooms(world):
    """One room being prepared (draft) per unit, with one statement awaiting moderation."""
    result = {}
    for place in ("a", "b", "t1", "t2", "v1", "v2"):
        unit = getattr(world, place)
        c = Consultation.objects.create(unit=unit, title=f"{unit.name}的网上协商", form="online", status="in_session")
        room = OnlineRoom.objects.create(consultation=c, unit=unit, question=f"{unit.name}的问题")
        Statement.objects.create(room=room, polis_id=0, text="待审核的观点", status=StatementStatus.PENDING)
        result[place] = room
    return result


def _room(rooms, place):
    return OnlineRoom.objects.select_related("unit", "consultation").get(pk=rooms[place].pk)


@pytest.mark.parametrize("role", list(PLACES))
def test_permission_matrix(world, rooms, role):
    """Every cell of the role's row: the room's permissions, opening a room on the consultation (follows "run"),
    and moderating one of its statements (judged as its room)."""
    user = fresh(world.users[role])
    wrong = []
    for col, place in enumerate(PLACES[role]):
        room = _room(rooms, place)
        for action, perm in PERMS.items():
            if user.has_perm(perm, room) is not MATRIX[role][action][col]:
                wrong.append((COLUMNS[col], action))
        if user.has_perm("online.create_room", room.consultation) is not MATRIX[role]["run"][col]:
            wrong.append((COLUMNS[col], "create_room"))
        statement = Statement.objects.select_related("room__unit").get(room=room)
        if user.has_perm("online.moderate_statement", statement) is not MATRIX[role]["moderate"][col]:
            wrong.append((COLUMNS[col], "moderate statement"))
    assert not wrong, (role, wrong)


def test_results_are_public_once_open(world, rooms):
    room = _room(rooms, "t2")
    for role in PLACES:
        user = fresh(world.users[role])
        assert user.has_perm("online.view_results", room) is user.has_perm("online.view_room", room), role
    OnlineRoom.objects.filter(pk=room.pk).update(status=RoomStatus.OPEN)
    room = _room(rooms, "t2")
    for role in PLACES:
        assert fresh(world.users[role]).has_perm("online.view_results", room), role


@pytest.mark.parametrize("role", list(PLACES))
def test_pages_over_http(client, world, rooms, role):
    """The staff page, settings, export and import answer 200 where the matrix allows, else 403; a draft room's
    public pages are 404 for who may not see it."""
    client.force_login(world.users[role])
    for col, place in enumerate(PLACES[role]):
        room = rooms[place]
        view, run, export = (MATRIX[role][a][col] for a in ("view", "run", "export"))
        assert client.get(reverse("online:manage", args=[room.pk])).status_code == (200 if view else 403)
        assert client.get(reverse("online:edit", args=[room.pk])).status_code == (200 if run else 403)
        assert client.get(reverse("online:import", args=[room.pk])).status_code == (200 if run else 403)
        assert client.get(reverse("online:export", args=[room.pk])).status_code == (200 if export else 403)
        create = client.get(reverse("online:create", args=[room.consultation_id]))
        assert create.status_code == (302 if run else 403), (role, place)  # the room exists: on to its page
        for name in ("room", "results"):
            page = client.get(reverse(f"online:{name}", args=[room.pk]))
            assert page.status_code == (200 if MATRIX[role]["results"][col] else 404), (role, place, name)


@pytest.mark.parametrize("role", list(PLACES))
def test_posts_over_http_change_nothing_without_permission(client, world, rooms, role):
    """Refused POSTs (403 for a stranger to the unit, a message for who sees it) leave the room as it was."""
    client.force_login(world.users[role])
    room = rooms["t1"]
    statement = Statement.objects.get(room=room)
    col = PLACES[role].index("t1") if "t1" in PLACES[role] else None
    client.post(reverse("online:transition", args=[room.pk]), {"action": "open"})
    client.post(reverse("online:seed", args=[room.pk]), {"text": "新预设"})
    client.post(reverse("online:moderate", args=[room.pk, statement.pk]), {"action": "approve"})
    allowed = col is not None and MATRIX[role]["run"][col]
    room.refresh_from_db()
    statement.refresh_from_db()
    assert room.status == RoomStatus.DRAFT  # not allowed; or, for the convenor, nothing to vote on yet
    assert (statement.status == StatementStatus.APPROVED) is bool(allowed), role
    assert Statement.objects.filter(room=room).count() == (2 if allowed else 1), role


def test_anonymous_visitors_log_in_for_staff_pages_and_see_public_ones(client, rooms):
    room = rooms["t1"]
    assert client.get(reverse("online:manage", args=[room.pk])).status_code == 302
    assert client.get(reverse("online:room", args=[room.pk])).status_code == 404  # draft: not public yet
    OnlineRoom.objects.filter(pk=room.pk).update(status=RoomStatus.OPEN)
    assert client.get(reverse("online:room", args=[room.pk])).status_code == 200
    assert client.get(reverse("online:results", args=[room.pk])).status_code == 200

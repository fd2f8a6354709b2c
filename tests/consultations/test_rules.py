"""Permission matrix for consultations: role × {own unit, unit below, sibling unit, county} × action.

Checked through rules and through HTTP. Running a consultation is for the convenor of its own unit only (a town's
convenor does not run a village's room; CPPCC staff supervise, they do not run); viewing follows who sees the unit;
acknowledging results is for the party approver of the unit they were submitted to.
"""

import pytest
from django.urls import reverse

from shangliang.consultations.models import Consultation, Participant, Submission
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
NOTHING = (N, N, N, N)
SEE = (Y, Y, N, N)

#            role:         view                run (create, hold, close, submit)   acknowledge results
MATRIX = {
    "staff":      {"view": (Y, Y, N, Y), "run": NOTHING,        "acknowledge": NOTHING},
    "convenor":   {"view": SEE,          "run": (Y, N, N, N),   "acknowledge": NOTHING},
    "approver":   {"view": SEE,          "run": NOTHING,        "acknowledge": (Y, N, N, N)},
    "liaison":    {"view": SEE,          "run": NOTHING,        "acknowledge": NOTHING},
    "member":     {"view": SEE,          "run": NOTHING,        "acknowledge": NOTHING},
    "department": {"view": NOTHING,      "run": NOTHING,        "acknowledge": NOTHING},
    "expert":     {"view": NOTHING,      "run": NOTHING,        "acknowledge": NOTHING},
    "evaluator":  {"view": NOTHING,      "run": NOTHING,        "acknowledge": NOTHING},
    "resident":   {"view": NOTHING,      "run": NOTHING,        "acknowledge": NOTHING},
    "stranger":   {"view": NOTHING,      "run": NOTHING,        "acknowledge": NOTHING},
}  # fmt: skip
PERMS = {
    "view": "consultations.view_consultation",
    "run": "consultations.run_consultation",
    "acknowledge": "consultations.acknowledge_results",
}
CASES = [(role, col, action) for role in PLACES for col in range(4) for action in PERMS]


@pytest.fixture
def consultations(world):
    """One consultation per unit, its results submitted to that same unit."""
    result = {}
    for place in ("a", "b", "t1", "t2", "v1", "v2"):
        unit = getattr(world, place)
        c = Consultation.objects.create(unit=unit, title=f"{unit.name}的协商", form="meeting", status="submitted")
        Submission.objects.create(consultation=c, level="same", receiver_unit=unit, recipients="党委")
        result[place] = c
    return result


@pytest.mark.parametrize(("role", "col", "action"), CASES)
def test_permission_matrix(world, consultations, role, col, action):
    c = consultations[PLACES[role][col]]
    c = Consultation.objects.select_related("unit").get(pk=c.pk)
    allowed = fresh(world.users[role]).has_perm(PERMS[action], c)
    assert allowed is MATRIX[role][action][col], (role, COLUMNS[col], action)


@pytest.mark.parametrize(("role", "col"), [(role, col) for role in PLACES for col in range(4)])
def test_creating_follows_running(world, role, col):
    unit = getattr(world, PLACES[role][col])
    expected = MATRIX[role]["run"][col]
    assert fresh(world.users[role]).has_perm("consultations.create_consultation", unit) is expected


@pytest.mark.parametrize("role", list(PLACES))
def test_pages_over_http(client, world, consultations, role):
    """Detail answers 200 where the matrix says view; the convenor's pages 200 where it says run, else 403."""
    client.force_login(world.users[role])
    for col, place in enumerate(PLACES[role]):
        c = consultations[place]
        detail = client.get(reverse("consultations:detail", args=[c.pk]))
        assert detail.status_code == (200 if MATRIX[role]["view"][col] else 403), (role, place)
        for name in ("participants", "research", "meeting", "schedule", "edit"):
            page = client.get(reverse(f"consultations:{name}", args=[c.pk]))
            assert page.status_code == (200 if MATRIX[role]["run"][col] else 403), (role, place, name)
        create = client.get(reverse("consultations:create", args=[getattr(world, place).pk]))
        assert create.status_code == (200 if MATRIX[role]["run"][col] else 403), (role, place)


@pytest.mark.parametrize("role", list(PLACES))
def test_an_invitation_opens_the_consultation_to_its_participant(world, consultations, role):
    """Whoever is on the list may see it and take part, wherever they stand; nobody else takes part."""
    c = consultations["t2"]  # the sibling town: nobody in the world sees it through a role but staff
    user = fresh(world.users[role])
    assert not user.has_perm("consultations.take_part", c)
    Participant.objects.create(consultation=c, user=world.users[role], name="x", kind="stakeholder")
    user = fresh(world.users[role])
    assert user.has_perm("consultations.take_part", c)
    assert user.has_perm("consultations.view_consultation", c)
    assert not user.has_perm("consultations.take_part", consultations["t1"])


def test_only_county_staff_configure_the_rules(world):
    for role in PLACES:
        user = fresh(world.users[role])
        assert user.has_perm("consultations.configure_norms", world.a) is (role == "staff"), role
        assert not user.has_perm("consultations.configure_norms", world.b), role


def test_anonymous_goes_to_login(client, world, consultations):
    c = consultations["t1"]
    for url in (
        reverse("consultations:index"),
        reverse("consultations:detail", args=[c.pk]),
        reverse("consultations:take_part", args=[c.pk]),
        reverse("consultations:signin", args=[c.signin_code]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_ended_convenor_role_runs_nothing(world, consultations):
    from datetime import date

    assignment = world.users["convenor"].assignments.get()
    assignment.renounced_at = date(2021, 1, 1)
    assignment.save()
    assert not fresh(world.users["convenor"]).has_perm("consultations.run_consultation", consultations["t1"])


def test_list_shows_only_what_the_user_may_see(client, world, consultations):
    client.force_login(world.users["convenor"])
    html = client.get(reverse("consultations:index")).content.decode()
    assert "一镇的协商" in html and "一村的协商" in html
    assert "二镇的协商" not in html and "乙县的协商" not in html

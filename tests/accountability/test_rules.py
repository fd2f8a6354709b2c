"""Permission matrix: role × {own unit, unit below, sibling unit, county} × action, through the rules and through HTTP.

In the fixture every place has a consultation with one task assigned to the county's housing department (住建局 for
county A, 乙县住建局 for county B); the member is named supervisor (督办) of the tasks of T1 and V1 only.
Who may: the office (staff over the unit; the convenor and the approver of the consultation's own unit) decides; the
department's staff act as the body; supervisors supervise and chase; evaluators of the county evaluate.
"""

import pytest
from django.urls import reverse

from shangliang.accountability.models import ResponsibilityTask, Supervision
from shangliang.consultations.models import Consultation, Suggestion
from tests.conftest import fresh
from tests.factories import DepartmentFactory

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
COUNTY = (Y, Y, N, Y)
OWN = (Y, N, N, N)

#   role:        view      manage   act      supervise remind   evaluate lists    configure
MATRIX = {
    "staff":      (COUNTY,  COUNTY,  NOTHING, NOTHING,  COUNTY,  NOTHING, COUNTY,  COUNTY),
    "convenor":   (SEE,     OWN,     NOTHING, NOTHING,  OWN,     NOTHING, SEE,     NOTHING),
    "approver":   (SEE,     OWN,     NOTHING, NOTHING,  OWN,     NOTHING, SEE,     NOTHING),
    "liaison":    (SEE,     NOTHING, NOTHING, NOTHING,  NOTHING, NOTHING, SEE,     NOTHING),
    "member":     (SEE,     NOTHING, NOTHING, SEE,      SEE,     NOTHING, SEE,     NOTHING),
    "department": (COUNTY,  NOTHING, COUNTY,  NOTHING,  NOTHING, NOTHING, NOTHING, NOTHING),
    "expert":     (NOTHING, NOTHING, NOTHING, NOTHING,  NOTHING, NOTHING, NOTHING, NOTHING),
    "evaluator":  (COUNTY,  NOTHING, NOTHING, NOTHING,  NOTHING, COUNTY,  NOTHING, NOTHING),
    "resident":   (NOTHING, NOTHING, NOTHING, NOTHING,  NOTHING, NOTHING, NOTHING, NOTHING),
    "stranger":   (NOTHING, NOTHING, NOTHING, NOTHING,  NOTHING, NOTHING, NOTHING, NOTHING),
}  # fmt: skip
ACTIONS = ("view", "manage", "act", "supervise", "remind", "evaluate", "lists", "configure")
# (permission, what it is checked on)
PERMS = {
    "view": ("accountability.view_task", "task"),
    "manage": ("accountability.manage_task", "task"),
    "act": ("accountability.act_on_task", "task"),
    "supervise": ("accountability.supervise_task", "task"),
    "remind": ("accountability.remind_task", "task"),
    "evaluate": ("accountability.evaluate", "consultation"),
    "lists": ("accountability.view_lists", "unit"),
    "configure": ("accountability.configure", "unit"),
}


@pytest.fixture
def places(world):
    """One consultation (results submitted) and one task per place."""
    other_dept = DepartmentFactory(county=world.b, name="乙县住建局")
    result = {}
    for place in ("a", "b", "t1", "t2", "v1", "v2"):
        unit = getattr(world, place)
        c = Consultation.objects.create(unit=unit, title=f"{unit.name}的协商", form="meeting", status="submitted")
        s = Suggestion.objects.create(consultation=c, order=1, text="增设停车位")
        task = ResponsibilityTask.objects.create(
            suggestion=s,
            consultation=c,
            unit=unit,
            department=other_dept if place == "b" else world.department,
            owner_name="王科长",
            action=f"{unit.name}划设车位",
            deadline="2030-01-01",
        )
        if place in ("t1", "v1"):
            Supervision.objects.create(task=task, member=world.users["member"])
        result[place] = {"task": task, "consultation": c, "unit": unit}
    return result


def test_the_matrix_is_complete():
    assert set(MATRIX) == set(PLACES)
    assert all(len(row) == len(ACTIONS) for row in MATRIX.values())


@pytest.mark.parametrize("role", list(PLACES))
def test_matrix(world, places, role):
    """Every cell of the role's row; all differences are reported at once."""
    user = fresh(world.users[role])
    wrong = []
    for a, action in enumerate(ACTIONS):
        perm, on = PERMS[action]
        for col, place in enumerate(PLACES[role]):
            expected = MATRIX[role][a][col]
            if user.has_perm(perm, places[place][on]) is not expected:
                wrong.append(f"{role} × {COLUMNS[col]} ({place}) × {action}: expected {expected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", list(PLACES))
def test_matrix_through_http(client, world, places, role):
    """The task page answers 200 to who may view it, 403 to a logged-in person who may not (never a login loop)."""
    client.force_login(world.users[role])
    row = MATRIX[role][ACTIONS.index("view")]
    for col, place in enumerate(PLACES[role]):
        response = client.get(reverse("accountability:task", args=[places[place]["task"].pk]))
        assert response.status_code == (200 if row[col] else 403), (role, COLUMNS[col])


def test_anonymous_visitors_are_sent_to_log_in_but_see_the_public_page(client, places):
    task = places["t1"]["task"]
    response = client.get(reverse("accountability:task", args=[task.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("accountability:public_task", args=[task.pk])).status_code == 200
    assert client.get(reverse("accountability:public_consultation", args=[task.consultation_id])).status_code == 200


def test_the_named_person_and_the_responsible_units_leaders_are_the_body(world, places):
    from shangliang.people.models import Role
    from tests.factories import UserFactory, assign

    task = places["t1"]["task"]
    person = UserFactory(username="owner")
    task.owner = person
    assert person.has_perm("accountability.act_on_task", task)
    task.department, task.owner_unit, task.owner = None, world.v1, None
    head = UserFactory(username="v1head")
    assign(head, Role.CONVENOR, world.v1)
    assert fresh(head).has_perm("accountability.act_on_task", task)
    assert not fresh(world.users["department"]).has_perm("accountability.act_on_task", task)
    assert not fresh(world.users["convenor"]).has_perm("accountability.act_on_task", task)  # the town is not V1

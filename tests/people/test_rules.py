"""Permission matrix for the people pages: role assignments, the talent pool and member links.

Each role × {own unit, unit below, sibling unit, county} × {view, change} for role assignments, and each role ×
{own county, other county} × {view, change} for the county-wide talent pool and member links: checked through
rules (`user.has_perm`) and through HTTP (200/302 where allowed, 403 for a logged-in user without permission).
"""

from datetime import date

import pytest
from django.urls import reverse

from shangliang.people.models import MemberLink, Role, RoleAssignment, Talent
from tests.conftest import fresh
from tests.factories import UserFactory, assign

Y, N = True, False

# Where each role stands in the `world` fixture: (own, below, sibling, county). A village has nothing below it:
# the resident's "below" is their own village again. The stranger holds no role: T1's places stand in.
# fmt: off
PLACES = {
    #              own    below  sibling county
    "staff":      ("a",  "t1",  "b",    "a"),
    "convenor":   ("t1", "v1",  "t2",   "a"),
    "approver":   ("t1", "v1",  "t2",   "a"),
    "liaison":    ("t1", "v1",  "t2",   "a"),
    "member":     ("t1", "v1",  "t2",   "a"),
    "department": ("a",  "t1",  "b",    "a"),
    "expert":     ("a",  "t1",  "b",    "a"),
    "evaluator":  ("a",  "t1",  "b",    "a"),
    "resident":   ("v1", "v1",  "v2",   "a"),
    "stranger":   ("t1", "v1",  "t2",   "a"),
}
# fmt: on
COLUMNS = ("own", "below", "sibling", "county")

# fmt: off
# people.view_assignments / people.change_assignments, on (own, below, sibling, county)
ASSIGNMENTS = {
    #                view            change
    "staff":      ((Y, Y, N, Y),  (Y, Y, N, Y)),
    "convenor":   ((Y, Y, N, N),  (Y, Y, N, N)),
    "approver":   ((Y, Y, N, N),  (N, N, N, N)),
    "liaison":    ((Y, Y, N, N),  (N, N, N, N)),
    "member":     ((Y, Y, N, N),  (N, N, N, N)),  # through the area link to T1
    "department": ((N, N, N, N),  (N, N, N, N)),
    "expert":     ((N, N, N, N),  (N, N, N, N)),
    "evaluator":  ((N, N, N, N),  (N, N, N, N)),
    "resident":   ((N, N, N, N),  (N, N, N, N)),
    "stranger":   ((N, N, N, N),  (N, N, N, N)),
}

# County-wide pages, on (county A: where the role works, county B: elsewhere)
COUNTY_WIDE = {
    #              talent view  talent change  links view  links change
    "staff":      ((Y, N),      (Y, N),        (Y, N),     (Y, N)),
    "convenor":   ((Y, N),      (N, N),        (N, N),     (N, N)),  # draws on the pool for consultations
    "approver":   ((Y, N),      (N, N),        (N, N),     (N, N)),
    "liaison":    ((N, N),      (N, N),        (N, N),     (N, N)),
    "member":     ((N, N),      (N, N),        (N, N),     (N, N)),
    "department": ((N, N),      (N, N),        (N, N),     (N, N)),
    "expert":     ((N, N),      (N, N),        (N, N),     (N, N)),
    "evaluator":  ((N, N),      (N, N),        (N, N),     (N, N)),
    "resident":   ((N, N),      (N, N),        (N, N),     (N, N)),
    "stranger":   ((N, N),      (N, N),        (N, N),     (N, N)),
}
# fmt: on
COUNTY_PERMS = ("people.view_talent", "people.change_talent", "people.view_member_links", "people.change_member_links")
COUNTIES = ("a", "b")


def test_tables_cover_every_role():
    roles = {"staff" if r == Role.CPPCC_STAFF else r.value for r in Role} | {"stranger"}
    assert set(PLACES) == set(ASSIGNMENTS) == set(COUNTY_WIDE) == roles


@pytest.mark.parametrize("action", ["view", "change"])
@pytest.mark.parametrize("col", range(4), ids=COLUMNS)
@pytest.mark.parametrize("role", list(PLACES))
def test_assignment_rules(world, role, col, action):
    unit = getattr(world, PLACES[role][col])
    perm = f"people.{action}_assignments"
    allowed = ASSIGNMENTS[role][0 if action == "view" else 1][col]
    assert fresh(world.users[role]).has_perm(perm, unit) is allowed, (role, COLUMNS[col], perm)


@pytest.mark.parametrize("county", range(2), ids=["own county", "other county"])
@pytest.mark.parametrize("perm", range(4), ids=COUNTY_PERMS)
@pytest.mark.parametrize("role", list(PLACES))
def test_county_wide_rules(world, role, perm, county):
    unit = getattr(world, COUNTIES[county])
    allowed = COUNTY_WIDE[role][perm][county]
    assert fresh(world.users[role]).has_perm(COUNTY_PERMS[perm], unit) is allowed, (role, COUNTY_PERMS[perm])


@pytest.mark.parametrize("role", list(PLACES))
def test_assignment_pages_over_http(client, world, role):
    """List: 200 where the matrix says view; the assign form and its POST: 200/302 where it says change; else 403."""
    target = UserFactory(username="target", full_name="王五")
    assign(target, Role.RESIDENT, world.v2)
    target_b = UserFactory(username="target_b")
    assign(target_b, Role.RESIDENT, world.vb)
    people = {"target": target, "target_b": target_b}
    client.force_login(world.users[role])
    for col, place in enumerate(PLACES[role]):
        unit = getattr(world, place)
        view, change = ASSIGNMENTS[role][0][col], ASSIGNMENTS[role][1][col]
        where = (role, COLUMNS[col], place)
        assert client.get(reverse("people:unit_people", args=[unit.pk])).status_code == (200 if view else 403), where
        assert client.get(reverse("people:assign", args=[unit.pk])).status_code == (200 if change else 403), where
        assert client.get(reverse("people:person_add", args=[unit.pk])).status_code == (200 if change else 403), where
        before = RoleAssignment.objects.count()
        # A separate month per column, so that the same unit in two columns (staff: own = county) does not overlap.
        response = client.post(
            reverse("people:assign", args=[unit.pk]),
            {
                "person": people["target_b" if place == "b" else "target"].pk,
                "role": Role.LIAISON,
                "assumed_at": f"2021-0{col + 1}-01",
                "renounced_at": f"2021-0{col + 1}-20",
            },
        )
        assert response.status_code == (302 if change else 403), where
        assert RoleAssignment.objects.count() == before + (1 if change else 0), where


@pytest.mark.parametrize("role", list(PLACES))
def test_assignment_end_over_http(client, world, role):
    """Ending an assignment needs change permission on its unit."""
    client.force_login(world.users[role])
    for col, place in enumerate(PLACES[role]):
        unit = getattr(world, place)
        assignment = assign(UserFactory(), Role.RESIDENT, unit)
        response = client.post(reverse("people:assignment_end", args=[assignment.pk]), {"renounced_at": "2024-06-30"})
        change = ASSIGNMENTS[role][1][col]
        assert response.status_code == (302 if change else 403), (role, COLUMNS[col])
        assignment.refresh_from_db()
        assert assignment.renounced_at == (date(2024, 6, 30) if change else None)


# Ending an appointment needs what appointing to that role needs (issue 12, class 1): the county's staff end any
# role; a convenor only those a convenor may appoint, in their subtree. (appointed role → (staff, convenor) at V1.)
# fmt: off
ENDING = {
    Role.CPPCC_STAFF: (Y, N),
    Role.APPROVER:    (Y, N),
    Role.DEPARTMENT:  (Y, N),
    Role.EVALUATOR:   (Y, N),
    Role.CONVENOR:    (Y, Y),
    Role.MEMBER:      (Y, Y),
    Role.LIAISON:     (Y, Y),
    Role.EXPERT:      (Y, Y),
    Role.RESIDENT:    (Y, Y),
}
# fmt: on


@pytest.mark.parametrize("who", ["staff", "convenor", "second_convenor"])
@pytest.mark.parametrize("role", list(ENDING))
def test_only_who_may_appoint_a_role_may_end_it(client, world, who, role):
    """A village's second convenor and the town's convenor may not dismiss the village's party approver (nor staff,
    department or evaluator appointments): refused with 403 before the form is read, as appointing is."""
    if who == "second_convenor":
        actor = UserFactory(username="second")
        assign(actor, Role.CONVENOR, world.v1, position="second")
    else:
        actor = world.users[who]
    unit = world.a if role == Role.CPPCC_STAFF else world.v1
    extra = {"department": world.department} if role == Role.DEPARTMENT else {}
    assignment = assign(UserFactory(), role, unit, **extra)
    may = ENDING[role][0 if who == "staff" else 1]
    if role == Role.CPPCC_STAFF and who != "staff":
        may = False  # the county is above every convenor here
    assert fresh(actor).has_perm("people.end_assignment", assignment) == may
    client.force_login(actor)
    url = reverse("people:assignment_end", args=[assignment.pk])
    assert client.get(url).status_code == (200 if may else 403)
    assert client.post(url, {"renounced_at": "x"}).status_code == (400 if may else 403), "refused before reading"
    if who != "staff" and unit == world.v1:
        page = client.get(reverse("people:unit_people", args=[unit.pk])).content.decode()
        assert (url in page) == may, "the page offers 终止 only where it is allowed"
    response = client.post(url, {"renounced_at": "2024-06-30"})
    assert response.status_code == (302 if may else 403)
    assignment.refresh_from_db()
    assert assignment.renounced_at == (date(2024, 6, 30) if may else None)


@pytest.mark.parametrize("role", list(PLACES))
def test_talent_pages_over_http(client, world, role):
    client.force_login(world.users[role])
    for i, place in enumerate(COUNTIES):
        county = getattr(world, place)
        view, change = COUNTY_WIDE[role][0][i], COUNTY_WIDE[role][1][i]
        talent = Talent.objects.create(county=county, name="李教授", kind="expert")
        assert client.get(reverse("people:talent_list", args=[county.pk])).status_code == (200 if view else 403)
        assert client.get(reverse("people:talent_add", args=[county.pk])).status_code == (200 if change else 403)
        assert client.get(reverse("people:talent_edit", args=[talent.pk])).status_code == (200 if change else 403)
        before = Talent.objects.count()
        response = client.post(
            reverse("people:talent_add", args=[county.pk]), {"name": "赵律师", "kind": "lawyer", "is_active": "on"}
        )
        assert response.status_code == (302 if change else 403), (role, place)
        assert Talent.objects.count() == before + (1 if change else 0)


@pytest.mark.parametrize("role", list(PLACES))
def test_member_link_pages_over_http(client, world, role):
    link = MemberLink.objects.get(member=world.users["member"])
    client.force_login(world.users[role])
    for i, place in enumerate(COUNTIES):
        county = getattr(world, place)
        view, change = COUNTY_WIDE[role][2][i], COUNTY_WIDE[role][3][i]
        assert client.get(reverse("people:member_links", args=[county.pk])).status_code == (200 if view else 403)
        assert client.get(reverse("people:member_link_add", args=[county.pk])).status_code == (200 if change else 403)
        before = MemberLink.objects.count()
        village = world.v2 if place == "a" else world.vb
        response = client.post(
            reverse("people:member_link_add", args=[county.pk]),
            {"member": world.users["member"].pk, "kind": "one_to_one", "unit": village.pk, "started_on": "2024-01-01"},
        )
        assert response.status_code == (302 if change else 403), (role, place)
        assert MemberLink.objects.count() == before + (1 if change else 0)
    # Ending the member's link to T1 (county A).
    response = client.post(reverse("people:member_link_end", args=[link.pk]), {"ended_on": "2024-12-31"})
    assert response.status_code == (302 if COUNTY_WIDE[role][3][0] else 403)


def test_anonymous_goes_to_login_and_changes_nothing(client, world):
    assignment = RoleAssignment.objects.get(user=world.users["liaison"])
    talent = Talent.objects.create(county=world.a, name="李教授", kind="expert")
    link = MemberLink.objects.get(member=world.users["member"])
    gets = [
        reverse("people:unit_people", args=[world.t1.pk]),
        reverse("people:person_add", args=[world.t1.pk]),
        reverse("people:assign", args=[world.t1.pk]),
        reverse("people:member_links", args=[world.a.pk]),
        reverse("people:talent_list", args=[world.a.pk]),
        reverse("people:talent_edit", args=[talent.pk]),
    ]
    posts = {
        reverse("people:person_add", args=[world.t1.pk]): {
            "full_name": "张三",
            "username": "zhangsan",
            "role": "resident",
            "assumed_at": "2024-01-01",
        },
        reverse("people:assign", args=[world.t1.pk]): {
            "person": world.users["resident"].pk,
            "role": "liaison",
            "assumed_at": "2024-01-01",
        },
        reverse("people:assignment_end", args=[assignment.pk]): {"renounced_at": "2024-01-01"},
        reverse("people:member_link_add", args=[world.a.pk]): {
            "member": world.users["member"].pk,
            "kind": "one_to_one",
            "unit": world.v2.pk,
            "started_on": "2024-01-01",
        },
        reverse("people:member_link_end", args=[link.pk]): {"ended_on": "2024-01-01"},
        reverse("people:talent_add", args=[world.a.pk]): {"name": "赵律师", "kind": "lawyer"},
        reverse("people:talent_edit", args=[talent.pk]): {"name": "改名", "kind": "lawyer"},
    }
    counts = (RoleAssignment.objects.count(), MemberLink.objects.count(), Talent.objects.count())
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    assert (RoleAssignment.objects.count(), MemberLink.objects.count(), Talent.objects.count()) == counts
    assignment.refresh_from_db()
    link.refresh_from_db()
    talent.refresh_from_db()
    assert (assignment.renounced_at, link.ended_on, talent.name) == (None, None, "李教授")


def test_ended_role_loses_change_permission(world):
    convenor = world.users["convenor"]
    RoleAssignment.objects.filter(user=convenor).update(renounced_at=date(2021, 1, 1))
    convenor = fresh(convenor)
    assert not convenor.has_perm("people.change_assignments", world.t1)
    assert not convenor.has_perm("people.view_talent", world.a)


def test_superuser_may_do_everything(world):
    admin = UserFactory(username="root", is_superuser=True)
    for perm in ("people.view_assignments", "people.change_assignments", *COUNTY_PERMS):
        assert admin.has_perm(perm, world.b)

"""Permission matrix for public-opinion reports: role × where the report is about (own unit / unit below / sibling
unit / county) × action, through the rules and over HTTP. Reports are written by another member (周委员) and, for
the body's column, handed to the department of their county."""

import pytest
from django.urls import reverse

from shangliang.opinions.models import ReportStatus
from tests.conftest import fresh
from tests.factories import DepartmentFactory, UserFactory, assign
from tests.opinions.conftest import drive

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
ALL, NONE, SUBTREE = (Y, Y, N, Y), (N, N, N, N), (Y, Y, N, N)
COUNTY_A = (Y, Y, Y, Y)  # a county-wide role: every column of the member's/liaison's places lies in county A
#             view (handed)  process       handle        write about the unit   figures of the unit
MATRIX = {
    "staff": (ALL, ALL, NONE, NONE, ALL),
    "convenor": (SUBTREE, NONE, NONE, NONE, SUBTREE),
    "approver": (NONE, NONE, NONE, NONE, SUBTREE),
    "liaison": (NONE, NONE, NONE, SUBTREE, NONE),  # an informant writes about their own subtree
    "member": (NONE, NONE, NONE, COUNTY_A, NONE),  # a county committee member writes about the whole county
    "department": (ALL, NONE, ALL, NONE, NONE),  # only what was handed to their body, i.e. county A's
    "expert": (NONE, NONE, NONE, NONE, NONE),
    "evaluator": (NONE, NONE, NONE, NONE, NONE),
    "resident": (NONE, NONE, NONE, NONE, NONE),
    "stranger": (NONE, NONE, NONE, NONE, NONE),
}
ACTIONS = ("view", "process", "handle", "write", "figures")


@pytest.fixture
def reports(op):
    """A handed report about each unit of the world, by 周委员 (county A) or 吴委员 (county B)."""
    w = op.world
    writer_b = UserFactory(username="writer_b", full_name="吴委员")
    assign(writer_b, "member", w.b)
    staff_b = UserFactory(username="staff_b")
    assign(staff_b, "cppcc_staff", w.b)
    dept_b = DepartmentFactory(county=w.b, name="乙县住建局")
    result = {}
    for place in ("a", "t1", "t2", "v1", "v2", "b"):
        unit = getattr(w, place)
        if place == "b":
            from shangliang.opinions import services

            r = services.report_create(actor=fresh(writer_b), unit=unit, title="乙县信息", body="正文")
            services.report_submit(actor=fresh(writer_b), report=r)
            services.report_adopt(actor=fresh(staff_b), report=r, level="county")
            r.refresh_from_db()
            services.report_hand(actor=fresh(staff_b), report=r, department=dept_b)
        else:
            r = drive(op, ReportStatus.HANDED, unit=unit)
        result[place] = r
    return result


@pytest.mark.parametrize("role", list(PLACES))
def test_permission_matrix(op, reports, role):
    user = fresh(op.world.users[role])
    for col, place in enumerate(PLACES[role]):
        report, unit = reports[place], getattr(op.world, place)
        perms = {
            "view": user.has_perm("opinions.view_report", report),
            "process": user.has_perm("opinions.process_report", report),
            "handle": user.has_perm("opinions.handle_report", report),
            "write": user.has_perm("opinions.write_report", unit),
            "figures": user.has_perm("opinions.view_figures", unit),
        }
        for i, action in enumerate(ACTIONS):
            assert perms[action] is MATRIX[role][i][col], (role, action, COLUMNS[col])


def test_authors_and_contributors_see_their_own_and_nobody_else_sees_a_draft(op):
    w = op.world
    draft = drive(op, ReportStatus.DRAFT, unit=w.v1)
    writer = fresh(op.writer)
    assert writer.has_perm("opinions.view_report", draft) and writer.has_perm("opinions.author_report", draft)
    for role in ("staff", "convenor", "department", "member"):
        assert not fresh(w.users[role]).has_perm("opinions.view_report", draft), role
    # The body sees a report only from the moment it is handed to it.
    adopted = drive(op, ReportStatus.ADOPTED)
    assert not fresh(w.users["department"]).has_perm("opinions.view_report", adopted)
    # An informant's report merged into another: the informant sees the one it went into.
    from shangliang.opinions import services

    theirs = drive(op, ReportStatus.SUBMITTED, author=op.informant)
    target = drive(op, ReportStatus.SUBMITTED)
    services.report_merge(actor=fresh(w.users["staff"]), target=target, sources=[theirs])
    assert fresh(op.informant).has_perm("opinions.view_report", target)
    assert not fresh(op.informant).has_perm("opinions.author_report", target)


@pytest.mark.parametrize("role", list(PLACES))
def test_report_pages_over_http(client, op, reports, role):
    client.force_login(op.world.users[role])
    for col, place in enumerate(PLACES[role]):
        report = reports[place]
        view, process = MATRIX[role][0][col], MATRIX[role][1][col]
        assert client.get(reverse("opinions:detail", args=[report.pk])).status_code == (200 if view else 403)
        unit = getattr(op.world, place)
        figures = MATRIX[role][4][col]
        assert client.get(reverse("opinions:figures", args=[unit.pk])).status_code == (200 if figures else 403)
        response = client.post(reverse("opinions:adopt", args=[report.pk]), {"level": "city"})
        assert response.status_code == (302 if process else 403), (role, place)
        assert report.adoptions.filter(level="city").exists() is process


def test_the_list_shows_what_the_rules_allow(client, op, reports):
    w = op.world
    expected = {
        "staff": {"a", "t1", "t2", "v1", "v2"},
        "convenor": {"t1", "v1", "v2"},
        "department": {"a", "t1", "t2", "v1", "v2"},
        "member": set(),
        "stranger": set(),
    }
    ids = {r.pk: place for place, r in reports.items()}
    from shangliang.opinions.selectors import reports_visible_to

    for role, places in expected.items():
        seen = {ids[pk] for pk in reports_visible_to(fresh(w.users[role])).values_list("pk", flat=True) if pk in ids}
        assert seen == places, role
    assert set(reports_visible_to(fresh(op.writer)).values_list("pk", flat=True)) >= {
        reports[p].pk for p in ("a", "t1", "t2", "v1", "v2")
    }


def test_anonymous_goes_to_login(client, op, reports):
    for url in (
        reverse("opinions:index"),
        reverse("opinions:detail", args=[reports["v1"].pk]),
        reverse("opinions:new"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

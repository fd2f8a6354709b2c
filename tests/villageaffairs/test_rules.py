"""Permission matrix for village affairs: role × {own unit, unit below, sibling unit, county} × action, checked through
the rules and then over HTTP on the pages that enforce them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from shangliang.villageaffairs import services
from shangliang.villageaffairs.models import Disclosure, MonthlyMeeting
from tests.conftest import fresh
from tests.villageaffairs.conftest import disclosure_data

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
ACTIONS = {
    "view": "villageaffairs.view_village",  # drafts, meetings, agendas, figures
    "manage": "villageaffairs.manage_village",  # record/publish/correct disclosures, compose and record meetings
    "cases": "villageaffairs.view_cases",  # disputes and petitions (they name people)
    "record": "villageaffairs.record_cases",
    "contact": "villageaffairs.view_contact",  # residents' mobile numbers unmasked
}

Y, N = True, False
ALL, NONE = (Y, Y, N, Y), (N, N, N, N)
SUBTREE = (Y, Y, N, N)
#            view     manage   cases    record   contact
MATRIX = {
    "staff": (ALL, ALL, ALL, ALL, ALL),
    "convenor": (SUBTREE, SUBTREE, SUBTREE, SUBTREE, SUBTREE),
    "approver": (SUBTREE, NONE, SUBTREE, NONE, NONE),
    "liaison": (SUBTREE, NONE, NONE, NONE, NONE),
    "member": (SUBTREE, NONE, NONE, NONE, NONE),  # through the area link to 一镇
    "department": (NONE, NONE, NONE, NONE, NONE),
    "expert": (NONE, NONE, NONE, NONE, NONE),
    "evaluator": (NONE, NONE, NONE, NONE, NONE),
    "resident": (NONE, NONE, NONE, NONE, NONE),
    "stranger": (NONE, NONE, NONE, NONE, NONE),
}


def expected(role, action, col):
    return MATRIX[role][list(ACTIONS).index(action)][col]


@pytest.mark.parametrize("role", list(PLACES))
def test_permission_matrix(world, role):
    user = fresh(world.users[role])
    for action, perm in ACTIONS.items():
        for col, place in enumerate(PLACES[role]):
            unit = getattr(world, place)
            assert user.has_perm(perm, unit) is expected(role, action, col), (role, action, COLUMNS[col])


def test_power_list_of_a_county_is_for_its_staff_and_a_villages_for_its_managers(world):
    staff, convenor = fresh(world.users["staff"]), fresh(world.users["convenor"])
    assert staff.has_perm("villageaffairs.change_power_list", world.a)
    assert not staff.has_perm("villageaffairs.change_power_list", world.b)
    assert not convenor.has_perm("villageaffairs.change_power_list", world.a)
    assert convenor.has_perm("villageaffairs.change_power_list", world.v1)
    assert not convenor.has_perm("villageaffairs.change_power_list", world.v3)
    assert staff.has_perm("villageaffairs.configure_norm", world.a)
    assert not convenor.has_perm("villageaffairs.configure_norm", world.a)


def test_the_public_sees_published_disclosures_only(va):
    anonymous = AnonymousUser()
    stranger = fresh(va.world.users["stranger"])
    for user in (anonymous, stranger):
        assert user.has_perm("villageaffairs.view_disclosure", va.published)
        assert not user.has_perm("villageaffairs.view_disclosure", va.draft)
    assert fresh(va.world.users["convenor"]).has_perm("villageaffairs.view_disclosure", va.draft)


# --- over HTTP: three villages seen from each role: 一村 (under 一镇), 三村 (under 二镇), 乙村 (county B) -------------

VILLAGES = ("v1", "v3", "vb")
HTTP = {
    # role: {action: (v1, v3, vb)}
    "staff": {"view": (Y, Y, N), "manage": (Y, Y, N), "cases": (Y, Y, N)},
    "convenor": {"view": (Y, N, N), "manage": (Y, N, N), "cases": (Y, N, N)},
    "approver": {"view": (Y, N, N), "manage": (N, N, N), "cases": (Y, N, N)},
    "liaison": {"view": (Y, N, N), "manage": (N, N, N), "cases": (N, N, N)},
    "member": {"view": (Y, N, N), "manage": (N, N, N), "cases": (N, N, N)},
    "resident": {"view": (N, N, N), "manage": (N, N, N), "cases": (N, N, N)},
    "stranger": {"view": (N, N, N), "manage": (N, N, N), "cases": (N, N, N)},
}


@pytest.fixture
def drafts(va, django_user_model):
    """A draft disclosure and a planned meeting in each of the three villages."""
    from tests.factories import UserFactory, assign
    from tests.villageaffairs.conftest import make_power_items

    w = va.world
    items_b = make_power_items(w.b)
    staff_b = UserFactory(username="staff_b")
    assign(staff_b, "cppcc_staff", w.b)
    result = {"v1": va.draft}
    for place, actor, items in (("v3", w.users["staff"], va.items), ("vb", staff_b, items_b)):
        unit = getattr(w, place)
        result[place] = services.disclosure_create(
            actor=actor, unit=unit, **disclosure_data(next(iter(items.values())))
        )
    for place in VILLAGES:
        MonthlyMeeting.objects.create(unit=getattr(w, place), month=result["v1"].period_start.replace(day=1))
    return result


@pytest.mark.parametrize("role", list(HTTP))
def test_pages_over_http(client, va, drafts, role):
    client.force_login(va.world.users[role])
    for i, place in enumerate(VILLAGES):
        unit = getattr(va.world, place)
        draft = drafts[place]
        meeting = MonthlyMeeting.objects.get(unit=unit)
        view, manage, cases = (HTTP[role][a][i] for a in ("view", "manage", "cases"))
        pages = [
            (reverse("villageaffairs:overview", args=[unit.pk]), view),
            (reverse("villageaffairs:disclosures", args=[unit.pk]), view),
            (reverse("villageaffairs:disclosure", args=[draft.pk]), view),
            (reverse("villageaffairs:meeting", args=[meeting.pk]), view),
            (reverse("villageaffairs:disclosure_new", args=[unit.pk]), manage),
            (reverse("villageaffairs:disclosure_edit", args=[draft.pk]), manage),
            (reverse("villageaffairs:meeting_hold", args=[meeting.pk]), manage),
            (reverse("villageaffairs:disputes", args=[unit.pk]), cases),
            (reverse("villageaffairs:petitions", args=[unit.pk]), cases),
        ]
        for url, allowed in pages:
            assert client.get(url).status_code == (200 if allowed else 403), (role, place, url)
        response = client.post(reverse("villageaffairs:disclosure_publish", args=[draft.pk]))
        assert response.status_code == (302 if manage else 403), (role, place)
        draft.refresh_from_db()
        assert (draft.status == "published") is manage, (role, place)


def test_anonymous_is_sent_to_login_inside_the_app_but_reads_public_pages(client, va):
    w = va.world
    for url in (
        reverse("villageaffairs:overview", args=[w.v1.pk]),
        reverse("villageaffairs:disclosure", args=[va.published.pk]),
        reverse("villageaffairs:disputes", args=[w.v1.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    assert client.get(reverse("villageaffairs:public_disclosure", args=[va.published.pk])).status_code == 200
    assert client.get(reverse("villageaffairs:public_village", args=[w.v1.pk])).status_code == 200
    # A draft is not public: not found, not "forbidden" (its existence is not disclosed either).
    assert client.get(reverse("villageaffairs:public_disclosure", args=[va.draft.pk])).status_code == 404
    assert Disclosure.objects.filter(pk=va.draft.pk, status="draft").exists()

"""Who sees which figures: role × own unit / unit below / sibling unit / other county × action (the `world` fixture:
staff at county A; convenor, approver and liaison at town T1; a member of A linked to T1; others without reach)."""

import pytest
from django.urls import reverse

from tests.conftest import fresh
from tests.dashboards.conftest import local, participant, topic
from tests.factories import UserFactory

# unit keys of `world`: a (county), t1 (own town of the convenor), v1 (below t1), t2 (sibling town), b (other county)
VIEW = {
    "staff": {"a", "t1", "v1", "t2"},
    "convenor": {"t1", "v1"},
    "approver": {"t1", "v1"},
    "liaison": {"t1", "v1"},
    "member": {"t1", "v1"},
    "department": set(),
    "expert": set(),
    "evaluator": set(),
    "resident": set(),
    "stranger": set(),
}
UNITS = ["a", "t1", "v1", "t2", "b"]


@pytest.mark.parametrize("role", list(VIEW))
def test_view_dashboard_matrix(world, role):
    user = fresh(world.users[role])
    for key in UNITS:
        unit = getattr(world, key)
        assert user.has_perm("dashboards.view_dashboard", unit) == (key in VIEW[role]), (role, key)
        # The same answer as the unit page itself.
        assert user.has_perm("dashboards.view_dashboard", unit) == user.has_perm("units.view_unit", unit)


@pytest.mark.parametrize("role", list(VIEW))
def test_assessment_and_configuration_are_the_county_offices(world, role):
    user = fresh(world.users[role])
    for perm in ("dashboards.view_assessment", "dashboards.configure"):
        assert user.has_perm(perm, world.a) == (role == "staff"), (role, perm)
        assert not user.has_perm(perm, world.b)


def test_convenor_sees_their_subtree_only_over_http(client, world):
    client.force_login(world.users["convenor"])
    assert client.get(reverse("dashboards:unit", args=[world.t1.pk])).status_code == 200
    assert client.get(reverse("dashboards:unit", args=[world.v1.pk])).status_code == 200
    for unit in (world.a, world.t2, world.b):
        assert client.get(reverse("dashboards:unit", args=[unit.pk])).status_code == 403
        assert client.get(reverse("dashboards:export", args=[unit.pk])).status_code == 403
        assert client.get(reverse("dashboards:summary", args=[unit.pk])).status_code == 403
        assert client.get(reverse("dashboards:norms", args=[unit.pk])).status_code == 403
    for name in ("members", "units", "scoring"):
        assert client.get(reverse(f"dashboards:{name}", args=[world.a.pk])).status_code == 403
    # The index leads a convenor to their own unit.
    assert client.get(reverse("dashboards:index"))["Location"] == reverse("dashboards:unit", args=[world.t1.pk])


def test_staff_reach_their_county_and_not_another(client, world):
    client.force_login(world.users["staff"])
    assert client.get(reverse("dashboards:members", args=[world.a.pk])).status_code == 200
    assert client.get(reverse("dashboards:units", args=[world.a.pk])).status_code == 200
    assert client.get(reverse("dashboards:members", args=[world.b.pk])).status_code == 403
    assert client.get(reverse("dashboards:unit", args=[world.b.pk])).status_code == 403


def test_residents_and_strangers_get_no_inside_figures(client, world):
    for role in ("resident", "stranger", "department"):
        client.force_login(world.users[role])
        assert client.get(reverse("dashboards:unit", args=[world.v1.pk])).status_code == 403
    client.logout()
    r = client.get(reverse("dashboards:unit", args=[world.v1.pk]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_public_figures_are_aggregates_only(client, world):
    topic(world.v1, local(2026, 1, 5, 9), title="张三家门口排水沟堵塞", submitted_by_name="张三", mobile="13800001111")
    from shangliang.consultations.models import Consultation, ConsultationForm, ParticipantKind

    c = Consultation.objects.create(
        unit=world.v1,
        title="李四宅基地协商",
        form=ConsultationForm.MEETING,
        status="in_session",
        held_at=local(2026, 1, 9),
    )
    participant(c, ParticipantKind.MEMBER, user=UserFactory(full_name="王五委员"), signed_in=True)
    for url in (
        reverse("dashboards:public", args=[world.a.pk]) + "?period=2026",
        reverse("dashboards:public", args=[world.v1.pk]) + "?period=2026",
    ):
        html = client.get(url).content.decode()
        assert "开展协商活动" in html
        for private in ("张三", "13800001111", "李四", "王五", "未达协商频次", "履职"):
            assert private not in html, private

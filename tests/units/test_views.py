"""Unit pages over HTTP: forged ids, failed forms change nothing, admin pages render without N+1."""

import pytest
from django.urls import reverse

from shangliang.units.models import Room, Subsidy, Unit


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.users["staff"])
    return client


def test_forged_unit_id_is_not_found(staff_client):
    assert staff_client.get(reverse("units:detail", args=[999999])).status_code == 404
    assert staff_client.get(reverse("units:room", args=[999999])).status_code == 404


def test_forged_parent_in_move_form_changes_nothing(staff_client, world):
    paths = dict(Unit.objects.values_list("pk", "path"))
    response = staff_client.post(reverse("units:move", args=[world.v1.pk]), {"new_parent": "999999"})
    assert response.status_code == 400
    assert dict(Unit.objects.values_list("pk", "path")) == paths


def test_move_under_descendant_over_http_shows_message(staff_client, world):
    paths = dict(Unit.objects.values_list("pk", "path"))
    response = staff_client.post(reverse("units:move", args=[world.t1.pk]), {"new_parent": str(world.v1.pk)})
    # V1 is not even offered as a parent of a town; a forged post gets a clear message and nothing moves.
    assert response.status_code == 400
    assert dict(Unit.objects.values_list("pk", "path")) == paths


def test_empty_unit_name_over_http(staff_client, world):
    response = staff_client.post(reverse("units:edit", args=[world.t1.pk]), {"name": "  "})
    assert response.status_code == 400
    assert "请填写单元名称" in response.content.decode() or "这个字段是必填项" in response.content.decode()
    world.t1.refresh_from_db()
    assert world.t1.name == "一镇"


def test_negative_subsidy_over_http(staff_client, world):
    room = world.rooms["一村"]
    response = staff_client.post(
        reverse("units:subsidy_add", args=[room.pk]),
        {"amount": "-100", "year": "2024", "purpose": "建设"},
        HTTP_REFERER=reverse("units:room", args=[room.pk]),
        follow=True,
    )
    assert "补贴金额必须大于零" in response.content.decode()
    assert not Subsidy.objects.exists()


def test_assessment_form_with_non_image_photo(staff_client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    room = world.rooms["一村"]
    data = {"assessed_on": "2024-05-01", "note": ""}
    for item in world.standard_a.items.all():
        data[f"passed_{item.pk}"] = "1"
    first = world.standard_a.items.first()
    data[f"photo_{first.pk}"] = SimpleUploadedFile("evil.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = staff_client.post(reverse("units:room_assess", args=[room.pk]), data)
    assert response.status_code == 400
    assert "不是有效的图片" in response.content.decode()
    assert not room.assessments.exists()


def test_admin_pages_render(system_admin_client, world):
    client = system_admin_client
    for model in ("unit", "room", "assessment", "subsidy", "standard"):
        assert client.get(reverse(f"admin:units_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:units_room_change", args=[Room.objects.first().pk])).status_code == 200
    assert client.get(reverse("admin:core_event_changelist")).status_code == 200


@pytest.mark.parametrize(
    ("role", "money"), [("staff", True), ("convenor", True), ("liaison", False), ("member", False)]
)
def test_the_rooms_activity_log_shows_subsidies_only_to_who_sees_money(client, world, role, money):
    """A liaison (or a linked member) opens a room's page: no subsidy amount or purpose, not in the log either."""
    from shangliang.units import services
    from tests.conftest import fresh

    room = world.rooms["一村"]
    services.subsidy_record(
        actor=fresh(world.users["staff"]), room=room, amount="20000", year=2024, purpose="添置议事桌椅"
    )
    client.force_login(world.users[role])
    response = client.get(reverse("units:room", args=[room.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert ("添置议事桌椅" in page) == money
    assert ("20,000" in page or "20000" in page) == money

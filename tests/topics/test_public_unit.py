"""Public pages that show what is public (issue 14): a unit's page lists its open topics from every source the county
makes public (a liaison's entry from grid work included), the room's list includes the unit's topics that came in
without a room, the county's office chooses the sources, and a site-wide search finds a unit by name."""

import pytest
from django.urls import reverse

from shangliang.topics import services
from shangliang.topics.models import TopicSource
from shangliang.units.models import UnitKind
from tests.factories import make_unit


def page(client, name, *args, **params) -> str:
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def topics(world):
    room = world.rooms["一村"]
    resident = services.topic_submit(
        actor=services.TrackingCodeHolder(""),
        room=room,
        title="村口路灯不亮",
        description="晚上看不见路。",
        anonymous=True,
        name="",
        mobile="",
        photos=[],
    )
    grid = services.topic_enter(
        actor=world.users["liaison"],
        unit=world.v1,
        source=TopicSource.GRID,
        title="河道垃圾堆积",
        name="王大爷",
        description="网格巡查发现。",
    )
    member = services.topic_enter(
        actor=world.users["member"],
        unit=world.v1,
        source=TopicSource.MEMBER,
        title="建设村史馆",
        description="委员建议。",
    )
    assert grid.room_id is None
    return {"resident": resident, "grid": grid, "member": member}


def test_unit_page_and_room_list_show_every_source(client, world, topics):
    unit_page = page(client, "public:unit", world.v1.pk)
    room_list = page(client, "topics:room", world.rooms["一村"].pk)
    full_list = page(client, "topics:unit_public", world.v1.pk)
    for text in (unit_page, room_list, full_list):
        assert "村口路灯不亮" in text and "河道垃圾堆积" in text and "建设村史馆" in text
    assert "河道垃圾堆积" not in page(client, "public:unit", world.v2.pk)  # another village's page


def test_the_county_chooses_the_sources_it_makes_public(client, world, topics):
    client.force_login(world.users["staff"])
    url = reverse("topics:publicity", args=[world.a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"shown": ["resident", "member", "assigned"]})
    assert response.status_code == 302
    client.logout()
    for name, pk in (("public:unit", world.v1.pk), ("topics:room", world.rooms["一村"].pk)):
        text = page(client, name, pk)
        assert "村口路灯不亮" in text and "河道垃圾堆积" not in text
    grid = topics["grid"]
    assert client.get(reverse("topics:public_topic", args=[grid.pk])).status_code == 404
    assert client.post(reverse("topics:support", args=[grid.pk])).status_code == 404
    # Another county's pages are not affected.
    other = services.topic_enter(
        actor=world.users["staff"],
        unit=world.v1,
        source=TopicSource.ASSIGNED,
        title="点题",
        description="说明。",
        name="镇党委",
    )
    assert "点题" in page(client, "public:unit", world.v1.pk) and other.is_public


@pytest.mark.parametrize(("user", "status"), [("convenor", 403), ("member", 403), ("resident", 403), ("staff", 200)])
def test_only_the_county_office_sets_the_sources(client, world, user, status):
    client.force_login(world.users[user])
    assert client.get(reverse("topics:publicity", args=[world.a.pk])).status_code == status
    assert client.get(reverse("topics:publicity", args=[world.b.pk])).status_code == 403  # not their county
    assert client.get(reverse("topics:publicity", args=[world.t1.pk])).status_code == 404  # a town is not a county


def test_site_wide_search_finds_a_unit_by_name_paginated(client, world):
    for i in range(30):
        make_unit(f"新华{i:02d}村", UnitKind.VILLAGE, world.t2)
    text = page(client, "public:index", q="一村")
    assert reverse("public:unit", args=[world.v1.pk]) in text and "甲县" in text
    first = page(client, "public:index", q="新华")
    assert "找到 30 个单元" in first and "新华00村" in first and "新华29村" not in first
    second = page(client, "public:index", q="新华", page=2)
    assert "新华29村" in second and "新华00村" not in second
    assert "没有找到" in page(client, "public:index", q="不存在的村")
    assert "<script>" not in page(client, "public:index", q="<script>alert(1)</script>")

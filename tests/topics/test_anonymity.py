"""Anonymity and bearer codes on the staff pages of a topic (issue 12, classes 3 and 4).

A resident with an account who raises a topic anonymously is named nowhere inside: not as who entered it (录入), not
as the actor of their steps on the timeline, to any role that opens the topic. The tracking code lets whoever holds it
act as the resident on the public pages: no staff page prints it.
"""

import pytest
from django.urls import reverse

from shangliang.topics import services
from shangliang.topics.services import screening
from tests.conftest import fresh
from tests.topics.conftest import key

VIEWERS = ["staff", "convenor", "approver", "liaison", "member"]


@pytest.fixture
def anonymous_topic(world):
    resident = world.users["resident"]
    resident.full_name = "赵秀兰"
    resident.save(update_fields=["full_name"])
    topic = services.topic_submit(
        actor=fresh(resident),
        room=world.rooms["一村"],
        title="村口路灯坏了三个月",
        description="晚上出行不便，老人摔倒过。",
        anonymous=True,
        idempotency_key=key(),
    )
    screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="return", note="请补充位置")
    topic.refresh_from_db()
    services.topic_resubmit(
        topic=topic, actor=fresh(resident), title=topic.title, description="村口东侧三盏路灯。", photos=[]
    )
    topic.refresh_from_db()
    return topic


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_anonymous_resident_is_named_to_no_one_inside(client, world, anonymous_topic, viewer):
    client.force_login(world.users[viewer])
    response = client.get(reverse("topics:detail", args=[anonymous_topic.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "村口东侧三盏路灯" in page and "匿名" in page
    assert "赵秀兰" not in page and world.users["resident"].username not in page
    assert anonymous_topic.entered_by is None


def test_the_steps_of_others_keep_their_names(client, world, anonymous_topic):
    convenor = world.users["convenor"]
    convenor.full_name = "钱召集"
    convenor.save(update_fields=["full_name"])
    client.force_login(world.users["staff"])
    assert "钱召集" in client.get(reverse("topics:detail", args=[anonymous_topic.pk])).content.decode()


def test_a_named_topic_still_shows_who_entered_it(client, world):
    liaison = world.users["liaison"]
    liaison.full_name = "孙网格"
    liaison.save(update_fields=["full_name"])
    topic = services.topic_enter(
        actor=fresh(liaison), unit=world.v1, title="垃圾清运不及时", description="每周只来一次。", source="grid",
        anonymous=True,
    )  # fmt: skip
    assert topic.entered_by == liaison  # a grid worker entering an anonymous concern is not the raiser
    client.force_login(world.users["convenor"])
    assert "孙网格" in client.get(reverse("topics:detail", args=[topic.pk])).content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_staff_page_prints_the_tracking_code(client, world, anonymous_topic, viewer):
    client.force_login(world.users[viewer])
    for url in (reverse("topics:detail", args=[anonymous_topic.pk]), reverse("topics:list")):
        page = client.get(url).content.decode()
        assert anonymous_topic.tracking_code not in page, url

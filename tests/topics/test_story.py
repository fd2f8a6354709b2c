"""A resident's whole story on the tracking page: submitted, screened, approved, the consultation (date, form,
outcome), its suggestions, each task with its owner, deadline and progress, the rating link, residents' ratings and
the follow-up check; public fields only, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shangliang.accountability import services as acc
from shangliang.accountability.models import FollowUpCheck
from shangliang.consultations.models import ConsultationStatus as C
from shangliang.topics import services
from shangliang.topics.story import story_of
from tests.accountability.conftest import assign as assign_task
from tests.accountability.conftest import walk
from tests.conftest import fresh
from tests.consultations.conftest import approved_topic, make, people  # noqa: F401 (the `people` fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def stages(topic) -> list[tuple[str, bool]]:
    return [(str(s.label), s.reached) for s in story_of(topic).stages]


def reached(topic) -> list[str]:
    return [label for label, done in stages(topic) if done]


def page(client, topic) -> str:
    response = client.get(reverse("topics:track", args=[topic.tracking_code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_tracking_page_follows_the_matter_to_the_end(client, world, people):  # noqa: F811
    resident = world.users["resident"]
    topic = services.topic_submit(
        actor=fresh(resident),
        room=world.rooms["一镇"],
        title="小区停车难",
        description="晚上车位不够。",
        anonymous=False,
        name="刘阿姨",
        mobile="13912345678",
        contact_consent=True,
    )
    labels = [label for label, _done in stages(topic)]
    assert labels == ["提交", "筛选", "审定", "协商", "落实", "评价", "回访"]
    assert reached(topic) == ["提交"]

    services.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="accept", category="livelihood")
    topic.refresh_from_db()
    assert reached(topic) == ["提交", "筛选"]
    services.topic_decide(topic=topic, actor=fresh(world.users["approver"]), decision="approve")
    topic.refresh_from_db()
    assert reached(topic) == ["提交", "筛选", "审定"]

    consultation = make(world, people, C.SUBMITTED, topic=topic)
    assert reached(topic) == ["提交", "筛选", "审定", "协商"]
    html = page(client, topic)
    assert consultation.title in html and "会议协商" in html and "达成共识" in html
    assert "在小区东侧划设 40 个停车位" in html  # the suggestion
    assert "李阿姨" not in html  # participants are not named on the public story

    task = assign_task(world, consultation, owner_name="王科长", owner_phone="13800001111")
    assert "落实" in reached(topic)
    html = page(client, topic)
    assert "王科长" in html and "住建局" in html and f"{task.deadline:%Y-%m-%d}" in html
    assert "13800001111" not in html and "13912345678" not in html

    task = walk(world, task, "done")
    html = page(client, topic)
    assert reverse("accountability:public_task", args=[task.pk]) + "#rating" in html
    assert "评价" not in reached(topic)
    acc.rating_submit(task=task, actor=UserFactory(username="rater"), score=4)
    assert "评价" in reached(topic)

    check = FollowUpCheck.objects.get(task=task)
    assert "回访检查" in page(client, topic)
    acc.follow_up_record(actor=fresh(world.users["convenor"]), check=check, lasted=True)
    assert reached(topic) == ["提交", "筛选", "审定", "协商", "落实", "评价", "回访"]
    assert "成效持续" in page(client, topic)


def test_a_merged_topic_tells_the_story_of_the_one_it_joined(world, people):  # noqa: F811
    target = make(world, people, C.CLOSED_CONSENSUS).topics.get()
    topic = services.topic_submit(
        actor=fresh(world.users["resident"]),
        room=world.rooms["一镇"],
        title="停车",
        description="车位不够。",
        anonymous=True,
    )
    services.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="merge", merge_into=target)
    topic.refresh_from_db()
    story = story_of(topic)
    assert story.topic == target
    assert [c.key for c in story.chapters] == ["consultation"]


def test_the_story_costs_the_same_queries_with_more_tasks(client, world, people):  # noqa: F811
    consultation = make(world, people, C.SUBMITTED)
    topic = consultation.topics.get()
    assign_task(world, consultation, action="第一项")
    page(client, topic)
    with CaptureQueriesContext(connection) as one:
        page(client, topic)
    for i in range(4):
        walk(world, assign_task(world, consultation, action=f"第{i}项"), "done")
    with CaptureQueriesContext(connection) as five:
        html = page(client, topic)
    assert len(five) == len(one)
    assert html.count('class="story-task"') == 5


def test_my_topics_and_the_desk_tell_every_standing_in_the_same_queries(client, world, people):  # noqa: F811
    """我的议题 and the desk's section say where each matter stands: one telling for the page, not one per topic."""
    resident = world.users["resident"]
    client.force_login(resident)

    def with_task(title):
        consultation = make(world, people, C.SUBMITTED, topic=approved_topic(world.t1, title, submitter=resident))
        assign_task(world, consultation, action=f"{title}的任务")
        return consultation

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return len(queries), html

    with_task("一号议题")
    mine_one, _html = count(reverse("topics:mine"))
    desk_one, _html = count(reverse("home"))
    walk(world, with_task("二号议题").suggestions.get().tasks.get(), "done")
    with_task("三号议题")
    mine_three, html = count(reverse("topics:mine"))
    desk_three, desk = count(reverse("home"))
    assert (mine_three, desk_three) == (mine_one, desk_one)
    assert html.count("落实：0/1 项已办结") == 2 and html.count("落实：1/1 项已办结") == 1
    assert desk.count("落实：0/1 项已办结") == 2 and desk.count("落实：1/1 项已办结") == 1

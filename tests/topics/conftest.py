"""Helpers for topic tests: topics created through the services, in any state of the workflow."""

from uuid import uuid4

import pytest

from shangliang.topics import services
from shangliang.topics.models import Topic, TopicCategory, TopicSource, TopicStatus
from shangliang.topics.services import screening
from tests.conftest import fresh


def key() -> str:
    return uuid4().hex


def enter(
    world, *, unit=None, title="小区停车难，希望增加停车位", description="晚上车位不够，车辆乱停堵塞消防通道。", **kw
):
    """A topic entered by the county's staff (网格员收集 source) at `unit` (default: town T1)."""
    fields = {"source": TopicSource.GRID, "name": "王大妈", "mobile": "13812345678", **kw}
    return services.topic_enter(
        actor=fresh(world.users["staff"]), unit=unit or world.t1, title=title, description=description, **fields
    )


def advance(world, topic: Topic, state: str) -> Topic:
    """Move a submitted topic to `state` the way people would (convenor screens, approver approves)."""
    convenor = fresh(world.users["convenor"])
    approver = fresh(world.users["approver"])
    if state == TopicStatus.SUBMITTED:
        return topic
    if state in (TopicStatus.ACCEPTED, TopicStatus.APPROVED, TopicStatus.DECLINED):
        screening.topic_screen(topic=topic, actor=convenor, decision="accept", category=TopicCategory.LIVELIHOOD)
        if state == TopicStatus.APPROVED:
            screening.topic_decide(topic=topic, actor=approver, decision="approve", note="同意")
        elif state == TopicStatus.DECLINED:
            screening.topic_decide(topic=topic, actor=approver, decision="decline", note="本年度已有安排")
    elif state == TopicStatus.REJECTED:
        screening.topic_screen(
            topic=topic, actor=convenor, decision="reject", reason="individual_dispute", note="邻里纠纷"
        )
    elif state == TopicStatus.RETURNED:
        screening.topic_screen(topic=topic, actor=convenor, decision="return", note="请补充具体楼栋")
    elif state == TopicStatus.MERGED:
        other = enter(world, title="停车位不足")
        screening.topic_screen(topic=topic, actor=convenor, decision="merge", merge_into=other)
    elif state == TopicStatus.REFERRED:
        screening.topic_screen(topic=topic, actor=convenor, decision="refer", referred_to="镇人民调解委员会")
    topic.refresh_from_db()
    assert topic.status == state
    return topic


@pytest.fixture
def topic_in(world):
    def make(state: str, **kw) -> Topic:
        return advance(world, enter(world, **kw), state)

    return make

"""Supports (附议): once per person, counts consistent with the rows, carried over on merge without double counting;
anonymous submissions and supports rate-limited per client."""

import pytest
from django.core.cache import cache

from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.ratelimit import RateLimited
from shangliang.topics import services
from shangliang.topics.models import Support, Topic, TopicStatus
from shangliang.topics.services import screening
from tests.conftest import fresh, mobile_visitor
from tests.topics.conftest import enter

ANON = services.TrackingCodeHolder("")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def support(topic, who, client="10.0.0.1"):
    """`who`: an account, or a browser id (an anonymous browser's cookie)."""
    if isinstance(who, str):
        return services.topic_support(topic=topic, actor=ANON, visitor=mobile_visitor(browser=who, network=client))
    actor = fresh(who)
    return services.topic_support(topic=topic, actor=actor, visitor=mobile_visitor(user=actor, network=client))


def count_is_rows(*topics):
    for t in topics:
        t.refresh_from_db()
        assert t.supports_count == Support.objects.filter(topic=t).count(), t.title


def test_each_person_supports_once(world):
    topic = enter(world)
    support(topic, world.users["resident"])
    support(topic, "browser-a")
    support(topic, "browser-b")
    for who in (world.users["resident"], "browser-a"):
        with pytest.raises(InvalidInput) as refusal:
            support(topic, who)
        assert "每人只能附议一次" in str(refusal.value.message)
    count_is_rows(topic)
    assert topic.supports_count == 3


def test_without_a_cookie_there_is_no_support(world):
    topic = enter(world)
    with pytest.raises(InvalidInput) as refusal:
        services.topic_support(topic=topic, actor=ANON, visitor=None)
    assert "Cookie" in str(refusal.value.message)
    assert not Support.objects.exists()


@pytest.mark.parametrize("state", [TopicStatus.REJECTED, TopicStatus.RETURNED, TopicStatus.REFERRED, "declined"])
def test_closed_topics_cannot_be_supported(world, topic_in, state):
    topic = topic_in(state)
    with pytest.raises(NotPossible):
        support(topic, "browser-a")
    count_is_rows(topic)


@pytest.mark.parametrize("state", [TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, TopicStatus.APPROVED])
def test_open_topics_can_be_supported(world, topic_in, state):
    topic = topic_in(state)
    support(topic, "browser-a")
    count_is_rows(topic)
    assert topic.supports_count == 1


def test_merge_carries_supports_over_without_double_counting(world):
    source = enter(world, title="小区停车难")
    target = enter(world, title="停车位严重不足")
    resident, liaison = world.users["resident"], world.users["liaison"]
    for who in (resident, liaison, "browser-a", "browser-b"):
        support(source, who)
    for who in (resident, "browser-a", "browser-c"):  # resident and browser-a supported both
        support(target, who)
    earlier = enter(world, title="车位不够")
    screening.topic_screen(topic=earlier, actor=fresh(world.users["convenor"]), decision="merge", merge_into=source)
    screening.topic_screen(
        topic=source, actor=fresh(world.users["convenor"]), decision="merge", merge_into=target, note="同一问题"
    )
    count_is_rows(source, target)
    assert source.supports_count == 0
    assert target.supports_count == 5  # resident, liaison, browser-a, browser-b, browser-c
    source.refresh_from_db()
    earlier.refresh_from_db()
    assert source.merged_into == target and source.status == TopicStatus.MERGED
    assert earlier.merged_into == target  # no chains of merges
    merge_in = target_events(target)[-1]
    assert merge_in.action == "merge_in" and merge_in.data["moved"] == 2 and merge_in.data["dropped"] == 2


def target_events(topic):
    from shangliang.core.events import timeline

    return list(timeline(topic))


@pytest.mark.parametrize("state", [TopicStatus.REJECTED, TopicStatus.MERGED, TopicStatus.DECLINED])
def test_merge_into_a_closed_topic_is_refused(world, topic_in, state):
    closed = topic_in(state)
    topic = enter(world)
    with pytest.raises(NotPossible):
        screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="merge", merge_into=closed)
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.SUBMITTED


def test_merge_into_itself_or_another_county_is_refused(world):
    from tests.factories import UserFactory, assign

    topic = enter(world)
    other_staff = UserFactory()
    assign(other_staff, "cppcc_staff", world.b)
    elsewhere = services.topic_enter(
        actor=fresh(other_staff), unit=world.tb, source="grid", title="停车难", description="乙县的停车问题", name="赵"
    )
    convenor = fresh(world.users["convenor"])
    for target in (topic, elsewhere):
        with pytest.raises(InvalidInput):
            screening.topic_screen(topic=topic, actor=convenor, decision="merge", merge_into=target)
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.SUBMITTED


def test_anonymous_supports_are_rate_limited_per_browser_and_per_network(world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "topic_support": {"each": (2, 3600), "network": (3, 3600)}}
    topics = [enter(world, title=f"议题{i}") for i in range(5)]
    for t in topics[:2]:
        support(t, "browser-a", client="10.0.0.1")
    with pytest.raises(RateLimited) as refusal:
        support(topics[2], "browser-a", client="10.0.0.1")
    assert "附议过于频繁" in str(refusal.value.message) and refusal.value.status_code == 429
    support(topics[2], "browser-b", client="10.0.0.1")  # another browser on the same network, up to its cap
    with pytest.raises(RateLimited):
        support(topics[3], "browser-c", client="10.0.0.1")
    support(topics[3], "browser-c", client="10.0.0.2")  # another network is not affected
    support(topics[4], world.users["resident"], client="10.0.0.1")  # nor are people with an account
    assert Support.objects.count() == 5


def test_anonymous_submissions_are_rate_limited_per_browser(world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "topic_submit": {"each": (2, 3600), "network": (60, 3600)}}

    def send(client, actor=ANON, browser="browser-a"):
        user = actor if actor.is_authenticated else None
        return services.topic_submit(
            actor=actor,
            room=world.rooms["一村"],
            title="路灯",
            description="坏了",
            anonymous=True,
            visitor=mobile_visitor(user=user, network=client, browser=browser),
        )

    send("10.0.0.9")
    send("10.0.0.9")
    with pytest.raises(RateLimited) as refusal:
        send("10.0.0.9")
    assert "提交议题过于频繁" in str(refusal.value.message)
    send("10.0.0.9", browser="browser-b")
    send("10.0.0.9", actor=fresh(world.users["resident"]))
    assert Topic.objects.count() == 4

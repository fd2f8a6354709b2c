"""Chinese search and similar topics with jieba words (not character n-grams)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from zeal import zeal_context

from shangliang.topics import selectors, text
from shangliang.topics.models import Topic
from shangliang.topics.selectors import TopicFilters, similar_topics, topic_list
from tests.conftest import fresh
from tests.topics.conftest import enter


def test_tokens_are_words_not_characters():
    words = text.tokens("老旧小区改造后停车难，希望增加停车位")
    assert {"老旧小区", "小区", "改造", "停车难", "停车", "停车位", "车位"} <= set(words)
    assert "希望" not in words and "，" not in words
    assert all(len(w) >= 2 for w in words)
    # Character bigrams that are not words never appear.
    assert "区改" not in words and "后停" not in words


def test_search_terms_are_space_padded():
    terms = text.search_terms("水压不足", "三楼以上早晚没水")
    assert terms.startswith(" ") and terms.endswith(" ")
    assert " 水压 " in terms and " 三楼 " in terms


@pytest.fixture
def corpus(world):
    titles = {
        "parking": ("小区停车难，车辆乱停乱放", "老旧小区没有规划停车位，晚上车辆堵塞消防通道。"),
        "parking2": ("增加停车位的建议", "希望在小区空地上划停车位，缓解停车难。"),
        "water": ("三楼以上水压不足", "早晚用水高峰时，三楼以上住户水压不足，基本用不上水。"),
        "property": ("物业管理不到位", "物业公司收了物业费，楼道卫生和绿化却没人管。"),
        "land": ("土地承包合同到期续签", "二轮土地承包到期，村民关心承包地怎么续包。"),
        "lamp": ("村口路灯不亮", "村东头路口三盏路灯坏了一个多月。"),
    }
    out = {}
    for name, (title, description) in titles.items():
        out[name] = enter(world, unit=world.v1, title=title, description=description)
    out["elsewhere"] = enter(world, unit=world.v3, title="小区停车难", description="停车位不足，停车难。")
    return out


def test_similar_topics_in_the_subtree(world, corpus):
    found = similar_topics(unit=world.t1, title="停车位太少", description="小区里停车难")
    ids = [s.topic.pk for s in found]
    assert ids[:2] == [corpus["parking2"].pk, corpus["parking"].pk] or set(ids[:2]) == {
        corpus["parking"].pk,
        corpus["parking2"].pk,
    }
    assert corpus["water"].pk not in ids and corpus["land"].pk not in ids
    assert corpus["elsewhere"].pk not in ids  # another town's subtree
    assert all(0 < s.score <= 1 for s in found)


def test_similar_water_pressure(world, corpus):
    found = similar_topics(unit=world.v1, title="水压低", description="高峰期楼上没有水")
    assert [s.topic.pk for s in found][:1] == [corpus["water"].pk]


def test_nothing_similar_for_an_unrelated_draft(world, corpus):
    assert similar_topics(unit=world.t1, title="学校门口交通安全", description="上下学时段车流量大") == []


def test_similar_can_exclude_non_public_topics(world, corpus):
    from shangliang.topics.services import screening

    screening.topic_screen(
        topic=corpus["parking"], actor=fresh(world.users["convenor"]), decision="return", note="补充"
    )
    public = similar_topics(unit=world.t1, title="停车难", public_only=True)
    assert corpus["parking"].pk not in [s.topic.pk for s in public]
    assert corpus["parking2"].pk in [s.topic.pk for s in public]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("停车", {"parking", "parking2"}),
        ("停车 消防", {"parking"}),  # words are AND-ed
        ("小区停车难", {"parking", "parking2"}),
        ("水压", {"water"}),
        ("物业", {"property"}),
        ("承包地", {"land"}),
        ("土地承包", {"land"}),
        ("路灯", {"lamp"}),
        ("灯", {"lamp"}),  # a lone character is looked for in the text
        ("水压 物业", set()),
        ("区改", set()),  # not a word: no character n-gram guessing
    ],
)
def test_full_text_search(world, corpus, query, expected):
    staff = fresh(world.users["staff"])
    found = set(topic_list(staff, TopicFilters(query=query, unit=world.t1)).values_list("pk", flat=True))
    assert found == {corpus[name].pk for name in expected}


def test_search_by_tracking_code(world, corpus):
    staff = fresh(world.users["staff"])
    code = corpus["lamp"].tracking_code
    spaced = f"{code[:4]}-{code[4:8]} {code[8:].lower()}"
    assert list(topic_list(staff, TopicFilters(query=spaced))) == [corpus["lamp"]]


def test_list_filters_and_order(world, corpus):
    from shangliang.topics import services

    staff = fresh(world.users["staff"])
    services.topic_set_urgent(topic=corpus["land"], actor=staff, urgent=True)
    listed = list(topic_list(staff))
    assert listed[0] == corpus["land"]  # urgent first
    assert listed[1:] == sorted(listed[1:], key=lambda t: (t.created_at, t.pk), reverse=True)
    assert list(topic_list(staff, TopicFilters(unit=world.t2))) == [corpus["elsewhere"]]
    assert set(topic_list(staff, TopicFilters(status="submitted"))) == set(Topic.objects.all())
    assert list(topic_list(staff, TopicFilters(urgent_only=True))) == [corpus["land"]]
    old = timezone.now() - timedelta(days=40)
    Topic.objects.filter(pk=corpus["lamp"].pk).update(created_at=old)
    today = timezone.localdate()
    recent = set(topic_list(staff, TopicFilters(start=today - timedelta(days=7), end=today)))
    assert corpus["lamp"] not in recent and corpus["water"] in recent
    ancient = set(topic_list(staff, TopicFilters(end=today - timedelta(days=30))))
    assert ancient == {corpus["lamp"]}


def test_list_costs_a_fixed_number_of_queries(world, corpus, django_assert_max_num_queries):
    staff = fresh(world.users["staff"])
    # scopes, whether any own topic lies outside them (people.selectors.in_subtrees_or), the page
    with zeal_context(), django_assert_max_num_queries(4):
        rows = [(t.unit.name, t.room, t.title) for t in topic_list(staff, TopicFilters(query="停车"))]
    assert rows


def test_visibility(world, corpus):
    member = fresh(world.users["member"])
    # The member is linked to T1: T1's subtree, not T2's (except what they entered themselves).
    seen = set(selectors.topics_visible_to(member))
    assert corpus["parking"] in seen and corpus["elsewhere"] not in seen
    resident = fresh(world.users["resident"])
    assert not selectors.topics_visible_to(resident).exists()


def test_visibility_keeps_own_topics_outside_the_subtree(world, corpus, monkeypatch):
    from shangliang.topics.models import Topic

    member = fresh(world.users["member"])
    inside = set(selectors.topics_visible_to(member))
    assert corpus["elsewhere"] not in inside
    # The member's own topic in T2 (outside the linked subtree): the list keeps the subtree and adds it.
    Topic.objects.filter(pk=corpus["elsewhere"].pk).update(submitter=member)
    seen = set(selectors.topics_visible_to(fresh(member)))
    assert seen == inside | {corpus["elsewhere"]}
    monkeypatch.setattr("shangliang.people.selectors.SHORT_LIST", 0)  # lists too long to name: one OR instead
    assert set(selectors.topics_visible_to(fresh(member))) == seen
    # A resident with no subtree sees exactly their own topics.
    resident = fresh(world.users["resident"])
    Topic.objects.filter(pk=corpus["lamp"].pk).update(submitter=resident)
    assert list(selectors.topics_visible_to(resident)) == [corpus["lamp"]]

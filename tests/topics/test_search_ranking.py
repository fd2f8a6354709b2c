"""Topic search ranks by relevance (the query's words in the title before those only in the description, the whole
query in the title first), then urgent before not, then newest first; on PostgreSQL it reads the GIN index over the
jieba words."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from shangliang.topics import text
from shangliang.topics.models import Topic
from shangliang.topics.selectors import TopicFilters, similar_topics, topic_list
from tests.conftest import fresh
from tests.topics.conftest import enter


def aged(topic, days):
    Topic.objects.filter(pk=topic.pk).update(created_at=timezone.now() - timedelta(days=days))
    return topic


@pytest.fixture
def ranked(world):
    return {
        "desc_new": aged(enter(world, title="路灯不亮", description="晚上路灯不亮，附近停车也难。"), 1),
        "title_old": aged(enter(world, title="小区停车难", description="车位不够，车辆乱停。"), 30),
        "title_new": aged(enter(world, title="停车收费不合理", description="收费标准没有公示。"), 2),
        "urgent_old": aged(enter(world, title="学校门口停车拥堵", description="接送孩子时段拥堵。", urgent=True), 60),
        "other": aged(enter(world, title="广场舞音响扰民", description="晚上十点后仍有音响。"), 0),
    }


def titles(world, query):
    return [t.title for t in topic_list(fresh(world.users["staff"]), TopicFilters(query=query))]


def test_title_matches_come_before_description_matches_then_urgent_then_newest(world, ranked):
    assert titles(world, "停车") == ["学校门口停车拥堵", "停车收费不合理", "小区停车难", "路灯不亮"]


def test_every_word_must_match_and_the_whole_query_in_the_title_ranks_first(world, ranked):
    enter(world, title="停车难", description="小区里停车难。")
    got = titles(world, "小区 停车难")
    assert got[0] == "小区停车难"  # both words in the title, and the whole query (小区停车难 contains both)
    assert set(got) == {"小区停车难", "停车难"}
    assert titles(world, "停车 音响") == []


def test_a_single_character_is_looked_for_in_the_text(world, ranked):
    assert titles(world, "灯") == ["路灯不亮"]


def test_similar_topics_use_any_word(world, ranked):
    found = [s.topic.title for s in similar_topics(unit=world.t1, title="小区停车难", description="车位不够")]
    assert found[0] == "小区停车难"
    assert "广场舞音响扰民" not in found


def test_postgresql_search_reads_the_gin_index(world, ranked):
    if connection.vendor != "postgresql":
        pytest.skip("the index exists on PostgreSQL only")
    # The search condition is the indexed expression (on a table this small the planner only takes the index when a
    # scan of the table is ruled out).
    qs = Topic.objects.filter(text.search_q("小区 停车"))
    assert {t.title for t in qs} == {"小区停车难"}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "topics_search_terms_gin" in plan

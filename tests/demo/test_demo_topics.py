"""The demo county's topics: every source in every state, consistent supports, timelines, deterministic, loaded once."""

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from shangliang.core import clock
from shangliang.core.events import timeline
from shangliang.demo import anchor, lived
from shangliang.demo import topics as demo_topics
from shangliang.people.models import User
from shangliang.topics.models import RejectionReason, Support, Topic, TopicSource, TopicStatus
from shangliang.topics.workflow import TOPIC_WORKFLOW


@pytest.fixture
def topics(county):
    """The curated topics of demo.topics (the everyday ones of demo.lived are checked in test_demo_lived, the village
    loop's own concerns in test_demo_village_loop)."""
    everyday = lived.everyday_topics(county)
    return list(
        Topic.objects.exclude(pk__in=everyday)
        .filter(title__in=[s.title for s in demo_topics.SCENARIOS])
        .select_related("unit", "merged_into", "referred_department")
        .order_by("pk")
    )


def test_every_source_in_every_state(topics):
    assert {t.source for t in topics} == set(TopicSource.values)
    assert {t.status for t in topics} == set(TopicStatus.values)
    pairs = Counter((t.source, t.status) for t in topics)
    for source in TopicSource.values:
        assert pairs[(source, TopicStatus.APPROVED)] >= 1, source
    assert sum(1 for t in topics if t.urgent) >= 4
    assert Counter(t.status for t in topics)[TopicStatus.APPROVED] >= 10


def test_seed_matters_are_there(topics):
    text = " ".join(t.title for t in topics)
    for matter in ("老旧小区改造", "物业", "停车", "水压", "土地承包"):
        assert matter in text, matter


def test_rejections_have_each_reason_and_a_note_the_submitter_reads(topics):
    rejected = [t for t in topics if t.status == TopicStatus.REJECTED]
    assert {t.rejection_reason for t in rejected} == set(RejectionReason.values)
    for t in rejected:
        last = list(timeline(t, public_only=True))[-1]
        assert last.action == "reject" and len(last.note) > 10


def test_merges_carry_supports_and_counts_match_rows(topics):
    assert all(t.supports_count == Support.objects.filter(topic=t).count() for t in topics)
    merged = [t for t in topics if t.status == TopicStatus.MERGED]
    assert len(merged) == 3
    for t in merged:
        assert t.supports_count == 0 and t.merged_into.status in (TopicStatus.ACCEPTED, TopicStatus.APPROVED)
        merge_in = timeline(t.merged_into).get(action="merge_in")
        assert merge_in.data["moved"] >= 1 and merge_in.data["dropped"] >= 1  # some people supported both


def test_referrals_say_where(topics):
    referred = [t for t in topics if t.status == TopicStatus.REFERRED]
    assert any(t.referred_department for t in referred) and any(not t.referred_department for t in referred)
    assert all(t.referred_to for t in referred)


def test_every_topic_has_a_timeline_in_order(topics):
    for t in topics:
        events = list(timeline(t))
        assert events[0].action == "submit", t.title
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        assert anchor.day(demo_topics.FIRST_DAY.date()) <= events[0].created_at.date() < clock.today()
    resubmitted = next(t for t in topics if t.title.startswith("村东头排水沟"))
    # ... and then runs the whole loop in the demo resident's village (demo.village_loop).
    assert [e.action for e in timeline(resubmitted)][:3] == ["submit", "return", "resubmit"]
    assert resubmitted.submitter.username == "demo_resident" and "补充" in resubmitted.description


def test_codes_are_derived_from_the_seed(topics):
    codes = [t.tracking_code for t in topics]
    assert len(set(codes)) == len(codes)
    assert codes == [demo_topics._code(i) for i in range(len(demo_topics.SCENARIOS))]


def test_loading_again_adds_nothing(demo, db):
    before = (Topic.objects.count(), Support.objects.count())
    assert demo_topics.build_topics(None) is False
    assert (Topic.objects.count(), Support.objects.count()) == before
    assert "topics" in demo.created


def test_demo_accounts_have_work_to_do(topics):
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    town = [t for t in topics if t.unit.name == "绥阳镇"]
    approver = users["demo_approver"]
    assert any("approve" in {tr.action for tr in TOPIC_WORKFLOW.available(t, approver)} for t in town)
    convenor = users["demo_convenor"]
    assert any("accept" in {tr.action for tr in TOPIC_WORKFLOW.available(t, convenor)} for t in town)
    assert Topic.objects.filter(submitter=users["demo_liaison"], source=TopicSource.GRID).count() >= 3
    assert Topic.objects.filter(submitter=users["demo_member"], source=TopicSource.MEMBER).count() >= 2
    assert Topic.objects.filter(submitter=users["demo_resident"]).count() == 2
    assert users["demo_convenor"].notifications.exists() and users["demo_approver"].notifications.exists()


def test_demo_pages_render_under_the_n_plus_one_guard(topics):
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    for username in ("demo_staff", "demo_convenor", "demo_approver", "demo_member", "demo_liaison", "demo_resident"):
        client = Client()
        client.force_login(users[username])
        listing = client.get(reverse("topics:list"))
        assert listing.status_code == 200, username
        visible = [t for t in topics if users[username].has_perm("topics.view_topic", t)]
        assert visible, username
        assert client.get(reverse("topics:detail", args=[visible[0].pk])).status_code == 200, username
        assert client.get(reverse("notifications:inbox")).status_code == 200
    staff = Client()
    staff.force_login(users["demo_staff"])
    found = staff.get(reverse("topics:list"), {"q": "停车"}).content.decode()
    assert "小区停车难" in found and "黑木耳产业园区" not in found
    public = Client()
    approved = next(t for t in topics if t.status == TopicStatus.APPROVED and t.room_id)
    assert public.get(reverse("topics:room", args=[approved.room_id])).status_code == 200
    assert "已审定" in public.get(reverse("topics:track", args=[approved.tracking_code])).content.decode()

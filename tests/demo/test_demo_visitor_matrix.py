"""Each kind of visitor × each public write of residents, through the pages of the demo county (issue 15's matrix):
who may act at all, and — with the action's named limit set to one — the next write stopped by the one "too many"
page with nothing saved. Anonymous browsers may support, submit and open an invitation; rating a task, voting,
following it and objecting to a disclosure need a verified number or an account."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from shangliang.accountability.models import Follower, Rating, ResponsibilityTask, TaskStatus
from shangliang.consultations.models import CLOSED, Participant
from shangliang.core import clock
from shangliang.online.models import OnlineRoom, RoomStatus, Vote
from shangliang.people.models import Role, RoleAssignment
from shangliang.topics.models import PUBLIC_STATUSES, Support, Topic
from shangliang.units.models import Room
from shangliang.villageaffairs.models import Disclosure, DisclosureStatus, Feedback

KINDS = ["anonymous", "mobile", "account"]
# action → (named limit, the rows one write adds to, who may act)
ACTIONS = {
    "support": ("topic_support", Support, set(KINDS)),
    "submit": ("topic_submit", Topic, set(KINDS)),
    "rate": ("rating", Rating, {"mobile", "account"}),
    "follow": ("follow", Follower, {"mobile", "account"}),  # the updates go by message or SMS
    "vote": ("vote", Vote, {"mobile", "account"}),  # an online room counts verified people
    "object": ("objection", Feedback, {"mobile", "account"}),
    "invitation": ("invitation", None, set(KINDS)),
}


def _visitor(kind: str, sms_outbox, n: int) -> Client:
    client = Client(REMOTE_ADDR=f"10.9.{n}.1")
    if kind == "mobile":
        url = reverse("residents:verify") + "?next=/"
        assert client.post(url, {"step": "send", "mobile": f"1391234{n:04d}", "consent": "on"}).status_code == 302
        code = re.search(r"验证码是 (\d{6})", sms_outbox[-1].text).group(1)
        assert client.post(url, {"step": "check", "code": code}).status_code == 302
    elif kind == "account":
        residents = RoleAssignment.objects.active().filter(role=Role.RESIDENT, user__task_ratings=None).order_by("id")
        client.user = residents[n % residents.count()].user
        client.force_login(client.user)
    return client


def _task(client: Client, skip: int = 0) -> ResponsibilityTask:
    tasks = ResponsibilityTask.objects.filter(status=TaskStatus.DONE, consultation__status__in=CLOSED)
    return tasks.order_by("id")[skip]


def _act(action: str, client: Client, i: int) -> int:
    """The i-th write of this visitor (each on another object where the action allows one per person)."""
    if action == "support":
        topic = Topic.objects.filter(status__in=PUBLIC_STATUSES).order_by("id")[i]
        return client.post(reverse("topics:support", args=[topic.pk])).status_code
    if action == "submit":
        room = Room.objects.filter(unit__is_active=True).order_by("id").first()
        data = {"title": f"路灯不亮{i}", "description": "村口路灯坏了一周", "anonymous": "on"}
        data["idempotency_key"] = f"{i:032d}"
        return client.post(reverse("topics:submit", args=[room.pk]), data).status_code
    if action == "rate":
        return client.post(reverse("accountability:rate", args=[_task(client, i).pk]), {"score": "4"}).status_code
    if action == "follow":
        return client.post(reverse("accountability:follow", args=[_task(client, i).pk])).status_code
    if action == "vote":
        room = OnlineRoom.objects.filter(status=RoomStatus.OPEN).order_by("id").first()
        card = client.get(reverse("online:room", args=[room.pk])).context["card"]
        data = {"statement": card.statement.pk, "value": "1"}
        return client.post(reverse("online:vote", args=[room.pk]), data).status_code
    if action == "object":
        d = Disclosure.objects.filter(status=DisclosureStatus.PUBLISHED).order_by("-period_end", "-pk")[0]
        data = {"kind": "objection", "text": f"名单需复核{i}", "name": "王五", "contact_consent": "on"}
        with clock.frozen(clock.now() if d.is_open else d.period_end):
            return client.post(reverse("villageaffairs:public_disclosure", args=[d.pk]), data).status_code
    if action == "invitation":
        token = Participant.objects.filter(user=None).exclude(token="").order_by("id")[i].token
        return client.get(reverse("consultations:invitation", args=[token])).status_code
    raise AssertionError(action)


@pytest.mark.parametrize("kind", KINDS)
def test_each_visitor_kind_may_act_or_is_refused_and_the_named_limit_stops_the_next_write(
    demo, db, sms_outbox, settings, kind
):
    for n, (action, (limit, model, allowed)) in enumerate(ACTIONS.items(), start=1):
        cache.clear()
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, limit: {"each": (1, 3600), "network": (1, 3600)}}
        client = _visitor(kind, sms_outbox, n)
        before = model.objects.count() if model else 0
        first = _act(action, client, 0)
        if kind not in allowed:  # refused with a 403 page, or sent back with the reason as a message
            assert first in (302, 403), (kind, action, first)
            assert (model.objects.count() if model else 0) == before, (kind, action)
            continue
        assert first == 302, (kind, action, first)
        if model is not None:
            assert model.objects.count() == before + 1, (kind, action)
        second = _act(action, client, 1)
        assert second == 429, (kind, action, second)
        assert (model.objects.count() if model else 0) == before + (1 if model else 0), (kind, action)

"""No personal number in clear anywhere: after the full demo and every residents' flow over HTTP (verify a number,
rate and follow a task, vote, submit a topic with a name and number, support, object to a disclosure), every text
column of every table and every stored session is scanned for 11-digit mainland mobiles and 18-character ID numbers.
"""

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse

from shangliang.accountability.models import ResponsibilityTask, TaskStatus
from shangliang.consultations.models import CLOSED
from shangliang.online.models import OnlineRoom, RoomStatus
from shangliang.topics.models import PUBLIC_STATUSES, Topic
from shangliang.units.models import Room
from shangliang.villageaffairs.models import Disclosure, DisclosureStatus

# A digit run after a decimal point is a fraction (the online analysis stores floats), not a number.
MOBILE = re.compile(r"(?<![0-9A-Za-z.])1[3-9]\d{9}(?![0-9A-Za-z])")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z.])\d{17}[\dXx](?![0-9A-Za-z])")


def _found(text: str) -> list[str]:
    return MOBILE.findall(text) + ID_NUMBER.findall(text)


def _verify(client: Client, mobile: str, sms_outbox) -> None:
    url = reverse("residents:verify") + "?next=/"
    assert client.post(url, {"step": "send", "mobile": mobile, "consent": "on"}).status_code == 302
    code = re.search(r"验证码是 (\d{6})", sms_outbox[-1].text).group(1)
    assert client.post(url, {"step": "check", "code": code}).status_code == 302


@pytest.fixture
def every_flow(demo, db, sms_outbox):
    """Residents' writes over HTTP in the demo county, each through the public pages."""
    resident = Client()
    _verify(resident, "13912345678", sms_outbox)
    task = ResponsibilityTask.objects.filter(status=TaskStatus.DONE, consultation__status__in=CLOSED).first()
    assert task is not None
    assert resident.post(reverse("accountability:rate", args=[task.pk]), {"score": "5"}).status_code == 302
    assert resident.post(reverse("accountability:follow", args=[task.pk])).status_code == 302
    disclosure = next(d for d in Disclosure.objects.filter(status=DisclosureStatus.PUBLISHED) if d.is_open)
    url = reverse("villageaffairs:public_disclosure", args=[disclosure.pk])
    data = {"kind": "objection", "text": "名单需复核", "name": "王五", "contact_consent": "on"}
    assert resident.post(url, data).status_code == 302
    room = Room.objects.filter(unit__is_active=True).first()
    data = {"title": "路灯不亮", "description": "村口路灯坏了一周", "name": "赵六", "mobile": "13712345670"}
    data.update({"contact_consent": "on", "publish_name": "on", "idempotency_key": "k" * 32})
    assert resident.post(reverse("topics:submit", args=[room.pk]), data).status_code == 302
    topic = Topic.objects.filter(status__in=PUBLIC_STATUSES).first()
    assert Client().post(reverse("topics:support", args=[topic.pk])).status_code == 302
    assert resident.post(reverse("topics:support", args=[topic.pk])).status_code == 302
    online = OnlineRoom.objects.filter(status=RoomStatus.OPEN).first()
    card = resident.get(reverse("online:room", args=[online.pk])).context["card"]
    vote = {"statement": card.statement.pk, "value": "1"}
    assert resident.post(reverse("online:vote", args=[online.pk]), vote).status_code == 302
    resident.flow = {"task": task, "topic": topic, "disclosure": disclosure, "online": online}
    return resident


def test_no_mobile_or_id_number_in_clear_in_any_text_column_or_session(every_flow):
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected names)
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, str) and (hits := _found(value)):
                        found.append((table, column, hits[:3]))
    sessions = list(Session.objects.all())
    assert sessions  # the flows above left sessions to scan
    for session in sessions:
        decoded = SessionStore().decode(session.session_data)
        if hits := _found(repr(decoded)):
            found.append(("session", session.session_key[:6], hits))
    assert not found, found[:20]


def test_own_data_is_complete_and_downloads(every_flow):
    import json

    page = every_flow.get(reverse("residents:mine"))
    assert page.status_code == 200
    data = json.loads(every_flow.get(reverse("residents:mine_json")).content)
    flow = every_flow.flow
    assert [r["满意度"] for r in data["群众评价"]] == [5]
    assert len(data["关注的事项"]) == 1
    assert data["对公示的意见与异议"][0]["姓名"] == "王五" and data["对公示的意见与异议"][0]["手机号"] == "139****5678"
    assert [r["附议的议题"] for r in data["附议"]] == [flow["topic"].title]
    assert data["网上协商"][0]["表态次数"] == 1
    assert {r["用途"] for r in data["同意记录"]} >= {
        "验证手机号，用于评价、表态、提意见、附议",
        "留下姓名、手机号，供工作人员联系回复",
    }
    assert data["短信验证记录"] and "13912345678" not in json.dumps(data, ensure_ascii=False)
    xlsx = every_flow.get(reverse("residents:mine_xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_deletion_anonymises_while_the_figures_stay(every_flow, county):
    from django.db.models import Avg, Count

    from shangliang.accountability.models import Rating
    from shangliang.online.models import Vote
    from shangliang.people.models import User
    from shangliang.residents.models import DataRequest
    from shangliang.villageaffairs.models import Feedback

    flow = every_flow.flow

    def figures():
        return (
            Rating.objects.filter(task=flow["task"]).aggregate(n=Count("pk"), avg=Avg("score")),
            Topic.objects.get(pk=flow["topic"].pk).supports_count,
            Vote.objects.filter(room=flow["online"]).count(),
            Feedback.objects.filter(disclosure=flow["disclosure"]).count(),
        )

    before = figures()
    response = every_flow.post(reverse("residents:ask"), {"county": county.pk, "kind": "delete", "text": ""})
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.mobile_masked == "139****5678" and request.due_on > request.created_at.date()
    staff = User.objects.get(username="demo_staff")
    office = Client()
    office.force_login(staff)
    page = office.get(reverse("residents:requests", args=[county.pk]))
    assert page.status_code == 200 and "139****5678" in page.content.decode()
    done = office.post(reverse("residents:requests", args=[county.pk]), {"request": request.pk, "decision": "done"})
    assert done.status_code == 302
    assert figures() == before
    import json

    data = json.loads(every_flow.get(reverse("residents:mine_json")).content)
    for title in ("群众评价", "关注的事项", "对公示的意见与异议", "附议", "网上协商", "同意记录", "短信验证记录"):
        assert data[title] == [], title
    feedback = Feedback.objects.filter(disclosure=flow["disclosure"], text="名单需复核").get()
    assert (feedback.name, feedback.mobile) == ("", "")

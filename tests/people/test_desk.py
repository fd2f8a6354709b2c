"""The desk (工作台): each role's home page lists what waits for it across its units, never another unit's items, in a
fixed number of queries; the menu shows only what the role can use, with counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shangliang.accountability import services as acc
from shangliang.accountability.models import ItemKind
from shangliang.consultations.models import ConsultationStatus as C
from shangliang.people import desk
from shangliang.people.models import Role
from shangliang.topics.models import Topic, TopicSource, TopicStatus
from tests.accountability.conftest import assign as assign_task
from tests.accountability.conftest import walk
from tests.conftest import fresh
from tests.consultations.conftest import make, people  # noqa: F401 (the `people` fixture)
from tests.factories import DepartmentFactory, UserFactory, assign

pytestmark = pytest.mark.django_db


def topic(unit, status=TopicStatus.SUBMITTED, title="路灯不亮", **kw) -> Topic:
    return Topic.objects.create(
        unit=unit, source=TopicSource.RESIDENT, title=title, description="晚上看不见路。", status=status, **kw
    )


def sections(user) -> dict[str, list[str]]:
    return {s.key: [i.title for i in s.items] for s in desk.desk_for(fresh(user))}


def counts(user) -> dict[str, int]:
    return desk.section_counts(fresh(user))


def menu(user) -> dict[str, int]:
    return {e.key: e.count for e in desk.menu_for(fresh(user))}


# --- topics ---------------------------------------------------------------------------------------------------------


def test_topics_to_screen_reach_the_convenor_and_staff_over_them_and_nobody_else(world):
    mine = topic(world.v1, title="一村路灯")
    topic(world.v3, title="三村路灯")  # town T2: not the T1 convenor's
    topic(world.vb, title="乙村路灯")  # county B
    u = world.users
    assert sections(u["convenor"])["topics.screen"] == [mine.title]
    assert set(sections(u["staff"])["topics.screen"]) == {"一村路灯", "三村路灯"}
    for role in ("approver", "liaison", "member", "department", "evaluator", "resident", "stranger"):
        assert "topics.screen" not in sections(u[role]), role


def test_topics_to_approve_are_the_approvers_own_level_only(world):
    own = topic(world.t1, TopicStatus.ACCEPTED, title="镇上的")
    topic(world.v1, TopicStatus.ACCEPTED, title="村里的")  # the village's party organisation approves it
    topic(world.tb, TopicStatus.ACCEPTED, title="乙镇的")
    assert sections(world.users["approver"])["topics.approve"] == [own.title]
    assert "topics.approve" not in sections(world.users["convenor"])


def test_a_returned_topic_waits_for_who_entered_it(world):
    liaison = world.users["liaison"]
    topic(world.v1, TopicStatus.RETURNED, title="补充材料", submitter=liaison)
    topic(world.v1, TopicStatus.RETURNED, title="别人的")
    assert sections(liaison)["topics.returned"] == ["补充材料"]


# --- consultations --------------------------------------------------------------------------------------------------


def test_an_invitation_waits_for_the_invited_person_only(world, people):  # noqa: F811
    c = make(world, people, C.SCHEDULED)
    assert sections(people.alice)["consultations.invitations"] == [c.title]
    assert "consultations.invitations" not in sections(world.users["resident"])
    item = desk.desk_for(fresh(people.alice))[0].items[0]
    assert item.url == reverse("consultations:take_part", args=[c.pk])


def test_submitted_results_wait_for_the_receiving_approver(world, people):  # noqa: F811
    c = make(world, people, C.SUBMITTED)
    approver_b = UserFactory(username="approver_b")
    assign(approver_b, Role.APPROVER, world.tb)
    assert sections(world.users["approver"])["consultations.acknowledge"] == [c.title]
    assert "consultations.acknowledge" not in sections(approver_b)


def test_the_convenor_sees_approved_topics_to_convene_and_what_they_run(world, people):  # noqa: F811
    c = make(world, people, C.SCHEDULED)
    waiting = topic(world.t1, TopicStatus.APPROVED, title="等待协商")
    topic(world.t2, TopicStatus.APPROVED, title="二镇的")
    mine = sections(world.users["convenor"])
    assert mine["consultations.convene"] == [waiting.title]
    assert mine["consultations.running"] == [c.title]
    assert "consultations.running" not in sections(people.v1_convenor)


# --- implementation and evaluation ----------------------------------------------------------------------------------


def test_tasks_wait_for_their_body_and_decisions_for_the_office(world, people):  # noqa: F811
    c = make(world, people, C.SUBMITTED)
    task = assign_task(world, c)
    other_dept = DepartmentFactory(county=world.a, name="交通局")
    other = UserFactory(username="traffic")
    assign(other, Role.DEPARTMENT, world.a, department=other_dept)
    assert sections(world.users["department"])["accountability.mine"] == [task.action[:80]]
    assert "accountability.mine" not in sections(other)

    walk(world, task, "completion_reported")
    assert sections(world.users["convenor"])["accountability.queue"] == [task.action[:80]]
    assert "accountability.queue" not in sections(people.v1_convenor)
    assert "accountability.mine" not in sections(world.users["department"])


def test_supervised_tasks_wait_for_their_supervisor(world, people):  # noqa: F811
    c = make(world, people, C.SUBMITTED)
    task = assign_task(world, c)
    member = world.users["member"]
    acc.supervisor_add(actor=fresh(world.users["convenor"]), task=task, member=member)
    assert sections(member)["accountability.supervised"] == [task.action[:80]]
    assert "accountability.supervised" not in sections(world.users["liaison"])


def _evaluation_form(world):
    return acc.evaluation_form_save(
        actor=fresh(world.users["staff"]),
        county=world.a,
        name="质效评估表",
        items=[
            {"kind": ItemKind.PROCESS, "text": "程序规范", "weight": 30},
            {"kind": ItemKind.OUTCOME, "text": "群众受益", "weight": 70},
        ],
    )


def test_posted_results_in_the_area_wait_for_the_evaluator_until_evaluated(world, people):  # noqa: F811
    evaluator = world.users["evaluator"]
    assert sections(evaluator)["accountability.evaluate"] == []  # the section is always there, with its note
    open_one = make(world, people, C.SCHEDULED)
    closed = make(world, people, C.CLOSED_CONSENSUS)
    evaluator_b = UserFactory(username="evaluator_b")
    assign(evaluator_b, Role.EVALUATOR, world.b)
    assert sections(evaluator)["accountability.evaluate"] == [closed.title]
    assert open_one.title == closed.title or open_one.title not in sections(evaluator)["accountability.evaluate"]
    assert sections(evaluator_b)["accountability.evaluate"] == []

    form = _evaluation_form(world)
    items = {i.kind: i.pk for i in form.items.all()}
    acc.evaluation_submit(
        actor=fresh(evaluator), consultation=closed, answers={items[ItemKind.PROCESS]: 5, items[ItemKind.OUTCOME]: 4}
    )
    assert sections(evaluator)["accountability.evaluate"] == []
    page = _client_for(evaluator).get(reverse("accountability:evaluations")).content.decode()
    assert "82.5" in page and closed.title in page


def test_a_followed_task_done_waits_for_the_residents_rating(world, people):  # noqa: F811
    c = make(world, people, C.SUBMITTED)
    task = assign_task(world, c)
    resident = world.users["resident"]
    acc.task_follow(task=task, actor=fresh(resident), visitor=None)
    assert "accountability.rate" not in sections(resident)
    task = walk(world, task, "done")
    assert sections(resident)["accountability.rate"] == [task.action[:80]]
    acc.rating_submit(task=task, actor=fresh(resident), score=5)
    assert "accountability.rate" not in sections(resident)


# --- village affairs ------------------------------------------------------------------------------------------------


def test_objections_on_the_next_agenda_wait_for_the_villages_managers(world):
    from shangliang.villageaffairs.models import AgendaItem, AgendaSource, MonthlyMeeting

    meeting = MonthlyMeeting.objects.create(unit=world.v1, month="2026-01-01")
    AgendaItem.objects.create(meeting=meeting, source=AgendaSource.OBJECTION, title="修路款公示有误")
    other = MonthlyMeeting.objects.create(unit=world.vb, month="2026-01-01")
    AgendaItem.objects.create(meeting=other, source=AgendaSource.OBJECTION, title="乙村的异议")
    assert sections(world.users["convenor"])["villageaffairs.objections"] == ["修路款公示有误"]
    assert "villageaffairs.objections" not in sections(world.users["approver"])


# --- the menu and the page ------------------------------------------------------------------------------------------


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _nav(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="主导航">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="[^"]*"[^>]*>([^<]+)', nav)


def test_a_resident_gets_the_residents_menu_and_their_village_opens(world):
    resident = world.users["resident"]
    client = _client_for(resident)
    html = client.get("/").content.decode()
    labels = [x.strip() for x in _nav(html)]
    for wanted in ("工作台", "我的议题", "我的邀请", "关注的结果", "公开信息", "消息"):
        assert wanted in labels, labels
    for staff_only in ("单元与阵地", "统计", "协商活动", "转化落实", "议题"):
        assert staff_only not in labels, labels
    village = re.search(r'<a href="([^"]+)">一村</a>', html).group(1)
    assert village == reverse("public:unit", args=[world.v1.pk])
    assert client.get(village).status_code == 200
    assert client.get(reverse("topics:mine")).status_code == 200
    assert client.get(reverse("accountability:followed")).status_code == 200


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("convenor", {"单元与阵地", "议题", "协商活动", "转化落实", "统计"}, {"我的议题", "第三方评估"}),
        ("evaluator", {"第三方评估"}, {"单元与阵地", "协商活动", "议题", "统计", "我的议题"}),
        ("department", {"转化落实", "协商活动"}, {"单元与阵地", "议题", "统计", "第三方评估"}),
    ],
)
def test_the_menu_shows_what_the_role_can_use(world, role, shown, hidden):
    labels = {x.strip() for x in _nav(_client_for(world.users[role]).get("/").content.decode())}
    assert shown <= labels, labels
    assert not (hidden & labels), labels


def test_the_menu_counts_what_waits(world, people):  # noqa: F811
    topic(world.v1)
    topic(world.v2)
    make(world, people, C.SCHEDULED)  # the convenor's running consultation
    counted = menu(world.users["convenor"])
    assert counted["topics"] == 2
    assert counted["consultations"] >= 1
    assert counted["desk"] == sum(n for k, n in counts(world.users["convenor"]).items() if k != "topics.mine")
    html = _client_for(world.users["convenor"]).get("/").content.decode()
    assert re.search(r'id="nav-topics">议题 <span class="badge count"[^>]*>2</span>', html)


def test_a_desk_costs_the_same_queries_however_much_waits(world, people):  # noqa: F811
    client = _client_for(world.users["staff"])
    topic(world.v1)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(12):
        topic(world.v1 if i % 2 else world.v3, title=f"议题{i}")
        topic(world.t1, TopicStatus.APPROVED, title=f"审定{i}")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert len(many) == len(few)
    assert "查看全部 13 件" in html


# --- public-opinion reports -----------------------------------------------------------------------------------------


def test_opinion_reports_wait_for_the_office_the_body_and_the_author(world):
    from tests.opinions.conftest import S as R
    from tests.opinions.conftest import drive, op

    ns = op.__wrapped__(world)
    submitted = drive(ns, R.SUBMITTED, title="饮水工程管护")
    returned = drive(ns, R.RETURNED, title="退回的一篇")
    handed = drive(ns, R.HANDED, title="交办住建局的")
    staff_b = UserFactory(username="staff_b")
    assign(staff_b, Role.CPPCC_STAFF, world.b)
    assert sections(world.users["staff"])["opinions.process"] == [submitted.title]
    assert "opinions.process" not in sections(staff_b) or not sections(staff_b)["opinions.process"]
    assert sections(world.users["department"])["opinions.handle"] == [handed.title]
    assert sections(ns.writer)["opinions.returned"] == [returned.title]
    assert "opinions.returned" not in sections(ns.informant)

"""The county's lived year and a half (2025-06 to today): the everyday work around the curated examples, written by
running the services with the clock frozen at each moment it happens (core.clock), never by rewriting times.

Every town consults twice a year; every village and community about every seven to eight weeks (its norm: once in
two months), on a topic raised there — in turn from each of the four sources (a liaison's grid work, a resident at
the room, a linked member's recommendation, the village party branch's assignment) — screened, approved, researched
(入户走访), with its participants, minutes and suggestion list, closed with consensus and submitted. Every third
consultation's first suggestion becomes a task for the unit itself, signed and worked on; most are finished and
rated by residents, some are still open and overdue, chased and publicly noticed by the periodic command that runs
every two weeks of the period. About one unit in ten falls behind its norm, each for a reason on record: its last
planned consultation was cancelled with the reason (换届, 汛期抢险, 调研未完成…).

One loader step, `build_lived_year`; it ends on the real today, so the county is current on any later day too.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shangliang.accountability import services as tasks
from shangliang.accountability.models import ResponsibilityTask
from shangliang.accountability.services.periodic import run_periodic
from shangliang.consultations import services as consult
from shangliang.consultations.models import Consultation
from shangliang.core import clock
from shangliang.people.models import LinkKind, MemberLink, Position, Role, RoleAssignment, User
from shangliang.topics.models import Topic, TopicSource
from shangliang.topics.services import intake, screening
from shangliang.units.models import Unit, UnitKind

from .county import SEED, require_county

START = date(2025, 6, 2)
MARK = "【日常】"  # the lived year's consultations carry it in their title (and the step looks for it)
VILLAGE_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY)
TOWN_KINDS = (UnitKind.TOWN, UnitKind.URBAN_AREA)

# fmt: off
MATTERS = [
    ("村屯道路破损，雨天泥泞难行", "主路多处坑洼，雨后积水，学生上学和农用车通行困难。", "livelihood",
     ("对破损路段进行硬化修补", "雨季前清理边沟，保证排水")),
    ("垃圾收运不及时，屯口堆放", "屯口垃圾点每周只清运一次，夏季异味大、招苍蝇。", "livelihood",
     ("垃圾清运增加到每周三次", "在屯口增设分类垃圾箱 4 个")),
    ("冬季清雪责任不清", "屯内道路清雪由谁负责说法不一，去年大雪后三天才通路。", "governance",
     ("划分各户门前清雪责任区并公示", "村集体购置小型清雪机一台")),
    ("农村饮水水质检测", "部分农户反映井水发浑，希望定期检测水质并公开结果。", "livelihood",
     ("每季度检测饮用水水质并在村务公开栏公示",)),
    ("村集体闲置土地发包方案", "村集体有 30 亩闲置地，发包方式和收益分配需村民商定。", "party_government",
     ("闲置地公开竞价发包，底价经村民代表会议确定", "发包收益用于村内道路养护")),
    ("留守儿童放学后无人看护", "双职工和外出务工家庭孩子放学后无人照看。", "livelihood",
     ("利用村部活动室开设课后托管", "招募志愿者轮流值守")),
    ("秸秆离田和禁烧", "秋收后秸秆离田难，部分农户偷偷焚烧。", "governance",
     ("统一联系秸秆回收企业上门打包", "对主动离田农户给予每亩补贴")),
    ("村卫生室药品不全", "村卫生室常用药经常断货，老人开药要去镇里。", "livelihood",
     ("卫生室按月报送常用药需求", "镇卫生院每周巡诊一次")),
    ("小区电动车充电难", "楼道飞线充电存在火灾隐患，小区没有集中充电桩。", "livelihood",
     ("在小区空地建设集中充电棚", "物业每月排查楼道飞线")),
    ("移风易俗、红白事简办", "红白事大操大办、随礼负担重，村民希望订立村规。", "governance",
     ("修订村规民约，红白事规模和标准由红白理事会把关",)),
]
TOWN_MATTERS = [
    ("镇区农贸市场提档升级", "市场棚顶漏雨、地面破损，摊位费标准多年未调整。", "party_government",
     ("争取资金改造市场棚顶和地面", "摊位费调整方案公示一个月后执行")),
    ("全镇乡村振兴项目库年度谋划", "明年乡村振兴衔接资金项目需听取各村和群众意见。", "party_government",
     ("优先安排产业类和基础设施类项目", "项目清单在各村公示")),
    ("镇区供暖管网改造", "部分小区供暖温度不达标，老旧管网跑冒滴漏。", "livelihood",
     ("分两年改造老旧管网", "供暖期设立投诉热线并限时处理")),
]
BEHIND_REASONS = [
    "村两委换届，新任书记到岗前协商暂停。",
    "汛期抢险，原定协商推迟。",
    "议题调研尚未完成，暂缓召开。",
    "召集人外出学习，协商改期待定。",
]
# fmt: on
SOURCES = (TopicSource.GRID, TopicSource.RESIDENT, TopicSource.MEMBER, TopicSource.ASSIGNED)
NAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "桂兰玉梅春生德福长海秀英凤芝淑华国强建军志刚丽娟红霞"


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (60, 120, 60)).save(buffer, "PNG")
    return SimpleUploadedFile("现场照片.png", buffer.getvalue(), content_type="image/png")


@dataclass
class _People:
    """Who holds which role in each unit over time (renewals happen: a village's secretary may change)."""

    rows: list = field(default_factory=list)

    def load(self, county: Unit) -> None:
        self.rows = list(
            RoleAssignment.objects.filter(unit__path__startswith=county.path)
            .select_related("user")
            .order_by("assumed_at", "id")
        )

    def holder(self, unit: Unit, role: str, day: date, position: str = "") -> User | None:
        found = None
        for a in self.rows:
            if a.unit_id != unit.pk or a.role != role or (position and a.position != position):
                continue
            if a.assumed_at <= day and (a.renounced_at is None or a.renounced_at > day):
                found = found or a.user
        return found


@dataclass(frozen=True)
class Visit:
    """One consultation of the plan: when it is held, where, and its number in the unit's series."""

    when: datetime
    order: int
    unit: Unit
    n: int


def plan(units: list[Unit], today: date) -> tuple[list[Visit], set[int]]:
    """When each unit consults from START to `today`, and which units fall behind (about one village in ten).

    Towns every 150–175 days (twice a year); villages and communities every 46–55 days (their norm: once in two
    months), the last one within the last 55 days; a unit falling behind stops 75–130 days before today."""
    visits: list[Visit] = []
    villages = [u for u in units if u.kind in VILLAGE_KINDS]
    behind = {u.pk for i, u in enumerate(villages) if i % 10 == 7}
    for u in units:
        rng = random.Random(f"{SEED}-lived-{u.path}")
        step = (150, 175) if u.kind in TOWN_KINDS else (46, 55)
        day = START + timedelta(days=rng.randint(0, step[0] // 3))
        stop = today - timedelta(days=rng.randint(75, 130)) if u.pk in behind else today - timedelta(days=3)
        n = 0
        while day <= stop:
            if day.weekday() < 5:
                visits.append(Visit(at(day, 9, 30), len(visits), u, n))
                n += 1
                day += timedelta(days=rng.randint(*step))
            else:
                day += timedelta(days=7 - day.weekday())
    visits.sort(key=lambda v: (v.when, v.order))
    return visits, behind


def lived_units(county: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(path__startswith=county.path, kind__in=VILLAGE_KINDS + TOWN_KINDS, is_active=True)
        .filter(rooms__isnull=False)
        .distinct()
        .order_by("path")
    )


def build_lived_year(ctx) -> bool:
    county = require_county()
    if Consultation.objects.filter(unit__path__startswith=county.path, title__startswith=MARK).exists():
        return False
    today = clock.today()
    people = _People()
    people.load(county)
    members = dict(
        MemberLink.objects.filter(unit__path__startswith=county.path, kind=LinkKind.ONE_TO_ONE)
        .order_by("id")
        .values_list("unit_id", "member_id")
    )
    member_users = {u.pk: u for u in User.objects.filter(pk__in=set(members.values()))}
    units = lived_units(county)
    visits, behind = plan(units, today)
    periodic_days = [START + timedelta(days=14 * i) for i in range(1, (today - START).days // 14 + 1)]
    ran = set()
    for v in visits:
        for d in periodic_days:
            if d not in ran and at(d, 7) < v.when - timedelta(days=14):
                with clock.frozen(at(d, 7)):
                    run_periodic()
                ran.add(d)
        consult_once(v.unit, v.n, v.when, people, member_users.get(members.get(v.unit.pk)), today)
    for unit in units:
        if unit.pk in behind:
            call_off(unit, people, today)
    return True


def _actor(people: _People, unit: Unit, day: date, role: str, position: str = "") -> User | None:
    return people.holder(unit, role, day, position)


def _topic(unit: Unit, n: int, day: date, people: _People, member: User | None) -> Topic:
    matters = TOWN_MATTERS if unit.kind in TOWN_KINDS else MATTERS
    title, text, _category, _suggestions = matters[(n + unit.pk) % len(matters)]
    source = SOURCES[(n + unit.pk) % len(SOURCES)]
    rng = random.Random(f"{SEED}-topic-{unit.pk}-{n}")
    name = rng.choice(NAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])
    convenor = _actor(people, unit, day, Role.CONVENOR, Position.FIRST_CONVENOR)
    liaison = _actor(people, unit, day, Role.LIAISON)
    approver = _actor(people, unit, day, Role.APPROVER)
    room = unit.rooms.order_by("id").first()
    common = {"title": f"{title}（{unit.name}）", "description": text}
    if source == TopicSource.RESIDENT and room is not None:
        return intake.topic_submit(
            actor=None, room=room, anonymous=False, name=name, client=f"demo-{unit.pk}-{n}", **common
        )
    if source == TopicSource.MEMBER and member is not None:
        return intake.topic_enter(actor=member, unit=unit, source=source, **common)
    if source == TopicSource.ASSIGNED and approver is not None:
        return intake.topic_enter(actor=approver, unit=unit, source=source, name=f"中共{unit.name}委员会", **common)
    return intake.topic_enter(
        actor=liaison or convenor, unit=unit, source=TopicSource.GRID, name=name, room=room, **common
    )


def consult_once(unit: Unit, n: int, when: datetime, people: _People, member: User | None, today: date) -> None:
    held = when.date()
    matters = TOWN_MATTERS if unit.kind in TOWN_KINDS else MATTERS
    _title, _text, category, suggestions = matters[(n + unit.pk) % len(matters)]
    convenor = _actor(people, unit, held - timedelta(days=14), Role.CONVENOR, Position.FIRST_CONVENOR)
    approver = _actor(people, unit, held - timedelta(days=14), Role.APPROVER)
    if convenor is None or approver is None:
        return
    with clock.frozen(at(held - timedelta(days=14), 10)) as moment:
        topic = _topic(unit, n, held - timedelta(days=14), people, member)
        moment.move_to(at(held - timedelta(days=13), 15))
        screening.topic_screen(topic=topic, actor=convenor, decision="accept", category=category)
        moment.move_to(at(held - timedelta(days=12), 16))
        screening.topic_decide(topic=topic, actor=approver, decision="approve", note="同意协商。")
        moment.move_to(at(held - timedelta(days=9), 9))
        room = unit.rooms.order_by("id").first()
        c = consult.consultation_create(
            actor=convenor,
            unit=unit,
            topics=[topic],
            form="meeting" if unit.kind in TOWN_KINDS else ("bench" if n % 3 == 1 else "monthly"),
            room=room,
            title=f"{MARK}{topic.title}",
        )
        rng = random.Random(f"{SEED}-p-{unit.pk}-{n}")
        names = rng.sample([a + b + c for a in NAMES[:8] for b in GIVEN[::2][:4] for c in GIVEN[1::2][:4]], 3)
        for name, kind in zip(names, ("stakeholder", "stakeholder", "resident_rep"), strict=True):
            consult.participant_add(
                actor=convenor,
                consultation=c,
                kind=kind,
                name=name,
                organisation="利益相关村民" if kind == "stakeholder" else "村民代表",
            )
        if member is not None:
            consult.participant_add(actor=convenor, consultation=c, kind="member", user=member)
        consult.participants_choose(actor=convenor, consultation=c, override_reason="本议题涉及的部门书面答复意见。")
        consult.research_add(
            actor=convenor,
            consultation=c,
            kind="visit",
            title="入户走访",
            text="走访相关农户和村民代表，梳理诉求和分歧。",
            done_on=held - timedelta(days=9),
        )
        consult.consultation_schedule(
            actor=convenor, consultation=c, planned_start=when, planned_end=when + timedelta(hours=2)
        )
        moment.move_to(when)
        consult.consultation_open(actor=convenor, consultation=c)
        consult.minutes_save(
            actor=convenor, consultation=c, text="召集人介绍议题和走访情况；利益相关村民、村民代表发言；形成建议清单。"
        )
        for text in suggestions:
            consult.suggestion_add(actor=convenor, consultation=c, text=text)
        moment.move_to(when + timedelta(hours=2))
        consult.consultation_close(actor=convenor, consultation=c, consensus=True, conclusion="与会各方达成共识。")
        consult.consultation_submit(
            actor=convenor, consultation=c, level="same", recipients=f"{unit.name}党组织", note="协商意见建议清单附后。"
        )
    if n % 3 == 0:
        _task(c, convenor, approver, when, n, today)


def _task(c: Consultation, convenor: User, approver: User, when: datetime, n: int, today: date) -> None:
    """The first suggestion as a task for the unit itself: signed, worked on; finished and rated, or still open."""
    suggestion = c.suggestions.order_by("order").first()
    assigned = when + timedelta(days=1)
    with clock.frozen(assigned) as moment:
        task = tasks.task_assign(
            actor=convenor,
            suggestion=suggestion,
            owner_unit=c.unit,
            owner=convenor,
            owner_name=convenor.display_name,
            action=suggestion.text,
            working_days=20,
        )
        moment.move_to(assigned + timedelta(days=1))
        tasks.task_sign(actor=convenor, task=task)
        finishes = n % 4 != 3  # one in four runs late
        moment.move_to(assigned + timedelta(days=10))
        if moment.today() >= today:
            return
        tasks.progress_report(actor=convenor, task=task, text="已落实资金和施工队伍。", percent=50)
        if not finishes:
            return
        done = assigned + timedelta(days=20)
        if done.date() >= today:
            return
        moment.move_to(done)
        tasks.completion_report(actor=convenor, task=task, text="已按建议完成。", files=[_png()])
        moment.move_to(done + timedelta(days=2))
        task = ResponsibilityTask.objects.get(pk=task.pk)
        tasks.completion_verify(actor=approver, task=task, note="现场查看，已完成。")


def call_off(unit: Unit, people: _People, today: date) -> None:
    """A unit behind its norm: its next consultation was planned and then called off, with the reason on record."""
    day = today - timedelta(days=20)
    convenor = _actor(people, unit, day, Role.CONVENOR, Position.FIRST_CONVENOR)
    approver = _actor(people, unit, day, Role.APPROVER)
    if convenor is None or approver is None:
        return
    reason = BEHIND_REASONS[unit.pk % len(BEHIND_REASONS)]
    with clock.frozen(at(day, 10)) as moment:
        topic = intake.topic_enter(
            actor=convenor,
            unit=unit,
            source=TopicSource.GRID,
            title=f"{MATTERS[unit.pk % len(MATTERS)][0]}（{unit.name}）",
            description=MATTERS[unit.pk % len(MATTERS)][1],
            name="村网格员",
        )
        screening.topic_screen(topic=topic, actor=convenor, decision="accept", category="livelihood")
        moment.move_to(at(day + timedelta(days=1), 10))
        screening.topic_decide(topic=topic, actor=approver, decision="approve", note="同意协商。")
        c = consult.consultation_create(
            actor=convenor,
            unit=unit,
            topics=[topic],
            form="monthly",
            title=f"{MARK}{topic.title}",
            room=unit.rooms.order_by("id").first(),
        )
        moment.move_to(at(day + timedelta(days=5), 10))
        consult.consultation_cancel(actor=convenor, consultation=c, note=reason)

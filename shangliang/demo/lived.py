"""The county's lived year and a half (2025-06 to today): the everyday work around the curated examples, so that the
norms page, the dashboards and the duty records show a working county on any day the demo is loaded.

Every town consults twice a year; every village and community about every seven to eight weeks (its norm: once in
two months), on a topic raised there — in turn from each of the four sources (a liaison's grid work, a resident at
the room, a linked member's recommendation, the village party branch's assignment) — screened, approved, researched
(入户走访), with its participants (the linked member and one more member of the committee in turn, signed in), minutes
and suggestion list, closed with consensus and submitted. The first suggestion of four consultations in five becomes
a task for the unit itself (the fifth's the party organisation takes up itself): signed, worked on, most finished on
time, verified and rated by residents; one in four runs late; the recent ones are still open, some overdue, chased
and noticed by the periodic command (run weekly over the last three weeks). About one village in ten falls behind its
norm, each for a reason on record: its last planned consultation was cancelled with the reason (换届, 汛期抢险,
调研未完成…). The topics raised in the
last two weeks wait at the step each has reached: to be screened, to be approved, for their consultation; a few were
not taken up or returned for more detail.

One loader step, `build_lived_year`, relative to today (clock.today()): the same today gives the same county. The
thousand consultations are inserted in bulk with the times each step happened (created, screened, approved,
scheduled, held, closed, submitted, assigned, signed, finished) and an event for each, as the services would have
written them — running the services at frozen times took about 0.13 s of CPU per consultation, two minutes in all,
past the demo's 60 s budget. The cancellations of the units behind, and the periodic command's reminders, run
through the services.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from shangliang.accountability.models import ProgressReport, Rating, ResponsibilityTask, TaskStatus
from shangliang.accountability.services.periodic import run_periodic
from shangliang.consultations import services as consult
from shangliang.consultations.models import (
    Consultation,
    ConsultationForm,
    ConsultationStatus,
    InvitationStatus,
    Minutes,
    Outcome,
    Participant,
    ParticipantKind,
    ResearchRecord,
    SignInMethod,
    Submission,
    Suggestion,
)
from shangliang.core import clock
from shangliang.core.db import refresh_statistics
from shangliang.core.workdays import Calendar
from shangliang.dashboards import counters
from shangliang.people.models import LinkKind, MemberLink, Position, Role, RoleAssignment, User
from shangliang.residents.services import mobile_hash
from shangliang.topics.models import CODE_ALPHABET, CODE_LENGTH, Topic, TopicSource, TopicStatus
from shangliang.topics.services import intake, screening
from shangliang.topics.text import search_terms
from shangliang.units.models import Room, Unit, UnitKind

from .county import SEED, require_county
from .eventlog import EventLog, given_times

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


@dataclass
class _People:
    """Who holds which role in each unit over time (renewals happen: a village's secretary may change)."""

    rows: dict = field(default_factory=dict)  # (unit id, role) → assignments, earliest first

    def load(self, county: Unit) -> None:
        self.rows = {}
        for a in (
            RoleAssignment.objects.filter(unit__path__startswith=county.path)
            .select_related("user")
            .order_by("assumed_at", "id")
        ):
            self.rows.setdefault((a.unit_id, a.role), []).append(a)

    def holder(self, unit: Unit, role: str, day: date, position: str = "") -> User | None:
        for a in self.rows.get((unit.pk, role), ()):
            if position and a.position != position:
                continue
            if a.assumed_at <= day and (a.renounced_at is None or a.renounced_at > day):
                return a.user
        return None


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
    rooms = {}
    for room in Room.objects.filter(unit__in=units).order_by("id"):
        rooms.setdefault(room.unit_id, room)
    visits, behind = plan(units, today)
    # Besides the linked member, one more member of the committee attends each consultation, in turn, so every
    # member has consultations on their duty record this year.
    committee = list(
        User.objects.filter(
            assignments__role=Role.MEMBER,
            assignments__unit__path__startswith=county.path,
            assignments__renounced_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )
    book = _Book(county, today)
    for v in visits:
        member = member_users.get(members.get(v.unit.pk))
        guest = committee[v.order % len(committee)] if committee else None
        book.consultation(v, people, member, rooms.get(v.unit.pk), guest if guest != member else None)
    book.save()
    linked = {pk: member_users.get(m) for pk, m in members.items()}
    fresh_topics(units, behind, people, rooms, linked)
    for unit in units:
        if unit.pk in behind:
            call_off(unit, people, today)
    # The periodic command ran every week: the overdue tasks of the last weeks were chased, and noticed (通报) once
    # the grace after the reminder had passed.
    for moment in periodic_runs(today, clock.now()):
        with clock.frozen(moment):
            run_periodic()
    return True


def periodic_runs(today: date, now: datetime) -> list[datetime]:
    """When the periodic command ran: at 07:00 on this day of each of the last three weeks and today, but never after
    now (a county loaded between midnight and 07:00 has today's run at the moment of loading)."""
    return [min(clock.at(at(today - timedelta(weeks=weeks), 7)), now) for weeks in (3, 2, 1, 0)]


def _code(unit: Unit, n: int) -> str:
    """A tracking code derived from the seed, the unit and the consultation's number (the same on every load)."""
    digest = hashlib.sha256(f"{SEED}:lived-topic:{unit.path}:{n}".encode()).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def _name(rng: random.Random) -> str:
    return rng.choice(NAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


class _Book:
    """The rows of the lived consultations, collected and then inserted in bulk, each with its own time."""

    def __init__(self, county: Unit, today: date) -> None:
        self.today = today
        self.now = clock.now()
        self.calendar = Calendar(county)
        self.log = EventLog()
        self.chains: list[dict] = []

    def _when(self, moment: datetime) -> datetime:
        return clock.at(moment)

    def consultation(
        self, v: Visit, people: _People, member: User | None, room: Room | None, guest: User | None = None
    ) -> None:
        unit, n, when = v.unit, v.n, v.when
        held = when.date()
        before = held - timedelta(days=14)
        convenor = people.holder(unit, Role.CONVENOR, before, Position.FIRST_CONVENOR)
        approver = people.holder(unit, Role.APPROVER, before)
        if convenor is None or approver is None or self._when(when + timedelta(hours=2)) > self.now:
            return
        matters = TOWN_MATTERS if unit.kind in TOWN_KINDS else MATTERS
        title, text, category, suggestions = matters[(n + unit.pk) % len(matters)]
        source = SOURCES[(n + unit.pk) % len(SOURCES)]
        rng = random.Random(f"{SEED}-lived-{unit.pk}-{n}")
        liaison = people.holder(unit, Role.LIAISON, before)
        topic = Topic(
            unit=unit,
            source=source,
            title=f"{title}（{unit.name}）"[:100],
            description=text,
            status=TopicStatus.APPROVED,
            category=category,
            search_terms=search_terms(f"{title}（{unit.name}）", text),
            tracking_code=_code(unit, n),
        )
        if source == TopicSource.RESIDENT and room is not None:
            topic.room, topic.submitted_by_name = room, _name(rng)
        elif source == TopicSource.MEMBER and member is not None:
            topic.submitter, topic.submitted_by_name = member, member.display_name
        elif source == TopicSource.ASSIGNED:
            topic.submitter, topic.submitted_by_name = approver, f"中共{unit.name}委员会"
        else:
            topic.source, topic.room = TopicSource.GRID, room
            topic.submitter, topic.submitted_by_name = liaison or convenor, _name(rng)
        if unit.kind in TOWN_KINDS:
            form = ConsultationForm.MEETING
        else:
            form = (ConsultationForm.MONTHLY, ConsultationForm.BENCH, ConsultationForm.ONSITE)[n % 3]
        c = Consultation(
            unit=unit,
            title=f"{MARK}{topic.title}"[:100],
            form=form,
            status=ConsultationStatus.SUBMITTED,
            outcome=Outcome.CONSENSUS,
            room=room,
            planned_start=self._when(when),
            planned_end=self._when(when + timedelta(hours=2)),
            held_at=self._when(when),
            closed_at=self._when(when + timedelta(hours=2)),
            conclusion="与会各方达成共识。",
            representativeness_override_reason="本议题涉及的部门书面答复意见。",
            created_by=convenor,
        )
        names = rng.sample([a + b + c for a in NAMES[:8] for b in GIVEN[::2][:4] for c in GIVEN[1::2][:4]], 3)
        participants = [
            Participant(name=name, kind=kind, organisation=org, added_by=convenor)
            for name, kind, org in zip(
                names,
                (ParticipantKind.STAKEHOLDER, ParticipantKind.STAKEHOLDER, ParticipantKind.RESIDENT_REP),
                ("利益相关村民", "利益相关村民", "村民代表"),
                strict=True,
            )
        ]
        if member is not None:
            participants.append(
                Participant(
                    user=member,
                    name=member.display_name,
                    kind=ParticipantKind.MEMBER,
                    organisation="政协委员",
                    added_by=convenor,
                )
            )
        if guest is not None:
            participants.append(
                Participant(
                    user=guest,
                    name=guest.display_name,
                    kind=ParticipantKind.MEMBER,
                    organisation="政协委员（列席）",
                    added_by=convenor,
                )
            )
        self.chains.append(
            {
                "v": v,
                "topic": topic,
                "c": c,
                "convenor": convenor,
                "approver": approver,
                "participants": participants,
                "suggestions": suggestions,
                "rng": rng,
            }
        )

    def save(self) -> None:
        if not self.chains:
            return
        stamp = (
            Topic._meta.get_field("created_at"),
            Topic._meta.get_field("updated_at"),
            Consultation._meta.get_field("created_at"),
            Consultation._meta.get_field("updated_at"),
            Participant._meta.get_field("created_at"),
            Participant._meta.get_field("updated_at"),
            ResearchRecord._meta.get_field("created_at"),
            Minutes._meta.get_field("updated_at"),
            Suggestion._meta.get_field("created_at"),
            Submission._meta.get_field("submitted_at"),
            ResponsibilityTask._meta.get_field("created_at"),
            ResponsibilityTask._meta.get_field("updated_at"),
            ProgressReport._meta.get_field("created_at"),
            Rating._meta.get_field("created_at"),
        )
        with given_times(*stamp):
            self._save()
        self.log.save()
        refresh_statistics()
        # Bulk rows record no events one by one: bring the dashboards' counters up to date with them at once.
        counters.project(
            {
                counters.TOPIC: [ch["topic"].pk for ch in self.chains],
                counters.CONSULTATION: [ch["c"].pk for ch in self.chains],
                counters.TASK: list(
                    ResponsibilityTask.objects.filter(consultation__in=[ch["c"] for ch in self.chains]).values_list(
                        "pk", flat=True
                    )
                ),
            }
        )

    def _save(self) -> None:
        for ch in self.chains:
            when = ch["v"].when
            ch["topic"].created_at = self._when(when - timedelta(days=14) + timedelta(hours=1))
            ch["topic"].updated_at = self._when(when - timedelta(days=12) + timedelta(hours=7))
            ch["c"].created_at = self._when(when - timedelta(days=9))
            ch["c"].updated_at = self._when(when + timedelta(hours=2))
        Topic.objects.bulk_create([ch["topic"] for ch in self.chains], batch_size=500)
        Consultation.objects.bulk_create([ch["c"] for ch in self.chains], batch_size=500)
        Consultation.topics.through.objects.bulk_create(
            [Consultation.topics.through(consultation=ch["c"], topic=ch["topic"]) for ch in self.chains],
            batch_size=1000,
        )
        participants, research, minutes, suggestions, submissions = [], [], [], [], []
        for ch in self.chains:
            c, convenor, when = ch["c"], ch["convenor"], ch["v"].when
            prepared = self._when(when - timedelta(days=9))
            for p in ch["participants"]:
                p.consultation = c
                p.status = InvitationStatus.CONFIRMED
                p.invited_at, p.responded_at = prepared, prepared + timedelta(days=1)
                p.signed_in_at, p.signin_method = self._when(when), SignInMethod.CONVENOR
                p.created_at = p.updated_at = prepared
                participants.append(p)
            research.append(
                ResearchRecord(
                    consultation=c,
                    kind="visit",
                    title="入户走访",
                    text="走访相关农户和村民代表，梳理诉求和分歧。",
                    done_on=(when - timedelta(days=9)).date(),
                    recorded_by=convenor,
                    created_at=prepared,
                )
            )
            minutes.append(
                Minutes(
                    consultation=c,
                    text="召集人介绍议题和走访情况；利益相关村民、村民代表发言；形成建议清单。",
                    recorded_by=convenor,
                    updated_at=self._when(when + timedelta(hours=1)),
                )
            )
            ch["suggestion_rows"] = [
                Suggestion(
                    consultation=c,
                    order=i,
                    text=text,
                    created_by=convenor,
                    created_at=self._when(when + timedelta(hours=1)),
                )
                for i, text in enumerate(ch["suggestions"], start=1)
            ]
            suggestions += ch["suggestion_rows"]
            submissions.append(
                Submission(
                    consultation=c,
                    level="same",
                    receiver_unit=c.unit,
                    recipients=f"{c.unit.name}党组织",
                    note="协商意见建议清单附后。",
                    submitted_by=convenor,
                    submitted_at=self._when(when + timedelta(hours=2)),
                )
            )
        Participant.objects.bulk_create(participants, batch_size=1000)
        ResearchRecord.objects.bulk_create(research, batch_size=1000)
        Minutes.objects.bulk_create(minutes, batch_size=1000)
        Suggestion.objects.bulk_create(suggestions, batch_size=1000)
        Submission.objects.bulk_create(submissions, batch_size=1000)
        for ch in self.chains:
            self._events(ch)
        self._tasks()

    def _events(self, ch: dict) -> None:
        topic, c, convenor, approver, when = ch["topic"], ch["c"], ch["convenor"], ch["approver"], ch["v"].when
        log = self.log
        log.add(topic, topic.created_at, "submit", actor=topic.submitter, to_state="submitted", public=True)
        log.add(
            topic,
            self._when(when - timedelta(days=13) + timedelta(hours=6)),
            "accept",
            actor=convenor,
            from_state="submitted",
            to_state="accepted",
            public=True,
            data={"category": topic.category},
        )
        log.add(
            topic,
            topic.updated_at,
            "approve",
            actor=approver,
            from_state="accepted",
            to_state="approved",
            note="同意协商。",
            public=True,
        )
        prepared = self._when(when - timedelta(days=9))
        steps = [
            (prepared, "create", "", "draft", False),
            (prepared + timedelta(minutes=20), "choose_participants", "draft", "participants_chosen", False),
            (prepared + timedelta(minutes=40), "record_research", "participants_chosen", "research_recorded", False),
            (prepared + timedelta(hours=1), "schedule", "research_recorded", "scheduled", True),
            (self._when(when), "open", "scheduled", "in_session", True),
            (self._when(when + timedelta(hours=1)), "minutes", "", "", False),
            (self._when(when + timedelta(hours=2)), "close_consensus", "in_session", "closed_consensus", True),
            (self._when(when + timedelta(hours=2)), "submit", "closed_consensus", "submitted", True),
        ]
        for moment, action, src, dst, public in steps:
            log.add(c, moment, action, actor=convenor, from_state=src, to_state=dst, public=public)

    def _tasks(self) -> None:
        """Each consultation's first suggestion, as a task for the unit itself (its first convenor answers for it)."""
        rows, progress, ratings = [], [], []
        for ch in self.chains:
            if ch["v"].n % 5 == 4:
                continue  # the party organisation took the suggestions up itself: no task (not counted as solved)
            c, convenor, approver, rng = ch["c"], ch["convenor"], ch["approver"], ch["rng"]
            suggestion = ch["suggestion_rows"][0]
            assigned = ch["v"].when + timedelta(days=1)
            day = assigned.date()
            deadline = self.calendar.add_working_days(day, 20).day
            t = ResponsibilityTask(
                suggestion=suggestion,
                consultation=c,
                unit=c.unit,
                owner_unit=c.unit,
                owner=convenor,
                owner_name=convenor.display_name,
                action=suggestion.text,
                deadline=deadline,
                deadline_working_days=20,
                sign_due=self.calendar.add_working_days(day, 3).day,
                hand_back_due=self.calendar.add_working_days(day, 5).day,
                assigned_by=convenor,
                status=TaskStatus.ASSIGNED,
                created_at=self._when(assigned),
            )
            t.demo = {"events": [(t.created_at, "assign", "", "assigned", approver)]}
            late = ch["v"].n % 4 == 3
            signed = self._when(assigned + timedelta(days=1))
            if signed <= self.now:
                t.status, t.signed_at = TaskStatus.IN_PROGRESS, signed
                t.demo["events"].append((signed, "sign", "assigned", "in_progress", convenor))
            worked = self._when(assigned + timedelta(days=10))
            if worked <= self.now:
                t.percent = 50
                t.demo["progress"] = worked
            done = datetime.combine(deadline, time(16)) + timedelta(
                days=rng.randint(4, 20) if late else -rng.randint(0, 5)
            )
            if self._when(done) <= self.now:
                t.status, t.percent = TaskStatus.COMPLETION_REPORTED, 100
                t.reported_at, t.completion_note = self._when(done), "已按建议完成。"
                t.demo["events"].append(
                    (t.reported_at, "report_completion", "in_progress", "completion_reported", convenor)
                )
                verified = self._when(done + timedelta(days=2))
                if verified <= self.now:
                    t.status, t.completed_at = TaskStatus.DONE, verified
                    t.demo["events"].append((verified, "verify", "completion_reported", "done", approver))
            t.updated_at = max(moment for moment, *_rest in t.demo["events"])
            rows.append(t)
        ResponsibilityTask.objects.bulk_create(rows, batch_size=500)
        for t in rows:
            for moment, action, src, dst, actor in t.demo["events"]:
                public = action != "progress"
                self.log.add(t, moment, action, actor=actor, from_state=src, to_state=dst, public=public)
            if "progress" in t.demo:
                progress.append(
                    ProgressReport(
                        task=t, text="已落实资金和施工队伍。", percent=50, author=t.owner, created_at=t.demo["progress"]
                    )
                )
                self.log.add(t, t.demo["progress"], "progress", actor=t.owner, data={"percent": 50})
            if t.status == TaskStatus.DONE:
                rng = random.Random(f"{SEED}-rating-{t.pk}")
                for i in range(rng.choice([0, 1, 2, 2, 3])):
                    moment = t.completed_at + timedelta(days=rng.randint(1, 20), hours=i)
                    if moment > self.now:
                        continue
                    number = f"139{rng.randint(0, 99_999_999):08d}"
                    ratings.append(
                        Rating(
                            task=t,
                            score=rng.choice([5, 5, 5, 4, 4, 4, 3]),
                            mobile_hash=mobile_hash(number),
                            mobile_masked=number[:3] + "****" + number[-4:],
                            created_at=moment,
                        )
                    )
        ProgressReport.objects.bulk_create(progress, batch_size=1000)
        Rating.objects.bulk_create(ratings, batch_size=1000, ignore_conflicts=True)


def call_off(unit: Unit, people: _People, today: date) -> None:
    """A unit behind its norm: its next consultation was planned and then called off, with the reason on record."""
    day = today - timedelta(days=20)
    convenor = people.holder(unit, Role.CONVENOR, day, Position.FIRST_CONVENOR)
    approver = people.holder(unit, Role.APPROVER, day)
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


FRESH = 1000  # the fresh topics' numbers in their unit's series start here (their tracking codes differ)
FRESH_NOTES = {
    TopicStatus.REJECTED: "属于个体矛盾纠纷，建议通过人民调解解决，不列入协商。",
    TopicStatus.RETURNED: "请补充涉及的具体位置和农户数后重新提交。",
}


def everyday_topics(county: Unit):
    """The lived year's topics: those of its consultations and the fresh ones (the rest are the curated examples)."""
    codes = [_code(unit, FRESH) for unit in lived_units(county)]
    return Topic.objects.filter(
        Q(consultations__title__startswith=MARK) | Q(tracking_code__in=codes), unit__path__startswith=county.path
    )


def fresh_topics(units: list[Unit], behind: set[int], people: _People, rooms: dict, linked: dict) -> None:
    """The topics raised in the last two weeks, at the step each has reached today: waiting to be screened,
    accepted and waiting for the party organisation, approved and waiting for their consultation; now and then one
    not taken up (四不议) or returned for more detail. Inserted in bulk with their events, like the chains."""
    now = clock.now()
    log = EventLog()
    rows = []
    for i, unit in enumerate(u for u in units if u.pk not in behind):
        rng = random.Random(f"{SEED}-fresh-{unit.path}")
        raised = clock.at(at(clock.today() - timedelta(days=rng.randint(0, 13)), rng.randint(8, 11)))
        if raised > now:
            raised -= timedelta(days=1)
        convenor = people.holder(unit, Role.CONVENOR, raised.date(), Position.FIRST_CONVENOR)
        approver = people.holder(unit, Role.APPROVER, raised.date())
        liaison = people.holder(unit, Role.LIAISON, raised.date())
        if convenor is None or approver is None:
            continue
        matters = TOWN_MATTERS if unit.kind in TOWN_KINDS else MATTERS
        title, text, category, _suggestions = matters[(FRESH + unit.pk + 5) % len(matters)]
        source = SOURCES[i % len(SOURCES)]
        room = rooms.get(unit.pk)
        topic = Topic(
            unit=unit,
            source=source,
            title=f"{title}（{unit.name}）"[:100],
            description=text,
            status=TopicStatus.SUBMITTED,
            search_terms=search_terms(f"{title}（{unit.name}）", text),
            tracking_code=_code(unit, FRESH),
            created_at=raised,
        )
        if source == TopicSource.RESIDENT and room is not None:
            topic.room, topic.submitted_by_name = room, _name(rng)
        elif source == TopicSource.MEMBER and linked.get(unit.pk) is not None:
            topic.submitter, topic.submitted_by_name = linked[unit.pk], linked[unit.pk].display_name
        elif source == TopicSource.ASSIGNED:
            topic.submitter, topic.submitted_by_name = approver, f"中共{unit.name}委员会"
        else:
            topic.source, topic.room = TopicSource.GRID, room
            topic.submitter, topic.submitted_by_name = liaison or convenor, _name(rng)
        steps = [(raised, "submit", topic.submitter, "", TopicStatus.SUBMITTED, "", {})]
        screened, decided = raised + timedelta(days=1, hours=5), raised + timedelta(days=2, hours=6)
        outcome = {5: TopicStatus.REJECTED, 9: TopicStatus.RETURNED}.get(i % 12)
        if screened <= now and outcome is not None:
            topic.status = outcome
            if outcome == TopicStatus.REJECTED:
                topic.rejection_reason = "individual_dispute"
            action = "reject" if outcome == TopicStatus.REJECTED else "return"
            data = {"reason": topic.rejection_reason} if topic.rejection_reason else {}
            steps.append((screened, action, convenor, TopicStatus.SUBMITTED, outcome, FRESH_NOTES[outcome], data))
        elif screened <= now:
            topic.status, topic.category = TopicStatus.ACCEPTED, category
            data = {"category": category}
            steps.append((screened, "accept", convenor, TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, "", data))
            if decided <= now:
                topic.status = TopicStatus.APPROVED
                note = "同意协商。"
                steps.append((decided, "approve", approver, TopicStatus.ACCEPTED, TopicStatus.APPROVED, note, {}))
        topic.updated_at = steps[-1][0]
        topic.demo_steps = steps
        rows.append(topic)
    with given_times(Topic._meta.get_field("created_at"), Topic._meta.get_field("updated_at")):
        Topic.objects.bulk_create(rows, batch_size=500)
    for topic in rows:
        for moment, action, actor, src, dst, note, data in topic.demo_steps:
            log.add(topic, moment, action, actor=actor, from_state=src, to_state=dst, note=note, public=True, data=data)
    log.save()
    counters.project({counters.TOPIC: [t.pk for t in rows]})

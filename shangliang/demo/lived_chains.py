"""The everyday consultations of the lived year (demo.lived), written in bulk: for each visit of the plan a topic
raised in the unit (from each of the four sources in turn), screened and approved; its consultation prepared,
researched, held with its participants (the linked member and one more member of the committee, signed in),
minuted, closed with consensus and submitted; four in five with a task for the unit (signed, worked on, finished on
time or late, verified, rated; the recent ones still open). Every row carries the time its step happened and an
event as the services would have written it (running the services at frozen times took two minutes, past the demo's
60 s budget).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from shangliang.accountability.models import ProgressReport, Rating, ResponsibilityTask, TaskStatus
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
from shangliang.people.models import Position, Role, RoleAssignment, User
from shangliang.residents.services import mobile_hash
from shangliang.topics.models import CODE_ALPHABET, CODE_LENGTH, Topic, TopicSource, TopicStatus
from shangliang.topics.text import search_terms
from shangliang.units.models import Room, Unit, UnitKind

from .county import SEED
from .eventlog import EventLog, given_times

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
# fmt: on
SOURCES = (TopicSource.GRID, TopicSource.RESIDENT, TopicSource.MEMBER, TopicSource.ASSIGNED)
NAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "桂兰玉梅春生德福长海秀英凤芝淑华国强建军志刚丽娟红霞"


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


@dataclass
class People:
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


def tracking_code(unit: Unit, n: int) -> str:
    """A tracking code derived from the seed, the unit and the consultation's number (the same on every load)."""
    digest = hashlib.sha256(f"{SEED}:lived-topic:{unit.path}:{n}".encode()).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def resident_name(rng: random.Random) -> str:
    return rng.choice(NAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


class Book:
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
        self, v: Visit, people: People, member: User | None, room: Room | None, guest: User | None = None
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
            tracking_code=tracking_code(unit, n),
        )
        if source == TopicSource.RESIDENT and room is not None:
            topic.room, topic.submitted_by_name = room, resident_name(rng)
        elif source == TopicSource.MEMBER and member is not None:
            topic.submitter, topic.submitted_by_name = member, member.display_name
        elif source == TopicSource.ASSIGNED:
            topic.submitter, topic.submitted_by_name = approver, f"中共{unit.name}委员会"
        else:
            topic.source, topic.room = TopicSource.GRID, room
            topic.submitter, topic.submitted_by_name = liaison or convenor, resident_name(rng)
        if unit.kind in TOWN_KINDS:
            form = ConsultationForm.MEETING
        else:
            form = (ConsultationForm.MONTHLY, ConsultationForm.BENCH, ConsultationForm.ONSITE)[n % 3]
        c = Consultation(
            unit=unit,
            title=f"{MARK}{topic.title}"[:100],
            form=form,
            status=ConsultationStatus.ACKNOWLEDGED if self._acknowledged(when) else ConsultationStatus.SUBMITTED,
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
        for user, organisation in ((member, "政协委员"), (guest, "政协委员（列席）")):
            if user is not None:
                participants.append(
                    Participant(
                        user=user,
                        name=user.display_name,
                        kind=ParticipantKind.MEMBER,
                        organisation=organisation,
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
                    **self._acknowledgement(ch),
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
        if self._acknowledged(when):
            ack = self._acknowledgement(ch)
            log.add(
                c,
                ack["acknowledged_at"],
                "acknowledge",
                actor=approver,
                from_state="submitted",
                to_state="acknowledged",
                note=ack["acknowledgement"],
                public=True,
            )

    # The party organisation acknowledges the results a few days after they are submitted; the last two weeks' wait
    # on its desk (a year of unacknowledged results would make the county look abandoned).
    ACKNOWLEDGE_AFTER = timedelta(days=3)

    def _acknowledged(self, when) -> bool:
        return self._when(when + timedelta(hours=2) + timedelta(days=14)) <= self.now

    def _acknowledgement(self, ch: dict) -> dict:
        if not self._acknowledged(ch["v"].when):
            return {}
        return {
            "acknowledged_by": ch["approver"],
            "acknowledged_at": self._when(ch["v"].when + timedelta(hours=2) + self.ACKNOWLEDGE_AFTER),
            "acknowledgement": "收悉，按清单分工落实。",
        }

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

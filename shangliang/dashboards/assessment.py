"""Duty records (履职档案) of CPPCC members and the assessment (考核) of units, with a county's configurable formula.

The formula (documented on the scoring page): each item has a number of points per occurrence and a cap;
score = Σ min(points × measure, cap) over the items, shown with the maximum Σ cap. A measure is a count over the
period (consultations attended, topics recommended, …) or, for units, 1/0 (norm kept now, room meeting the standard).
A county that has not set an item uses the default below. Counts use the same definitions as the dashboards
(`facts`): a member attended when they took part (signed in, or gave an opinion in a written/online consultation).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shangliang.accountability.models import Supervision
from shangliang.consultations.models import Participant, ParticipantKind, PreConsultationVisit, ResearchRecord
from shangliang.core import clock
from shangliang.dashboards import cells, counters, facts, snapshots
from shangliang.dashboards.models import CountKind, ScoreSubject, ScoringRule
from shangliang.dashboards.periods import Period, aware_start
from shangliang.opinions.models import Adoption, OpinionReport
from shangliang.people.models import Role, RoleAssignment, User
from shangliang.topics.models import TopicSource
from shangliang.units.models import ROOM_BEARING_KINDS, Unit, UnitKind, UnitLevel
from shangliang.villageaffairs.models import Attendance, AttendeeCapacity, MeetingStatus


@dataclass(frozen=True)
class Item:
    key: str
    label: Promise
    definition: Promise
    points: Decimal
    cap: Decimal


D = Decimal
MEMBER_ITEMS = [
    Item(
        "consultations",
        _("参加协商"),
        _("以任何身份实际参加本县协商活动的次数（签到，或书面/网络协商提交意见）。"),
        D(5),
        D(40),
    ),
    Item("topics", _("推荐议题"), _("以“委员荐题”方式提出的议题数（含后来合并、不予协商的）。"), D(5), D(20)),
    Item("research", _("商前调研"), _("本人记录的商前调研次数。"), D(3), D(15)),
    Item("visits", _("上门协商"), _("本人记录的上门协商（会前走访利益相关方）次数。"), D(3), D(15)),
    Item("meetings", _("参加月例会"), _("以委员身份出席、未作为协商活动开展的村务协商监督月例会次数。"), D(2), D(10)),
    Item("supervisions", _("督办任务"), _("期内被指派督办本县责任任务的次数。"), D(3), D(15)),
    Item("opinion_reports", _("报送社情民意"), _("本人撰写、期内报送本县的社情民意信息篇数。"), D(2), D(10)),
    Item(
        "opinions_adopted",
        _("社情民意被采用"),
        _("本人撰写或合并入他稿的信息期内被各级采用的次数（同一篇在几级采用各计一次）。"),
        D(5),
        D(20),
    ),
]
UNIT_ITEMS = [
    Item(
        "norm_kept",
        _("协商频次达标"),
        _("截至今天未落后于协商频次要求（无频次要求的单元视为达标）：是计1。"),
        D(20),
        D(20),
    ),
    Item(
        "covered", _("阵地达标"), _("有在用议事室且最近一次评估全部达标（统计到期末所在年底）：是计1。"), D(20), D(20)
    ),
    Item("consultations", _("开展协商"), _("本单元期内开展的协商活动次数。"), D(5), D(20)),
    Item("consensus", _("达成共识"), _("本单元期内开展的协商中达成共识的次数。"), D(5), D(20)),
    Item("suggestions", _("意见建议"), _("本单元期内开展的协商形成的建议条数。"), D(2), D(10)),
    Item("attendances", _("群众参与"), _("本单元期内协商的参与人次（每10人次计1）。"), D("0.1"), D(10)),
    Item(
        "results_implemented", _("成果落实"), _("本单元期内达成共识的协商中，责任任务已全部办结的次数。"), D(5), D(20)
    ),
    Item(
        "satisfied_percent",
        _("群众满意"),
        _("本单元期内群众评价中4分及以上（满意）的百分比；无评价计0。"),
        D("0.1"),
        D(10),
    ),
]
ITEMS = {ScoreSubject.MEMBER: MEMBER_ITEMS, ScoreSubject.UNIT: UNIT_ITEMS}


@dataclass(frozen=True)
class Rule:
    item: Item
    points: Decimal
    cap: Decimal
    configured: bool


def rules_for(county: Unit, subject: str) -> list[Rule]:
    own = {r.item: r for r in ScoringRule.objects.filter(county=county, subject=subject)}
    out = []
    for item in ITEMS[subject]:
        r = own.get(item.key)
        out.append(Rule(item, r.points, r.cap, True) if r else Rule(item, item.points, item.cap, False))
    return out


@dataclass
class Score:
    measures: dict[str, int]
    parts: list[tuple[Rule, int, Decimal]]  # rule, measure, points earned

    @property
    def total(self) -> Decimal:
        return sum((p for _r, _m, p in self.parts), D(0))

    @property
    def maximum(self) -> Decimal:
        return sum((r.cap for r, _m, _p in self.parts), D(0))

    @property
    def percent(self) -> float | None:
        return None if not self.maximum else round(float(self.total * 100 / self.maximum), 1)


def score(measures: dict[str, int], rules: list[Rule]) -> Score:
    parts = []
    for r in rules:
        n = measures.get(r.item.key, 0)
        parts.append((r, n, min(r.points * n, r.cap).quantize(D("0.1"))))
    return Score(measures, parts)


def _ranked(rows: list, key) -> list:
    """Highest score first; equal scores share a rank (1, 2, 2, 4)."""
    rows.sort(key=lambda r: (-key(r), r.sort_name))
    rank, last = 0, None
    for i, r in enumerate(rows, start=1):
        if key(r) != last:
            rank, last = i, key(r)
        r.rank = rank
    return rows


# --- members -----------------------------------------------------------------------------------------------------


@dataclass
class MemberRecord:
    member: User
    score: Score
    sectors: list[str] = field(default_factory=list)
    rank: int = 0

    @property
    def sort_name(self) -> str:
        return self.member.display_name


def members_of(county: Unit, period: Period):
    """Members of the county's committee at some time during the period."""
    active = RoleAssignment.objects.filter(
        Q(renounced_at__isnull=True) | Q(renounced_at__gt=period.start),
        role=Role.MEMBER,
        unit__path__startswith=county.path,
        assumed_at__lte=period.end,
    )
    return User.objects.filter(pk__in=active.values("user_id")).order_by("full_name", "username")


# The counter each source's records add to, as used for a member.
COUNTER = {
    "attendances": "attendances",
    "attendances_remote": "attendances",
    "topics": "topics",
    "research": "research",
    "visits": "visits",
}


def _source(name: str) -> facts.Source:
    return next(s for s in facts.SOURCES if s.name == name)


def member_measures(county: Unit, period: Period, member_ids: list[int]) -> dict[int, Counter]:
    """Each member's counts for the period, one grouped query per item."""
    out: dict[int, Counter] = {m: Counter() for m in member_ids}

    def add(item, source: facts.Source, qs, person: str):
        qs = qs.filter(source.in_subtree(county), source.in_range(period.start, period.end))
        qs = qs.filter(**{f"{person}__in": member_ids})
        for (uid,), c in source.grouped(qs, {"_g_user": F(person)}):
            out[uid][item] += c.get(COUNTER[source.name], 0)

    attend, remote = _source("attendances"), _source("attendances_remote")
    add("consultations", attend, attend.queryset(), "user_id")
    add("consultations", remote, remote.queryset(), "participant__user_id")
    topics = _source("topics")
    add("topics", topics, topics.queryset().filter(source=TopicSource.MEMBER), "submitter_id")
    research = _source("research")
    add("research", research, ResearchRecord.objects.all(), "recorded_by_id")
    visits = _source("visits")
    add("visits", visits, PreConsultationVisit.objects.all(), "recorded_by_id")
    for uid, n in _meeting_attendance(county, period, member_ids).items():
        out[uid]["meetings"] += n
    for uid, n in _supervisions(county, period, member_ids).items():
        out[uid]["supervisions"] += n
    for key, counts in _opinion_counts(county, period, member_ids).items():
        for uid, n in counts.items():
            out[uid][key] += n
    return out


def _supervisions(county: Unit, period: Period, member_ids: list[int]) -> dict[int, int]:
    """Tasks of the county's units a member was assigned to supervise (督办) in the period."""
    source = _source("supervisions")
    qs = Supervision.objects.filter(source.in_subtree(county), source.in_range(period.start, period.end))
    return dict(
        qs.filter(member_id__in=member_ids).values("member_id").annotate(n=Count("pk")).values_list("member_id", "n")
    )


def _opinion_counts(county: Unit, period: Period, member_ids: list[int]) -> dict[str, dict[int, int]]:
    """Reports each member wrote and submitted to the county in the period, and adoptions in the period of reports
    credited to them (as author or as the author of a report merged in), as opinions.selectors.figures_by_person
    credits them."""
    submitted = dict(
        OpinionReport.objects.filter(
            county=county,
            author_id__in=member_ids,
            submitted_at__gte=aware_start(period.start),
            submitted_at__lt=aware_start(period.end + timedelta(days=1)),
        )
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("author_id", "n")
    )
    adoptions = Adoption.objects.filter(report__county=county, adopted_on__gte=period.start, adopted_on__lte=period.end)
    adopted: dict[int, int] = {}
    rows = adoptions.filter(report__author_id__in=member_ids).values("report__author_id").annotate(n=Count("pk"))
    for uid, n in rows.values_list("report__author_id", "n"):
        adopted[uid] = adopted.get(uid, 0) + n
    rows = adoptions.filter(report__contributors__in=member_ids).values("report__contributors").annotate(n=Count("pk"))
    for uid, n in rows.values_list("report__contributors", "n"):
        adopted[uid] = adopted.get(uid, 0) + n
    return {"opinion_reports": submitted, "opinions_adopted": adopted}


def _meeting_attendance(county: Unit, period: Period, member_ids: list[int]) -> dict[int, int]:
    """As villageaffairs.selectors.member_meeting_attendance, for many members at once, leaving out meetings held as
    consultations (their attendance already counts under "参加协商")."""
    rows = (
        Attendance.objects.filter(
            user_id__in=member_ids,
            capacity=AttendeeCapacity.MEMBER,
            present=True,
            meeting__status=MeetingStatus.HELD,
            meeting__consultation__isnull=True,
            meeting__unit__path__startswith=county.path,
            meeting__month__gte=period.start.replace(day=1),
            meeting__month__lte=period.end,
        )
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    return dict(rows)


def member_records(county: Unit, period: Period) -> list[MemberRecord]:
    members = list(members_of(county, period))
    rules = rules_for(county, ScoreSubject.MEMBER)
    measures = member_measures(county, period, [m.pk for m in members])
    records = [MemberRecord(m, score(measures[m.pk], rules)) for m in members]
    return _ranked(records, lambda r: r.score.total)


def member_details(county: Unit, period: Period, member: User) -> dict:
    """What stands behind a member's counts: the consultations, topics, research and visits themselves."""
    attend, remote = _source("attendances"), _source("attendances_remote")
    signed = attend.queryset().filter(attend.in_subtree(county), attend.in_range(period.start, period.end))
    wrote = remote.queryset().filter(remote.in_subtree(county), remote.in_range(period.start, period.end))
    # Both sides are the member's own participations: saying so up front lets the database start from their rows
    # (the user index) instead of every participation of the province.
    part = Participant.objects.filter(user=member).filter(
        Q(pk__in=signed.filter(user=member).values("pk"))
        | Q(pk__in=wrote.filter(participant__user=member).values("participant_id"))
    )
    topics = _source("topics")
    return {
        "consultations": list(
            part.select_related("consultation__unit").order_by("-consultation__held_at", "-pk")[:100]
        ),
        "topics": list(
            topics.queryset()
            .filter(topics.in_subtree(county), topics.in_range(period.start, period.end))
            .filter(source=TopicSource.MEMBER, submitter=member)
            .select_related("unit")
            .order_by("-created_at", "-pk")[:100]
        ),
        "research": list(
            ResearchRecord.objects.filter(recorded_by=member, consultation__unit__path__startswith=county.path)
            .filter(done_on__gte=period.start, done_on__lte=period.end)
            .select_related("consultation")
            .order_by("-done_on", "-pk")[:100]
        ),
        "visits": list(
            PreConsultationVisit.objects.filter(recorded_by=member, consultation__unit__path__startswith=county.path)
            .filter(visited_on__gte=period.start, visited_on__lte=period.end)
            .select_related("consultation")
            .order_by("-visited_on", "-pk")[:100]
        ),
        "member_kind": ParticipantKind.MEMBER,
    }


# --- units ---------------------------------------------------------------------------------------------------------

LEVEL_KINDS = {
    UnitLevel.TOWN: [UnitKind.TOWN, UnitKind.SUBDISTRICT, UnitKind.URBAN_AREA],
    UnitLevel.VILLAGE: [UnitKind.VILLAGE, UnitKind.COMMUNITY],
    UnitLevel.SPECIAL: [UnitKind.SECTOR, UnitKind.ENTERPRISE],
}


@dataclass
class UnitAssessment:
    unit: Unit
    score: Score
    behind_days: int = 0
    rank: int = 0

    @property
    def sort_name(self) -> str:
        return self.unit.path


def _satisfied_percent(f: Counter) -> int:
    n = f.get("ratings", 0)
    return 0 if not n else round(100 * (f.get("ratings.score.4", 0) + f.get("ratings.score.5", 0)) / n)


def unit_flows(county: Unit, period: Period) -> dict[int, Counter]:
    """Each unit's own flows in the period, the counters the assessment scores (`counters.UNIT_COUNTERS`): the whole
    months from the counters kept per unit, the days of partial months live."""
    if not cells.is_anchor(county) or county.county_id != county.pk:
        return facts.tally_by_unit(county, period.start, period.end)
    cells.ensure_fresh()
    out = counters.by_part(county.pk, period.whole_months(), kind=CountKind.MONTH_UNITS)
    for a, b in period.edges():
        for uid, c in facts.tally_by_unit(county, a, b).items():
            out.setdefault(uid, Counter()).update({k: v for k, v in c.items() if k in counters.UNIT_COUNTERS})
    return out


def unit_assessments(county: Unit, period: Period, *, level: str = UnitLevel.VILLAGE) -> list:
    """The county's room-bearing units of one level, each scored on its own records (not its subtree's)."""
    kinds = list(LEVEL_KINDS.get(level, ROOM_BEARING_KINDS))
    units = list(Unit.objects.filter(path__startswith=county.path, kind__in=kinds, is_active=True).order_by("path"))
    flows = unit_flows(county, period)
    cover = snapshots.coverage_counts(county, year=period.coverage_year, group="unit")
    statuses = {u.pk: st for u, st in snapshots.norm_statuses(county, today=clock.today())}
    rules = rules_for(county, ScoreSubject.UNIT)
    out = []
    for u in units:
        f = flows.get(u.pk, Counter())
        st = statuses.get(u.pk)
        measures = {
            "norm_kept": 0 if st is not None and st.behind else 1,
            "covered": 1 if cover.get(u.pk, Counter()).get("covered") else 0,
            "consultations": f.get("consultations", 0),
            "consensus": f.get("consultations.consensus", 0),
            "suggestions": f.get("suggestions", 0),
            "attendances": f.get("attendances", 0),
            "results_implemented": f.get("results.implemented", 0),
            "satisfied_percent": _satisfied_percent(f),
        }
        out.append(UnitAssessment(u, score(measures, rules), st.days_behind if st is not None else 0))
    return _ranked(out, lambda r: r.score.total)

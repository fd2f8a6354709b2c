"""The live computation of flows: what happened in a unit subtree between two dates, as named counters.

Each `Source` is one table of records with the date that places a record in a period and the counters it adds
(conditional counts). Every figure of the dashboards that adds up over time and over units is made of these
counters, computed by the functions below: for a subtree and a date range, or grouped by child unit, by month, by
unit or by anchor and month (the cached cells of `cells` are exactly the last grouping, stored).

Definitions (also shown beside each figure, see `metrics`):
- a topic counts when it was raised (created), in the state it is in now;
- a consultation counts when it was held (opened: `held_at`), cancelled ones never were;
- a suggestion counts with its consultation, while it is active (withdrawn ones do not);
- a participant took part when signed in (in-person forms) or, for written and online forms, when they gave an
  opinion; counted with the consultation;
- research and door-to-door visits count on the day they were done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, IntegerField, Q
from django.db.models.functions import Coalesce, Substr, TruncMonth

from shangliang.consultations.models import (
    HELD,
    REMOTE_FORMS,
    Consultation,
    ConsultationStatus,
    Opinion,
    Outcome,
    Participant,
    PreConsultationVisit,
    ResearchRecord,
    Suggestion,
    SuggestionStatus,
)
from shangliang.core.months import month_of
from shangliang.dashboards.periods import aware_start
from shangliang.opinions.models import Adoption, Endorsement, OpinionReport
from shangliang.topics.models import Topic, TopicStatus
from shangliang.units.models import Unit

SCREENED_IN = (TopicStatus.ACCEPTED, TopicStatus.APPROVED, TopicStatus.DECLINED)


@dataclass(frozen=True)
class Source:
    """A table of records: the date that places a record in a period, the dimensions it is grouped by (fields or
    annotations) and the counters one record with given dimension values adds to."""

    name: str
    model: type
    unit: str  # lookup from the record to its unit
    moment: str  # the date or datetime field that places a record in a period
    is_date: bool
    dims: tuple[str, ...]
    # dimension values -> the counters a record adds to: a name (adds 1) or (name, amount) for sums
    counters: Callable[[dict], Iterable[str | tuple[str, int]]]
    base: Callable[[], Q] = Q
    annotations: Callable[[], dict] = dict
    watch: tuple[str, ...] = ()  # event labels whose events change these records' counters
    # tables whose new rows change the counters, each with the lookup from a row to its unit
    tables: tuple[tuple[type, str], ...] = field(default_factory=tuple)
    # what one group counts: rows, or distinct values of a column (each value must fall in a single group)
    distinct: str = ""

    def queryset(self):
        ann = self.annotations()
        qs = self.model.objects.annotate(**ann) if ann else self.model.objects.all()
        return qs.filter(self.base())

    def anchor_expr(self):
        return Coalesce(f"{self.unit}__county_id", f"{self.unit}_id", output_field=IntegerField())

    def in_range(self, start: date, end: date) -> Q:
        if self.is_date:
            return Q(**{f"{self.moment}__gte": start, f"{self.moment}__lte": end})
        return Q(**{f"{self.moment}__gte": aware_start(start), f"{self.moment}__lt": aware_start(end + timedelta(1))})

    def in_subtree(self, unit: Unit) -> Q:
        ids = subtree_ids(unit)
        if ids is not None:
            return Q(**{f"{self.unit}_id__in": ids})
        return Q(**{f"{self.unit}__path__startswith": unit.path})

    def in_anchors(self, anchor_ids: Iterable[int], units: list[int] | None = None) -> Q:
        """Rows of these anchors; `units`: their anchored_unit_ids when the caller has them already."""
        ids = list(anchor_ids)
        if units is None:
            units = anchored_unit_ids(ids)
        if units is not None:
            return Q(**{f"{self.unit}_id__in": units})
        return Q(**{f"{self.unit}__county_id__in": ids}) | Q(
            **{f"{self.unit}__county__isnull": True, f"{self.unit}_id__in": ids}
        )

    def grouped(self, qs, group: dict) -> Iterable[tuple[tuple, Counter]]:
        """(group values, counters) for each group of `qs`: one GROUP BY over the group and the dimensions."""
        if group:
            qs = qs.annotate(**group)
        keys = list(group)
        count = Count(self.distinct, distinct=True) if self.distinct else Count("pk")
        if keys or self.dims:
            rows = qs.order_by().values_list(*keys, *self.dims).annotate(_n=count)
        else:  # values_list() without fields would select every field
            rows = [(qs.aggregate(_n=count)["_n"],)]
        out: dict[tuple, Counter] = {}
        for row in rows:
            g, dims, n = row[: len(keys)], dict(zip(self.dims, row[len(keys) : -1], strict=True)), row[-1]
            c = out.setdefault(tuple(g), Counter())
            if not n:
                continue
            for name in self.counters(dims):
                if isinstance(name, tuple):
                    c[name[0]] += n * name[1]
                else:
                    c[name] += n
        return out.items()


# A subtree this small is named by its units' ids: each table is then read through its index on the unit (a county's
# records out of a province's), instead of joining every record to the unit table to test the path.
SMALL_SUBTREE = 5000


def subtree_ids(unit: Unit) -> list[int] | None:
    """The ids of the unit's subtree, or None when it is large (cached on the unit object: one query per page)."""
    cached = getattr(unit, "_sl_subtree_ids", False)
    if cached is False:
        ids = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True)[: SMALL_SUBTREE + 1])
        cached = ids if len(ids) <= SMALL_SUBTREE else None
        unit._sl_subtree_ids = cached
    return cached


def anchored_unit_ids(anchor_ids: list[int]) -> list[int] | None:
    """The ids of the units whose records belong to these anchors, or None when there are many."""
    qs = Unit.objects.filter(Q(county_id__in=anchor_ids) | Q(county__isnull=True, pk__in=anchor_ids))
    ids = list(qs.values_list("pk", flat=True)[: SMALL_SUBTREE + 1])
    return ids if len(ids) <= SMALL_SUBTREE else None


def _topic_counters(d: dict) -> Iterable[str]:
    yield "topics"
    yield f"topics.source.{d['source']}"
    yield f"topics.status.{d['status']}"
    if d["category"]:
        yield f"topics.category.{d['category']}"
    if d["status"] == TopicStatus.REJECTED and d["rejection_reason"]:
        yield f"topics.reason.{d['rejection_reason']}"
    if d["urgent"]:
        yield "topics.urgent"
    if d["status"] in SCREENED_IN:
        yield "topics.screened_in"


SUBMITTED_RESULTS = (ConsultationStatus.SUBMITTED, ConsultationStatus.ACKNOWLEDGED)


def _consultation_counters(d: dict) -> Iterable[str]:
    yield "consultations"
    yield f"consultations.form.{d['form']}"
    if d["outcome"] == Outcome.CONSENSUS:
        yield "consultations.consensus"
    elif d["outcome"] == Outcome.NO_CONSENSUS:
        yield "consultations.no_consensus"
    if d["_reconvened"]:
        yield "consultations.reconvened"
    if d["status"] in SUBMITTED_RESULTS:
        yield "consultations.submitted"


def _attendance_counters(d: dict) -> Iterable[str]:
    kind = d.get("kind") or d.get("participant__kind")
    yield "attendances"
    yield f"attendances.kind.{kind}"


# The topics a consultation took up: the many-to-many table (a topic counts once, with the month it was raised, however
# many consultations took it up: a reconvened one takes up the same topics again).
TopicLink = Consultation.topics.through


CONSULTATION_EVENTS = ("consultations.consultation",)

SOURCES: list[Source] = [
    Source(
        "topics",
        Topic,
        "unit",
        "created_at",
        False,
        ("source", "status", "category", "rejection_reason", "urgent"),
        _topic_counters,
        watch=("topics.topic",),
        tables=((Topic, "unit"),),
    ),
    Source(
        "topics_consulted",
        TopicLink,
        "topic__unit",
        "topic__created_at",
        False,
        (),
        lambda d: ["topics.consulted"],
        base=lambda: Q(consultation__status__in=HELD),
        watch=CONSULTATION_EVENTS,
        tables=((TopicLink, "topic__unit"),),
        distinct="topic_id",
    ),
    Source(
        "topics_consensus",
        TopicLink,
        "topic__unit",
        "topic__created_at",
        False,
        (),
        lambda d: ["topics.consensus"],
        base=lambda: Q(consultation__status__in=HELD, consultation__outcome=Outcome.CONSENSUS),
        watch=CONSULTATION_EVENTS,
        distinct="topic_id",
    ),
    Source(
        "consultations",
        Consultation,
        "unit",
        "held_at",
        False,
        ("form", "outcome", "status", "_reconvened"),
        _consultation_counters,
        base=lambda: Q(status__in=HELD, held_at__isnull=False),
        annotations=lambda: {"_reconvened": Q(reconvened_from__isnull=False)},
        watch=CONSULTATION_EVENTS,
        tables=((Consultation, "unit"),),
    ),
    Source(
        "suggestions",
        Suggestion,
        "consultation__unit",
        "consultation__held_at",
        False,
        (),
        lambda d: ["suggestions"],
        base=lambda: Q(status=SuggestionStatus.ACTIVE, consultation__status__in=HELD),
        watch=CONSULTATION_EVENTS,
        tables=((Suggestion, "consultation__unit"),),
    ),
    # Who took part: signed in (in-person forms), or gave an opinion in a written or online consultation.
    Source(
        "attendances",
        Participant,
        "consultation__unit",
        "consultation__held_at",
        False,
        ("kind",),
        _attendance_counters,
        base=lambda: Q(consultation__status__in=HELD, signed_in_at__isnull=False),
        watch=CONSULTATION_EVENTS,
        tables=((Participant, "consultation__unit"),),
    ),
    Source(
        "attendances_remote",
        Opinion,
        "consultation__unit",
        "consultation__held_at",
        False,
        ("participant__kind",),
        _attendance_counters,
        base=lambda: Q(
            consultation__status__in=HELD,
            consultation__form__in=REMOTE_FORMS,
            participant__signed_in_at__isnull=True,
        ),
        watch=CONSULTATION_EVENTS,
        tables=((Opinion, "consultation__unit"),),
    ),
    Source(
        "research",
        ResearchRecord,
        "consultation__unit",
        "done_on",
        True,
        (),
        lambda d: ["research"],
        watch=CONSULTATION_EVENTS,
        tables=((ResearchRecord, "consultation__unit"),),
    ),
    Source(
        "visits",
        PreConsultationVisit,
        "consultation__unit",
        "visited_on",
        True,
        (),
        lambda d: ["visits"],
        watch=CONSULTATION_EVENTS,
        tables=((PreConsultationVisit, "consultation__unit"),),
    ),
]


def _opinion_sources() -> list[Source]:
    """Public-opinion information (社情民意信息, opinions app): reports submitted, adoptions per level, endorsements,
    each on the day of that step (as opinions.selectors.unit_report_figures counts them for a year; adoptions are
    counted per report and level, which adds up over months and units)."""
    events = ("opinions.opinionreport",)
    return [
        Source(
            "opinion_reports",
            OpinionReport,
            "unit",
            "submitted_at",
            False,
            ("author_kind",),
            lambda d: ["opinions.submitted", f"opinions.author.{d['author_kind']}"],
            base=lambda: Q(submitted_at__isnull=False),
            watch=events,
            tables=((OpinionReport, "unit"),),
        ),
        Source(
            "opinion_adoptions",
            Adoption,
            "report__unit",
            "adopted_on",
            True,
            ("level",),
            lambda d: ["opinions.adoptions", f"opinions.adopted.{d['level']}"],
            watch=events,
            tables=((Adoption, "report__unit"),),
        ),
        Source(
            "opinion_endorsements",
            Endorsement,
            "report__unit",
            "endorsed_on",
            True,
            (),
            lambda d: ["opinions.endorsements"],
            watch=events,
            tables=((Endorsement, "report__unit"),),
        ),
    ]


SOURCES.extend(_opinion_sources())


def register_source(source: Source) -> None:
    """Other areas add their records' counters here (accountability_facts does, when the app starts)."""
    if all(s.name != source.name for s in SOURCES):
        SOURCES.append(source)


def _query(s: Source, unit: Unit, start: date, end: date):
    return s.queryset().filter(s.in_subtree(unit), s.in_range(start, end))


def tally(unit: Unit, start: date, end: date) -> Counter:
    """Every counter over the unit's subtree for the days start..end (inclusive)."""
    out: Counter = Counter()
    for s in SOURCES:
        for _g, c in s.grouped(_query(s, unit, start, end), {}):
            out.update(c)
    return out


def tally_by_child(unit: Unit, start: date, end: date) -> dict[str, Counter]:
    """Counters per child of the unit (keyed by the child's path; the unit's own records under its own path)."""
    prefix_len = len(unit.path) + Unit.steplen
    out: dict[str, Counter] = {}
    for s in SOURCES:
        group = {"_g_child": Substr(f"{s.unit}__path", 1, prefix_len)}
        for (child,), c in s.grouped(_query(s, unit, start, end), group):
            out.setdefault(child, Counter()).update(c)
    return out


def tally_by_child_month(unit: Unit, start: date, end: date) -> dict[tuple[str, date], Counter]:
    """Counters per child of the unit and month (what a county's children cells hold)."""
    prefix_len = len(unit.path) + Unit.steplen
    out: dict[tuple[str, date], Counter] = {}
    for s in SOURCES:
        group = {"_g_child": Substr(f"{s.unit}__path", 1, prefix_len), "_g_month": TruncMonth(s.moment)}
        for (child, m), c in s.grouped(_query(s, unit, start, end), group):
            out.setdefault((child, month_of(m)), Counter()).update(c)
    return out


def tally_by_month(unit: Unit, start: date, end: date) -> dict[date, Counter]:
    out: dict[date, Counter] = {}
    for s in SOURCES:
        for (m,), c in s.grouped(_query(s, unit, start, end), {"_g_month": TruncMonth(s.moment)}):
            out.setdefault(month_of(m), Counter()).update(c)
    return out


def tally_by_unit(unit: Unit, start: date, end: date) -> dict[int, Counter]:
    """Counters per unit of the subtree (each unit's own records, not its subtree's)."""
    out: dict[int, Counter] = {}
    for s in SOURCES:
        for (uid,), c in s.grouped(_query(s, unit, start, end), {"_g_unit": F(f"{s.unit}_id")}):
            out.setdefault(uid, Counter()).update(c)
    return out


def tally_by_unit_month(unit: Unit, start: date, end: date) -> dict[tuple[int, date], Counter]:
    """Counters per unit of the subtree (its own records) and month."""
    out: dict[tuple[int, date], Counter] = {}
    for s in SOURCES:
        group = {"_g_unit": F(f"{s.unit}_id"), "_g_month": TruncMonth(s.moment)}
        for (uid, m), c in s.grouped(_query(s, unit, start, end), group):
            out.setdefault((uid, month_of(m)), Counter()).update(c)
    return out


def tally_by_anchor_month(anchor_ids: Iterable[int], start: date, end: date) -> dict[tuple[int, date], Counter]:
    """Counters per anchor and month: what the cached month cells hold."""
    anchor_ids = list(anchor_ids)
    units = anchored_unit_ids(anchor_ids)  # once for all the sources
    out: dict[tuple[int, date], Counter] = {}
    for s in SOURCES:
        qs = s.queryset().filter(s.in_anchors(anchor_ids, units), s.in_range(start, end))
        for (a, m), c in s.grouped(qs, {"_g_anchor": s.anchor_expr(), "_g_month": TruncMonth(s.moment)}):
            out.setdefault((a, month_of(m)), Counter()).update(c)
    return out


def watched_tables() -> dict[type, str]:
    """Every table whose rows change a counter, with the lookup from a row to its unit."""
    out: dict[type, str] = {}
    for s in SOURCES:
        out.update(dict(s.tables))
    return out


def anchors_of_rows(model, unit_lookup: str, above_id: int) -> set[int]:
    """Anchors of a table's rows with ids above `above_id` (written without an event, e.g. by a bulk load).
    `unit_lookup` "" means the rows are units themselves."""
    if unit_lookup:
        expr = Coalesce(f"{unit_lookup}__county_id", f"{unit_lookup}_id", output_field=IntegerField())
    else:
        expr = Coalesce("county_id", "id", output_field=IntegerField())
    return set(
        model.objects.filter(pk__gt=above_id).annotate(_a=expr).order_by().values_list("_a", flat=True).distinct()
    )

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
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone

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
from shangliang.dashboards.periods import aware_start, month_start
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
    counters: Callable[[dict], Iterable[str]]  # dimension values -> names of the counters a record adds 1 to
    base: Callable[[], Q] = Q
    annotations: Callable[[], dict] = dict
    watch: tuple[str, ...] = ()  # event labels whose events change these records' counters
    # tables whose new rows change the counters, each with the lookup from a row to its unit
    tables: tuple[tuple[type, str], ...] = field(default_factory=tuple)

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
        return Q(**{f"{self.unit}__path__startswith": unit.path})

    def in_anchors(self, anchor_ids: Iterable[int]) -> Q:
        ids = list(anchor_ids)
        return Q(**{f"{self.unit}__county_id__in": ids}) | Q(
            **{f"{self.unit}__county__isnull": True, f"{self.unit}_id__in": ids}
        )

    def grouped(self, qs, group: dict) -> Iterable[tuple[tuple, Counter]]:
        """(group values, counters) for each group of `qs`: one GROUP BY over the group and the dimensions."""
        if group:
            qs = qs.annotate(**group)
        keys = list(group)
        if keys or self.dims:
            rows = qs.order_by().values_list(*keys, *self.dims).annotate(_n=Count("pk"))
        else:  # values_list() without fields would select every field
            rows = [(qs.aggregate(_n=Count("pk"))["_n"],)]
        out: dict[tuple, Counter] = {}
        for row in rows:
            g, dims, n = row[: len(keys)], dict(zip(self.dims, row[len(keys) : -1], strict=True)), row[-1]
            c = out.setdefault(tuple(g), Counter())
            if not n:
                continue
            for name in self.counters(dims):
                c[name] += n
        return out.items()


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
    if d["_consulted"]:
        yield "topics.consulted"
    if d["_consensus"]:
        yield "topics.consensus"


def _topic_annotations() -> dict:
    held = Consultation.objects.filter(topics=OuterRef("pk"), status__in=HELD)
    return {"_consulted": Exists(held), "_consensus": Exists(held.filter(outcome=Outcome.CONSENSUS))}


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


def _took_part() -> Q:
    return Q(signed_in_at__isnull=False) | Q(consultation__form__in=REMOTE_FORMS, _gave_opinion=True)


def _attendance_counters(d: dict) -> Iterable[str]:
    yield "attendances"
    yield f"attendances.kind.{d['kind']}"


CONSULTATION_EVENTS = ("consultations.consultation",)

SOURCES: list[Source] = [
    Source(
        "topics",
        Topic,
        "unit",
        "created_at",
        False,
        ("source", "status", "category", "rejection_reason", "urgent", "_consulted", "_consensus"),
        _topic_counters,
        annotations=_topic_annotations,
        watch=("topics.topic", *CONSULTATION_EVENTS),
        tables=((Topic, "unit"),),
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
    Source(
        "attendances",
        Participant,
        "consultation__unit",
        "consultation__held_at",
        False,
        ("kind",),
        _attendance_counters,
        base=lambda: Q(consultation__status__in=HELD) & _took_part(),
        annotations=lambda: {"_gave_opinion": Exists(Opinion.objects.filter(participant=OuterRef("pk")))},
        watch=CONSULTATION_EVENTS,
        tables=((Participant, "consultation__unit"), (Opinion, "consultation__unit")),
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


def register_source(source: Source) -> None:
    """Later areas (accountability, opinions) add their records' counters here."""
    if all(s.name != source.name for s in SOURCES):
        SOURCES.append(source)


def _month_of(value) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return month_start(value)


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


def tally_by_month(unit: Unit, start: date, end: date) -> dict[date, Counter]:
    out: dict[date, Counter] = {}
    for s in SOURCES:
        for (m,), c in s.grouped(_query(s, unit, start, end), {"_g_month": TruncMonth(s.moment)}):
            out.setdefault(_month_of(m), Counter()).update(c)
    return out


def tally_by_unit(unit: Unit, start: date, end: date) -> dict[int, Counter]:
    """Counters per unit of the subtree (each unit's own records, not its subtree's)."""
    out: dict[int, Counter] = {}
    for s in SOURCES:
        for (uid,), c in s.grouped(_query(s, unit, start, end), {"_g_unit": F(f"{s.unit}_id")}):
            out.setdefault(uid, Counter()).update(c)
    return out


def tally_by_anchor_month(anchor_ids: Iterable[int], start: date, end: date) -> dict[tuple[int, date], Counter]:
    """Counters per anchor and month: what the cached month cells hold."""
    anchor_ids = list(anchor_ids)
    out: dict[tuple[int, date], Counter] = {}
    for s in SOURCES:
        qs = s.queryset().filter(s.in_anchors(anchor_ids), s.in_range(start, end))
        for (a, m), c in s.grouped(qs, {"_g_anchor": s.anchor_expr(), "_g_month": TruncMonth(s.moment)}):
            out.setdefault((a, _month_of(m)), Counter()).update(c)
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

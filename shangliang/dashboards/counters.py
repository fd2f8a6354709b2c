"""The delta engine: flows kept current by each change, in the change's own transaction.

A *subject* is a record that the rows of every flow source hang from: a topic (its own counters and the links that
say it was consulted), a consultation (suggestions, participants, opinions, research, visits, evaluations), a
responsibility task (ratings, supervisions) or an opinion report (adoptions, endorsements). Each subject has one
unit, so what it adds to the figures is {month: Counter} at that unit.

`project(subjects)` recomputes what the subjects add now (one grouped query per source, over these subjects only),
compares it with their `Contribution` rows and adds the difference to the counters of the anchor (the unit's
county, or the unit above county level), of the county's child the unit lies under, and of the unit itself
(`FigureCount`, one row per counter). Events drive it (core.events.register_projector: the projector runs inside
the transaction that records the event, so a rolled-back change rolls its counters back with it).

Concurrency: the subjects' contribution rows are locked (in id order) before anything is read, so two transactions
projecting the same subject queue, and the second computes from the first's committed rows. Counters change only by
one upsert per change, `INSERT … ON CONFLICT DO UPDATE SET value = value + excluded.value` over every counter the
change moves, in key order: two transactions adding to the same counter both count, on SQLite and PostgreSQL alike.
A change costs a fixed handful of statements: lock its contributions (one upsert), read its subjects with where
they go (one query, the county's child taken from the unit's stored path), one grouped query per source, then the
counters (one upsert) and the contributions (one update).
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Substr, TruncMonth

from shangliang.accountability.models import (
    LIVE_STATUSES,
    OPEN_STATUSES,
    FollowUpCheck,
    FollowUpStatus,
    ResponsibilityTask,
)
from shangliang.accountability.services.tasks import ASSIGNABLE
from shangliang.consultations.models import Consultation, Suggestion, SuggestionStatus
from shangliang.core.events import register_projector
from shangliang.core.months import month_key, month_of
from shangliang.dashboards import facts
from shangliang.dashboards.models import Contribution, CountKind, FigureCount
from shangliang.units.models import Unit

logger = logging.getLogger(__name__)

TOPIC = "topics.topic"
CONSULTATION = "consultations.consultation"
TASK = "accountability.responsibilitytask"
REPORT = "opinions.opinionreport"
# Locks are taken in this order (then by id), so that two transactions never wait for each other in a circle.
SUBJECT_ORDER = (REPORT, TASK, CONSULTATION, TOPIC)

Figures = dict[str, Counter]  # month key -> counters


@dataclass(frozen=True)
class Feed:
    """A source seen from its subject: the lookup from a source row to its subject's id."""

    source: facts.Source
    subject: str  # the subject's model label
    lookup: str  # "pk" or "<fk>_id"


def feed_of(source: facts.Source) -> Feed:
    return Feed(source, *subject_of_table(source.model, source.unit))


def subject_of_table(model, unit_lookup: str) -> tuple[str, str]:
    """The subject label of a table's rows, and the lookup from a row to the subject's id."""
    if unit_lookup == "unit":
        return model._meta.label_lower, "pk"
    fk = unit_lookup.removesuffix("__unit")
    return model._meta.get_field(fk).related_model._meta.label_lower, f"{fk}_id"


def feeds() -> dict[str, list[Feed]]:
    out: dict[str, list[Feed]] = defaultdict(list)
    for s in facts.SOURCES:
        f = feed_of(s)
        out[f.subject].append(f)
    return out


def subject_model(label: str):
    return apps.get_model(label)


# --- what subjects add ---------------------------------------------------------------------------------------------


def compute(label: str, ids: Q | Iterable[int]) -> dict[int, tuple[int, Figures]]:
    """{subject id: (unit id, {month: Counter})} for the subjects of `label` with these ids (a list, or a Q over the
    subject id such as Q(pk__range=…)) that exist now."""
    return {sid: (unit_id, figures) for sid, (unit_id, _anchor, _part, figures) in compute_placed(label, ids).items()}


def compute_placed(label: str, ids: Q | Iterable[int]) -> dict[int, tuple[int, int, int, Figures]]:
    """{subject id: (unit id, anchor id, part, {month: Counter})}: `compute` with where the subject's figures go,
    read in the same query as the subjects (see `placements`)."""
    model = subject_model(label)
    which = ids if isinstance(ids, Q) else Q(pk__in=list(ids))
    rows = model.objects.filter(which).annotate(_child=_child_of("unit__")).order_by()
    out: dict[int, tuple[int, int, int, Figures]] = {
        pk: (unit_id, *_placed(unit_id, county_id, child), {})
        for pk, unit_id, county_id, child in rows.values_list("pk", "unit_id", "unit__county_id", "_child")
    }
    if not out:
        return out
    for sid, figures in _standing(label, which).items():
        if sid in out:
            out[sid][3].update(figures)
    for feed in feeds()[label]:
        s = feed.source
        if isinstance(ids, Q):
            of_subjects = _rename(ids, feed.lookup)
        else:
            of_subjects = Q(**{f"{feed.lookup}__in": list(out)})
        group = {"_g_subject": F(feed.lookup), "_g_month": TruncMonth(s.moment)}
        for (sid, m), c in s.grouped(s.queryset().filter(of_subjects), group):
            if sid in out and m is not None and c:
                out[sid][3].setdefault(month_key(month_of(m)), Counter()).update(c)
    return out


def _rename(q: Q, lookup: str) -> Q:
    """Q(pk__range=(a, b)) on the subject as the same condition on a source row's subject lookup."""
    children = []
    for child in q.children:
        name, value = child
        children.append((name.replace("pk", lookup, 1), value))
    return Q(*children, _connector=q.connector, _negated=q.negated)


# --- standing now (kept like the flows, bucketed by deadline instead of month) ----------------------------------------

STANDING = "s:"  # a figures key for the standing kinds: "s:2026-05-31" (a deadline) or "s:now"
NO_DEADLINE = "9999-12-31"


def _standing(label: str, which: Q) -> dict[int, Figures]:
    """What the subjects add to today's standing (accountability.failures' definitions): a task open now, under its
    deadline; a result found not lasting; a consultation's agreed suggestions without a live task."""
    out: dict[int, Figures] = {}

    def add(sid, key, name, n):
        if n:
            out.setdefault(sid, {}).setdefault(STANDING + key, Counter())[name] += n

    if label == TASK:
        tasks = ResponsibilityTask.objects.filter(which, status__in=OPEN_STATUSES)
        for sid, deadline in tasks.values_list("pk", "deadline"):
            add(sid, deadline.isoformat() if deadline else NO_DEADLINE, "tasks.open", 1)
        checks = FollowUpCheck.objects.filter(_rename(which, "task_id"), status=FollowUpStatus.NOT_LASTED)
        for sid, n in checks.order_by().values("task_id").annotate(n=Count("pk")).values_list("task_id", "n"):
            add(sid, "now", "failures.not_lasting", n)
    elif label == CONSULTATION:
        live = ResponsibilityTask.objects.filter(suggestion=OuterRef("pk"), status__in=LIVE_STATUSES)
        agreed = Suggestion.objects.filter(
            _rename(which, "consultation_id"), consultation__status__in=ASSIGNABLE, status=SuggestionStatus.ACTIVE
        ).filter(~Exists(live))
        rows = agreed.order_by().values("consultation_id").annotate(n=Count("pk")).values_list("consultation_id", "n")
        for sid, n in rows:
            add(sid, "now", "failures.unassigned", n)
    return out


# --- where a unit's figures go -------------------------------------------------------------------------------------


def _child_of(prefix: str = ""):
    """The id of the county's child that a unit (reached by `prefix`, "" for the unit itself) lies under, read from
    the unit's stored path: the unit whose path is the first `county depth + 1` steps of it (NULL above county
    level; the county itself for a county)."""
    length = (OuterRef(f"{prefix}county__depth") + 1) * Unit.steplen
    return Subquery(Unit.objects.filter(path=Substr(OuterRef(f"{prefix}path"), 1, length)).order_by().values("pk")[:1])


def _placed(unit_id: int, county_id: int | None, child_id: int | None) -> tuple[int, int]:
    if county_id is None:
        return unit_id, 0
    if county_id == unit_id:
        return unit_id, unit_id
    return county_id, child_id or county_id


def placements(unit_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """{unit id: (anchor id, part)}: the anchor is the unit's county (or the unit itself above county level); the
    part is the county's child the unit lies under (the county itself for its own records), 0 above county level.
    One query, whatever the depth."""
    rows = Unit.objects.filter(pk__in=set(unit_ids)).annotate(_child=_child_of()).order_by()
    return {pk: _placed(pk, county_id, child) for pk, county_id, child in rows.values_list("pk", "county_id", "_child")}


CountKey = tuple[int, str, str, int, str]  # anchor, kind, month key, part, counter name


# The counters kept per unit (a unit's own records), for the unit assessment: only what it scores, so that the
# table stays a few rows per unit and month.
UNIT_COUNTERS = frozenset(
    {
        "consultations",
        "consultations.consensus",
        "suggestions",
        "attendances",
        "results.implemented",
        "ratings",
        "ratings.score.4",
        "ratings.score.5",
    }
)


def add_placed(deltas: Counter, figures: Figures, unit_id: int, anchor: int, part: int, sign: int) -> None:
    for key, c in figures.items():
        if key.startswith(STANDING):
            for name, n in c.items():
                deltas[(anchor, CountKind.STANDING, key[len(STANDING) :], 0, name)] += sign * n
                if part:
                    deltas[(anchor, CountKind.STANDING_CHILDREN, key[len(STANDING) :], part, name)] += sign * n
            continue
        for name, n in c.items():
            if not n:
                continue
            deltas[(anchor, CountKind.MONTH, key, 0, name)] += sign * n
            if part:
                deltas[(anchor, CountKind.MONTH_CHILDREN, key, part, name)] += sign * n
                if name in UNIT_COUNTERS:
                    deltas[(anchor, CountKind.MONTH_UNITS, key, unit_id, name)] += sign * n


def apply(deltas: Counter) -> None:
    """Add each difference to its counter: one statement for all of them, `INSERT … ON CONFLICT DO UPDATE SET value
    = value + excluded.value` (SQLite ≥ 3.24 and PostgreSQL), so a missing counter is created and an existing one
    changed in place, never read and written back. Concurrency: the statement locks each row it inserts or updates
    until the transaction ends, so a second transaction adding to the same counter waits and then adds to the
    committed value (no lost update); rows go in key order, so two transactions take their locks in the same order
    and cannot deadlock."""
    rows = sorted((k, v) for k, v in deltas.items() if v)
    if not rows:
        return
    table = connection.ops.quote_name(FigureCount._meta.db_table)
    columns = "anchor_id, kind, key, part, name, value"
    per_statement = max(1, (connection.features.max_query_params or 6000) // 6)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), per_statement):
            batch = rows[i : i + per_statement]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 (a quoted table name, placeholders)
                "ON CONFLICT (anchor_id, kind, key, part, name) "
                f"DO UPDATE SET value = {table}.value + excluded.value"
            )
            cursor.execute(
                sql,
                [x for (a, kind, key, part, name), v in batch for x in (a, kind, key, part, name, v)],
            )


# --- projecting subjects -------------------------------------------------------------------------------------------


def _locked_contributions(label: str, ids: list[int]) -> dict[int, Contribution]:
    """The subjects' contribution rows, created empty if missing, locked until the transaction ends: one statement
    (`INSERT … ON CONFLICT DO UPDATE … RETURNING`: the no-op update takes the row lock a SELECT FOR UPDATE would,
    and waits for a concurrent projection of the same subject to commit, then returns its committed row). Rows go
    in id order, so two transactions lock in the same order."""
    table = connection.ops.quote_name(Contribution._meta.db_table)
    per_statement = max(1, (connection.features.max_query_params or 3000) // 2)
    out = {}
    with connection.cursor() as cursor:
        for i in range(0, len(ids), per_statement):
            batch = ids[i : i + per_statement]
            values = ", ".join(["(%s, %s, 0, '{}')"] * len(batch))
            sql = (
                f"INSERT INTO {table} (subject, subject_id, part, figures) VALUES {values} "  # noqa: S608 (as in apply)
                f"ON CONFLICT (subject, subject_id) DO UPDATE SET part = {table}.part "
                "RETURNING id, subject_id, unit_id, anchor_id, part, figures"
            )
            cursor.execute(sql, [x for i in batch for x in (label, i)])
            for pk, sid, unit_id, anchor_id, part, figures in cursor.fetchall():
                out[sid] = Contribution(
                    pk=pk,
                    subject=label,
                    subject_id=sid,
                    unit_id=unit_id,
                    anchor_id=anchor_id,
                    part=part,
                    figures=json.loads(figures) if isinstance(figures, str) else figures,
                )
    return out


def _not_held_elsewhere(label: str, ids: list[int]) -> dict[int, Contribution]:
    """Of these subjects, those no other transaction is projecting right now: their rows locked by a plain SELECT …
    FOR UPDATE SKIP LOCKED (no write: a catch-up that finds nothing to change writes nothing, so a page that runs it
    stays a read), and the missing ones created and locked."""
    rows = Contribution.objects.filter(subject=label, subject_id__in=ids)
    there = set(rows.values_list("subject_id", flat=True))
    mine = {c.subject_id: c for c in rows.select_for_update(skip_locked=True).order_by("subject_id")}
    missing = [i for i in ids if i not in there]
    if missing:
        mine.update(_locked_contributions(label, missing))
    return mine


def project(subjects: dict[str, Iterable[int]], *, skip_locked: bool = False) -> None:
    """Bring the counters up to date with these subjects as they are now (a subject that no longer exists adds
    nothing). Call inside the transaction that changed them (no savepoint of its own: an error undoes the change).
    `skip_locked` (a background catch-up, never a change's own transaction): leave out the subjects another
    transaction is projecting right now — it holds their rows and counts them as they are when it commits — instead
    of waiting for it (waiting, the catch-up and a change projecting several subjects in turn could each hold what
    the other wants: a deadlock, seen under load in bench_load's county mix)."""
    with transaction.atomic(savepoint=False):
        deltas: Counter = Counter()
        changed: list[Contribution] = []
        gone: list[int] = []
        for label in sorted(subjects, key=SUBJECT_ORDER.index):
            ids = sorted({int(i) for i in subjects[label] if i is not None})
            if not ids:
                continue
            if skip_locked:
                old = _not_held_elsewhere(label, ids)
                ids = [i for i in ids if i in old]
            else:
                old = _locked_contributions(label, ids)
            new = compute_placed(label, ids)
            for sid in ids:
                row = old[sid]
                unit_id, anchor, part, figures = new.get(sid, (None, None, 0, {}))
                figures = {k: dict(+c) for k, c in figures.items() if +c}
                if row.figures == figures and row.unit_id == unit_id and (row.anchor_id, row.part) == (anchor, part):
                    continue
                if row.unit_id is not None and row.anchor_id is not None:
                    add_placed(deltas, row.figures, row.unit_id, row.anchor_id, row.part, -1)
                if unit_id is None:
                    gone.append(row.pk)
                    continue
                add_placed(deltas, figures, unit_id, anchor, part, +1)
                row.unit_id, row.anchor_id, row.part, row.figures = unit_id, anchor, part, figures
                changed.append(row)
        apply(deltas)
        if changed:
            Contribution.objects.bulk_update(changed, ["unit", "anchor_id", "part", "figures"])
        if gone:
            Contribution.objects.filter(pk__in=gone).delete()


def replace_units(root: Unit) -> int:
    """After `root` moved: shift what the subjects of its subtree add from their old anchor and part to the new ones
    (the moved records are not recomputed, only placed again). Returns the number of subjects moved."""
    with transaction.atomic():
        units = dict(Unit.objects.filter(path__startswith=root.path).values_list("pk", "county_id"))
        where = placements(units)
        rows = list(
            Contribution.objects.select_for_update().filter(unit_id__in=list(units)).order_by("subject", "subject_id")
        )
        deltas: Counter = Counter()
        changed = []
        for row in rows:
            placed = where[row.unit_id]
            if (row.anchor_id, row.part) == placed:
                continue
            add_placed(deltas, row.figures, row.unit_id, row.anchor_id, row.part, -1)
            add_placed(deltas, row.figures, row.unit_id, placed[0], placed[1], +1)
            row.anchor_id, row.part = placed
            changed.append(row)
        apply(deltas)
        Contribution.objects.bulk_update(changed, ["anchor_id", "part"], batch_size=2000)
        return len(changed)


# --- events ---------------------------------------------------------------------------------------------------------

TopicLink = Consultation.topics.through


def _topics_of(consultation_ids: list[int]) -> list[int]:
    return list(TopicLink.objects.filter(consultation_id__in=consultation_ids).values_list("topic_id", flat=True))


def subjects_of(event) -> dict[str, list[int]]:
    """The subjects an event may have changed: its object when that is a subject, and the subjects whose figures
    depend on it (a consultation's topics count as consulted; a task makes its consultation's result and topics)."""
    label = f"{event.content_type.app_label}.{event.content_type.model}"
    merged_from = (event.data or {}).get("from", [])  # a merge: the record(s) merged in
    merged = [int(i) for i in (merged_from if isinstance(merged_from, list) else [merged_from]) if str(i).isdigit()]
    if label == TOPIC:
        return {TOPIC: [event.object_id, *merged]}
    if label == CONSULTATION:
        return {CONSULTATION: [event.object_id], TOPIC: _topics_of([event.object_id])}
    if label == TASK:
        from_task = subject_model(TASK).objects.filter(pk=event.object_id).values_list("consultation_id", flat=True)
        consultations = [c for c in from_task if c is not None]
        return {TASK: [event.object_id], CONSULTATION: consultations, TOPIC: _topics_of(consultations)}
    if label == "accountability.evaluationresponse":
        model = apps.get_model(label)
        return {CONSULTATION: list(model.objects.filter(pk=event.object_id).values_list("consultation_id", flat=True))}
    if label == REPORT:
        return {REPORT: [event.object_id, *merged]}
    return {}


def on_event(event) -> None:
    subjects = subjects_of(event)
    if subjects:
        project(subjects)


def on_unit_event(event) -> None:
    if event.action == "move":
        unit = Unit.objects.filter(pk=event.object_id).first()
        if unit is not None:
            replace_units(unit)


EVENT_LABELS = (TOPIC, CONSULTATION, TASK, "accountability.evaluationresponse", REPORT)


def register_projectors() -> None:
    for label in EVENT_LABELS:
        register_projector(label, on_event)
    register_projector("units.unit", on_unit_event)


# --- reading ---------------------------------------------------------------------------------------------------------


def _counts(anchor_ids: list[int], kind: str, keys: list[str], *, part=None):
    qs = FigureCount.objects.filter(anchor_id__in=anchor_ids, kind=kind, key__in=keys)
    if part is not None:
        qs = qs.filter(part=part)
    return qs.order_by()


def by_part(county_id: int, months: list, *, kind: str = CountKind.MONTH_CHILDREN) -> dict[int, Counter]:
    """A county's counters by child (or, with MONTH_UNITS, by unit): {unit id: Counter}."""
    out: dict[int, Counter] = {}
    if not months:
        return out
    rows = (
        _counts([county_id], kind, [month_key(m) for m in months])
        .values("part", "name")
        .annotate(v=Sum("value"))
        .values_list("part", "name", "v")
    )
    for part, name, v in rows:
        if v:
            out.setdefault(part, Counter())[name] = v
    return out


# --- a page's reads: flows and standing in one query each ------------------------------------------------------------


def _add_standing(c: Counter, key: str, name: str, v: int, today) -> None:
    c[name] += v
    if name == "tasks.open" and key < today.isoformat():
        c["tasks.overdue"] += v


def totals(anchor_ids: list[int], months: list, today) -> tuple[dict[str, Counter], Counter]:
    """Summed over these anchors: the counters of each month asked for ({month key: Counter}) and today's standing
    (as `standing`), in one query."""
    by_month: dict[str, Counter] = {}
    now: Counter = Counter()
    if not anchor_ids:
        return by_month, now
    keys = [month_key(m) for m in months]
    rows = (
        FigureCount.objects.filter(anchor_id__in=anchor_ids, part=0)
        .filter(Q(kind=CountKind.MONTH, key__in=keys) | Q(kind=CountKind.STANDING))
        .order_by()
        .values("kind", "key", "name")
        .annotate(v=Sum("value"))
        .values_list("kind", "key", "name", "v")
    )
    for kind, key, name, v in rows:
        if not v:
            continue
        if kind == CountKind.MONTH:
            by_month.setdefault(key, Counter())[name] = v
        else:
            _add_standing(now, key, name, v, today)
    return by_month, now


def _split(rows, today) -> tuple[dict[int, Counter], dict[int, Counter]]:
    flows: dict[int, Counter] = {}
    now: dict[int, Counter] = {}
    for kind, group, key, name, v in rows:
        if not v:
            continue
        if kind in (CountKind.MONTH, CountKind.MONTH_CHILDREN):
            flows.setdefault(group, Counter())[name] += v
        else:
            _add_standing(now.setdefault(group, Counter()), key, name, v, today)
    return flows, now


def _flows_and_standing(qs, group: str, flow_kind: str, standing_kind: str, months: list, today):
    keys = [month_key(m) for m in months]
    rows = (
        qs.filter(Q(kind=flow_kind, key__in=keys) | Q(kind=standing_kind))
        .annotate(_k=Case(When(kind=standing_kind, then=F("key")), default=Value("")))
        .order_by()
        .values("kind", group, "_k", "name")
        .annotate(v=Sum("value"))
        .values_list("kind", group, "_k", "name", "v")
    )
    return _split(rows, today)


def per_anchor(anchor_ids: list[int], months: list, today) -> tuple[dict[int, Counter], dict[int, Counter]]:
    """({anchor: flows over the months}, {anchor: today's standing}): `by_anchor` and `standing_by_anchor` in one
    query."""
    if not anchor_ids:
        return {}, {}
    qs = FigureCount.objects.filter(anchor_id__in=anchor_ids, part=0)
    return _flows_and_standing(qs, "anchor_id", CountKind.MONTH, CountKind.STANDING, months, today)


def per_part(county_id: int, months: list, today) -> tuple[dict[int, Counter], dict[int, Counter]]:
    """A county's ({child: flows over the months}, {child: today's standing}): `by_part` and `standing_by_part` in
    one query."""
    qs = FigureCount.objects.filter(anchor_id=county_id)
    return _flows_and_standing(qs, "part", CountKind.MONTH_CHILDREN, CountKind.STANDING_CHILDREN, months, today)


# --- recomputing everything (repair) --------------------------------------------------------------------------------

BATCH = 20_000
EVER = (date(1970, 1, 1), date(2999, 12, 31))


def _recount(anchor: Unit) -> Counter:
    """An anchor's counters computed from the live tables (set-based: a few grouped queries per source)."""
    out: Counter = Counter()
    for (a, m), c in facts.tally_by_anchor_month([anchor.pk], *EVER).items():
        for name, n in c.items():
            out[(a, CountKind.MONTH, month_key(m), 0, name)] += n
    if anchor.county_id != anchor.pk:
        return out
    paths = dict(Unit.objects.filter(path__startswith=anchor.path).values_list("path", "pk"))
    for (child, m), c in facts.tally_by_child_month(anchor, *EVER).items():
        for name, n in c.items():
            out[(anchor.pk, CountKind.MONTH_CHILDREN, month_key(m), paths[child], name)] += n
    for (unit_id, m), c in facts.tally_by_unit_month(anchor, *EVER).items():
        for name, n in c.items():
            if name in UNIT_COUNTERS:
                out[(anchor.pk, CountKind.MONTH_UNITS, month_key(m), unit_id, name)] += n
    return out


def _stored(anchor_id: int) -> Counter:
    rows = FigureCount.objects.filter(anchor_id=anchor_id).values_list(
        "anchor_id", "kind", "key", "part", "name", "value"
    )
    return Counter({tuple(r[:5]): r[5] for r in rows if r[5]})


def _repair_contributions(label: str, *, fix: bool, standing: Counter) -> tuple[int, int]:
    """Recompute every subject's contribution, batch by batch of ids; returns (subjects, rows that differed)."""
    model = subject_model(label)
    top = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    stored_top = (
        Contribution.objects.filter(subject=label).order_by("-subject_id").values_list("subject_id", flat=True).first()
        or 0
    )
    subjects = differed = 0
    where: dict[int, tuple[int, int]] = {}
    for start in range(0, max(top, stored_top) + 1, BATCH):
        fresh = compute(label, Q(pk__gte=start, pk__lt=start + BATCH))
        where.update(placements({u for u, _f in fresh.values()} - where.keys()))
        stored = {
            c.subject_id: c
            for c in Contribution.objects.filter(subject=label, subject_id__gte=start, subject_id__lt=start + BATCH)
        }
        create, update, delete = [], [], []
        for sid in fresh.keys() | stored.keys():
            row = stored.get(sid)
            if sid not in fresh:
                if row.figures:
                    differed += 1
                delete.append(row.pk)
                continue
            subjects += 1
            unit_id, figures = fresh[sid]
            figures = {k: dict(+c) for k, c in figures.items() if +c}
            anchor, part = where[unit_id]
            add_placed(
                standing, {k: c for k, c in figures.items() if k.startswith(STANDING)}, unit_id, anchor, part, +1
            )
            if row is None:
                if figures:
                    differed += 1
                    create.append(
                        Contribution(
                            subject=label, subject_id=sid, unit_id=unit_id, anchor_id=anchor, part=part, figures=figures
                        )
                    )
                continue
            if (row.unit_id, row.anchor_id, row.part, row.figures) != (unit_id, anchor, part, figures):
                if row.figures or figures:
                    differed += 1
                row.unit_id, row.anchor_id, row.part, row.figures = unit_id, anchor, part, figures
                update.append(row)
        if fix:
            Contribution.objects.filter(pk__in=delete).delete()
            Contribution.objects.bulk_create(create, batch_size=5000)
            Contribution.objects.bulk_update(update, ["unit", "anchor_id", "part", "figures"], batch_size=5000)
    return subjects, differed


def repair(*, fix: bool = True, log=None) -> dict:
    """Recompute every counter and every subject's contribution from the live tables, compare them with the stored
    ones and (with `fix`) put the computed ones in their place. Returns {"subjects": n, "contributions_differed": n,
    "counters_differed": [((anchor, kind, month, part, name), stored, computed), …]} (there should be none).
    Changes wait while it runs (on PostgreSQL the two tables are locked), so that nothing slips in between."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (FigureCount, Contribution))
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        subjects = differed_contributions = 0
        standing: Counter = Counter()
        for label in SUBJECT_ORDER:
            n, d = _repair_contributions(label, fix=fix, standing=standing)
            subjects, differed_contributions = subjects + n, differed_contributions + d
            if log:
                log(f"{label}: {n} subjects, {d} differed")
        differed = []
        anchors = list(Unit.objects.filter(Q(county__isnull=True) | Q(county_id=F("pk"))).order_by("path"))
        known = {a.pk for a in anchors}
        standing_of: dict[int, Counter] = {}
        for k, v in standing.items():
            standing_of.setdefault(k[0], Counter())[k] += v
        for anchor in anchors:
            computed, stored = _recount(anchor), _stored(anchor.pk)
            computed.update(standing_of.get(anchor.pk, Counter()))
            wrong = [
                (k, stored.get(k, 0), computed.get(k, 0))
                for k in stored.keys() | computed.keys()
                if stored.get(k, 0) != computed.get(k, 0)
            ]
            differed.extend(sorted(wrong))
            if fix and wrong:
                FigureCount.objects.filter(anchor_id=anchor.pk).delete()
                FigureCount.objects.bulk_create(
                    [
                        FigureCount(anchor_id=a, kind=k, key=key, part=p, name=name, value=v)
                        for (a, k, key, p, name), v in computed.items()
                        if v
                    ],
                    batch_size=5000,
                )
        # Counters of a unit that is no longer an anchor (it was moved under a county).
        stray = FigureCount.objects.exclude(anchor_id__in=known).exclude(value=0)
        for a, k, key, p, name, v in stray.values_list("anchor_id", "kind", "key", "part", "name", "value"):
            differed.append(((a, k, key, p, name), v, 0))
        if fix:
            FigureCount.objects.exclude(anchor_id__in=known).delete()
            FigureCount.objects.filter(value=0).delete()
    return {"subjects": subjects, "contributions_differed": differed_contributions, "counters_differed": differed}

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
`value = value + d` (an F() update) on rows first created if missing (an insert that ignores conflicts): two
transactions adding to the same counter both count, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncMonth

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
    model = subject_model(label)
    which = ids if isinstance(ids, Q) else Q(pk__in=list(ids))
    out: dict[int, tuple[int, Figures]] = {
        pk: (unit_id, {}) for pk, unit_id in model.objects.filter(which).values_list("pk", "unit_id")
    }
    if not out:
        return out
    for sid, figures in _standing(label, which).items():
        if sid in out:
            out[sid][1].update(figures)
    for feed in feeds()[label]:
        s = feed.source
        if isinstance(ids, Q):
            rows = _rename(ids, feed.lookup)
        else:
            rows = Q(**{f"{feed.lookup}__in": list(out)})
        group = {"_g_subject": F(feed.lookup), "_g_month": TruncMonth(s.moment)}
        for (sid, m), c in s.grouped(s.queryset().filter(rows), group):
            if sid in out and m is not None and c:
                out[sid][1].setdefault(month_key(month_of(m)), Counter()).update(c)
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


def placements(unit_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """{unit id: (anchor id, part)}: the anchor is the unit's county (or the unit itself above county level); the
    part is the county's child the unit lies under (the county itself for its own records), 0 above county level."""
    rows = list(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path", "county_id", "county__depth"))
    child_paths = {
        path[: (depth + 1) * Unit.steplen]
        for pk, path, county_id, depth in rows
        if county_id is not None and county_id != pk
    }
    child_ids = dict(Unit.objects.filter(path__in=child_paths).values_list("path", "pk")) if child_paths else {}
    out = {}
    for pk, path, county_id, depth in rows:
        if county_id is None:
            out[pk] = (pk, 0)
        elif county_id == pk:
            out[pk] = (pk, pk)
        else:
            out[pk] = (county_id, child_ids.get(path[: (depth + 1) * Unit.steplen], county_id))
    return out


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


def _count_q(keys: Iterable[CountKey]) -> Q:
    q = Q()
    for a, kind, key, part, name in keys:
        q |= Q(anchor_id=a, kind=kind, key=key, part=part, name=name)
    return q


def apply(deltas: Counter) -> None:
    """Add each difference to its counter. The rows are locked in id order first (so that two transactions adding
    to the same counters queue without a deadlock), then changed in one UPDATE by `value = value + d`."""
    deltas = Counter({k: v for k, v in deltas.items() if v})
    if not deltas:
        return
    keys = sorted(deltas)
    for i in range(0, len(keys), 500):
        _apply_batch(keys[i : i + 500], deltas)


def _apply_batch(keys: list[CountKey], deltas: Counter) -> None:
    def ids() -> dict[CountKey, int]:
        rows = (
            FigureCount.objects.select_for_update()
            .filter(_count_q(keys))
            .order_by("pk")
            .values_list("pk", "anchor_id", "kind", "key", "part", "name")
        )
        return {tuple(r[1:]): r[0] for r in rows}

    found = ids()
    if len(found) < len(keys):
        # Missing counters are created at zero; a concurrent creator wins and this one adds to its row.
        FigureCount.objects.bulk_create(
            [
                FigureCount(anchor_id=a, kind=k, key=key, part=p, name=n)
                for a, k, key, p, n in keys
                if (a, k, key, p, n) not in found
            ],
            ignore_conflicts=True,
        )
        found = ids()
    by_delta: dict[int, list[int]] = defaultdict(list)
    for k in keys:
        by_delta[deltas[k]].append(found[k])
    if len(by_delta) == 1:
        ((d, pks),) = by_delta.items()
        FigureCount.objects.filter(pk__in=pks).update(value=F("value") + d)
        return
    FigureCount.objects.filter(pk__in=list(found.values())).update(
        value=F("value") + Case(*(When(pk=found[k], then=Value(deltas[k])) for k in keys), default=Value(0))
    )


# --- projecting subjects -------------------------------------------------------------------------------------------


def _locked_contributions(label: str, ids: list[int]) -> dict[int, Contribution]:
    def read():
        return {
            c.subject_id: c
            for c in Contribution.objects.select_for_update()
            .filter(subject=label, subject_id__in=ids)
            .order_by("subject_id")
        }

    found = read()
    missing = [i for i in ids if i not in found]
    if missing:
        Contribution.objects.bulk_create(
            [Contribution(subject=label, subject_id=i) for i in missing], ignore_conflicts=True
        )
        found = read()
    return found


def project(subjects: dict[str, Iterable[int]]) -> None:
    """Bring the counters up to date with these subjects as they are now (a subject that no longer exists adds
    nothing). Call inside the transaction that changed them."""
    with transaction.atomic():
        deltas: Counter = Counter()
        changed: list[Contribution] = []
        gone: list[int] = []
        for label in sorted(subjects, key=SUBJECT_ORDER.index):
            ids = sorted({int(i) for i in subjects[label] if i is not None})
            if not ids:
                continue
            old = _locked_contributions(label, ids)
            new = compute(label, ids)
            where = placements({u for u, _f in new.values()})
            for sid in ids:
                row = old[sid]
                unit_id, figures = new.get(sid, (None, {}))
                figures = {k: dict(+c) for k, c in figures.items() if +c}
                placed = where.get(unit_id, (None, 0))
                if row.figures == figures and row.unit_id == unit_id and (row.anchor_id, row.part) == placed:
                    continue
                if row.unit_id is not None and row.anchor_id is not None:
                    add_placed(deltas, row.figures, row.unit_id, row.anchor_id, row.part, -1)
                if unit_id is None:
                    gone.append(row.pk)
                    continue
                add_placed(deltas, figures, unit_id, placed[0], placed[1], +1)
                row.unit_id, row.anchor_id, row.part, row.figures = unit_id, placed[0], placed[1], figures
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


def total(anchor_ids: list[int], months: list) -> Counter:
    """The counters summed over these anchors and months."""
    if not anchor_ids or not months:
        return Counter()
    rows = (
        _counts(anchor_ids, CountKind.MONTH, [month_key(m) for m in months], part=0)
        .values("name")
        .annotate(v=Sum("value"))
        .values_list("name", "v")
    )
    return Counter({name: v for name, v in rows if v})


def by_month(anchor_ids: list[int], months: list) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    if not anchor_ids or not months:
        return out
    rows = (
        _counts(anchor_ids, CountKind.MONTH, [month_key(m) for m in months], part=0)
        .values("key", "name")
        .annotate(v=Sum("value"))
        .values_list("key", "name", "v")
    )
    for key, name, v in rows:
        if v:
            out.setdefault(key, Counter())[name] = v
    return out


def by_anchor(anchor_ids: list[int], months: list) -> dict[int, Counter]:
    out: dict[int, Counter] = {}
    if not anchor_ids or not months:
        return out
    rows = (
        _counts(anchor_ids, CountKind.MONTH, [month_key(m) for m in months], part=0)
        .values("anchor_id", "name")
        .annotate(v=Sum("value"))
        .values_list("anchor_id", "name", "v")
    )
    for a, name, v in rows:
        if v:
            out.setdefault(a, Counter())[name] = v
    return out


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


def _standing_rows(qs, today, group: str):
    """Open tasks (by deadline: overdue before today) and the "now" failures, summed per `group` ("" for none)."""
    out: dict = {}
    key = [group] if group else []
    rows = qs.values(*key, "key", "name").annotate(v=Sum("value")).values_list(*key, "key", "name", "v")
    for row in rows:
        g, k, name, v = (None, *row) if not group else row
        if not v:
            continue
        c = out.setdefault(g, Counter())
        c[name] += v
        if name == "tasks.open" and k < today.isoformat():
            c["tasks.overdue"] += v
    return out


def standing(anchor_ids: list[int], today) -> Counter:
    if not anchor_ids:
        return Counter()
    qs = FigureCount.objects.filter(anchor_id__in=anchor_ids, kind=CountKind.STANDING, part=0).order_by()
    return _standing_rows(qs, today, "").get(None, Counter())


def standing_by_anchor(anchor_ids: list[int], today) -> dict[int, Counter]:
    qs = FigureCount.objects.filter(anchor_id__in=anchor_ids, kind=CountKind.STANDING, part=0).order_by()
    return _standing_rows(qs, today, "anchor_id")


def standing_by_part(county_id: int, today) -> dict[int, Counter]:
    qs = FigureCount.objects.filter(anchor_id=county_id, kind=CountKind.STANDING_CHILDREN).order_by()
    return _standing_rows(qs, today, "part")


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

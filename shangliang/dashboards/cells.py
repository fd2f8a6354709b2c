"""The cells of states at a moment: rooms and coverage (at the end of a year, or now) and the norms' standing on a
day, per anchor (a county, or an above-county unit's own records).

Read-through: a figure for a county or a unit above it sums the anchors' cells; missing cells are computed with the
live functions of `snapshots`, grouped by anchor (a fixed number of queries however many are missing), and stored. A
change deletes the cells it touches after its transaction commits (`register_handlers`: every service writes an
event, core.events delivers it). Flows (per month) are not cells: `counters` keeps them by delta.

Rows written without an event (bulk loads) are caught by the tables' id watermarks (`ensure_fresh`), which every
cached read checks first: new flow rows are projected into the counters, new units, rooms and assessments drop their
anchors' cells.

Exactness against a read racing a change: the read notes the anchors' versions before computing and stores its cells
only if the versions have not moved (the invalidation bumps them under the same row lock).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shangliang.consultations.models import Consultation
from shangliang.core import clock
from shangliang.core.events import register_event_handler
from shangliang.dashboards import counters, facts, snapshots
from shangliang.dashboards.counters import repair as repair_counters
from shangliang.dashboards.db import jit_off
from shangliang.dashboards.models import AnchorVersion, CellKind, FigureCell, FigureCount, Watermark
from shangliang.dashboards.periods import FIRST_YEAR
from shangliang.topics.models import Topic
from shangliang.units.models import Assessment, Room, Unit

logger = logging.getLogger(__name__)

ALL_KINDS = tuple(CellKind.values)
ANCHOR_Q = Q(county__isnull=True) | Q(county_id=F("pk"))


def is_anchor(unit: Unit) -> bool:
    """Figures of a county or of a unit above county level come from cells; below, they are computed live."""
    return unit.county_id is None or unit.county_id == unit.pk


def anchors_in(unit: Unit) -> list[tuple[int, str]]:
    return list(Unit.objects.filter(path__startswith=unit.path).filter(ANCHOR_Q).values_list("pk", "path"))


# --- reading and storing -----------------------------------------------------------------------------------------


def _versions(ids: Iterable[int]) -> dict[int, int]:
    return dict(AnchorVersion.objects.filter(anchor_id__in=list(ids)).values_list("anchor_id", "version"))


def _store(kind: str, computed: dict[tuple[int, str], Counter], before: dict[int, int]) -> None:
    ids = sorted({a for a, _k in computed})
    if not ids:
        return
    with transaction.atomic():
        AnchorVersion.objects.bulk_create([AnchorVersion(anchor_id=a) for a in ids], ignore_conflicts=True)
        now = dict(
            AnchorVersion.objects.select_for_update()
            .filter(anchor_id__in=ids)
            .order_by("anchor_id")
            .values_list("anchor_id", "version")
        )
        rows = [
            FigureCell(anchor_id=a, kind=kind, key=key, figures=dict(c), version=now[a])
            for (a, key), c in computed.items()
            if now.get(a, 0) == before.get(a, 0)
        ]
        FigureCell.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["anchor", "kind", "key"],
            update_fields=["figures", "version", "computed_at"],
        )


def _read(kind: str, ids: list[int], keys: list[str]) -> dict[tuple[int, str], Counter]:
    rows = FigureCell.objects.filter(kind=kind, anchor_id__in=ids, key__in=keys).values_list(
        "anchor_id", "key", "figures"
    )
    return {(a, k): Counter(f) for a, k, f in rows}


Stored = dict[tuple[str, int, str], Counter]  # (kind, anchor, key) -> figures


def read_cells(anchor_ids: list[int], wanted: list[tuple[str, str]]) -> Stored:
    """The stored cells of these anchors for each (kind, key) wanted, in one query: what a page reads first, so
    that each figure then only computes what is missing."""
    q = Q()
    for kind, key in wanted:
        q |= Q(kind=kind, key=key)
    if not anchor_ids or not wanted:
        return {}
    rows = FigureCell.objects.filter(q, anchor_id__in=anchor_ids).values_list("kind", "anchor_id", "key", "figures")
    return {(kind, a, k): Counter(f) for kind, a, k, f in rows}


def _have(kind: str, ids: list[int], keys: list[str], stored: Stored | None) -> dict[tuple[int, str], Counter]:
    if stored is None:
        return _read(kind, ids, keys)
    return {(a, k): stored[(kind, a, k)] for a in ids for k in keys if (kind, a, k) in stored}


def _snapshot_cells(
    kind: str, anchor_ids: list[int], key: str, compute, stored: Stored | None = None
) -> dict[int, Counter]:
    have = {a: c for (a, _k), c in _have(kind, anchor_ids, [key], stored).items()}
    missing = [a for a in anchor_ids if a not in have]
    if missing:
        before = _versions(missing)
        live = compute(missing)
        computed = {(a, key): live.get(a, Counter()) for a in missing}
        _store(kind, computed, before)
        have.update({a: c for (a, _k), c in computed.items()})
    return have


# --- a county's cells broken down by its children ---------------------------------------------------------------

SEP = "|"
CHILD_KINDS = {
    CellKind.COVERAGE: CellKind.COVERAGE_CHILDREN,
    CellKind.NORMS: CellKind.NORMS_CHILDREN,
}


def _flatten(per_child: dict[str, Counter]) -> Counter:
    return Counter({f"{child}{SEP}{k}": v for child, c in per_child.items() for k, v in c.items() if v})


def unflatten(flat: Counter) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for key, v in flat.items():
        child, name = key.split(SEP, 1)
        out.setdefault(child, Counter())[name] = v
    return out


def children_cells(
    county: Unit, kind: str, keys: list[str], compute, stored: Stored | None = None
) -> dict[str, Counter]:
    """A county's cells of `kind` by child (flattened "child path|counter"), for each key; `compute(missing keys)`
    returns {key: {child path: Counter}} from the live tables."""
    have = {k: c for (_a, k), c in _have(kind, [county.pk], keys, stored).items()}
    missing = [k for k in keys if k not in have]
    if missing:
        before = _versions([county.pk])
        live = compute(missing)
        computed = {(county.pk, k): _flatten(live.get(k, {})) for k in missing}
        _store(kind, computed, before)
        have.update({k: c for (_a, k), c in computed.items()})
    return have


def coverage_children(county: Unit, year: int | None, stored: Stored | None = None) -> Counter:
    key = coverage_key(year)
    cells = children_cells(
        county,
        CellKind.COVERAGE_CHILDREN,
        [key],
        lambda missing: {key: snapshots.coverage_figures(county, year=year, group="child")},
        stored,
    )
    return cells[key]


def norm_children(county: Unit, today: date, stored: Stored | None = None) -> Counter:
    key = today.isoformat()

    def compute(missing):
        statuses = snapshots.norm_statuses(county, today=today)
        return {key: snapshots.norm_counts(statuses, unit=county, group="child")}

    return children_cells(county, CellKind.NORMS_CHILDREN, [key], compute, stored)[key]


def coverage_key(year: int | None) -> str:
    return "now" if year is None else str(year)


def coverage_cells(
    unit: Unit, anchor_ids: list[int], year: int | None, stored: Stored | None = None
) -> dict[int, Counter]:
    """Coverage, stages and standard items per anchor (`unit`: a unit whose subtree holds the anchors)."""
    return _snapshot_cells(
        CellKind.COVERAGE,
        anchor_ids,
        coverage_key(year),
        lambda missing: snapshots.coverage_figures(unit, year=year, group="anchor", anchors=missing),
        stored,
    )


def norm_cells(unit: Unit, anchor_ids: list[int], today: date, stored: Stored | None = None) -> dict[int, Counter]:
    """Today's standing against the frequency norms per anchor (open and overdue tasks are counters)."""

    def compute(missing):
        statuses = snapshots.norm_statuses(unit, today=today, anchors=missing)
        return snapshots.norm_counts(statuses, group="anchor")

    return _snapshot_cells(CellKind.NORMS, anchor_ids, today.isoformat(), compute, stored)


# --- invalidation --------------------------------------------------------------------------------------------------


def invalidate(anchor_ids: Iterable[int | None], kinds: Iterable[str] = ALL_KINDS) -> None:
    ids = sorted({a for a in anchor_ids if a is not None})
    if not ids:
        return
    kinds = set(kinds)
    kinds |= {CHILD_KINDS[k] for k in kinds if k in CHILD_KINDS}
    with transaction.atomic():
        AnchorVersion.objects.bulk_create([AnchorVersion(anchor_id=a) for a in ids], ignore_conflicts=True)
        AnchorVersion.objects.filter(anchor_id__in=ids).update(version=F("version") + 1)
        FigureCell.objects.filter(anchor_id__in=ids, kind__in=list(kinds)).delete()


def invalidate_all() -> None:
    with transaction.atomic():
        AnchorVersion.objects.update(version=F("version") + 1)
        FigureCell.objects.all().delete()


def anchor_of_unit(unit_id: int | None) -> int | None:
    if unit_id is None:
        return None
    row = Unit.objects.filter(pk=unit_id).values_list("county_id", "pk").first()
    return None if row is None else (row[0] or row[1])


# Which cells an event about an object of a model makes stale.
_STRUCTURE_KINDS = (CellKind.COVERAGE, CellKind.NORMS)
EVENT_KINDS: dict[str, tuple[str, ...]] = {
    "consultations.frequencynorm": (CellKind.NORMS,),
    "units.room": (CellKind.COVERAGE,),
    "units.standard": (CellKind.COVERAGE,),
}


def event_kinds() -> dict[str, tuple[str, ...]]:
    kinds = {label: set(k) for label, k in EVENT_KINDS.items()}
    # Held consultations are what the norms count (a consultation's change of state: `on_event`).
    kinds.setdefault("consultations.consultation", set()).add(CellKind.NORMS)
    return {label: tuple(sorted(k)) for label, k in kinds.items()}


def on_event(event) -> None:
    label = f"{event.content_type.app_label}.{event.content_type.model}"
    if label == "units.unit":
        return on_unit_event(event)
    kinds = event_kinds().get(label)
    if not kinds:
        return
    if label == "consultations.consultation" and event.from_state == event.to_state:
        return  # participants, suggestions, minutes…: whether and when it was held did not change
    anchor = anchor_of_unit(event.unit_id)
    if anchor is None:
        invalidate_all()
        refill_after_change(None)
    else:
        invalidate([anchor], kinds)
        refill_after_change([anchor])


def on_unit_event(event) -> None:
    if event.action == "move":
        # The county the unit left and the one it joined; a moved county (or unit above) keeps its own cells, but its
        # children cells name the children by path, which moved.
        unit = Unit.objects.filter(pk=event.object_id).first()
        if unit is None:
            return
        anchors = {anchor_of_unit(unit.pk), (event.data or {}).get("from_county")}
        if is_anchor(unit):
            anchors |= {a for a, _p in anchors_in(unit)}
        invalidate(anchors)
        refill_after_change(sorted(a for a in anchors if a is not None))
        return
    anchor = anchor_of_unit(event.object_id)
    invalidate([anchor], _STRUCTURE_KINDS)
    refill_after_change([anchor])


def refill_after_change(anchor_ids: list[int | None] | None) -> None:
    """With a background worker (settings.DASHBOARDS_REFILL_ON_CHANGE), recompute the dropped cells now (None: every
    anchor's, after the whole cache was dropped), so the next reader finds them. Without one, the next read recomputes
    them (read-through)."""
    if not settings.DASHBOARDS_REFILL_ON_CHANGE:
        return
    if anchor_ids is None:
        refill()
        return
    ids = [a for a in anchor_ids if a is not None]
    if ids:
        refill(anchor_ids=ids)


def register_handlers() -> None:
    for label in {*event_kinds(), "units.unit"}:
        register_event_handler(label, on_event)


# --- bulk-written rows ---------------------------------------------------------------------------------------------


def watched_tables() -> dict[str, tuple[type, str]]:
    tables = {**facts.watched_tables(), **SNAPSHOT_TABLES}
    return {m._meta.label_lower: (m, lookup) for m, lookup in tables.items()}


SNAPSHOT_TABLES = {Unit: "", Room: "unit", Assessment: "room__unit"}


def current_max_ids(tables: dict[str, tuple[type, str]]) -> dict[str, int]:
    qn = connection.ops.quote_name
    labels = sorted(tables)
    # Table and column names come from the models, quoted; nothing here comes from a request.
    parts = [f"(SELECT MAX({qn(tables[t][0]._meta.pk.column)}) FROM {qn(tables[t][0]._meta.db_table)})" for t in labels]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return {t: v or 0 for t, v in zip(labels, row, strict=True)}


def _max_ids_and_watermarks(tables: dict[str, tuple[type, str]]) -> tuple[dict[str, int], dict[str, int]]:
    """Each table's highest id and its watermark, in one query (every cached read asks)."""
    qn = connection.ops.quote_name
    labels = sorted(tables)
    marks = qn(Watermark._meta.db_table)
    # Table and column names come from the models, quoted; the labels are parameters.
    parts = [f"(SELECT MAX({qn(tables[t][0]._meta.pk.column)}) FROM {qn(tables[t][0]._meta.db_table)})" for t in labels]  # noqa: S608
    parts += [f"(SELECT max_id FROM {marks} WHERE {qn('table')} = %s)"] * len(labels)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), labels)
        row = cursor.fetchone()
    n = len(labels)
    return (
        {t: v or 0 for t, v in zip(labels, row[:n], strict=True)},
        {t: v for t, v in zip(labels, row[n:], strict=True) if v is not None},
    )


def ensure_fresh() -> None:
    """Account for rows written since the cache last looked (ids above the watermarks), e.g. by a bulk load that
    records no event: their subjects are projected into the counters, and new units, rooms and assessments drop
    their anchors' cells."""
    tables = watched_tables()
    current, stored = _max_ids_and_watermarks(tables)
    changed = [t for t in tables if current[t] != stored.get(t, 0)]
    if not changed:
        return
    # A table whose newest rows were deleted only has its watermark lowered: deletions go through services, whose
    # events projected what they changed.
    anchors: set[int] = set()
    subjects: dict[str, set[int]] = {}
    with transaction.atomic():
        for t in changed:
            if current[t] <= stored.get(t, 0):
                continue
            model, lookup = tables[t]
            if model in SNAPSHOT_TABLES:
                anchors |= facts.anchors_of_rows(model, lookup, stored.get(t, 0))
                continue
            label, subject_lookup = counters.subject_of_table(model, lookup)
            new = model.objects.filter(pk__gt=stored.get(t, 0)).order_by().values_list(subject_lookup, flat=True)
            subjects.setdefault(label, set()).update(new.distinct())
        # In the counters' own order of subjects, as a change's projection locks them; skipping what a change is
        # projecting at this moment (it counts those subjects itself when it commits).
        for label in sorted(subjects, key=counters.SUBJECT_ORDER.index):
            ids = sorted(subjects[label])
            for i in range(0, len(ids), 5000):
                counters.project({label: ids[i : i + 5000]}, skip_locked=True)
        invalidate(anchors)
        set_watermarks({t: current[t] for t in changed})


def set_watermarks(values: dict[str, int]) -> None:
    Watermark.objects.bulk_create(
        [Watermark(table=t, max_id=v) for t, v in values.items()],
        update_conflicts=True,
        unique_fields=["table"],
        update_fields=["max_id"],
    )


# --- warming (periodic command, after bulk loads) -----------------------------------------------------------------


def first_record_month(today: date) -> date:
    """The first month anything happened (the earliest room in use, topic or consultation), not before FIRST_YEAR."""
    years = [
        Room.objects.aggregate(y=Min("operational_since"))["y"],
        *(
            timezone.localtime(v).year
            for v in (
                Topic.objects.aggregate(m=Min("created_at"))["m"],
                Consultation.objects.aggregate(m=Min("held_at"))["m"],
            )
            if v is not None
        ),
    ]
    years = [y for y in years if y]
    return date(max(FIRST_YEAR, min(years, default=today.year)), 1, 1)


def warm(*, counters: bool = True) -> dict[str, int]:
    """After a bulk load: recompute the counters (unless the caller just did) and every cell a dashboard may ask for
    (coverage for every year and now, norms today) afresh. Returns the number of cells per kind and of counter
    rows."""
    seen = current_max_ids(watched_tables())
    if counters:
        repair_counters(fix=True)
    set_watermarks(seen)
    invalidate_all()
    refill()
    stored = dict(FigureCell.objects.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {**{kind: stored.get(kind, 0) for kind in ALL_KINDS}, "counters": FigureCount.objects.count()}


def refill(*, anchor_ids: Iterable[int] | None = None) -> int:
    """Compute the cells a dashboard asks for that are missing — after a change dropped some, on a new day (today's
    norms) or in a new month — and leave the stored ones alone. Cheap when nothing is missing. `anchor_ids` limits it
    to those anchors (and, for counties, their by-child cells). Returns the number of cells computed."""
    today = clock.today()
    jit_off()
    ensure_fresh()
    FigureCell.objects.filter(kind__in=[CellKind.NORMS, CellKind.NORMS_CHILDREN]).exclude(
        key=today.isoformat()
    ).delete()
    stored = FigureCell.objects.count()
    start = first_record_month(today)
    years = [None, *range(start.year, today.year + 1)]
    anchors = Unit.objects.filter(ANCHOR_Q)
    if anchor_ids is not None:
        anchors = anchors.filter(pk__in=list(anchor_ids))
    by_root: dict[str, list[int]] = {}
    for pk, path in anchors.order_by("path").values_list("pk", "path"):
        by_root.setdefault(path[: Unit.steplen], []).append(pk)
    roots = Unit.objects.filter(depth=1, path__in=list(by_root)).order_by("path")
    for root in roots:
        ids = by_root[root.path]
        for year in years:
            coverage_cells(root, ids, year)
        norm_cells(root, ids, today)
        for county in Unit.objects.filter(pk__in=ids, kind="county").order_by("path"):
            coverage_children(county, None)
            coverage_children(county, today.year)
            norm_children(county, today)
    return FigureCell.objects.count() - stored


def refill_line(today: date) -> str:
    """The periodic job (core.periodic): today's cells for every anchor."""
    return _("统计缓存：补算 %(n)d 格。") % {"n": refill()}

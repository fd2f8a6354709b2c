"""The live computation of states at a moment: rooms, coverage and standard items at the end of a year (or now), and
where each unit stands against its frequency norm on a day.

Coverage uses the units app's own definition (`units.selectors`: a room-bearing unit is covered when one of its rooms
was in use and that room's latest assessment passed); the norms use the consultations app's (`consultations.norms`:
the due date after the N-th most recent consultation). These functions only add grouping, so that a province's
counties or a unit's children are counted in one query each.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone

from shangliang.consultations import norms
from shangliang.consultations.models import FrequencyNorm
from shangliang.dashboards.facts import SMALL_SUBTREE
from shangliang.units import selectors as unit_selectors
from shangliang.units.models import (
    OPERATIONAL_STAGES,
    Assessment,
    AssessmentResult,
    Room,
    RoomStageRecord,
    Unit,
)


def _on(year: int | None) -> date | None:
    return date(year, 12, 31) if year is not None else None


def _group(qs, group: str | None, path_field: str, unit: Unit):
    """Group a queryset by nothing (one row), by anchor (the unit's county), by unit, or by the unit's child."""
    if group is None:
        return qs.annotate(_k=Value(0, output_field=IntegerField())).order_by()
    if group == "anchor":
        county_field = path_field.replace("path", "county_id")
        return qs.annotate(_k=F(county_field)).order_by()
    if group == "unit":
        return qs.annotate(_k=F("pk" if path_field == "path" else path_field.replace("path", "id"))).order_by()
    return qs.annotate(_k=Substr(path_field, 1, len(unit.path) + Unit.steplen)).order_by()


def coverage_counts(unit: Unit, *, year: int | None, group: str | None = None, anchors=None) -> dict:
    """Room-bearing units, those with a room in use and those covered (units.selectors.coverage), at the end of
    `year` or now, over the unit's subtree: one Counter, or one per anchor / child (`group`)."""
    on = _on(year)
    rooms, meets = unit_selectors._room_meets_standard(on, year)
    qs = unit_selectors._room_bearing(unit, on)
    if anchors is not None:
        qs = qs.filter(county_id__in=list(anchors))
    rows = (
        _group(qs, group, "path", unit)
        .annotate(_has_room=Exists(rooms), _meets=meets)
        .values("_k")
        .annotate(
            units=Count("pk"),
            with_room=Count("pk", filter=Q(_has_room=True)),
            covered=Count("pk", filter=Q(_meets=True)),
        )
    )
    return _rows(rows, group)


def _rows(rows, group) -> dict:
    out: dict = {}
    for row in rows:
        key = row.pop("_k")
        out.setdefault(None if group is None else key, Counter()).update({k: v for k, v in row.items() if v})
    return out if group is not None else {None: out.get(None, Counter())}


def stage_counts(unit: Unit, *, year: int | None, group: str | None = None, anchors=None) -> dict:
    """Rooms by rollout stage: now (units.selectors.rooms_by_stage), or at the end of `year` (each room's latest
    stage record up to that year; rooms without one did not exist yet)."""
    qs = Room.objects.filter(unit__path__startswith=unit.path)
    if anchors is not None:
        qs = qs.filter(unit__county_id__in=list(anchors))
    if year is None:
        qs = qs.annotate(_stage=F("stage"))
    else:
        last = RoomStageRecord.objects.filter(room=OuterRef("pk"), year__lte=year).order_by("-year", "-id")
        qs = qs.annotate(_stage=Subquery(last.values("stage")[:1])).filter(_stage__isnull=False)
    rows = _group(qs, group, "unit__path", unit).values("_k", "_stage").annotate(n=Count("pk"))
    out: dict = {}
    for row in rows:
        key = None if group is None else row["_k"]
        out.setdefault(key, Counter())[f"stage.{row['_stage']}"] += row["n"]
    return out if group is not None else {None: out.get(None, Counter())}


def item_counts(unit: Unit, *, year: int | None, group: str | None = None, anchors=None) -> dict:
    """Per standard item (by name): rooms in use whose latest assessment (up to the end of `year`) covered the
    item, and how many of those passed it."""
    on = _on(year)
    latest = Assessment.objects.filter(room=OuterRef("assessment__room_id"))
    if on is not None:
        latest = latest.filter(assessed_on__lte=on)
    latest = latest.order_by("-assessed_on", "-id").values("pk")[:1]
    rooms_in_use = (
        Q(assessment__room__stage__in=OPERATIONAL_STAGES)
        if year is None
        else Q(assessment__room__operational_since__lte=year)
    )
    qs = AssessmentResult.objects.filter(rooms_in_use, assessment__room__unit__path__startswith=unit.path)
    if anchors is not None:
        qs = qs.filter(assessment__room__unit__county_id__in=list(anchors))
    qs = qs.annotate(_latest=Subquery(latest)).filter(assessment_id=F("_latest"))
    rows = (
        _group(qs, group, "assessment__room__unit__path", unit)
        .values("_k", "item__name")
        .annotate(n=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    )
    out: dict = {}
    for row in rows:
        c = out.setdefault(None if group is None else row["_k"], Counter())
        c[f"item.assessed.{row['item__name']}"] += row["n"]
        c[f"item.passed.{row['item__name']}"] += row["passed"]
    return out if group is not None else {None: out.get(None, Counter())}


def coverage_figures(unit: Unit, *, year: int | None, group: str | None = None, anchors=None) -> dict:
    """Everything a coverage cell holds: coverage, stages and standard items (one Counter per group)."""
    out: dict = {}
    for part in (coverage_counts, stage_counts, item_counts):
        for key, c in part(unit, year=year, group=group, anchors=anchors).items():
            out.setdefault(key, Counter()).update(c)
    return out


# --- frequency norms ---------------------------------------------------------------------------------------------


def norm_statuses(unit: Unit, *, today: date, anchors=None) -> list[tuple[Unit, norms.NormStatus]]:
    """Every active unit of the subtree that has a frequency norm, with its standing on `today`
    (consultations.norms.status_from), in path order.

    Only the N most recent consultations of each unit are fetched (N the largest norm count in play): the due date
    depends on nothing else. So `held_in_window` is exact for units behind their norm and capped at N for the others.
    """
    units_qs = Unit.objects.filter(path__startswith=unit.path, is_active=True)
    if anchors is not None:
        units_qs = units_qs.filter(county_id__in=list(anchors))
    units = list(units_qs.only("pk", "path", "name", "kind", "county_id", "established_on", "depth").order_by("path"))
    configured: dict[int, dict] = {}
    for n in FrequencyNorm.objects.filter(county_id__in={u.county_id for u in units if u.county_id}):
        configured.setdefault(n.county_id, {})[n.level] = n
    specs = {}
    for u in units:
        spec = norms.spec_for(u, configured.get(u.county_id, {}))
        if spec is not None:
            specs[u.pk] = spec
    if not specs:
        return []
    top = max(s.min_count for s in specs.values())
    held_qs = norms.held_queryset().filter(held_at__date__lte=today)
    if len(units) <= SMALL_SUBTREE:  # through the consultations' index on the unit
        held_qs = held_qs.filter(unit_id__in=[u.pk for u in units])
    else:
        held_qs = held_qs.filter(unit__path__startswith=unit.path, unit__is_active=True)
        if anchors is not None:
            held_qs = held_qs.filter(unit__county_id__in=list(anchors))
    ranked = held_qs.annotate(
        _rank=Window(RowNumber(), partition_by=[F("unit_id")], order_by=[F("held_at").desc(), F("pk").desc()])
    ).filter(_rank__lte=top)
    held: dict[int, list[date]] = {}
    for unit_id, at in ranked.values_list("unit_id", "held_at"):
        held.setdefault(unit_id, []).append(timezone.localdate(at))
    return [(u, norms.status_from(specs[u.pk], u, held.get(u.pk, []), today)) for u in units if u.pk in specs]


BEHIND_BANDS = (30, 90, 180)


def norm_counts(statuses, *, unit: Unit | None = None, group: str | None = None) -> dict:
    """Units with a norm, behind it, and behind for more than 30 / 90 / 180 days, per group."""
    out: dict = {}
    for u, st in statuses:
        if group is None:
            key = None
        elif group == "anchor":
            key = u.county_id
        else:
            key = u.path[: len(unit.path) + Unit.steplen]
        c = out.setdefault(key, Counter())
        c["norm.units"] += 1
        if st.behind:
            c["norm.behind"] += 1
            for band in BEHIND_BANDS:
                if st.days_behind > band:
                    c[f"norm.behind_over_{band}"] += 1
    if group is None:
        return {None: out.get(None, Counter())}
    return out

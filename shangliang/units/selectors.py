"""Reads on units and rooms that encode visibility or compute figures (coverage)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Substr

from shangliang.core import clock
from shangliang.units.models import OPERATIONAL_STAGES, ROOM_BEARING_KINDS, Assessment, Room, RoomStage, Unit


def ancestors(unit: Unit):
    return Unit.objects.filter(path__in=unit.ancestor_paths()[:-1]).order_by("depth")


def _latest_assessment_passed(on: date | None):
    qs = Assessment.objects.filter(room=OuterRef("pk"))
    if on is not None:
        qs = qs.filter(assessed_on__lte=on)
    return Subquery(qs.order_by("-assessed_on", "-id").values("passed")[:1])


def _room_meets_standard(on: date | None, year: int | None):
    """Rooms of the outer unit that were in use (in `year`, or now) and whose latest assessment passed."""
    rooms = Room.objects.filter(unit=OuterRef("pk"))
    if year is None:
        rooms = rooms.filter(stage__in=OPERATIONAL_STAGES)
    else:
        rooms = rooms.filter(operational_since__lte=year)
    return rooms, Exists(rooms.annotate(ok=_latest_assessment_passed(on)).filter(ok=True))


@dataclass(frozen=True)
class Coverage:
    year: int | None
    units: int
    with_room: int
    meeting_standard: int

    @property
    def percent(self) -> float | None:
        return None if self.units == 0 else 100.0 * self.meeting_standard / self.units

    @property
    def room_percent(self) -> float | None:
        return None if self.units == 0 else 100.0 * self.with_room / self.units


def _room_bearing(unit: Unit, on: date | None):
    qs = Unit.objects.filter(path__startswith=unit.path, kind__in=ROOM_BEARING_KINDS, is_active=True)
    if on is not None:
        qs = qs.filter(Q(established_on__isnull=True) | Q(established_on__lte=on))
    return qs


def coverage(unit: Unit, *, year: int | None = None) -> Coverage:
    """How many room-bearing units of the subtree have a room meeting the standard (at the end of `year`, or now).

    A unit counts in a year when it existed by 31 December; it is covered when one of its rooms was in use by then
    and that room's latest assessment up to that day passed every item.
    """
    on = date(year, 12, 31) if year is not None else None
    rooms, meets = _room_meets_standard(on, year)
    figures = (
        _room_bearing(unit, on)
        .annotate(has_room=Exists(rooms), meets=meets)
        .aggregate(
            units=Count("pk"),
            with_room=Count("pk", filter=Q(has_room=True)),
            meeting=Count("pk", filter=Q(meets=True)),
        )
    )
    return Coverage(year, figures["units"], figures["with_room"], figures["meeting"])


def coverage_by_year(unit: Unit, *, first_year: int | None = None, last_year: int | None = None) -> list[Coverage]:
    last_year = last_year or clock.today().year
    if first_year is None:
        first_year = (
            Room.objects.filter(unit__path__startswith=unit.path, operational_since__isnull=False)
            .order_by("operational_since")
            .values_list("operational_since", flat=True)
            .first()
        ) or last_year
    return [coverage(unit, year=y) for y in range(first_year, last_year + 1)]


def rooms_by_stage(unit: Unit) -> list[tuple[str, str, int]]:
    """(stage, label, rooms) for every rollout stage, in rollout order, zeros included."""
    rows = Room.objects.filter(unit__path__startswith=unit.path).values("stage").annotate(n=Count("id"))
    counts = {row["stage"]: row["n"] for row in rows}
    return [(stage.value, stage.label, counts.get(stage.value, 0)) for stage in RoomStage]


@dataclass(frozen=True)
class PageFigures:
    """The unit page's coverage figures: now, by year, and per child path (room-bearing units, covered now)."""

    now: Coverage
    years: list[Coverage]
    children: dict[str, tuple[int, int]]


# A faster source of the same figures for big subtrees: the dashboards' figure cache registers one (for counties and
# above; it is tested equal to the live functions here). It returns None for units it does not hold.
_page_figures: Callable[[Unit], PageFigures | None] | None = None


def register_page_figures(provider: Callable[[Unit], PageFigures | None]) -> None:
    global _page_figures
    _page_figures = provider


def page_figures(unit: Unit) -> PageFigures | None:
    return _page_figures(unit) if _page_figures is not None else None


def children_with_figures(unit: Unit, figures: PageFigures | None = None):
    """The unit's children, each with its subtree's room-bearing unit count and how many are covered now.

    One grouped query over the subtree (grouped by the child's path prefix) instead of one per child, or the
    registered cache's figures.
    """
    children = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))
    if not children:
        return []
    room_counts = dict(
        Room.objects.filter(unit__in=children).values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
    )
    if figures is not None:
        for child in children:
            child.subtree_units, child.subtree_covered = figures.children.get(child.path, (0, 0))
            child.room_count = room_counts.get(child.pk, 0)
        return children
    prefix_len = len(unit.path) + unit.steplen
    _, meets = _room_meets_standard(None, None)
    rows = (
        Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth, kind__in=ROOM_BEARING_KINDS)
        .filter(is_active=True)
        .annotate(child=Substr("path", 1, prefix_len), meets=meets)
        .order_by()  # the tree's default ordering by path would otherwise split the groups
        .values("child")
        .annotate(units=Count("pk"), covered=Count("pk", filter=Q(meets=True)))
    )
    figures = {row["child"]: row for row in rows}
    for child in children:
        row = figures.get(child.path, {"units": 0, "covered": 0})
        child.subtree_units = row["units"]
        child.subtree_covered = row["covered"]
        child.room_count = room_counts.get(child.pk, 0)
    return children


def rooms_of_unit(unit: Unit):
    """Rooms with their latest assessment's results (for the unit page), in a fixed number of queries."""
    rooms = list(Room.objects.filter(unit=unit).order_by("id"))
    latest = {}
    for a in (
        Assessment.objects.filter(room__in=rooms)
        .select_related("standard", "assessor")
        .prefetch_related("results__item")
        .order_by("room_id", "-assessed_on", "-id")
    ):
        latest.setdefault(a.room_id, a)
    for room in rooms:
        room.latest_assessment = latest.get(room.pk)
    return rooms


def public_room_status(unit: Unit) -> dict[int, bool | None]:
    """For the public page: whether each room of the unit met the standard at its latest assessment."""
    rows = Room.objects.filter(unit=unit).annotate(ok=_latest_assessment_passed(None)).values_list("pk", "ok")
    return dict(rows)


def public_unit_search(query: str):
    """Active units whose name holds every word of `query` (spaces separate words), counties first, then by tree."""
    qs = Unit.objects.filter(is_active=True)
    for word in query.split()[:5]:
        qs = qs.filter(name__icontains=word)
    return qs.select_related("county").order_by("depth", "path")

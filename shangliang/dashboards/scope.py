"""A unit subtree and a period: the raw figures every metric is computed from, fetched once per page.

For a county or a unit above county level they come from the maintained counters (`counters`, flows) and the cells
(`cells`, states at a moment), otherwise straight from the live
functions; `cached=False` forces the live path (the tests compare both for every unit after every kind of change).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cached_property

from shangliang.core import clock
from shangliang.core.months import month_end, month_key
from shangliang.dashboards import accountability_facts, cells, counters, facts, snapshots
from shangliang.dashboards.models import CellKind
from shangliang.dashboards.periods import Period
from shangliang.units import selectors as unit_selectors
from shangliang.units.models import Room, Unit


def _sum(counters) -> Counter:
    total: Counter = Counter()
    for c in counters:
        total.update(c)
    return total


class Scope:
    def __init__(self, unit: Unit, period: Period, *, cached: bool = True):
        self.unit = unit
        self.period = period
        self.today = clock.today()
        self.cached = cached and cells.is_anchor(unit)
        if self.cached:
            cells.ensure_fresh()

    # --- the tree ---------------------------------------------------------------------------------------------------

    @cached_property
    def children(self) -> list[Unit]:
        return list(Unit.objects.filter(path__startswith=self.unit.path, depth=self.unit.depth + 1).order_by("path"))

    @cached_property
    def anchors(self) -> list[tuple[int, str]]:
        return cells.anchors_in(self.unit)

    @property
    def _anchor_ids(self) -> list[int]:
        return [a for a, _p in self.anchors]

    @property
    def _children_are_anchored(self) -> bool:
        """Above county level every child's subtree is made of whole anchors, so its figures sum cells."""
        return self.cached and self.unit.county_id is None

    @property
    def _county_children(self) -> bool:
        """A county keeps its figures by child (town) in cells of their own."""
        return self.cached and self.unit.county_id == self.unit.pk

    def _child_key(self, path: str) -> str:
        return path[: len(self.unit.path) + Unit.steplen]

    def _by_child(self, per_anchor: dict[int, Counter]) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for a, path in self.anchors:
            if +per_anchor.get(a, Counter()):  # an empty cell adds no row (the live grouping has none either)
                out.setdefault(self._child_key(path), Counter()).update(per_anchor[a])
        return out

    # --- flows --------------------------------------------------------------------------------------------------------

    @cached_property
    def _live_months(self) -> dict[date, Counter]:
        """Live path: the period's whole months and the trend's, in one grouped query per source."""
        months = sorted(set(self.period.whole_months()) | set(self.period.trend_months()))
        live = facts.tally_by_month(self.unit, months[0], month_end(months[-1]))
        return {m: live.get(m, Counter()) for m in months}

    @cached_property
    def _totals(self) -> tuple[dict[str, Counter], Counter]:
        """The anchors' counters for the period's whole months and the trend's, and today's standing: one query."""
        months = sorted(set(self.period.whole_months()) | set(self.period.trend_months()))
        return counters.totals(self._anchor_ids, months, self.today)

    @cached_property
    def _per_part(self) -> tuple[dict[int, Counter], dict[int, Counter]]:
        """A county's flows over the period's whole months and today's standing, by child: one query."""
        return counters.per_part(self.unit.pk, self.period.whole_months(), self.today)

    @cached_property
    def _per_anchor(self) -> tuple[dict[int, Counter], dict[int, Counter]]:
        """Above county level: each anchor's flows over the period's whole months and today's standing: one query."""
        return counters.per_anchor(self._anchor_ids, self.period.whole_months(), self.today)

    @cached_property
    def flows(self) -> Counter:
        p = self.period
        if not self.cached:
            total = _sum(self._live_months[m] for m in p.whole_months())
            for a, b in p.edges():
                total.update(facts.tally(self.unit, a, b))
            return total
        by_month = self._totals[0]
        total = _sum(by_month.get(month_key(m), Counter()) for m in p.whole_months())
        for a, b in p.edges():
            total.update(facts.tally(self.unit, a, b))
        return total

    @cached_property
    def flows_by_child(self) -> dict[str, Counter]:
        p = self.period
        if self._county_children:
            paths = {c.pk: c.path for c in self.children}
            paths[self.unit.pk] = self.unit.path  # the county's own records
            out = {paths[part]: Counter(c) for part, c in self._per_part[0].items() if part in paths}
            for a, b in p.edges():
                for key, c in facts.tally_by_child(self.unit, a, b).items():
                    out.setdefault(key, Counter()).update(c)
            return out
        if not self._children_are_anchored:
            return facts.tally_by_child(self.unit, p.start, p.end)
        out = self._by_child(self._per_anchor[0])
        for a, b in p.edges():
            for key, c in facts.tally_by_child(self.unit, a, b).items():
                out.setdefault(key, Counter()).update(c)
        return out

    @cached_property
    def flows_by_month(self) -> dict[date, Counter]:
        months = self.period.trend_months()
        if not self.cached:
            return {m: self._live_months[m] for m in months}
        rows = self._totals[0]
        return {m: rows.get(month_key(m), Counter()) for m in months}

    # --- rooms and coverage -------------------------------------------------------------------------------------------

    @cached_property
    def _stored_cells(self) -> cells.Stored:
        """Every stored cell the page's figures read (the anchors' coverage and norms, a county's by child), read in
        one query; each figure then computes only what is missing."""
        today = self.today.isoformat()
        wanted = [(CellKind.COVERAGE, cells.coverage_key(self.coverage_year)), (CellKind.NORMS, today)]
        ids = list(self._anchor_ids)
        if self._county_children:
            wanted += [
                (CellKind.COVERAGE_CHILDREN, cells.coverage_key(self.coverage_year)),
                (CellKind.NORMS_CHILDREN, today),
            ]
            ids = sorted({*ids, self.unit.pk})
        return cells.read_cells(ids, wanted)

    @property
    def coverage_year(self) -> int | None:
        return self.period.coverage_year

    @cached_property
    def _coverage_cells(self) -> dict[int, Counter]:
        return cells.coverage_cells(self.unit, self._anchor_ids, self.coverage_year, self._stored_cells)

    @cached_property
    def coverage(self) -> Counter:
        if not self.cached:
            return snapshots.coverage_figures(self.unit, year=self.coverage_year)[None]
        return _sum(self._coverage_cells.values())

    @cached_property
    def coverage_by_child(self) -> dict[str, Counter]:
        if self._county_children:
            return cells.unflatten(cells.coverage_children(self.unit, self.coverage_year, self._stored_cells))
        if not self._children_are_anchored:
            return snapshots.coverage_figures(self.unit, year=self.coverage_year, group="child")
        return self._by_child(self._coverage_cells)

    def coverage_years(self) -> list[tuple[int, Counter]]:
        """Coverage at the end of each year from the first room in use to this year (units.selectors.coverage_by_year
        for the live path; the same counts from the cells above)."""
        if not self.cached:
            return [
                (c.year, Counter(units=c.units, with_room=c.with_room, covered=c.meeting_standard))
                for c in unit_selectors.coverage_by_year(self.unit, last_year=self.today.year)
            ]
        first = (
            Room.objects.filter(unit__path__startswith=self.unit.path, operational_since__isnull=False)
            .order_by("operational_since")
            .values_list("operational_since", flat=True)
            .first()
        ) or self.today.year
        out = []
        for year in range(first, self.today.year + 1):
            per_anchor = cells.coverage_cells(self.unit, self._anchor_ids, year)
            total = _sum(per_anchor.values())
            out.append((year, Counter({k: total.get(k, 0) for k in ("units", "with_room", "covered")})))
        return out

    # --- frequency norms (now) ----------------------------------------------------------------------------------------

    @cached_property
    def norm_statuses(self):
        """Each unit's standing (live; at county level and below, for the list of who is behind)."""
        return snapshots.norm_statuses(self.unit, today=self.today)

    @cached_property
    def _norm_cells(self) -> dict[int, Counter]:
        return cells.norm_cells(self.unit, self._anchor_ids, self.today, self._stored_cells)

    @cached_property
    def norms(self) -> Counter:
        """Today's standing: frequency norms, open and overdue tasks and the other failures."""
        if not self.cached:
            out = snapshots.norm_counts(self.norm_statuses)[None]
            out.update(accountability_facts.standing(self.unit, today=self.today)[None])
            return out
        out = _sum(self._norm_cells.values())
        out.update(self._totals[1])
        return out

    @cached_property
    def norms_by_child(self) -> dict[str, Counter]:
        if self._county_children:
            out = cells.unflatten(cells.norm_children(self.unit, self.today, self._stored_cells))
            paths = {c.pk: c.path for c in self.children}
            paths[self.unit.pk] = self.unit.path  # the county's own records
            for part, c in self._per_part[1].items():
                if part in paths:
                    out.setdefault(paths[part], Counter()).update(c)
            return out
        if not self._children_are_anchored:
            out = snapshots.norm_counts(self.norm_statuses, unit=self.unit, group="child")
            for child, c in accountability_facts.standing(self.unit, today=self.today, group="child").items():
                out.setdefault(child, Counter()).update(c)
            return out
        per_anchor = {a: Counter(c) for a, c in self._norm_cells.items()}
        for a, c in self._per_anchor[1].items():
            per_anchor.setdefault(a, Counter()).update(c)
        return self._by_child(per_anchor)

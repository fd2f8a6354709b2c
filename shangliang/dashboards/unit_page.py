"""The unit page's coverage figures (units.selectors.page_figures) from the figure cache, for counties and above:
the same counts as the live functions there (tests compare them), without reading the whole subtree's rooms."""

from __future__ import annotations

from shangliang.core import clock
from shangliang.dashboards import cells, periods
from shangliang.dashboards.scope import Scope
from shangliang.units.models import Unit
from shangliang.units.selectors import Coverage, PageFigures


def page_figures(unit: Unit) -> PageFigures | None:
    if not cells.is_anchor(unit):
        return None
    today = clock.today()
    scope = Scope(unit, periods.year(today.year))
    now = scope.coverage
    return PageFigures(
        now=Coverage(None, now.get("units", 0), now.get("with_room", 0), now.get("covered", 0)),
        years=[
            Coverage(year, c.get("units", 0), c.get("with_room", 0), c.get("covered", 0))
            for year, c in scope.coverage_years()
        ],
        children={path: (c.get("units", 0), c.get("covered", 0)) for path, c in scope.coverage_by_child.items()},
    )

"""The demo county is built by thousands of changes through the services (topics raised, screened and merged,
consultations held, suggestions agreed, tasks signed for, reported, verified and chased, follow-up checks, ratings,
opinion reports); the history before them is bulk-written, which the first cached read projects (the tables' id
watermarks). Each change kept the figures by delta in its own transaction: afterwards the repair, recomputing
every counter and every subject's contribution from the live tables, finds none that differed, and the county's
cached figures (flows and today's standing: open and overdue tasks, agreed suggestions without a task, results that
did not last) equal the live computation."""

from shangliang.dashboards import cells, counters, periods
from shangliang.dashboards.models import FigureCount
from shangliang.dashboards.scope import Scope
from shangliang.units.models import Unit

STANDING = ("tasks.open", "tasks.overdue", "failures.unassigned", "failures.not_lasting")


def test_after_every_change_of_the_demo_the_repair_finds_no_counter_that_differed(county):
    cells.ensure_fresh()  # what every cached read does first: project the rows the demo bulk-wrote without an event
    report = counters.repair(fix=False)
    assert report["subjects"] > 100
    assert report["counters_differed"] == []
    assert report["contributions_differed"] == 0
    assert FigureCount.objects.filter(kind="standing", name="tasks.open").exists()  # standing is kept as counters


def test_the_demo_county_cached_figures_equal_the_live_ones(county):
    period = periods.year(periods.parse().start.year)
    for unit in (county, Unit.objects.get(pk=Unit.objects.get_root_nodes().first().pk)):
        cached, live = Scope(unit, period), Scope(unit, period, cached=False)
        assert cached.flows == live.flows, unit.name
        assert {k: cached.norms[k] for k in STANDING} == {k: live.norms[k] for k in STANDING}, unit.name
    cached, live = Scope(county, period), Scope(county, period, cached=False)
    assert cached.flows_by_child == live.flows_by_child
    for child, c in live.norms_by_child.items():
        assert {k: cached.norms_by_child.get(child, {}).get(k, 0) for k in STANDING} == {
            k: c.get(k, 0) for k in STANDING
        }, child
    assert live.norms["tasks.open"] > 0

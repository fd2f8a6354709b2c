"""generate_province at a tiny scale: a consistent tree and records, bulk-loaded, the cache warmed and equal to the
live figures; bench_dashboard runs against it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shangliang.bench.province import PROVINCE_NAME
from shangliang.consultations.models import Consultation, Participant
from shangliang.dashboards import counters, periods
from shangliang.dashboards.models import FigureCell
from shangliang.dashboards.scope import Scope
from shangliang.topics.models import Topic
from shangliang.units.models import Unit, UnitKind


@pytest.fixture
def province(db):
    out = StringIO()
    call_command("generate_province", scale=0.002, stdout=out)
    return Unit.objects.get(depth=1, name=PROVINCE_NAME), out.getvalue()


def test_tiny_province_is_consistent(province):
    root, output = province
    assert "loaded in" in output and "figure cache warmed" in output
    units = Unit.objects.filter(path__startswith=root.path)
    assert units.count() >= 40
    # The tree is what treebeard would have built: children counts and depths agree with the paths.
    for u in units:
        assert Unit.objects.filter(path__startswith=u.path, depth=u.depth + 1).count() == u.numchild
        assert len(u.path) == 4 * u.depth
    counties = units.filter(kind=UnitKind.COUNTY)
    assert counties.count() == 2
    for u in units.filter(depth__gte=3):
        assert u.county_id is not None and Unit.objects.get(pk=u.county_id).path == u.path[:12]
    assert Topic.objects.count() == 2000 and Consultation.objects.count() == 600
    assert Topic.objects.values("tracking_code").distinct().count() == 2000
    merged = Topic.objects.filter(status="merged")
    assert all(t.merged_into.unit_id == t.unit_id for t in merged.select_related("merged_into"))
    held = Consultation.objects.filter(held_at__isnull=False)
    assert Participant.objects.filter(consultation__in=held).count() >= 4 * held.count()
    assert FigureCell.objects.exists()
    from shangliang.accountability.models import Rating, ResponsibilityTask

    tasks = ResponsibilityTask.objects.all()
    assert 1000 <= tasks.count() <= 3000  # about 2,000 at this scale
    assert all(t.suggestion.consultation_id == t.consultation_id for t in tasks.select_related("suggestion")[:50])
    assert not tasks.filter(suggestion__status="withdrawn").exists()
    assert Rating.objects.filter(task__status="done").count() == Rating.objects.count() > 0
    # Unit.get_tree() and treebeard's own checks accept the generated tree.
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_cache_equals_live_on_the_generated_province(province):
    root, _ = province
    county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("path").first()
    year = periods.year(periods.timezone.localdate().year - 1)
    for unit in (root, county):
        cached, live = Scope(unit, year), Scope(unit, year, cached=False)
        assert cached.flows == live.flows and cached.flows["topics"] > 0
        assert cached.flows_by_child == live.flows_by_child
        assert cached.coverage == live.coverage and cached.norms == live.norms


def test_bench_runs_on_it(province):
    out = StringIO()
    call_command("bench_dashboard", runs=2, cold_runs=1, stdout=out)
    text = out.getvalue()
    for label in (
        "floor",
        "province root cells dropped",
        "province root unit moved",
        "county topic changed",
        "county consultation changed",
        "county unit moved",
        "county warm",
        "village warm",
        "write cost: a new topic",
        "write cost: a consultation",
        "refill: a county after a change",
        "refill: nothing missing",
    ):
        assert label in text, label
    # The figures stay right after the bench's changes (topics entered, units moved back and forth).
    assert counters.repair(fix=False)["counters_differed"] == []
    assert "refill: nothing missing             " in text and "cells=0 " in text
    with pytest.raises(CommandError):
        call_command("generate_province", scale=0.002, stdout=StringIO())

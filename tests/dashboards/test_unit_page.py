"""The unit page of a county or above reads its coverage from the figure cache: the same counts as the units app's
live functions, now, by year and per child; below county level the page computes them live."""

from django.urls import reverse

from shangliang.units import selectors as us


def live(unit):
    children = us.children_with_figures(unit)  # no cached figures given: the grouped live query
    return (
        us.coverage(unit),
        us.coverage_by_year(unit),
        {c.path: (c.subtree_units, c.subtree_covered, c.room_count) for c in children},
    )


def from_cache(unit):
    figures = us.page_figures(unit)
    children = us.children_with_figures(unit, figures)
    return (
        figures.now,
        figures.years,
        {c.path: (c.subtree_units, c.subtree_covered, c.room_count) for c in children},
    )


def test_cached_figures_equal_the_live_ones_at_and_above_county(tree):
    for unit in (tree.p, tree.a, tree.b):
        now, years, children = from_cache(unit)
        assert (now, years, children) == live(unit), unit.name
    now, years, children = from_cache(tree.a)
    assert now.units == 6 and children[tree.t1.path][:2] == (3, 1)  # hand-worked: see the fixture
    assert [c.year for c in years][0] == 2021


def test_below_county_the_page_computes_live(tree):
    assert us.page_figures(tree.t1) is None and us.page_figures(tree.v1) is None


def test_province_page_shows_the_cached_figures(admin_client, tree):
    html = admin_client.get(reverse("units:detail", args=[tree.p.pk])).content.decode()
    assert tree.a.name in html and tree.b.name in html
    now = us.coverage(tree.p)
    assert f"当前 {now.units} 个应建单元中，{now.meeting_standard} 个有达标的议事室" in html

"""Each metric against the hand-worked figures of the `tree` fixture (conftest), live and from the cache."""

from datetime import date

import pytest

from shangliang.dashboards import metrics as m
from shangliang.dashboards import periods
from shangliang.dashboards.scope import Scope

TODAY = date(2025, 12, 15)
Y2025 = periods.year(2025)

pytestmark = pytest.mark.parametrize("cached", [False, True], ids=["live", "cached"])


@pytest.fixture(autouse=True)
def _mid_december(freeze):
    freeze(TODAY)


def scope(unit, period=Y2025, cached=True):
    return Scope(unit, period, cached=cached)


def column(table, label_col=0, value_col=1):
    return {row[label_col]: row[value_col] for row in table.rows}


def test_topics_of_a_county_in_a_year(tree, cached):
    s = scope(tree.a, cached=cached)
    assert m.topics_raised(s) == 5  # the topic of 2024-12-31 23:30 (local) is last year's
    assert column(m.topics_by_source(s)) == {"党政点题": 1, "群众出题": 2, "委员荐题": 1, "网格员收集": 1}
    assert column(m.topics_by_category(s)) == {"党政工作要事": 1, "民生改善实事": 1, "社会治理难事": 0}
    status = column(m.topics_by_status(s))
    assert (status["已审定"], status["不予协商"], status["已合并"], status["已受理，待审定"], status["待筛选"]) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert column(m.rejection_reasons(s))["个体矛盾"] == 1
    assert sum(column(m.rejection_reasons(s)).values()) == 1
    assert m.topics_merged(s) == 1


def test_funnel_counts_merged_topics_once(tree, cached):
    rows = m.funnel(scope(tree.a, cached=cached)).rows
    assert [r[1] for r in rows] == [5, 2, 1, 1, 1, 0, 0]  # no tasks yet: nothing implemented
    assert rows[1][2] == 40.0  # 2 of 5 raised were accepted


def test_consultations_and_consensus(tree, cached):
    s = scope(tree.a, cached=cached)
    assert m.consultations_held(s) == 3  # scheduled and cancelled ones were never held
    forms = column(m.consultations_by_form(s))
    assert (forms["会议协商"], forms["书面协商"], forms["板凳协商会"], forms["实地协商"]) == (1, 1, 1, 0)
    assert m.consensus_reached(s) == 1
    assert m.consensus_rate(s) == 50.0  # one consensus, one 议而不决; the meeting still in session has no outcome
    assert m.suggestions(s) == 3  # the withdrawn one does not count
    assert column(m.research(s)) == {"商前调研": 1, "上门协商": 1}


def test_participation(tree, cached):
    s = scope(tree.a, cached=cached)
    # C1: the member and alice signed in (bob did not); C2 written: carol gave an opinion; C4: one signed in.
    assert m.attendances(s) == 4
    assert m.member_attendances(s) == 1
    assert column(m.attendances_by_kind(s))["利益相关方"] == 2


def test_periods_quarter_month_custom_and_empty(tree, cached):
    q1 = scope(tree.a, periods.quarter(2025, 1), cached=cached)
    assert (m.topics_raised(q1), m.consultations_held(q1), m.suggestions(q1)) == (3, 1, 2)
    # Held 2025-11-30 23:59 Beijing time: November, not December.
    assert m.consultations_held(scope(tree.a, periods.month(2025, 11), cached=cached)) == 1
    assert m.consultations_held(scope(tree.a, periods.month(2025, 12), cached=cached)) == 0
    rng = scope(tree.a, periods.custom(date(2025, 3, 10), date(2025, 5, 20)), cached=cached)
    assert (m.consultations_held(rng), m.topics_raised(rng), column(m.research(rng))["商前调研"]) == (2, 1, 0)
    empty = scope(tree.a, periods.year(2019), cached=cached)
    assert (m.topics_raised(empty), m.consultations_held(empty), m.consensus_rate(empty)) == (0, 0, None)
    assert [r[1] for r in m.funnel(empty).rows] == [0] * 7
    assert m.topics_raised(scope(tree.a, periods.year(2024), cached=cached)) == 1


def test_subtrees_below_and_above_county(tree, cached):
    assert m.topics_raised(scope(tree.t1, cached=cached)) == 4
    assert m.consultations_held(scope(tree.t1, cached=cached)) == 3
    assert (m.topics_raised(scope(tree.v3, cached=cached)), m.consultations_held(scope(tree.v3, cached=cached))) == (
        1,
        0,
    )
    root = scope(tree.p, cached=cached)
    assert (m.topics_raised(root), m.consultations_held(root), m.consensus_rate(root)) == (7, 4, 66.7)


def test_children_table_drills_down_and_keeps_own_records(tree, cached):
    table = m.children(scope(tree.p, cached=cached))
    rows = {r[0]: r for r in table.rows}
    assert list(rows) == ["本级", "甲县", "乙县"]
    assert (rows["本级"][1], rows["甲县"][1], rows["乙县"][1]) == (1, 5, 1)
    assert (rows["甲县"][2], rows["乙县"][2]) == (3, 1)
    assert table.links == [None, tree.a.pk, tree.b.pk]
    towns = {r[0]: r for r in m.children(scope(tree.a, cached=cached)).rows}
    assert (towns["一镇"][1], towns["一镇"][2], towns["二镇"][1], towns["二镇"][2]) == (4, 3, 1, 0)
    assert (towns["一镇"][6], towns["一镇"][7]) == (3, 1)  # T1, V1, V2 room-bearing; only T1 covered


def test_trend_by_month(tree, cached):
    rows = m.trend(scope(tree.a, cached=cached)).rows
    assert [r[0] for r in rows][:2] == ["2025-01", "2025-02"] and len(rows) == 12
    by_month = {r[0]: r[1:] for r in rows}
    assert by_month["2025-01"] == [2, 0, 0, 0]
    assert by_month["2025-03"] == [0, 1, 1, 2]
    assert by_month["2025-11"] == [0, 1, 0, 1]


def test_rooms_and_coverage_at_year_end(tree, cached):
    s = scope(tree.a, cached=cached)
    assert s.coverage_year in (2025, None)
    s = scope(tree.a, periods.year(2025), cached=cached)
    if s.coverage_year is None:
        pytest.skip("the clock says 2025: coverage is counted now")
    assert m.rooms(s) == 4
    cov = m.coverage(s).rows
    assert [r[1] for r in cov] == [6, 3, 2]  # V4 (set up 2025-06-01) counts; V2's room is only planned
    assert m.coverage_rate(s) == 33.3
    assert column(m.rooms_by_stage(s)) == {"规划中": 1, "试点": 1, "已建成": 2, "示范": 0}
    items = {r[0]: r[1:] for r in m.coverage_by_item(s).rows}
    assert list(items)[0] == "有组织"
    assert items["有设施"] == [3, 2, 66.7] and items["有组织"] == [3, 3, 100.0]
    y2024 = scope(tree.a, periods.year(2024), cached=cached)
    assert [r[1] for r in m.coverage(y2024).rows] == [5, 3, 2]  # V4 did not exist; V1 failed in May 2024
    y2022 = scope(tree.a, periods.year(2022), cached=cached)
    assert [r[1] for r in m.coverage(y2022).rows] == [5, 2, 1]
    assert column(m.rooms_by_stage(y2022)) == {"规划中": 0, "试点": 1, "已建成": 1, "示范": 0}
    root = scope(tree.p, periods.year(2025), cached=cached)
    assert [r[1] for r in m.coverage(root).rows] == [8, 4, 3] and m.rooms(root) == 5


def test_units_behind_their_norm(tree, cached):
    s = scope(tree.a, cached=cached)
    # Towns: 2 a year (T1 held one, T2 none); villages: 1 in 2 months (V1 last 2025-03-12; V2 2025-11-30 is fine;
    # V3 none; V4 set up 2025-06-01, none since).
    assert m.units_behind_norm(s) == 5
    assert [r[1] for r in m.norms_summary(s).rows] == [6, 5, 5, 5, 4]
    root = scope(tree.p, cached=cached)
    assert m.units_behind_norm(root) == 7
    rows = {r[0]: r for r in m.children(root).rows}
    assert (rows["甲县"][-1], rows["乙县"][-1]) == (5, 2)

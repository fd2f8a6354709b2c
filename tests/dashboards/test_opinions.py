"""Public-opinion reports in the figures and the duty records, counted as the opinions app counts them."""

from datetime import date

import pytest

from shangliang.dashboards import assessment, metrics, periods
from shangliang.dashboards.scope import Scope
from shangliang.opinions import selectors as opinion_selectors
from shangliang.opinions.models import Adoption, Endorsement, OpinionReport
from tests.dashboards.conftest import local
from tests.factories import UserFactory

Y2025 = periods.year(2025)


def report(tree, author, unit, submitted, status="adopted", **kw):
    return OpinionReport.objects.create(
        county=tree.a,
        unit=unit,
        author=author,
        author_kind="member",
        title="关于农村饮水",
        body="正文",
        status=status,
        submitted_at=submitted,
        **kw,
    )


@pytest.fixture
def reports(tree):
    r1 = report(tree, tree.member, tree.v1, local(2025, 4, 1, 9))
    Adoption.objects.create(report=r1, level="county", adopted_on=date(2025, 4, 10))
    Adoption.objects.create(report=r1, level="city", adopted_on=date(2025, 6, 1))
    Endorsement.objects.create(
        report=r1, leader="某某", leader_title="县长", level="county", endorsed_on=date(2025, 6, 5), text="请办理"
    )
    r2 = report(tree, tree.member, tree.t2, local(2024, 12, 20, 9))  # submitted last year, adopted this year
    Adoption.objects.create(report=r2, level="county", adopted_on=date(2025, 1, 8))
    other = UserFactory(username="informant", full_name="信息员")
    r3 = report(tree, other, tree.v3, local(2025, 8, 1, 9))
    r3.contributors.add(tree.member)  # the member's report was merged into this one
    Adoption.objects.create(report=r3, level="province", adopted_on=date(2025, 9, 1))
    report(tree, tree.member, tree.v1, None, status="draft")  # never submitted
    return r1, r2, r3


@pytest.mark.parametrize("cached", [False, True])
def test_unit_figures_match_the_opinions_app(tree, reports, cached):
    s = Scope(tree.a, Y2025, cached=cached)
    theirs = opinion_selectors.unit_report_figures(tree.a, year=2025)
    assert metrics.opinion_reports(s) == theirs.submitted == 2
    rows = {r[0]: r[1] for r in metrics.opinions(s).rows}
    assert rows["区县级采用"] == theirs.adopted_at("county") == 2
    assert rows["市级采用"] == theirs.adopted_at("city") == 1
    assert rows["省级采用"] == theirs.adopted_at("province") == 1
    assert rows["领导批示"] == 1
    assert metrics.opinion_reports(Scope(tree.t2, periods.year(2024), cached=cached)) == 1


def test_member_record_counts_reports_and_adoptions_credited(tree, reports):
    measures = assessment.member_measures(tree.a, Y2025, [tree.member.pk])[tree.member.pk]
    assert measures["opinion_reports"] == 1  # r1 (r2 was submitted in 2024; the draft never)
    assert measures["opinions_adopted"] == 4  # r1 county + city, r2 county, r3 province (merged in)
    row = next(r for r in opinion_selectors.figures_by_person(tree.a, year=2025) if r.user == tree.member)
    assert measures["opinion_reports"] == row.figures.submitted
    assert measures["opinions_adopted"] == sum(row.figures.adopted.values())

"""Counts of public-opinion reports (submitted, adopted per level, endorsed, answered) per member or informant and
per unit subtree, against a hand-counted ledger. Each count goes by the date of its own step."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from shangliang.opinions import selectors, services
from shangliang.opinions.models import OpinionReport
from tests.conftest import fresh
from tests.factories import UserFactory, assign
from tests.opinions.conftest import write


def at(y, m, d=15):
    return timezone.make_aware(datetime(y, m, d, 10, 0))


@pytest.fixture
def ledger(op):
    """County A (周委员 = writer, 网格员小李 = informant, 钱委员 = member2):
    R1 writer/V1: submitted 2025-02; adopted county 2025-03, city 2025-05; endorsed 2025-04 and 2025-06; answered
       2025-07; R3 (informant/V1, submitted 2025-03) merged into it.
    R2 writer/T1: submitted 2025-03, declined.
    R4 member2/T2: submitted 2024-11; adopted county 2024-12, province 2025-01; answered 2025-02.
    R5 writer/V2: a draft.   R6 writer/V1: submitted 2024-05; adopted county 2024-06.
    County B: R7 by 吴委员, submitted and adopted in 2025 (never counted in A)."""
    w = op.world
    staff, body = fresh(w.users["staff"]), fresh(w.users["department"])
    member2 = UserFactory(username="member2", full_name="钱委员")
    assign(member2, "member", w.a)

    def submitted(author, unit, when, title):
        r = write(op, author=author, unit=unit, title=title)
        services.report_submit(actor=fresh(author), report=r)
        OpinionReport.objects.filter(pk=r.pk).update(submitted_at=at(*when))
        r.refresh_from_db()
        return r

    def answered(r, when):
        services.report_hand(actor=staff, report=r, department=w.department)
        services.report_transition(actor=body, report=r, action="sign")
        services.report_answer(actor=body, report=r, answer="已办理")
        OpinionReport.objects.filter(pk=r.pk).update(answered_at=at(*when))

    r1 = submitted(op.writer, w.v1, (2025, 2), "R1")
    r3 = submitted(op.informant, w.v1, (2025, 3), "R3")
    services.report_merge(actor=staff, target=r1, sources=[r3])
    services.report_adopt(actor=staff, report=r1, level="county", adopted_on=date(2025, 3, 1))
    services.report_adopt(actor=staff, report=r1, level="city", adopted_on=date(2025, 5, 1))
    r1.refresh_from_db()
    for when, level in ((date(2025, 4, 1), "county"), (date(2025, 6, 1), "city")):
        services.report_endorse(
            actor=staff, report=r1, leader="王某", leader_title="书记", level=level, endorsed_on=when, text="阅"
        )
    answered(r1, (2025, 7))
    r2 = submitted(op.writer, w.t1, (2025, 3), "R2")
    services.report_transition(actor=staff, report=r2, action="decline", note="已有同类信息")
    r4 = submitted(member2, w.t2, (2024, 11), "R4")
    services.report_adopt(actor=staff, report=r4, level="county", adopted_on=date(2024, 12, 1))
    r4.refresh_from_db()
    services.report_adopt(actor=staff, report=r4, level="province", adopted_on=date(2025, 1, 10))
    answered(r4, (2025, 2))
    write(op, unit=w.v2, title="R5")
    r6 = submitted(op.writer, w.v1, (2024, 5), "R6")
    services.report_adopt(actor=staff, report=r6, level="county", adopted_on=date(2024, 6, 1))
    writer_b = UserFactory(username="writer_b")
    assign(writer_b, "member", w.b)
    staff_b = UserFactory(username="staff_b")
    assign(staff_b, "cppcc_staff", w.b)
    r7 = services.report_create(actor=fresh(writer_b), unit=w.vb, title="R7", body="乙县")
    services.report_submit(actor=fresh(writer_b), report=r7)
    OpinionReport.objects.filter(pk=r7.pk).update(submitted_at=at(2025, 4))
    services.report_adopt(actor=fresh(staff_b), report=r7, level="county", adopted_on=date(2025, 4, 20))
    op.member2 = member2
    return op


def as_tuple(f):
    return (f.submitted, f.adopted_at("county"), f.adopted_at("city"), f.adopted_at("province"),
            f.adopted_at("national"), f.adopted_any, f.endorsed, f.answered)  # fmt: skip


#  submitted, county, city, province, national, adopted (any), endorsed, answered
def test_county_figures_by_year(ledger):
    a = ledger.world.a
    assert as_tuple(selectors.unit_report_figures(a, year=2025)) == (3, 1, 1, 1, 0, 2, 1, 2)
    assert as_tuple(selectors.unit_report_figures(a, year=2024)) == (2, 2, 0, 0, 0, 2, 0, 0)
    assert as_tuple(selectors.unit_report_figures(a)) == (5, 3, 1, 1, 0, 3, 1, 2)
    assert as_tuple(selectors.unit_report_figures(ledger.world.b, year=2025)) == (1, 1, 0, 0, 0, 1, 0, 0)


def test_subtree_figures(ledger):
    w = ledger.world
    assert as_tuple(selectors.unit_report_figures(w.t1, year=2025)) == (3, 1, 1, 0, 0, 1, 1, 1)
    assert as_tuple(selectors.unit_report_figures(w.t2, year=2025)) == (0, 0, 0, 1, 0, 1, 0, 1)
    assert as_tuple(selectors.unit_report_figures(w.v2)) == (0, 0, 0, 0, 0, 0, 0, 0)  # only a draft there


def test_member_figures_credit_merged_authors(ledger):
    assert as_tuple(selectors.member_report_figures(ledger.writer, year=2025)) == (2, 1, 1, 0, 0, 1, 1, 1)
    assert as_tuple(selectors.member_report_figures(ledger.informant, year=2025)) == (1, 1, 1, 0, 0, 1, 1, 1)
    assert as_tuple(selectors.member_report_figures(ledger.member2, year=2025)) == (0, 0, 0, 1, 0, 1, 0, 1)
    assert as_tuple(selectors.member_report_figures(ledger.writer)) == (3, 2, 1, 0, 0, 2, 1, 1)


def test_the_per_person_table_agrees_and_costs_a_fixed_number_of_queries(ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        rows = {r.user.username: as_tuple(r.figures) for r in selectors.figures_by_person(ledger.world.a, year=2025)}
    assert rows == {
        "writer": (2, 1, 1, 0, 0, 1, 1, 1),
        "informant": (1, 1, 1, 0, 0, 1, 1, 1),
        "member2": (0, 0, 0, 1, 0, 1, 0, 1),
    }
    everything = {r.user.username: r.figures.submitted for r in selectors.figures_by_person(ledger.world.a)}
    assert everything == {"writer": 3, "informant": 1, "member2": 1}

"""What the villages disclosed and how their monthly meetings went, per unit subtree and year, against hand-counted
fixtures (the functions dashboards call)."""

from datetime import date
from decimal import Decimal

import pytest

from shangliang.villageaffairs import selectors, services
from shangliang.villageaffairs.models import (
    AgendaItem,
    AgendaSource,
    AgendaStatus,
    Attendance,
    Feedback,
    MeetingStatus,
    MonthlyMeeting,
    PowerCategory,
)
from tests.factories import UserFactory, assign
from tests.villageaffairs.conftest import make_power_items


def disclose(world, items, unit, category, start, amount, *, kind="project", publish=True, actor=None):
    actor = actor or world.users["staff"]
    d = services.disclosure_create(
        actor=actor,
        unit=unit,
        power_item=items[category],
        kind=kind,
        title=f"{unit.name}{start:%Y%m}事项",
        content="内容",
        amount=amount,
        decided_on=start,
        period_start=start,
        period_end=date(start.year, start.month, 28),
    )
    if publish:
        services.disclosure_publish(actor=actor, disclosure=d)
    return d


@pytest.fixture
def year_of_disclosures(world):
    """County A. 2024: V1 1,000.00 (惠民资金), V1 500.50 (日常管理).
    2025: V1 3,000.00 corrected to 2,800.00 (惠民资金); V2 a decision without amount (重大决策);
    V3 10,000.00 (重大决策); a draft in V1 (20,000.00) that is not public; two objections and a comment on
    the 2025 ones.
    County B, 2025: 99,999.00 (never counted in A)."""
    items = make_power_items(world.a)
    items_b = make_power_items(world.b)
    staff_b = UserFactory(username="staff_b")
    assign(staff_b, "cppcc_staff", world.b)
    B, D, M = PowerCategory.BENEFIT_FUND, PowerCategory.DAILY_MANAGEMENT, PowerCategory.MAJOR_DECISION
    disclose(world, items, world.v1, B, date(2024, 3, 1), "1000")
    disclose(world, items, world.v1, D, date(2024, 8, 1), "500.50", kind="payment")
    first = disclose(world, items, world.v1, B, date(2025, 2, 1), "3000")
    correction = services.disclosure_correct(
        actor=world.users["staff"],
        original=first,
        correction_reason="金额更正",
        power_item=items[B],
        kind="project",
        title=first.title,
        content="内容",
        amount="2800",
        decided_on=first.decided_on,
        period_start=date(2025, 2, 1),
        period_end=date(2025, 2, 28),
    )
    services.disclosure_publish(actor=world.users["staff"], disclosure=correction)
    decision = disclose(world, items, world.v2, M, date(2025, 5, 1), "", kind="decision")
    big = disclose(world, items, world.v3, M, date(2025, 9, 1), "10000")
    disclose(world, items, world.v1, B, date(2025, 10, 1), "20000", publish=False)
    disclose(world, items_b, world.vb, B, date(2025, 6, 1), "99999", actor=staff_b)
    for d, kind in ((correction, "objection"), (big, "objection"), (decision, "comment")):
        Feedback.objects.create(disclosure=d, kind=kind, text="意见", mobile_hash="h" * 64)
    return world


def test_disclosure_figures_for_the_county(year_of_disclosures):
    f = selectors.disclosure_figures(year_of_disclosures.a, year=2025)
    assert (f.disclosures.current, f.disclosures.previous, f.disclosures.change) == (3, 2, 1)
    assert f.disclosures.percent == 50.0
    assert (f.amount.current, f.amount.previous) == (Decimal("12800.00"), Decimal("1500.50"))
    assert f.amount.change == Decimal("11299.50")
    assert str(f.amount.current) == "12800.00"  # two places whatever the database's sum returns
    assert (f.corrections, f.objections) == (1, 2)
    by = {key: (n, amount) for key, _label, n, amount in f.by_category}
    assert by == {
        "major_decision": (2, Decimal("10000.00")),
        "daily_management": (0, Decimal("0.00")),
        "convenience_service": (0, Decimal("0.00")),
        "benefit_fund": (1, Decimal("2800.00")),
    }


def test_disclosure_figures_of_a_town_and_of_the_other_county(year_of_disclosures):
    w = year_of_disclosures
    t1 = selectors.disclosure_figures(w.t1, year=2025)
    assert (t1.disclosures.current, t1.amount.current, t1.disclosures.previous) == (2, Decimal("2800.00"), 2)
    b = selectors.disclosure_figures(w.b, year=2025)
    assert (b.disclosures.current, b.amount.current, b.objections) == (1, Decimal("99999.00"), 0)
    empty = selectors.disclosure_figures(w.t2, year=2023)
    assert (empty.disclosures.current, empty.amount.current, empty.amount.percent) == (0, Decimal("0.00"), None)


def test_meeting_figures(world):
    """V1 held Jan–Mar 2025 (member present at two), cancelled April; V3 held 2024-12 and 2025-01."""
    member = world.users["member"]
    for unit, month, status in [
        (world.v1, date(2025, 1, 1), MeetingStatus.HELD),
        (world.v1, date(2025, 2, 1), MeetingStatus.HELD),
        (world.v1, date(2025, 3, 1), MeetingStatus.HELD),
        (world.v1, date(2025, 4, 1), MeetingStatus.CANCELLED),
        (world.v3, date(2024, 12, 1), MeetingStatus.HELD),
        (world.v3, date(2025, 1, 1), MeetingStatus.HELD),
    ]:
        m = MonthlyMeeting.objects.create(unit=unit, month=month, status=status)
        AgendaItem.objects.create(meeting=m, source=AgendaSource.OBJECTION, title="异议", status=AgendaStatus.RESOLVED)
        AgendaItem.objects.create(meeting=m, source=AgendaSource.MATTER, title="事项", status=AgendaStatus.CARRIED)
        if unit == world.v1 and month.month in (1, 2):
            Attendance.objects.create(meeting=m, user=member, name="委员", capacity="member", present=True)
        Attendance.objects.create(meeting=m, user=None, name="村民代表", capacity="resident_rep", present=True)
    f = selectors.meeting_figures(world.a, year=2025)
    assert (f.held.current, f.held.previous, f.cancelled) == (4, 1, 1)
    assert (f.agenda_items, f.resolved, f.objections, f.member_attendances) == (8, 4, 4, 2)
    assert selectors.member_meeting_attendance(member, year=2025) == 2
    assert selectors.member_meeting_attendance(member, year=2024) == 0
    t2 = selectors.meeting_figures(world.t2, year=2025)
    assert (t2.held.current, t2.held.previous, t2.member_attendances) == (1, 1, 0)


def test_pages_open_on_the_latest_year_with_data(world, freeze):
    from shangliang.villageaffairs.selectors import latest_year

    freeze(date(2026, 5, 1))
    assert latest_year(world.a) == 2026  # nothing yet: this year
    MonthlyMeeting.objects.create(unit=world.v1, month=date(2024, 3, 1), status=MeetingStatus.HELD)
    MonthlyMeeting.objects.create(unit=world.v3, month=date(2027, 3, 1), status=MeetingStatus.HELD)  # a future typo
    assert latest_year(world.a) == 2024
    assert latest_year(world.t2) == 2026

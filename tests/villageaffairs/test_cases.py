"""Disputes mediated (矛盾纠纷化解) and petitions (信访): recording, outcomes as transitions allowed and refused, and
the counts with year-on-year change per unit subtree, against hand-computed fixtures."""

from datetime import date

import pytest

from shangliang.core import clock
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.villageaffairs import selectors
from shangliang.villageaffairs.models import Dispute, DisputeStatus, Petition, PetitionStatus
from shangliang.villageaffairs.services import cases

TODAY = date(2025, 12, 31)


@pytest.fixture(autouse=True)
def _on_new_years_eve():
    with clock.frozen(TODAY):
        yield


def dispute(world, unit, received, **extra):
    return cases.dispute_record(
        actor=world.users["staff"],
        unit=unit,
        received_on=received,
        kind=extra.pop("kind", "neighbour"),
        summary=extra.pop("summary", "宅前排水沟堵塞引发邻里纠纷"),
        **extra,
    )


def petition(world, unit, received, **extra):
    return cases.petition_record(
        actor=world.users["staff"],
        unit=unit,
        received_on=received,
        channel=extra.pop("channel", "visit"),
        subject=extra.pop("subject", "反映土地流转租金未按时支付"),
        **extra,
    )


def test_a_dispute_is_recorded_and_its_outcome_is_a_transition(world):
    d = dispute(world, world.v1, date(2025, 3, 2), mediator="村调委会")
    assert d.status == DisputeStatus.OPEN
    with pytest.raises(InvalidInput):  # an outcome needs its note
        cases.dispute_decide(actor=world.users["convenor"], dispute=d, action="resolve", outcome="")
    with pytest.raises(NotAllowed):
        cases.dispute_decide(actor=world.users["approver"], dispute=d, action="resolve", outcome="和解")
    with pytest.raises(InvalidInput) as caught:
        cases.dispute_decide(
            actor=world.users["convenor"],
            dispute=d,
            action="resolve",
            outcome="和解",
            closed_on="2025-03-01",
        )
    assert "不能早于受理日期" in str(caught.value.message)
    cases.dispute_decide(actor=world.users["convenor"], dispute=d, action="resolve", outcome="双方签订调解协议")
    d.refresh_from_db()
    assert (d.status, d.closed_on, d.outcome) == (DisputeStatus.RESOLVED, TODAY, "双方签订调解协议")
    with pytest.raises(NotPossible):
        cases.dispute_decide(actor=world.users["convenor"], dispute=d, action="fail", outcome="再议")
    with pytest.raises(NotPossible):
        cases.dispute_decide(actor=world.users["convenor"], dispute=d, action="bribe", outcome="x")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_on": date(2026, 1, 1)}, "received_on"),  # in the future
        ({"received_on": "not a date"}, "received_on"),
        ({"kind": "gossip"}, "kind"),
        ({"parties": 0}, "parties"),
        ({"parties": "两个"}, "parties"),
        ({"summary": ""}, "summary"),
    ],
)
def test_bad_dispute_input_stores_nothing(world, overrides, field):
    received = overrides.pop("received_on", date(2025, 3, 2))
    with pytest.raises(InvalidInput) as caught:
        dispute(world, world.v1, received, **overrides)
    assert caught.value.field == field
    assert not Dispute.objects.exists()


def test_cases_are_recorded_in_villages_only_by_their_managers(world):
    with pytest.raises(InvalidInput):
        dispute(world, world.t1, date(2025, 3, 2))
    with pytest.raises(NotAllowed):
        cases.dispute_record(
            actor=world.users["convenor"],
            unit=world.v3,
            received_on=date(2025, 3, 2),
            kind="land",
            summary="x",
        )
    with pytest.raises(NotAllowed):
        cases.petition_record(
            actor=world.users["member"],
            unit=world.v1,
            received_on=date(2025, 3, 2),
            channel="visit",
            subject="x",
        )


def test_a_petition_is_concluded_or_referred(world):
    p = petition(world, world.v2, date(2025, 5, 5), collective=True)
    cases.petition_decide(actor=world.users["convenor"], petition=p, action="refer", outcome="转区信访局")
    assert Petition.objects.get().status == PetitionStatus.REFERRED
    with pytest.raises(NotPossible):
        cases.petition_decide(actor=world.users["convenor"], petition=p, action="conclude", outcome="x")


def test_double_submit_records_one_case(world):
    key = "d" * 32
    assert dispute(world, world.v1, date(2025, 3, 2), idempotency_key=key) == dispute(
        world, world.v1, date(2025, 3, 2), idempotency_key=key
    )
    assert Dispute.objects.count() == 1


@pytest.fixture
def ledger(world):
    """Hand-counted cases. County A:
    2024 — disputes: V1 ×3 (2 resolved), V3 ×1;               petitions: V1 ×4 (1 collective), V2 ×2
    2025 — disputes: V1 ×2 (2 resolved), V2 ×2 (1 resolved), V3 ×2 (0 resolved); petitions: V1 ×1, V3 ×1 (collective)
    County B (must never count in A): 2025 — VB ×5 disputes, ×3 petitions.
    """
    plan = [
        (world.v1, date(2024, 2, 1), "resolve"),
        (world.v1, date(2024, 6, 1), "resolve"),
        (world.v1, date(2024, 9, 1), None),
        (world.v3, date(2024, 11, 30), "fail"),
        (world.v1, date(2025, 1, 1), "resolve"),
        (world.v1, date(2025, 12, 31), "resolve"),
        (world.v2, date(2025, 4, 4), "resolve"),
        (world.v2, date(2025, 4, 5), "refer"),
        (world.v3, date(2025, 7, 1), "fail"),
        (world.v3, date(2025, 8, 1), None),
    ]
    for unit, received, action in plan:
        d = dispute(world, unit, received)
        if action:
            cases.dispute_decide(actor=world.users["staff"], dispute=d, action=action, outcome="结果")
    for unit, received, collective in [
        (world.v1, date(2024, 1, 5), True),
        (world.v1, date(2024, 2, 5), False),
        (world.v1, date(2024, 3, 5), False),
        (world.v1, date(2024, 4, 5), False),
        (world.v2, date(2024, 5, 5), False),
        (world.v2, date(2024, 6, 5), False),
        (world.v1, date(2025, 3, 3), False),
        (world.v3, date(2025, 6, 6), True),
    ]:
        petition(world, unit, received, collective=collective)
    for i in range(5):
        Dispute.objects.create(unit=world.vb, received_on=date(2025, 1, i + 1), kind="land", summary="乙县")
    for i in range(3):
        Petition.objects.create(unit=world.vb, received_on=date(2025, 1, i + 1), channel="letter", subject="乙县")
    return world


def test_county_figures_and_year_on_year(ledger):
    f = selectors.case_figures(ledger.a, year=2025)
    assert (f.disputes.current, f.disputes.previous, f.disputes.change) == (6, 4, 2)
    assert f.disputes.percent == 50.0
    assert (f.disputes_resolved.current, f.disputes_resolved.previous) == (3, 2)
    assert f.resolution_percent == 50.0
    assert (f.petitions.current, f.petitions.previous, f.petitions.change) == (2, 6, -4)
    assert round(f.petitions.percent, 2) == -66.67
    assert (f.collective_petitions.current, f.collective_petitions.previous) == (1, 1)
    assert f.collective_petitions.percent == 0.0


def test_subtree_and_child_figures(ledger):
    t1 = selectors.case_figures(ledger.t1, year=2025)
    assert (t1.disputes.current, t1.disputes.previous, t1.petitions.current, t1.petitions.previous) == (4, 3, 1, 6)
    v3 = selectors.case_figures(ledger.v3, year=2025)
    assert (v3.disputes.current, v3.disputes.previous, v3.disputes_resolved.current) == (2, 1, 0)
    assert v3.petitions.previous == 0 and v3.petitions.percent is None  # no base to compare with
    by_child = {unit.name: f for unit, f in selectors.case_figures_by_child(ledger.a, year=2025)}
    assert set(by_child) == {"一镇", "二镇"}
    assert (by_child["一镇"].disputes.current, by_child["二镇"].disputes.current) == (4, 2)
    assert (by_child["一镇"].petitions.previous, by_child["二镇"].petitions.current) == (6, 1)
    b = selectors.case_figures(ledger.b, year=2025)
    assert (b.disputes.current, b.petitions.current, b.disputes.previous) == (5, 3, 0)


def test_figures_cost_a_fixed_number_of_queries(ledger, django_assert_num_queries):
    with django_assert_num_queries(2):
        selectors.case_figures(ledger.a, year=2025)
    with django_assert_num_queries(3):
        selectors.case_figures_by_child(ledger.a, year=2025)

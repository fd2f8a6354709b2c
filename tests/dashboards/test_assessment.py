"""Members' duty records and units' assessment against hand-worked figures (the `tree` fixture), and the formula."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shangliang.consultations.models import Consultation, Opinion, Participant, PreConsultationVisit, ResearchRecord
from shangliang.dashboards import assessment, periods
from shangliang.dashboards.assessment import Rule, score
from shangliang.dashboards.models import ScoreSubject, ScoringRule
from shangliang.people.models import Role
from shangliang.topics.models import TopicSource
from tests.dashboards.conftest import local, topic
from tests.factories import UserFactory, assign

Y2025 = periods.year(2025)
TODAY = date(2025, 12, 15)


def test_member_record_counts_and_caps(tree):
    wei = tree.member
    c1 = Consultation.objects.get(unit=tree.v1, status="closed_consensus")
    ResearchRecord.objects.create(
        consultation=c1, kind="visit", title="走访", text="走访", done_on=date(2025, 2, 1), recorded_by=wei
    )
    PreConsultationVisit.objects.create(
        consultation=c1, party="李家", visited_on=date(2025, 2, 2), views="同意", recorded_by=wei
    )
    PreConsultationVisit.objects.create(  # last year's: not in 2025
        consultation=c1, party="王家", visited_on=date(2024, 2, 2), views="同意", recorded_by=wei
    )
    for day in range(1, 6):  # five more recommendations: 6 in all, capped at 20 points
        topic(tree.v1, local(2025, 9, day, 9), TopicSource.MEMBER, submitter=wei)
    topic(tree.vb, local(2025, 9, 9, 9), TopicSource.MEMBER, submitter=wei)  # another county's: not this record
    records = assessment.member_records(tree.a, Y2025)
    assert [r.member for r in records] == [wei]
    rec = records[0]
    assert rec.score.measures == {"consultations": 1, "topics": 6, "research": 1, "visits": 1}  # no 月例会
    assert [p for _r, _m, p in rec.score.parts] == [Decimal(n) for n in (5, 20, 3, 3, 0, 0, 0, 0)]
    assert rec.score.total == Decimal(31) and rec.score.maximum == Decimal(145) and rec.rank == 1


def test_a_written_opinion_counts_as_taking_part(tree):
    c2 = Consultation.objects.get(unit=tree.t1, form="written")
    p = Participant.objects.create(consultation=c2, user=tree.member, name="魏委员", kind="member", status="confirmed")
    Opinion.objects.create(consultation=c2, participant=p, text="同意")
    measures = assessment.member_measures(tree.a, Y2025, [tree.member.pk])[tree.member.pk]
    assert measures["consultations"] == 2  # C1 signed in, C2 written opinion
    details = assessment.member_details(tree.a, Y2025, tree.member)
    assert {x.consultation_id for x in details["consultations"]} == {
        c2.pk,
        Consultation.objects.get(unit=tree.v1, status="closed_consensus").pk,
    }


def test_members_of_the_period_and_ranking_ties(tree):
    gone = UserFactory(username="gone", full_name="离任委员")
    assign(gone, Role.MEMBER, tree.a, start=date(2020, 1, 1), end=date(2024, 6, 1))
    late = UserFactory(username="late", full_name="新任委员")
    assign(late, Role.MEMBER, tree.t1, start=date(2025, 11, 1))
    twin = UserFactory(username="twin", full_name="同分委员")
    assign(twin, Role.MEMBER, tree.a)
    topic(tree.v3, local(2025, 5, 5, 9), TopicSource.MEMBER, submitter=twin)
    topic(tree.v3, local(2025, 5, 6, 9), TopicSource.MEMBER, submitter=twin)
    records = assessment.member_records(tree.a, Y2025)
    names = [r.member.full_name for r in records]
    assert "离任委员" not in names and "新任委员" in names
    ranks = {r.member.full_name: r.rank for r in records}
    assert ranks["同分委员"] == ranks["魏委员"] == 1  # 10 points each
    assert ranks["新任委员"] == 3
    assert assessment.member_records(tree.a, periods.year(2019)) == [
        r for r in assessment.member_records(tree.a, periods.year(2019)) if r.member.full_name != "新任委员"
    ]


def test_county_weights_change_the_score(tree):
    ScoringRule.objects.create(county=tree.a, subject=ScoreSubject.MEMBER, item="topics", points=10, cap=50)
    rec = assessment.member_records(tree.a, Y2025)[0]
    assert rec.score.total == Decimal(15)  # 5 for the consultation + 10 for the one recommended topic
    assert rec.score.maximum == Decimal(175)


def test_unit_assessment_of_villages(tree, freeze):
    freeze(TODAY)
    rows = assessment.unit_assessments(tree.a, Y2025, level="village")
    by = {r.unit.name: r for r in rows}
    # V2: norm kept 20, no room yet 0, 1 consultation 5, no consensus, 1 suggestion 2, 1 attendance 0.1
    assert by["二村"].score.total == Decimal("27.1") and by["二村"].rank == 1
    # V3: behind its norm, room meeting the standard 20
    assert by["三村"].score.total == Decimal(20) and by["三村"].rank == 2
    # V1: behind, room failed 有设施 in 2024; C1: 5 + consensus 5 + 2 suggestions 4 + 2 attendances 0.2
    assert by["一村"].score.total == Decimal("14.2") and by["一村"].rank == 3
    assert by["一村"].behind_days == (TODAY - date(2025, 5, 12)).days
    assert by["四村"].score.total == Decimal(0)
    towns = assessment.unit_assessments(tree.a, Y2025, level="town")
    assert [r.unit.name for r in towns] == ["一镇", "二镇"]  # T1: covered 20 + C2 5 + 0.1


@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 100)), min_size=1, max_size=6),
    st.lists(st.integers(0, 1000), min_size=6, max_size=6),
)
def test_formula_is_capped_and_monotone(rules, counts):
    items = [
        Rule(assessment.Item(f"i{n}", "x", "x", Decimal(p), Decimal(c)), Decimal(p), Decimal(c), True)
        for n, (p, c) in enumerate(rules)
    ]
    measures = {f"i{n}": counts[n] for n in range(len(items))}
    s = score(measures, items)
    assert Decimal(0) <= s.total <= s.maximum
    more = score({k: v + 1 for k, v in measures.items()}, items)
    assert more.total >= s.total

"""The quality score (协商质效得分): the documented formula on hand-computed cases, its properties (Hypothesis), and
the seven components measured on a real consultation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shangliang.accountability import services
from shangliang.accountability.models import ItemKind, ResponsibilityTask
from shangliang.accountability.quality import FORMULA, WEIGHTS, consultation_components, consultation_quality, score_of
from shangliang.core.errors import InvalidInput, NotAllowed
from tests.accountability.conftest import S, assign, today, walk
from tests.conftest import fresh
from tests.factories import UserFactory

ALL = list(WEIGHTS)


def test_weights_add_up_to_100_and_the_formula_names_them():
    assert sum(WEIGHTS.values()) == 100
    for number in ("15", "10", "20", "50"):
        assert number in str(FORMULA)


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        (dict.fromkeys(ALL, 1.0), Decimal("100.0")),
        (dict.fromkeys(ALL, 0.0), Decimal("0.0")),
        # 15 + 5 + 10 + 10 + 15 = 55 of the 75 weights measured → 73.3
        (
            {
                "steps": 1,
                "research": 0.5,
                "represent": 1,
                "on_time": None,
                "done": 0.5,
                "satisfied": 0.75,
                "evaluator": None,
            },
            Decimal("73.3"),
        ),
        ({"satisfied": 0.25}, Decimal("25.0")),
        ({"research": 0.1225}, Decimal("12.3")),  # 12.25: half up, not to even
        (dict.fromkeys(ALL), None),
    ],
)
def test_hand_computed_scores(components, expected):
    assert score_of(components) == expected


def test_a_component_outside_zero_to_one_is_a_bug():
    with pytest.raises(ValueError):
        score_of({"done": 1.5})


share = st.one_of(st.none(), st.floats(min_value=0, max_value=1, allow_nan=False))


@given(st.fixed_dictionaries(dict.fromkeys(ALL, share)))
def test_the_score_is_between_0_and_100_or_none(components):
    score = score_of(components)
    if all(v is None for v in components.values()):
        assert score is None
    else:
        assert Decimal(0) <= score <= Decimal(100)


@given(st.fixed_dictionaries(dict.fromkeys(ALL, share)), st.sampled_from(ALL), st.floats(0, 1, allow_nan=False))
def test_a_better_component_never_lowers_the_score(components, key, better):
    if components[key] is None or better < components[key]:
        return
    raised = {**components, key: better}
    assert score_of(raised) >= score_of(components)


@given(st.floats(0, 1, allow_nan=False), st.sets(st.sampled_from(ALL), min_size=1))
def test_equal_components_give_that_share(value, keys):
    components = {k: (value if k in keys else None) for k in ALL}
    assert abs(score_of(components) - Decimal(str(round(value * 100, 6)))) <= Decimal("0.051")


def test_the_seven_components_of_a_real_consultation(world, consultation, people):
    """Hand computation (see quality.py):

    steps 6/7 (not yet acknowledged) · research ½ (one record) · representativeness 1 (no warnings) ·
    on time ½ (one task done in time, one overdue) · done ½ · satisfaction (4 − 1)/4 = ¾ (scores 5 and 3) ·
    evaluator 82.5 / 100 (process item 5 → 100 × 30, outcome item 4 → 75 × 70).
    100 × (15·6/7 + 10·½ + 10 + 15·½ + 20·½ + 20·¾ + 10·0.825) / 100 = 68.607… → 68.6
    """
    done = walk(world, assign(world, consultation, action="划线"), S.DONE)
    late = assign(world, consultation, action="装标识")
    ResponsibilityTask.objects.filter(pk=late.pk).update(deadline=today() - timedelta(days=3))
    services.rating_submit(task=done, actor=UserFactory(username="p1"), score=5)
    services.rating_submit(task=done, actor=UserFactory(username="p2"), score=3)
    form = services.evaluation_form_save(
        actor=fresh(world.users["staff"]),
        county=world.a,
        name="质效评估表",
        items=[
            {"kind": ItemKind.PROCESS, "text": "程序规范", "weight": 30},
            {"kind": ItemKind.OUTCOME, "text": "群众受益", "weight": 70},
        ],
    )
    items = {i.kind: i.pk for i in form.items.all()}
    response = services.evaluation_submit(
        actor=fresh(world.users["evaluator"]),
        consultation=consultation,
        answers={items[ItemKind.PROCESS]: 5, items[ItemKind.OUTCOME]: 4},
        comment="程序完整",
    )
    assert (response.process_score, response.outcome_score, response.score) == (
        Decimal("100.0"),
        Decimal("75.0"),
        Decimal("82.5"),
    )
    components = consultation_components(consultation)
    assert components == pytest.approx(
        {
            "steps": 6 / 7,
            "research": 0.5,
            "represent": 1.0,
            "on_time": 0.5,
            "done": 0.5,
            "satisfied": 0.75,
            "evaluator": 0.825,
        }
    )
    assert consultation_quality(consultation).score == Decimal("68.6")


def test_before_any_task_the_outcome_is_decided_but_not_done(world, consultation):
    components = consultation_components(consultation)
    assert components["done"] == 0.0 and components["on_time"] is None
    assert components["satisfied"] is None and components["evaluator"] is None


def test_evaluation_is_for_the_countys_evaluators_once_each(world, consultation):
    services.evaluation_form_save(
        actor=fresh(world.users["staff"]),
        county=world.a,
        name="表",
        items=[{"kind": "process", "text": "程序", "weight": 50}, {"kind": "outcome", "text": "效果", "weight": 50}],
    )
    with pytest.raises(NotAllowed):
        services.evaluation_submit(actor=fresh(world.users["staff"]), consultation=consultation, answers={})
    evaluator = fresh(world.users["evaluator"])
    with pytest.raises(InvalidInput, match="评 1—5 分"):
        services.evaluation_submit(actor=evaluator, consultation=consultation, answers={})
    with pytest.raises(InvalidInput, match="不属于本县"):
        services.evaluation_submit(actor=evaluator, consultation=consultation, answers={999999: 5})
    item_ids = list(services.feedback.active_form(world.a).items.values_list("pk", flat=True))
    services.evaluation_submit(actor=evaluator, consultation=consultation, answers=dict.fromkeys(item_ids, 3))
    with pytest.raises(InvalidInput, match="只评估一次"):
        services.evaluation_submit(actor=evaluator, consultation=consultation, answers=dict.fromkeys(item_ids, 3))


def test_an_evaluation_form_needs_both_kinds_and_sane_weights(world):
    staff = fresh(world.users["staff"])
    with pytest.raises(InvalidInput, match="过程评估和结果评估"):
        services.evaluation_form_save(
            actor=staff, county=world.a, name="表", items=[{"kind": "process", "text": "程序", "weight": 10}]
        )
    with pytest.raises(InvalidInput, match="权重"):
        services.evaluation_form_save(
            actor=staff,
            county=world.a,
            name="表",
            items=[{"kind": "process", "text": "程序", "weight": 0}, {"kind": "outcome", "text": "效果", "weight": 10}],
        )
    with pytest.raises(NotAllowed):
        services.evaluation_form_save(actor=fresh(world.users["convenor"]), county=world.a, name="表", items=[])

"""Implementation and evaluation in the figures (accountability app): tasks done, a reopened task, results
implemented or in progress, ratings, evaluation scores, supervisions, today's open and overdue tasks, the funnel's
last steps; hand-worked on the `tree` fixture, live and from the cache, and against accountability.failures."""

import itertools
from datetime import date
from decimal import Decimal

import pytest

from shangliang.accountability import failures
from shangliang.accountability.models import (
    EvaluationForm,
    EvaluationResponse,
    Rating,
    ResponsibilityTask,
    Supervision,
)
from shangliang.consultations.models import Consultation, Suggestion
from shangliang.dashboards import metrics, periods
from shangliang.dashboards.scope import Scope
from tests.dashboards.conftest import consultation, local
from tests.factories import UserFactory

Y2025 = periods.year(2025)


def task(c, suggestion, status, deadline, completed=None, **kw):
    t = ResponsibilityTask.objects.create(
        suggestion=suggestion,
        consultation=c,
        unit=c.unit,
        owner_unit=c.unit,
        owner_name="村委会",
        action="落实",
        deadline=deadline,
        status=status,
        completed_at=completed,
        **kw,
    )
    return t


_mobiles = itertools.count(1)


def rate(t, score, when):
    r = Rating.objects.create(task=t, round=t.round, score=score, mobile_hash=f"{next(_mobiles):064d}")
    Rating.objects.filter(pk=r.pk).update(created_at=when)


@pytest.fixture
def results(tree):
    """C1 (V1, consensus 2025-03-12): task A done 2025-04-10 (deadline 04-30), rated 5 and 4; task B done then
    reopened (deadline 2025-06-30, so overdue now), supervised by the member from 2025-05-05. C7 (T1, consensus
    2025-08-01): task C done 2025-09-15, late (deadline 09-01), rated 2. C1 evaluated 86.5 on 2025-07-01."""
    c1 = Consultation.objects.get(unit=tree.v1, status="closed_consensus")
    s1, s2 = Suggestion.objects.filter(consultation=c1, status="active").order_by("order")
    a = task(c1, s1, "done", date(2025, 4, 30), local(2025, 4, 10, 9))
    rate(a, 5, local(2025, 4, 20, 9))
    rate(a, 4, local(2025, 4, 21, 9))
    b = task(c1, s2, "reopened", date(2025, 6, 30), None, round=1)
    s = Supervision.objects.create(task=b, member=tree.member)
    Supervision.objects.filter(pk=s.pk).update(assigned_at=local(2025, 5, 5, 9))
    c7 = consultation(tree.t1, "meeting", "closed_consensus", local(2025, 8, 1, 9), "consensus")
    s7 = Suggestion.objects.create(consultation=c7, order=1, text="建议")
    c = task(c7, s7, "done", date(2025, 9, 1), local(2025, 9, 15, 9))
    rate(c, 2, local(2025, 9, 20, 9))
    form = EvaluationForm.objects.create(county=tree.a, name="评估表")
    e = EvaluationResponse.objects.create(
        consultation=c1, form=form, evaluator=UserFactory(username="eva"), score=Decimal("86.5")
    )
    EvaluationResponse.objects.filter(pk=e.pk).update(created_at=local(2025, 7, 1, 9))
    return {"a": a, "b": b, "c": c, "c1": c1}


@pytest.mark.parametrize("cached", [False, True])
def test_tasks_results_ratings_and_evaluation(tree, results, cached):
    s = Scope(tree.a, Y2025, cached=cached)
    assert metrics.METRICS["tasks_done"](s) == 2  # the reopened task no longer counts
    rows = {r[0]: r[1:] for r in metrics.METRICS["tasks"](s).rows}
    assert rows["期内办结"][0] == 2 and rows["其中按时办结"] == [1, 50.0]
    assert rows["当前办理中"][0] == 1 and rows["当前逾期"][0] == 1  # the reopened task, past its deadline
    res = {r[0]: r[1] for r in metrics.METRICS["results"](s).rows}
    assert res == {"已落实": 1, "正在推进": 1, "尚未交办": 0}
    assert metrics.METRICS["problems_solved"](s) == 1
    assert metrics.METRICS["satisfaction"](s) == 3.7  # (5 + 4 + 2) ÷ 3
    assert {r[0]: r[1] for r in metrics.METRICS["ratings"](s).rows}["2分"] == 1
    assert metrics.METRICS["evaluation_score"](s) == 86.5
    assert metrics.METRICS["supervisions"](s) == 1
    fails = {r[0]: r[1] for r in metrics.METRICS["failures"](s).rows}
    counts = failures.failure_counts(tree.a)
    assert fails["决而不行：任务逾期"] == counts.overdue == 1
    assert fails["决而不行：建议未交办"] == counts.unassigned
    assert fails["行而不久"] == counts.not_lasting == 0
    assert [r[1] for r in metrics.funnel(s).rows][-2:] == [0, 0]  # C1's topic: one task still open
    # B's county: C5 reached consensus with nothing assigned.
    sb = Scope(tree.b, Y2025, cached=cached)
    assert {r[0]: r[1] for r in metrics.METRICS["results"](sb).rows}["尚未交办"] == 1
    empty = Scope(tree.a, periods.year(2019), cached=cached)
    assert metrics.METRICS["satisfaction"](empty) is None and metrics.METRICS["evaluation_score"](empty) is None


@pytest.mark.parametrize("cached", [False, True])
def test_funnel_reaches_residents_satisfied_once_every_task_is_done(tree, results, cached):
    b = results["b"]
    ResponsibilityTask.objects.filter(pk=b.pk).update(status="done", completed_at=local(2025, 10, 1, 9))
    b.refresh_from_db()
    rate(b, 4, local(2025, 10, 5, 9))  # C1's ratings: 5, 4, 4
    s = Scope(tree.a, Y2025, cached=cached)
    assert [r[1] for r in metrics.funnel(s).rows] == [5, 2, 1, 1, 1, 1, 1]
    assert metrics.METRICS["problems_solved"](s) == 2
    assert metrics.METRICS["tasks_done"](s) == 3

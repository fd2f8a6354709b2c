"""Metrics of implementation and evaluation (the accountability app's records), registered with the others."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shangliang.dashboards.metric_registry import Table, metric, rate
from shangliang.dashboards.scope import Scope


def _avg(total, count, scale=1) -> float | None:
    return None if not count else round(total / count / scale, 1)


@metric("tasks_done", _("办结任务"), _("期内经验收办结的责任任务数（重办的任务在再次办结之日计）。"), unit=_("项"))
def tasks_done(scope: Scope) -> int:
    return scope.flows.get("tasks.done", 0)


@metric(
    "problems_solved",
    _("问题解决（成果落实）"),
    _("期内开展、达成共识的协商中，已交办的责任任务全部验收办结的次数。"),
    unit=_("件"),
)
def problems_solved(scope: Scope) -> int:
    return scope.flows.get("results.implemented", 0)


@metric(
    "satisfaction",
    _("群众满意度"),
    _("期内群众对办结任务的评价平均分（5分制，1分最不满意）。"),
    unit=_("分"),
)
def satisfaction(scope: Scope) -> float | None:
    f = scope.flows
    return _avg(f.get("ratings.points", 0), f.get("ratings", 0))


@metric("evaluation_score", _("第三方评估得分"), _("期内第三方评估的综合得分平均值（百分制）。"), unit=_("分"))
def evaluation_score(scope: Scope) -> float | None:
    f = scope.flows
    return _avg(f.get("evaluations.tenths", 0), f.get("evaluations", 0), 10)


@metric("supervisions", _("委员督办"), _("期内指派政协委员督办的任务人次。"), unit=_("人次"))
def supervisions(scope: Scope) -> int:
    return scope.flows.get("supervisions", 0)


@metric(
    "tasks",
    _("责任任务办理"),
    _("期内办结（其中按时限办结）的任务；办理中与逾期为截至今天的全部未办结任务（不分期间）。"),
    chart="bar",
)
def tasks(scope: Scope) -> Table:
    f, n = scope.flows, scope.norms
    rows = [
        [str(_("期内办结")), f.get("tasks.done", 0), None],
        [
            str(_("其中按时办结")),
            f.get("tasks.done_on_time", 0),
            rate(f.get("tasks.done_on_time", 0), f.get("tasks.done", 0)),
        ],
        [str(_("当前办理中")), n.get("tasks.open", 0), None],
        [str(_("当前逾期")), n.get("tasks.overdue", 0), rate(n.get("tasks.overdue", 0), n.get("tasks.open", 0))],
    ]
    return Table([str(_("项目")), str(_("任务数")), str(_("比例 %"))], rows)


@metric(
    "results",
    _("协商成果落实"),
    _("期内开展、达成共识的协商，按其建议的责任任务现状：全部办结（已落实）、仍在办理（正在推进）、尚未交办。"),
    chart="pie",
)
def results(scope: Scope) -> Table:
    f = scope.flows
    rows = [
        [str(_("已落实")), f.get("results.implemented", 0)],
        [str(_("正在推进")), f.get("results.in_progress", 0)],
        [str(_("尚未交办")), f.get("results.unassigned", 0)],
    ]
    return Table([str(_("状态")), str(_("协商次数"))], rows)


@metric("ratings", _("群众评价分布"), _("期内群众对办结任务的评价，按分数统计人次。"), chart="bar")
def ratings(scope: Scope) -> Table:
    f = scope.flows
    rows = [[str(_("%(n)d分") % {"n": n}), f.get(f"ratings.score.{n}", 0)] for n in (5, 4, 3, 2, 1)]
    return Table([str(_("评分")), str(_("人次"))], rows)


@metric(
    "failures",
    _("三个失效（议而不决、决而不行、行而不久）"),
    _(
        "议而不决：期内开展、未达成共识的协商；决而不行：截至今天尚未交办的共识建议与逾期任务；行而不久：回访发现未能持续的任务。"
    ),
    chart="bar",
    public=False,
)
def failures(scope: Scope) -> Table:
    f, n = scope.flows, scope.norms
    rows = [
        [str(_("议而不决")), f.get("consultations.no_consensus", 0)],
        [str(_("决而不行：建议未交办")), n.get("failures.unassigned", 0)],
        [str(_("决而不行：任务逾期")), n.get("tasks.overdue", 0)],
        [str(_("行而不久")), n.get("failures.not_lasting", 0)],
    ]
    return Table([str(_("项目")), str(_("数量"))], rows)

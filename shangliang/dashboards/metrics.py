"""One function per figure, each with its short definition. The dashboard pages, the public page, the Excel and Word
exports and the assessments all call these; nothing else computes a figure.

A metric takes a `Scope` (a unit subtree and a period) and returns a number (`None` when it is undefined, e.g. a rate
with nothing to divide by) or a `Table` (rows of a label and numbers, the same numbers any chart of it shows).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from shangliang.consultations.models import ConsultationForm, ParticipantKind
from shangliang.dashboards import metrics_results  # noqa: F401 (implementation and evaluation register themselves)
from shangliang.dashboards.metric_registry import METRICS, Table, metric, rate
from shangliang.dashboards.scope import Scope
from shangliang.opinions.models import AdoptionLevel
from shangliang.topics.models import RejectionReason, TopicCategory, TopicSource, TopicStatus
from shangliang.units.models import RoomStage, StandardItem


def _counts(c: Counter, prefix: str, choices) -> list[list[Any]]:
    return [[str(label), c.get(f"{prefix}.{value}", 0)] for value, label in choices]


# --- rooms and coverage ---------------------------------------------------------------------------------------------


@metric(
    "rooms",
    _("议事阵地"),
    _("子树内的协商议事室（亭、角、长廊、板凳会）数，含规划中的；统计到期末所在年底（本年为当前）。"),
    unit=_("个"),
)
def rooms(scope: Scope) -> int:
    return sum(v for k, v in scope.coverage.items() if k.startswith("stage."))


@metric(
    "coverage_rate",
    _("阵地覆盖率"),
    _(
        "应建议事室的单元（镇街、村社区、界别、企事业）中，有在用议事室且最近一次评估全部达标的比例；统计到期末所在年底。"
    ),
    unit="%",
)
def coverage_rate(scope: Scope) -> float | None:
    return rate(scope.coverage.get("covered", 0), scope.coverage.get("units", 0))


@metric("coverage", _("阵地覆盖"), _("应建单元数、有在用议事室的单元数、阵地达标的单元数。"), chart="bar")
def coverage(scope: Scope) -> Table:
    c = scope.coverage
    units = c.get("units", 0)
    rows = [
        [str(_("应建单元")), units, None],
        [str(_("有在用议事室")), c.get("with_room", 0), rate(c.get("with_room", 0), units)],
        [str(_("阵地达标")), c.get("covered", 0), rate(c.get("covered", 0), units)],
    ]
    return Table([str(_("项目")), str(_("单元数")), str(_("占应建单元 %"))], rows)


@metric("rooms_by_stage", _("议事室建设阶段"), _("各议事室所处的建设阶段（规划中、试点、已建成、示范）。"), chart="pie")
def rooms_by_stage(scope: Scope) -> Table:
    return Table([str(_("阶段")), str(_("议事室数"))], _counts(scope.coverage, "stage", RoomStage.choices))


@metric(
    "coverage_by_item",
    _("阵地标准逐项达标"),
    _("在用议事室最近一次评估中，各标准条目（如“五有”“六有”）评估的议事室数与达标数。"),
    chart="bar",
)
def coverage_by_item(scope: Scope) -> Table:
    c = scope.coverage
    names = [k.removeprefix("item.assessed.") for k in c if k.startswith("item.assessed.")]
    order = {
        row["name"]: row["order"]
        for row in StandardItem.objects.filter(name__in=names).values("name", "order").order_by("-order")
    }
    names.sort(key=lambda n: (order.get(n, 999), n))
    rows = []
    for n in names:
        assessed, passed = c.get(f"item.assessed.{n}", 0), c.get(f"item.passed.{n}", 0)
        rows.append([n, assessed, passed, rate(passed, assessed)])
    return Table(
        [str(_("标准条目")), str(_("评估议事室")), str(_("达标")), str(_("达标率 %"))], rows, chart_columns=[2, 1]
    )


# --- consultations ------------------------------------------------------------------------------------------------


@metric(
    "consultations_held",
    _("开展协商活动"),
    _("期内开始协商（开会或开放意见）的协商活动次数，已取消的不计。"),
    unit=_("次"),
)
def consultations_held(scope: Scope) -> int:
    return scope.flows.get("consultations", 0)


@metric(
    "consultations_by_form", _("协商形式"), _("期内开展的协商活动按形式（会议、书面、实地、网络等）统计。"), chart="bar"
)
def consultations_by_form(scope: Scope) -> Table:
    return Table([str(_("形式")), str(_("次数"))], _counts(scope.flows, "consultations.form", ConsultationForm.choices))


@metric(
    "consensus_rate",
    _("共识率"),
    _("期内开展、已结束的协商中达成共识的比例：达成共识数 ÷（达成共识数 + 议而不决数）。"),
    unit="%",
)
def consensus_rate(scope: Scope) -> float | None:
    f = scope.flows
    yes, no = f.get("consultations.consensus", 0), f.get("consultations.no_consensus", 0)
    return rate(yes, yes + no)


@metric("consensus_reached", _("达成共识"), _("期内开展的协商中以“达成共识”结束的次数。"), unit=_("次"))
def consensus_reached(scope: Scope) -> int:
    return scope.flows.get("consultations.consensus", 0)


@metric("suggestions", _("协商意见建议"), _("期内开展的协商形成的建议清单条数（撤回的不计）。"), unit=_("条"))
def suggestions(scope: Scope) -> int:
    return scope.flows.get("suggestions", 0)


@metric(
    "results_submitted",
    _("成果报送"),
    _("期内开展的协商中已向党委政府报送成果的次数（含已签收）。"),
    unit=_("次"),
)
def results_submitted(scope: Scope) -> int:
    return scope.flows.get("consultations.submitted", 0)


@metric(
    "research",
    _("商前调研与上门协商"),
    _("期内记录的商前调研（走访、问卷、政策解读等）和上门协商次数。"),
    chart="bar",
)
def research(scope: Scope) -> Table:
    f = scope.flows
    rows = [[str(_("商前调研")), f.get("research", 0)], [str(_("上门协商")), f.get("visits", 0)]]
    return Table([str(_("项目")), str(_("次数"))], rows)


# --- participation ------------------------------------------------------------------------------------------------


@metric(
    "attendances",
    _("参与协商人次"),
    _("期内开展的协商中实际参加的人次：现场形式按签到，书面和网络协商按提交意见。"),
    unit=_("人次"),
)
def attendances(scope: Scope) -> int:
    return scope.flows.get("attendances", 0)


@metric(
    "member_attendances",
    _("委员参与人次"),
    _("期内开展的协商中以政协委员身份实际参加的人次（同上口径）。"),
    unit=_("人次"),
)
def member_attendances(scope: Scope) -> int:
    return scope.flows.get(f"attendances.kind.{ParticipantKind.MEMBER}", 0)


@metric("attendances_by_kind", _("参加人员构成"), _("期内实际参加协商的人次按参加身份统计。"), chart="pie")
def attendances_by_kind(scope: Scope) -> Table:
    return Table([str(_("身份")), str(_("人次"))], _counts(scope.flows, "attendances.kind", ParticipantKind.choices))


# --- topics ---------------------------------------------------------------------------------------------------------


@metric("topics_raised", _("收集议题"), _("期内提出（录入）的议题数，含后来合并、不予协商的。"), unit=_("个"))
def topics_raised(scope: Scope) -> int:
    return scope.flows.get("topics", 0)


@metric(
    "topics_by_source",
    _("议题来源"),
    _("期内提出的议题按来源（党政点题、群众出题、委员荐题、网格员收集）统计。"),
    chart="pie",
)
def topics_by_source(scope: Scope) -> Table:
    return Table([str(_("来源")), str(_("议题数"))], _counts(scope.flows, "topics.source", TopicSource.choices))


@metric(
    "topics_by_category",
    _("议题类别（三议）"),
    _("期内提出、已受理的议题按类别（党政工作要事、民生改善实事、社会治理难事）统计。"),
    chart="bar",
)
def topics_by_category(scope: Scope) -> Table:
    return Table([str(_("类别")), str(_("议题数"))], _counts(scope.flows, "topics.category", TopicCategory.choices))


@metric("topics_by_status", _("议题办理状态"), _("期内提出的议题现在所处的状态。"), chart="bar")
def topics_by_status(scope: Scope) -> Table:
    return Table([str(_("状态")), str(_("议题数"))], _counts(scope.flows, "topics.status", TopicStatus.choices))


@metric(
    "rejection_reasons",
    _("不予协商理由（四不议）"),
    _("期内提出、经筛选不予协商的议题按理由统计。"),
    chart="bar",
)
def rejection_reasons(scope: Scope) -> Table:
    return Table([str(_("理由")), str(_("议题数"))], _counts(scope.flows, "topics.reason", RejectionReason.choices))


@metric(
    "topics_merged",
    _("合并议题"),
    _("期内提出、因与其他议题重复而并入其中的议题数（漏斗从“受理”起不再计入）。"),
    unit=_("个"),
)
def topics_merged(scope: Scope) -> int:
    return scope.flows.get(f"topics.status.{TopicStatus.MERGED}", 0)


@metric(
    "funnel",
    _("协商闭环漏斗"),
    _(
        "期内提出的议题走到了哪一步：提出 → 受理（含待审定、未通过审定）→ 党组织审定通过 → 已开展协商 → 达成共识"
        " → 责任任务全部办结（成果落实）→ 群众评价平均4分及以上（群众满意）。合并的议题随其并入的议题计。"
    ),
    chart="funnel",
)
def funnel(scope: Scope) -> Table:
    f = scope.flows
    stages = [
        (_("提出议题"), f.get("topics", 0)),
        (_("受理"), f.get("topics.screened_in", 0)),
        (_("审定通过"), f.get(f"topics.status.{TopicStatus.APPROVED}", 0)),
        (_("开展协商"), f.get("topics.consulted", 0)),
        (_("达成共识"), f.get("topics.consensus", 0)),
        (_("成果落实"), f.get("topics.implemented", 0)),
        (_("群众满意"), f.get("topics.satisfied", 0)),
    ]
    first = stages[0][1]
    rows = [[str(label), n, rate(n, first)] for label, n in stages]
    return Table([str(_("环节")), str(_("议题数")), str(_("占提出 %"))], rows)


# --- public-opinion information --------------------------------------------------------------------------------------


@metric(
    "opinion_reports",
    _("社情民意信息"),
    _("期内报送的社情民意信息篇数（委员和特邀信息员撰写，按反映地统计）。"),
    unit=_("篇"),
)
def opinion_reports(scope: Scope) -> int:
    return scope.flows.get("opinions.submitted", 0)


@metric(
    "opinions",
    _("社情民意信息报送与采用"),
    _("期内报送的篇数；各级采用按采用日期统计（同一篇在几级采用各计一次）；领导批示按批示日期统计件次。"),
    chart="bar",
)
def opinions(scope: Scope) -> Table:
    f = scope.flows
    rows = [[str(_("报送")), f.get("opinions.submitted", 0)]]
    rows += [
        [str(_("%(level)s采用") % {"level": label}), f.get(f"opinions.adopted.{v}", 0)]
        for v, label in AdoptionLevel.choices
    ]
    rows.append([str(_("领导批示")), f.get("opinions.endorsements", 0)])
    return Table([str(_("项目")), str(_("篇/次"))], rows)


# --- trends and the tree --------------------------------------------------------------------------------------------

TREND_SERIES = [
    ("topics", _("收集议题")),
    ("consultations", _("开展协商")),
    ("consultations.consensus", _("达成共识")),
    ("suggestions", _("意见建议")),
]


@metric(
    "trend",
    _("月度趋势"),
    _("按月统计：收集议题、开展协商、达成共识、意见建议（年度看全年各月，其他看截至期末的12个月）。"),
    chart="line",
)
def trend(scope: Scope) -> Table:
    rows = []
    for m, c in scope.flows_by_month.items():
        rows.append([f"{m.year}-{m.month:02d}", *(c.get(k, 0) for k, _l in TREND_SERIES)])
    return Table([str(_("月份")), *(str(label) for _k, label in TREND_SERIES)], rows, chart_columns=[1, 2, 3, 4])


@metric(
    "units_behind_norm",
    _("未达协商频次要求的单元"),
    _("按各县设定的频次要求（默认镇街每年至少2次、村社区每2个月至少1次），截至今天已超过应开展日期仍未开展的单元数。"),
    public=False,
    unit=_("个"),
)
def units_behind_norm(scope: Scope) -> int:
    return scope.norms.get("norm.behind", 0)


@metric(
    "norms_summary",
    _("协商频次达标"),
    _("有频次要求的单元数、截至今天落后于要求的单元数，以及落后超过30、90、180天的单元数。"),
    chart="bar",
    public=False,
)
def norms_summary(scope: Scope) -> Table:
    n = scope.norms
    rows = [
        [str(_("有频次要求的单元")), n.get("norm.units", 0)],
        [str(_("未达要求")), n.get("norm.behind", 0)],
        [str(_("落后超过30天")), n.get("norm.behind_over_30", 0)],
        [str(_("落后超过90天")), n.get("norm.behind_over_90", 0)],
        [str(_("落后超过180天")), n.get("norm.behind_over_180", 0)],
    ]
    return Table([str(_("项目")), str(_("单元数"))], rows)


def _children_table(scope: Scope, *, with_norms: bool) -> Table:
    flows, cover = scope.flows_by_child, scope.coverage_by_child
    norms = scope.norms_by_child if with_norms else {}
    columns = [
        str(_("下级单元")),
        str(_("收集议题")),
        str(_("开展协商")),
        str(_("达成共识")),
        str(_("共识率 %")),
        str(_("意见建议")),
        str(_("应建单元")),
        str(_("阵地达标")),
        str(_("覆盖率 %")),
    ]
    if with_norms:
        columns.append(str(_("未达频次")))
    rows, links = [], []
    entries = [(c.name, c.path, c.pk) for c in scope.children]
    own = scope.unit.path
    if own in flows or own in cover:
        entries.insert(0, (str(_("本级")), own, None))
    for name, path, pk in entries:
        f, c = flows.get(path, Counter()), cover.get(path, Counter())
        yes, no = f.get("consultations.consensus", 0), f.get("consultations.no_consensus", 0)
        row = [
            name,
            f.get("topics", 0),
            f.get("consultations", 0),
            yes,
            rate(yes, yes + no),
            f.get("suggestions", 0),
            c.get("units", 0),
            c.get("covered", 0),
            rate(c.get("covered", 0), c.get("units", 0)),
        ]
        if with_norms:
            row.append(norms.get(path, Counter()).get("norm.behind", 0))
        rows.append(row)
        links.append(pk)
    return Table(columns, rows, links, chart_columns=[2, 1])


@metric(
    "children",
    _("下级单元对比"),
    _("各下级单元（含其所有下级）同口径的主要数字；点击单元名称下钻。"),
    chart="bar",
)
def children(scope: Scope) -> Table:
    return _children_table(scope, with_norms=True)


@metric("children_public", _("下级单元对比"), _("各下级单元（含其所有下级）同口径的主要数字。"), chart="bar")
def children_public(scope: Scope) -> Table:
    return _children_table(scope, with_norms=False)


# What each page shows, in order.
CARDS = [
    "rooms",
    "coverage_rate",
    "consultations_held",
    "consensus_rate",
    "topics_raised",
    "suggestions",
    "attendances",
    "member_attendances",
    "tasks_done",
    "problems_solved",
    "satisfaction",
    "evaluation_score",
    "opinion_reports",
    "units_behind_norm",
]
SECTIONS = [
    (_("阵地建设"), ["coverage", "rooms_by_stage", "coverage_by_item"]),
    (_("协商活动"), ["consultations_by_form", "research", "attendances_by_kind"]),
    (_("议题"), ["topics_by_source", "topics_by_category", "topics_by_status", "rejection_reasons"]),
    (_("闭环与趋势"), ["funnel", "trend"]),
    (_("成果落实与评价"), ["results", "tasks", "ratings", "failures"]),
    (_("社情民意"), ["opinions"]),
    (_("常态化"), ["norms_summary"]),
]
PUBLIC_CARDS = [k for k in CARDS if METRICS[k].public]
PUBLIC_SECTIONS = [(title, [k for k in keys if METRICS[k].public]) for title, keys in SECTIONS]
PUBLIC_SECTIONS = [(t, keys) for t, keys in PUBLIC_SECTIONS if keys]

"""The quality score of a consultation (协商质效得分, 0–100): process and outcome evaluated together.

Seven components, each a share between 0 and 1, with fixed weights (they add up to 100):

  process (过程, 50)
    steps      15  steps followed: of seven checkpoints (participants chosen, research recorded, held, consensus
                   reached, results submitted, results acknowledged, every agreed suggestion assigned), the share
                   reached
    research   10  research done: research records and door-to-door visits, two or more = 1 (one = ½)
    represent  10  representativeness: 1 − ¼ × the county rule's warnings on the final list (not below 0)
    on_time    15  on time: of the tasks finished or overdue, the share finished by their deadline
  outcome (结果, 50)
    done       20  tasks done: of the live tasks (not cancelled or handed back), the share verified done
    satisfied  20  satisfaction: residents' average rating, (average − 1) ÷ 4 (1 point = 0, 5 points = 1)
    evaluator  10  evaluator score: the third-party evaluators' average score ÷ 100

  score = 100 × Σ weight × component ÷ Σ weight, over the components that can be measured yet

A component that cannot be measured yet (no tasks finished or overdue, no ratings, no evaluation) is left out and
its weight shared among the others; the page lists which ones were left out. One decimal, half up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shangliang.accountability.models import LIVE_STATUSES, OPEN_STATUSES, EvaluationResponse, Rating, TaskStatus
from shangliang.consultations.models import ConsultationStatus, SuggestionStatus
from shangliang.consultations.representation import composition
from shangliang.core import clock

WEIGHTS = {
    "steps": 15,
    "research": 10,
    "represent": 10,
    "on_time": 15,
    "done": 20,
    "satisfied": 20,
    "evaluator": 10,
}
LABELS = {
    "steps": _("环节完整"),
    "research": _("商前调研"),
    "represent": _("代表性"),
    "on_time": _("按时办结"),
    "done": _("任务完成"),
    "satisfied": _("群众满意度"),
    "evaluator": _("第三方评估"),
}
PROCESS = ("steps", "research", "represent", "on_time")
OUTCOME = ("done", "satisfied", "evaluator")
FORMULA = _(
    "得分 = 100 × Σ(权重 × 分项) ÷ Σ权重（只计已可衡量的分项）。过程 50：环节完整 15（七个节点完成的比例）、"
    "商前调研 10（调研和上门协商记录，2 条及以上满分）、代表性 10（每条代表性提示扣 1/4）、按时办结 15（已办结或已逾期"
    "的任务中按时办结的比例）；结果 50：任务完成 20（有效任务中已验收办结的比例）、群众满意度 20（（平均分 − 1）÷ 4）、"
    "第三方评估 10（评估平均分 ÷ 100）。"
)


@dataclass
class QualityScore:
    components: dict[str, float | None]
    score: Decimal | None
    rows: list[tuple[str, str, int, float | None]] = field(default_factory=list)

    @property
    def left_out(self) -> list[str]:
        return [str(LABELS[k]) for k, v in self.components.items() if v is None]

    def group(self, keys) -> Decimal | None:
        return score_of({k: self.components.get(k) for k in keys})


def score_of(components: dict[str, float | None]) -> Decimal | None:
    """The formula on its own (Hypothesis tests it): None when nothing can be measured."""
    weights = 0
    total = Decimal(0)
    for key, value in components.items():
        if value is None:
            continue
        if not 0 <= value <= 1:
            raise ValueError(f"component {key} = {value} outside [0, 1]")
        weights += WEIGHTS[key]
        total += Decimal(WEIGHTS[key]) * Decimal(str(value))
    if not weights:
        return None
    return (total * 100 / weights).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def quality_of(components: dict[str, float | None]) -> QualityScore:
    rows = [(k, str(LABELS[k]), WEIGHTS[k], components.get(k)) for k in WEIGHTS]
    return QualityScore(components=dict(components), score=score_of(components), rows=rows)


S = ConsultationStatus
REACHED = {
    "participants": {S.PARTICIPANTS_CHOSEN, S.RESEARCH_RECORDED, S.SCHEDULED, S.IN_SESSION},
    "research": {S.RESEARCH_RECORDED, S.SCHEDULED, S.IN_SESSION},
    "held": {S.IN_SESSION},
}
CLOSED_ANY = {S.CLOSED_CONSENSUS, S.CLOSED_NO_CONSENSUS, S.RECONVENED, S.SUBMITTED, S.ACKNOWLEDGED}
CONSENSUS = {S.CLOSED_CONSENSUS, S.SUBMITTED, S.ACKNOWLEDGED}


def consultation_components(consultation) -> dict[str, float | None]:
    """Measure the seven components of one consultation (a fixed number of queries)."""
    today = clock.today()
    status = consultation.status
    held = status in CLOSED_ANY or status == S.IN_SESSION
    tasks = consultation.tasks.all()
    live = tasks.filter(status__in=LIVE_STATUSES)
    suggestions = consultation.suggestions.filter(status=SuggestionStatus.ACTIVE)
    unassigned = suggestions.exclude(tasks__status__in=LIVE_STATUSES).count()
    checkpoints = [
        held or status in REACHED["participants"],
        held or status in REACHED["research"],
        held,
        status in CONSENSUS,
        status in {S.SUBMITTED, S.ACKNOWLEDGED},
        status == S.ACKNOWLEDGED,
        status in CONSENSUS and suggestions.exists() and unassigned == 0,
    ]
    research = consultation.research.count() + consultation.visits.count()
    warnings = len(composition(consultation).warnings)
    counts = live.aggregate(
        n=Count("pk"),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        late_open=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
    )
    done_tasks = list(live.filter(status=TaskStatus.DONE).values_list("deadline", "completed_at"))
    on_time = sum(1 for deadline, at in done_tasks if at is not None and timezone.localdate(at) <= deadline)
    judged = len(done_tasks) + counts["late_open"]
    ratings = Rating.objects.filter(task__consultation=consultation).aggregate(avg=Avg("score"), n=Count("pk"))
    evaluation = EvaluationResponse.objects.filter(consultation=consultation).aggregate(avg=Avg("score"))
    return {
        "steps": sum(checkpoints) / len(checkpoints),
        "research": min(research, 2) / 2,
        "represent": max(0.0, 1 - 0.25 * warnings),
        "on_time": on_time / judged if judged else None,
        "done": counts["done"] / counts["n"] if counts["n"] else (0.0 if status in CONSENSUS else None),
        "satisfied": (float(ratings["avg"]) - 1) / 4 if ratings["n"] else None,
        "evaluator": float(evaluation["avg"]) / 100 if evaluation["avg"] is not None else None,
    }


def consultation_quality(consultation) -> QualityScore:
    return quality_of(consultation_components(consultation))

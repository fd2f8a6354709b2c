"""Implementation and evaluation (accountability app) in the figures: the flows of a period and today's standing.

Flows (added to `facts.SOURCES`, cached by month like the others):
- tasks done (办结): tasks verified done, on the day they were (a reopened task no longer counts until it is done
  again, then on its new day); of those, done by their deadline;
- results: consultations that reached consensus, with the month they were held, by where their agreed suggestions
  stand now: every live task done (落实见效, the problems solved), tasks still open (正在推进), no live task at all;
- residents' ratings (1–5) and third-party evaluation scores, on the day given (an average is their sum ÷ count);
- supervisions (督办): members assigned to supervise a task, on the day assigned.

Today's standing (kept with the norms in the day's cells): open tasks, overdue tasks, agreed suggestions without a
live task and follow-up checks that found a result did not last, exactly as accountability.failures counts them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Avg, Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr

from shangliang.accountability import failures
from shangliang.accountability.models import (
    LIVE_STATUSES,
    OPEN_STATUSES,
    EvaluationResponse,
    Rating,
    ResponsibilityTask,
    Supervision,
    TaskStatus,
)
from shangliang.consultations.models import HELD, Consultation, Outcome
from shangliang.dashboards.facts import Source, register_source
from shangliang.units.models import Unit

EVENTS = ("accountability.responsibilitytask", "accountability.evaluationresponse", "consultations.consultation")


def _result_annotations() -> dict:
    live = ResponsibilityTask.objects.filter(consultation=OuterRef("pk"), status__in=LIVE_STATUSES)
    return {"_has_tasks": Exists(live), "_open": Exists(live.exclude(status=TaskStatus.DONE))}


def _result_counters(d: dict):
    yield "results"
    if not d["_has_tasks"]:
        yield "results.unassigned"
    elif d["_open"]:
        yield "results.in_progress"
    else:
        yield "results.implemented"


def _implemented() -> dict:
    live = ResponsibilityTask.objects.filter(consultation=OuterRef("consultation_id"), status__in=LIVE_STATUSES)
    return {"_has_tasks": Exists(live), "_open": Exists(live.exclude(status=TaskStatus.DONE))}


def _satisfied() -> dict:
    ratings = (
        Rating.objects.filter(task__consultation=OuterRef("consultation_id"))
        .order_by()
        .values("task__consultation")
        .annotate(avg=Avg("score"))
        .values("avg")
    )
    return {**_implemented(), "_rating": Subquery(ratings[:1])}


SATISFIED = 4  # an average rating of 4 out of 5 or more: residents are satisfied (满意)


def sources() -> list[Source]:
    link = Consultation.topics.through
    consensus = Q(consultation__status__in=HELD, consultation__outcome=Outcome.CONSENSUS)
    return [
        # The funnel's last two steps, per topic raised (a topic counts once, in the month it was raised).
        Source(
            "topics_implemented",
            link,
            "topic__unit",
            "topic__created_at",
            False,
            (),
            lambda d: ["topics.implemented"],
            base=lambda: consensus & Q(_has_tasks=True, _open=False),
            annotations=_implemented,
            watch=EVENTS,
            distinct="topic_id",
        ),
        Source(
            "topics_satisfied",
            link,
            "topic__unit",
            "topic__created_at",
            False,
            (),
            lambda d: ["topics.satisfied"],
            base=lambda: consensus & Q(_has_tasks=True, _open=False, _rating__gte=SATISFIED),
            annotations=_satisfied,
            watch=EVENTS,
            distinct="topic_id",
        ),
        Source(
            "tasks_done",
            ResponsibilityTask,
            "unit",
            "completed_at",
            False,
            ("_on_time",),
            lambda d: ["tasks.done", *(["tasks.done_on_time"] if d["_on_time"] else [])],
            base=lambda: Q(status=TaskStatus.DONE, completed_at__isnull=False),
            annotations=lambda: {"_on_time": Q(completed_at__date__lte=F("deadline"))},
            watch=EVENTS,
            tables=((ResponsibilityTask, "unit"),),
        ),
        Source(
            "results",
            Consultation,
            "unit",
            "held_at",
            False,
            ("_has_tasks", "_open"),
            _result_counters,
            base=lambda: Q(status__in=HELD, held_at__isnull=False, outcome=Outcome.CONSENSUS),
            annotations=_result_annotations,
            watch=EVENTS,
        ),
        Source(
            "ratings",
            Rating,
            "task__unit",
            "created_at",
            False,
            ("score",),
            lambda d: ["ratings", ("ratings.points", d["score"]), f"ratings.score.{d['score']}"],
            watch=EVENTS,
            tables=((Rating, "task__unit"),),
        ),
        Source(
            "evaluations",
            EvaluationResponse,
            "consultation__unit",
            "created_at",
            False,
            ("score",),
            # Scores have one decimal: tenths add up exactly.
            lambda d: ["evaluations", ("evaluations.tenths", int(d["score"] * 10))],
            watch=EVENTS,
            tables=((EvaluationResponse, "consultation__unit"),),
        ),
        Source(
            "supervisions",
            Supervision,
            "task__unit",
            "assigned_at",
            False,
            (),
            lambda d: ["supervisions"],
            watch=EVENTS,
            tables=((Supervision, "task__unit"),),
        ),
    ]


# --- today's standing ------------------------------------------------------------------------------------------------


def _grouped(qs, unit_lookup: str, group: str | None, unit: Unit, anchors) -> dict:
    if anchors is not None:
        qs = qs.filter(
            Q(**{f"{unit_lookup}__county_id__in": list(anchors)})
            | Q(**{f"{unit_lookup}__county__isnull": True, f"{unit_lookup}_id__in": list(anchors)})
        )
    if group is None:
        return {None: qs.count()}
    if group == "anchor":
        key = Coalesce(f"{unit_lookup}__county_id", f"{unit_lookup}_id", output_field=IntegerField())
    elif group == "unit":
        key = F(f"{unit_lookup}_id")
    else:
        key = Substr(f"{unit_lookup}__path", 1, len(unit.path) + Unit.steplen)
    rows = qs.annotate(_k=key).order_by().values("_k").annotate(n=Count("pk")).values_list("_k", "n")
    return dict(rows)


def standing(unit: Unit, *, today: date, group: str | None = None, anchors=None) -> dict:
    """Open and overdue tasks, agreed suggestions without a live task, results that did not last: now, over the
    unit's subtree (accountability.failures' querysets, grouped)."""
    parts = {
        "tasks.open": (
            ResponsibilityTask.objects.filter(unit__path__startswith=unit.path, status__in=OPEN_STATUSES),
            "unit",
        ),
        "tasks.overdue": (failures.overdue_tasks(unit), "unit"),
        "failures.unassigned": (failures.unassigned_suggestions(unit), "consultation__unit"),
        "failures.not_lasting": (failures.not_lasting(unit), "task__unit"),
    }
    out: dict = {}
    for name, (qs, lookup) in parts.items():
        for key, n in _grouped(qs, lookup, group, unit, anchors).items():
            if n:
                out.setdefault(key, Counter())[name] += n
    if group is None:
        return {None: out.get(None, Counter())}
    return out


for _source in sources():
    register_source(_source)

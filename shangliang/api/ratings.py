"""Residents' ratings (群众评价) as the API returns them with a task, a posted result or a topic: the summary the
public pages show (how many rated, the average, how many satisfied with 4–5 and dissatisfied with 1–2), of each
task's current round, read by `accountability.selectors.rating_summary` in one query for a whole page."""

from __future__ import annotations

from collections.abc import Iterable

from shangliang.accountability.selectors import RatingSummary, rating_summary


def combined(summaries: Iterable[RatingSummary | None]) -> RatingSummary | None:
    """Several tasks' summaries as one (a result's or a topic's): counts added, the average weighted by count."""
    found = [s for s in summaries if s is not None and s.count]
    if not found:
        return None
    count = sum(s.count for s in found)
    average = sum(s.average * s.count for s in found if s.average is not None) / count
    return RatingSummary(
        count=count,
        average=average,
        dissatisfied=sum(s.dissatisfied for s in found),
        satisfied=sum(s.satisfied for s in found),
    )


def as_data(summary: RatingSummary | None) -> dict:
    if summary is None or not summary.count:
        return {"count": 0, "average": None, "satisfied": 0, "dissatisfied": 0, "satisfied_percent": None}
    return {
        "count": summary.count,
        "average": round(summary.average, 2) if summary.average is not None else None,
        "satisfied": summary.satisfied,
        "dissatisfied": summary.dissatisfied,
        "satisfied_percent": round(summary.satisfied_percent, 1),
    }


def of_tasks(context: dict, tasks) -> dict:
    """The summaries of `tasks` from the serializer's context (a list view reads a whole page's at once), or read now
    (one query) when the context has none."""
    ratings = context.get("ratings")
    if ratings is None:
        ratings = rating_summary(list(tasks))
    return ratings

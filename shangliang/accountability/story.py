"""Implementation's chapter of a topic's story (topics.story): each task of its consultations' suggestions with its
responsible body and person, deadline and progress, the rating link once done, residents' ratings and the follow-up
check months later — what the public task page shows. Registered in AccountabilityConfig.ready()."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shangliang.accountability.models import FollowUpCheck, FollowUpStatus, ResponsibilityTask, TaskStatus
from shangliang.accountability.selectors import rating_summary
from shangliang.topics.models import Topic
from shangliang.topics.story import Chapter, Stage, register_teller

S = TaskStatus


def tell(topics: list[Topic], contexts: dict[int, dict]) -> dict[int, Chapter]:
    """The chapters of `topics` in three queries however many they are: the tasks (with their follow-up checks) of
    their closed consultations, and the tasks' ratings."""
    ids = set().union(*(contexts[t.pk].get("closed_consultations") or () for t in topics))
    tasks = []
    if ids:
        tasks = list(
            ResponsibilityTask.objects.filter(consultation_id__in=ids)
            .exclude(status=S.CANCELLED)
            .select_related("department", "owner_unit", "suggestion")
            .prefetch_related(Prefetch("follow_ups", queryset=FollowUpCheck.objects.order_by("round", "id")))
            .order_by("suggestion__order", "deadline", "id")
        )
    ratings = rating_summary(tasks) if tasks else {}
    out = {}
    for t in topics:
        mine = set(contexts[t.pk].get("closed_consultations") or ())
        out[t.pk] = _chapter([task for task in tasks if task.consultation_id in mine], ratings)
    return out


def _chapter(tasks: list[ResponsibilityTask], ratings: dict) -> Chapter:
    rows = []
    for t in tasks:
        check = next((f for f in t.follow_ups.all() if f.round == t.round), None)
        link = reverse("accountability:public_task", args=[t.pk])
        rows.append(
            {
                "action": t.action,
                "suggestion": t.suggestion.order,
                "body": t.body_name,
                "owner": t.owner_name,
                "deadline": t.deadline,
                "status": t.get_status_display(),
                "status_code": t.status,
                "percent": t.percent,
                "link": link,
                "rate_link": f"{link}#rating" if t.status == S.DONE else "",
                "rating": ratings.get(t.pk),
                "check": check,
            }
        )
    done = sum(1 for t in tasks if t.status == S.DONE)
    rated = [r for r in (ratings.get(t.pk) for t in tasks) if r is not None and r.count]
    checked = [r["check"] for r in rows if r["check"] is not None and r["check"].status != FollowUpStatus.PENDING]
    people_rated = sum(r.count for r in rated)
    stages = [
        Stage(
            pgettext_lazy("story stage", "落实"),
            bool(tasks),
            _("%(done)s/%(n)s 项已办结") % {"done": done, "n": len(tasks)} if tasks else "",
        ),
        Stage(
            pgettext_lazy("story stage", "评价"), bool(rated), _("%(n)s 人评价") % {"n": people_rated} if rated else ""
        ),
        Stage(pgettext_lazy("story stage", "回访"), bool(checked), checked[-1].get_status_display() if checked else ""),
    ]
    return Chapter(
        key="tasks",
        order=20,
        template="accountability/_story.html" if rows else "",
        data={"tasks": rows},
        stages=stages,
    )


def register() -> None:
    register_teller(
        20,
        tell,
        stages=[
            pgettext_lazy("story stage", "落实"),
            pgettext_lazy("story stage", "评价"),
            pgettext_lazy("story stage", "回访"),
        ],
    )

"""What accountability keeps about a resident (residents.personal_data): ratings and followings."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shangliang.accountability.models import Follower, Rating
from shangliang.residents.personal_data import Person, Provider, register_provider, unlinkable


def _ratings(person: Person) -> list[dict]:
    rows = Rating.objects.filter(person.q()).select_related("task").order_by("created_at", "id")
    return [
        {"事项": r.task.action[:60], "轮次": r.round, "满意度": r.score, "评价意见": r.comment, "时间": r.created_at}
        for r in rows
    ]


def _erase_ratings(person: Person) -> int:
    """The score stays in the figures; who gave it, and the comment in their words, do not."""
    with transaction.atomic():
        done = 0
        for pk in Rating.objects.filter(person.q()).values_list("pk", flat=True):
            Rating.objects.filter(pk=pk).update(user=None, mobile_hash=unlinkable(), mobile_masked="", comment="")
            done += 1
    return done


def _follows(person: Person) -> list[dict]:
    rows = Follower.objects.filter(person.q()).select_related("task").order_by("id")
    return [{"事项": f.task.action[:60], "关注时间": f.created_at} for f in rows]


def _erase_follows(person: Person) -> int:
    deleted, _rows = Follower.objects.filter(person.q()).delete()
    return deleted


def _rating_counties(person: Person):
    return Rating.objects.filter(person.q()).values_list("task__unit__county_id", flat=True)


def _follow_counties(person: Person):
    return Follower.objects.filter(person.q()).values_list("task__unit__county_id", flat=True)


def register() -> None:
    register_provider(
        "accountability.ratings", Provider(_("群众评价"), _ratings, _erase_ratings, counties=_rating_counties)
    )
    register_provider(
        "accountability.follows", Provider(_("关注的事项"), _follows, _erase_follows, counties=_follow_counties)
    )

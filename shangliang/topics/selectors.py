"""Every read on topics that encodes visibility, plus search and similar topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from shangliang.core.events import timeline
from shangliang.people.models import Role
from shangliang.people.selectors import (
    in_subtrees_or,
    linked_paths,
    scope_paths,
    subtree_filter,
    user_scopes,
    view_paths,
)
from shangliang.topics import text
from shangliang.topics.models import PUBLIC_STATUSES, Topic, TopicPublicity, TopicSource, TopicStatus
from shangliang.units.models import Unit

LIST_RELATED = ("unit", "room")


def topics_visible_to(user):
    """Topics the user may open inside the app.

    Staff: their county; convenors, approvers, liaisons: their unit's subtree; members: the units they are linked to;
    and everyone the topics they entered themselves (a member's recommendations, a resident's own concerns).
    """
    qs = Topic.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return in_subtrees_or(qs, view_paths(user), Q(submitter_id=user.pk), prefix="unit__")


def public_topics():
    """Open topics shown on the public pages (no account needed) and open to support: every source, except the
    sources the topic's county keeps off its public pages (TopicPublicity; no row: all four are public)."""
    hidden = Q()
    for source in TopicSource.values:
        hidden |= Q(source=source, **{f"unit__county__topic_publicity__{source}": False})
    return Topic.objects.filter(status__in=PUBLIC_STATUSES).exclude(hidden)


def unit_public_topics(unit):
    """The open topics of one unit, whatever their source or room (a liaison's entry has no room)."""
    return public_topics().filter(unit=unit).select_related(*LIST_RELATED).order_by("-urgent", "-created_at", "-id")


@dataclass(frozen=True)
class TopicFilters:
    status: str = ""
    source: str = ""
    category: str = ""
    unit: Unit | None = None
    start: date | None = None
    end: date | None = None
    query: str = ""
    urgent_only: bool = False


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def topic_list(user, filters: TopicFilters = TopicFilters()):
    """The staff list: filtered, searched (jieba words AND-ed; most relevant first), urgent first, newest first."""
    qs = topics_visible_to(user)
    f = filters
    if f.status:
        qs = qs.filter(status=f.status)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.start:
        qs = qs.filter(created_at__gte=_day_start(f.start))
    if f.end:
        qs = qs.filter(created_at__lt=_day_start(f.end + timedelta(days=1)))
    if f.urgent_only:
        qs = qs.filter(urgent=True)
    if f.query:
        code = "".join(ch for ch in f.query.upper() if ch.isalnum())
        q = text.search_q(f.query)
        by_code = Q(tracking_code=code) if len(code) == 12 else Q(pk__in=[])
        qs = qs.filter(by_code | q) if q is not None else qs.filter(by_code)
        rank = text.relevance(f.query)
        if rank is not None:
            qs = qs.annotate(relevance=rank)
            return qs.select_related(*LIST_RELATED).order_by("-relevance", "-urgent", "-created_at", "-id")
    return qs.select_related(*LIST_RELATED).order_by("-urgent", "-created_at", "-id")


def filter_units(user):
    """Units of the list's unit filter: the user's visible subtrees, in tree order (searched by the filter's picker)."""
    qs = Unit.objects.all() if user.is_superuser else Unit.objects.filter(subtree_filter(view_paths(user)))
    return qs.filter(is_active=True).order_by("path")


def enterable_units(user, source: str):
    """Units where the user may enter a topic of `source` (liaisons, members, party bodies, staff): all of them, for
    the entry form's picker to search (a city has thousands of villages)."""
    if user.is_superuser:
        return Unit.objects.filter(is_active=True).order_by("path")

    if source == TopicSource.GRID:
        paths = scope_paths(user, {Role.LIAISON, Role.CPPCC_STAFF, Role.CONVENOR})
    elif source == TopicSource.MEMBER:
        paths = [*linked_paths(user), *scope_paths(user, {Role.MEMBER})]
    elif source == TopicSource.ASSIGNED:
        paths = scope_paths(user, {Role.APPROVER, Role.CPPCC_STAFF})
    else:
        paths = []
    return Unit.objects.filter(subtree_filter(paths), is_active=True).order_by("path")


def sources_for(user) -> list[str]:
    """The sources the user can enter topics for somewhere (for the "new topic" form)."""
    if user.is_superuser:
        return [TopicSource.GRID, TopicSource.MEMBER, TopicSource.ASSIGNED]

    roles = {s.role for s in user_scopes(user)}
    sources = []
    if roles & {Role.LIAISON, Role.CPPCC_STAFF, Role.CONVENOR}:
        sources.append(TopicSource.GRID)
    if Role.MEMBER in roles or linked_paths(user):
        sources.append(TopicSource.MEMBER)
    if roles & {Role.APPROVER, Role.CPPCC_STAFF}:
        sources.append(TopicSource.ASSIGNED)
    return sources


@dataclass
class Similar:
    topic: Topic
    score: float


def similar_topics(
    *,
    unit: Unit,
    title: str,
    description: str = "",
    exclude: Topic | None = None,
    public_only: bool = False,
    visible_to=None,
    limit: int = 5,
    threshold: float = 0.2,
) -> list[Similar]:
    """Earlier topics of the unit's subtree that share jieba words with the draft, best first.

    Candidates are fetched with an OR of the draft's words (at most 12, longest first: they carry the meaning),
    then scored by the cosine of the word sets, title words counting double.
    """
    words = text.tokens(f"{title}\n{description}")
    if not words:
        return []
    title_words = set(text.tokens(title))
    probe = sorted(words, key=lambda w: (-len(w), w))[:12]
    qs = Topic.objects.filter(unit__path__startswith=unit.path).filter(text.any_word_q(probe))
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    if public_only:
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    elif visible_to is not None:
        qs = qs.filter(pk__in=topics_visible_to(visible_to).values("pk"))
    candidates = list(qs.select_related(*LIST_RELATED).order_by("-created_at", "-id")[:200])
    draft = set(words)
    scored = []
    for topic in candidates:
        theirs = text.split_terms(topic.search_terms)
        score = text.similarity(draft, theirs, title_a=title_words, title_b=set(text.tokens(topic.title)))
        if score >= threshold:
            scored.append(Similar(topic, round(score, 3)))
    scored.sort(key=lambda s: (-s.score, -s.topic.pk))
    return scored[:limit]


def topic_timeline(topic: Topic, *, public_only: bool) -> list:
    """The topic's events; when it was raised anonymously, its raiser's own steps show no actor (anonymity)."""
    events = list(timeline(topic, public_only=public_only))
    if topic.raiser_account_hidden:
        for event in events:
            if event.actor_id == topic.submitter_id:
                event.actor = None
    return events


def merge_candidates(topic: Topic, user, *, limit: int = 5) -> list[Similar]:
    """Similar open topics the screener could merge this one into."""
    return [
        s
        for s in similar_topics(
            unit=topic.unit, title=topic.title, description=topic.description, exclude=topic, visible_to=user, limit=20
        )
        if s.topic.status in (TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, TopicStatus.APPROVED)
    ][:limit]


def room_public_topics(room):
    """A room's list: what was raised at the room, and the unit's topics that came in without a room (a liaison's
    entries from grid work, a member's recommendation, an assignment)."""
    qs = public_topics().filter(Q(room=room) | Q(room__isnull=True, unit_id=room.unit_id))
    return qs.select_related(*LIST_RELATED).order_by("-urgent", "-created_at", "-id")


def publicity_of(county) -> TopicPublicity:
    found = TopicPublicity.objects.filter(county=county).first() if county is not None else None
    return found or TopicPublicity(county=county)


def topics_raised_by(user):
    """The topics a person entered themselves, newest first."""
    return Topic.objects.filter(submitter_id=user.pk).select_related(*LIST_RELATED).order_by("-created_at", "-id")

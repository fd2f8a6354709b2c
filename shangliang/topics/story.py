"""A topic's whole story, as its tracking page tells it to the person who raised it: submitted, screened, approved,
then what the apps above made of it — the consultation (date, form, outcome), its suggestions, each task with its
owner, deadline and progress, the rating link and the follow-up check months later.

topics sits below consultations and accountability, so they tell their chapters through this registry
(ConsultationsConfig.ready, AccountabilityConfig.ready). Only what the public pages show goes into a chapter. A teller
tells many topics at once (a resident's 我的议题, a liaison's desk) in a fixed number of queries however many topics it
is given; a topic not yet approved asks none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import pgettext_lazy

from shangliang.topics.models import Topic, TopicStatus


@dataclass(frozen=True)
class Stage:
    label: Any
    reached: bool
    note: str = ""


@dataclass
class Chapter:
    """One part of the story: a template under the tracking page, its data, and the stages it accounts for."""

    key: str
    order: int
    template: str
    data: dict = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)


@dataclass
class Story:
    topic: Topic  # the topic whose story is told (the one merged into, for a merged topic)
    stages: list[Stage]
    chapters: list[Chapter]

    @property
    def current(self) -> int:
        """The index of the last stage reached."""
        reached = [i for i, s in enumerate(self.stages) if s.reached]
        return reached[-1] if reached else 0


# teller(topics, contexts) → {topic id: its chapter} for each of the (approved) topics given: the chapter's stages
# always, its template empty when it has nothing to show yet; contexts[topic id] carries what earlier tellers found
# (the consultations' ids) to later ones.
Teller = Callable[[list[Topic], dict[int, dict]], dict[int, Chapter]]


@dataclass(frozen=True)
class Registered:
    order: int
    teller: Teller
    stages: tuple  # the labels of its stages, shown unreached before the topic gets there


_tellers: list[Registered] = []


def register_teller(order: int, teller: Teller, stages) -> None:
    if all(r.teller is not teller for r in _tellers):
        _tellers.append(Registered(order, teller, tuple(stages)))
        _tellers.sort(key=lambda r: r.order)


SCREENED = frozenset(
    {
        TopicStatus.ACCEPTED,
        TopicStatus.REJECTED,
        TopicStatus.MERGED,
        TopicStatus.REFERRED,
        TopicStatus.APPROVED,
        TopicStatus.DECLINED,
    }
)


def _told(topic: Topic) -> Topic:
    """The topic whose story is told: a merged topic's goes on in the topic it was merged into."""
    return topic.merged_into if topic.status == TopicStatus.MERGED and topic.merged_into_id else topic


def stories_of(topics) -> list[Story]:
    """The stories of `topics`, in their order: each teller asked once for all of the approved ones."""
    topics = list(topics)
    told = {t.pk: _told(t) for t in topics}
    approved = list({t.pk: t for t in told.values() if t.status == TopicStatus.APPROVED}.values())
    contexts: dict[int, dict] = {t.pk: {} for t in approved}
    chapters_of: list[tuple[Registered, dict[int, Chapter]]] = [
        (registered, registered.teller(approved, contexts) if approved else {}) for registered in _tellers
    ]
    stories = []
    for topic in topics:
        teller_of = told[topic.pk]
        stages = [
            Stage(pgettext_lazy("story stage", "提交"), True, f"{topic.created_at:%Y-%m-%d}"),
            Stage(
                pgettext_lazy("story stage", "筛选"),
                topic.status in SCREENED,
                topic.get_status_display() if topic.status in SCREENED else "",
            ),
            Stage(pgettext_lazy("story stage", "审定"), teller_of.status == TopicStatus.APPROVED),
        ]
        chapters: list[Chapter] = []
        for registered, told_chapters in chapters_of:
            chapter = told_chapters.get(teller_of.pk)
            if chapter is None:  # nothing is held on a topic before its approval
                stages.extend(Stage(label, False) for label in registered.stages)
                continue
            stages.extend(chapter.stages)
            if chapter.template:
                chapters.append(chapter)
        stories.append(Story(teller_of, stages, chapters))
    return stories


def story_of(topic: Topic) -> Story:
    """The story of `topic`; a merged topic's goes on in the topic it was merged into."""
    return stories_of([topic])[0]


def _standing(topic: Topic, story: Story | None) -> str:
    told = _told(topic)
    if told.status != TopicStatus.APPROVED or story is None:
        return str(topic.get_status_display())
    stage = story.stages[story.current]
    if story.current <= 2:  # approved, nothing held yet
        return str(told.get_status_display())
    return f"{stage.label}：{stage.note}" if stage.note else str(stage.label)


def standings(topics) -> dict[int, str]:
    """Where each matter stands, in one line (a resident's 我的议题, a liaison's desk): the topic's state until its
    approval, then the last stage its story reached with that stage's note ("回访：成效持续"). Topics not yet
    approved cost no query (their merged-into topics selected with them); the approved ones, one telling for all."""
    topics = list(topics)
    approved = [t for t in topics if _told(t).status == TopicStatus.APPROVED]
    stories = dict(zip([t.pk for t in approved], stories_of(approved), strict=True))
    return {t.pk: _standing(t, stories.get(t.pk)) for t in topics}


def standing(topic: Topic) -> str:
    """Where one matter stands (see `standings`)."""
    return standings([topic])[topic.pk]

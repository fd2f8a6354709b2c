"""A topic's whole story, as its tracking page tells it to the person who raised it: submitted, screened, approved,
then what the apps above made of it — the consultation (date, form, outcome), its suggestions, each task with its
owner, deadline and progress, the rating link and the follow-up check months later.

topics sits below consultations and accountability, so they tell their chapters through this registry
(ConsultationsConfig.ready, AccountabilityConfig.ready). Only what the public pages show goes into a chapter. Each
teller costs a fixed number of queries; a topic not yet approved asks none of them."""

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


# teller(topic, context) → its chapter (its stages always; its template empty when it has nothing to show yet);
# `context` carries what earlier tellers found (the consultations' ids) to later ones.
Teller = Callable[[Topic, dict], Chapter]


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


def story_of(topic: Topic) -> Story:
    """The story of `topic`; a merged topic's goes on in the topic it was merged into."""
    told = topic.merged_into if topic.status == TopicStatus.MERGED and topic.merged_into_id else topic
    stages = [
        Stage(pgettext_lazy("story stage", "提交"), True, f"{topic.created_at:%Y-%m-%d}"),
        Stage(
            pgettext_lazy("story stage", "筛选"),
            topic.status in SCREENED,
            topic.get_status_display() if topic.status in SCREENED else "",
        ),
        Stage(pgettext_lazy("story stage", "审定"), told.status == TopicStatus.APPROVED),
    ]
    chapters: list[Chapter] = []
    context: dict = {}
    for registered in _tellers:
        if told.status != TopicStatus.APPROVED:  # nothing is held on a topic before its approval
            stages.extend(Stage(label, False) for label in registered.stages)
            continue
        chapter = registered.teller(told, context)
        stages.extend(chapter.stages)
        if chapter.template:
            chapters.append(chapter)
    return Story(told, stages, chapters)


def standing(topic: Topic) -> str:
    """Where the matter stands, in one line (a resident's 我的议题, a liaison's desk): the topic's state until its
    approval, then the last stage its story reached with that stage's note ("回访：成效持续"). A topic not yet approved
    costs no query (its merged-into topic selected with it); an approved one, its story's."""
    told = topic.merged_into if topic.status == TopicStatus.MERGED and topic.merged_into_id else topic
    if told.status != TopicStatus.APPROVED:
        return str(topic.get_status_display())
    story = story_of(topic)
    stage = story.stages[story.current]
    if story.current <= 2:  # approved, nothing held yet
        return str(told.get_status_display())
    return f"{stage.label}：{stage.note}" if stage.note else str(stage.label)

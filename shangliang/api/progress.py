"""Where a topic stands in the loop, as an integrator follows it: the topic's own state until it is approved, then its
consultation's, then its tasks' (who is responsible, by when, done or not). Read for many topics in a constant number
of queries (Open311's request list, the REST API's topic list)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from shangliang.accountability.models import ResponsibilityTask, TaskStatus
from shangliang.consultations.models import CLOSED, Consultation, ConsultationStatus
from shangliang.core.models import Event
from shangliang.topics.models import Topic, TopicStatus

# Detailed statuses beyond the topic's own (an Open311 "detailed_status" extension; the REST API's `stage`).
CONSULTING = "consulting"
IMPLEMENTING = "implementing"
DONE = "done"
CONSULTED = "consulted"
STAGE_LABELS = {
    CONSULTING: _("协商中"),
    IMPLEMENTING: _("落实中"),
    DONE: _("已办结"),
    CONSULTED: _("已协商"),
}
CLOSED_TOPIC_STATUSES = {TopicStatus.REJECTED, TopicStatus.MERGED, TopicStatus.REFERRED, TopicStatus.DECLINED}


@dataclass
class Progress:
    stage: str
    label: str
    open: bool
    note: str = ""
    responsible: list[str] = field(default_factory=list)
    expected: date | None = None
    updated: datetime | None = None


def with_progress(topics):
    """The queryset with what `progress` reads prefetched (consultations and their tasks' bodies)."""
    tasks = ResponsibilityTask.objects.select_related("department", "owner_unit").exclude(status=TaskStatus.CANCELLED)
    consultations = Consultation.objects.exclude(status=ConsultationStatus.CANCELLED).prefetch_related(
        Prefetch("tasks", queryset=tasks)
    )
    return topics.select_related("unit", "referred_department").prefetch_related(
        Prefetch("consultations", queryset=consultations)
    )


def latest_public_notes(topics) -> dict[int, Event]:
    """The newest public event of each topic (its note is what the public timeline says last), in one query."""
    ids = [t.pk for t in topics]
    if not ids:
        return {}
    found: dict[int, Event] = {}
    events = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Topic), object_id__in=ids, public=True
    ).order_by("object_id", "-created_at", "-id")
    for event in events.only("object_id", "note", "created_at", "action"):
        found.setdefault(event.object_id, event)
    return found


def progress(topic: Topic, latest: Event | None = None) -> Progress:
    """The topic's stage (prefetched by `with_progress`)."""
    note = latest.note if latest is not None else ""
    updated = max(topic.updated_at, latest.created_at) if latest is not None else topic.updated_at
    if topic.status != TopicStatus.APPROVED:
        responsible = [topic.referred_department.name] if topic.referred_department_id else []
        if topic.status == TopicStatus.REFERRED and topic.referred_to and not responsible:
            responsible = [topic.referred_to]
        return Progress(
            stage=topic.status,
            label=str(topic.get_status_display()),
            open=topic.status not in CLOSED_TOPIC_STATUSES,
            note=note,
            responsible=responsible,
            updated=updated,
        )
    consultations = list(topic.consultations.all())
    if not consultations or any(c.status not in CLOSED for c in consultations):
        return Progress(CONSULTING, str(STAGE_LABELS[CONSULTING]), True, note, [topic.unit.name], updated=updated)
    tasks = [t for c in consultations for t in c.tasks.all()]
    for c in consultations:
        if c.closed_at and (updated is None or c.closed_at > updated):
            updated = c.closed_at
    if not tasks:
        return Progress(CONSULTED, str(STAGE_LABELS[CONSULTED]), False, note, [topic.unit.name], updated=updated)
    bodies = list(dict.fromkeys(t.body_name for t in tasks))
    for t in tasks:
        if updated is None or t.updated_at > updated:
            updated = t.updated_at
    pending = [t for t in tasks if t.status != TaskStatus.DONE]
    if not pending:
        return Progress(DONE, str(STAGE_LABELS[DONE]), False, note, bodies, updated=updated)
    expected = max(t.deadline for t in pending)
    return Progress(IMPLEMENTING, str(STAGE_LABELS[IMPLEMENTING]), True, note, bodies, expected, updated)


def progress_of(topics) -> dict[int, Progress]:
    topics = list(topics)
    latest = latest_public_notes(topics)
    return {t.pk: progress(t, latest.get(t.pk)) for t in topics}


def tasks_by_topic(topics) -> dict[int, list[ResponsibilityTask]]:
    found = defaultdict(list)
    for t in topics:
        for c in t.consultations.all():
            found[t.pk].extend(c.tasks.all())
    return found

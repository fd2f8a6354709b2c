"""Screening under 三议四不议 and approval by the same-level party organisation: the writes that move a topic through
its workflow (topics.workflow holds the one transition table)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.validation import clean_text
from shangliang.people.models import Department
from shangliang.topics.models import MERGE_TARGET_STATUSES, RejectionReason, Support, Topic, TopicCategory
from shangliang.topics.workflow import ACTION_LABELS, APPROVAL_DECISIONS, SCREEN_DECISIONS, TOPIC_WORKFLOW

NOTE_MAX = 1000


def _note(note: str) -> str:
    return clean_text(note, label=_("说明"), field="note", max_length=NOTE_MAX, required=False)


def _check(topic: Topic, action: str, actor, note: str) -> None:
    """Refuse before anything is touched: the object in memory stays as it was when the step is refused."""
    transition = TOPIC_WORKFLOW.check(topic, action=action, actor=actor)
    if transition.note_required and not (note or "").strip():
        raise InvalidInput(_("“%(action)s”需要填写说明。") % {"action": ACTION_LABELS[action]}, field="note")


def topic_screen(
    *,
    topic: Topic,
    actor,
    decision: str,
    note: str = "",
    category: str = "",
    reason: str = "",
    merge_into: Topic | None = None,
    referred_to: str = "",
    department: Department | None = None,
    urgent: bool | None = None,
):
    """The convenor's decision on a submitted topic. Returns the event written.

    accept: with its category (三议); reject: with a reason (四不议) and a note the submitter reads; return: with a
    note saying what is missing; merge: into a similar open topic, supports carried over without counting a person
    twice; refer: with where to (a department, mediation…).
    """
    if decision not in SCREEN_DECISIONS:
        raise InvalidInput(_("请选择筛选结果。"), field="decision")
    # Permission, then state: "not allowed for you" before "not possible now", before any input check.
    _check(topic, decision, actor, note)
    note = _note(note)
    if decision == "accept":
        return _accept(topic, actor, category, note, urgent)
    if decision == "reject":
        if reason not in RejectionReason.values:
            raise InvalidInput(_("请选择不予协商的理由（四不议）。"), field="reason")
        topic.rejection_reason = reason
        return TOPIC_WORKFLOW.apply(
            topic,
            action="reject",
            actor=actor,
            note=note,
            data={"reason": reason},
            extra_update_fields=["rejection_reason"],
        )
    if decision == "return":
        return TOPIC_WORKFLOW.apply(topic, action="return", actor=actor, note=note)
    if decision == "merge":
        return _merge(topic, actor, merge_into, note)
    return _refer(topic, actor, referred_to, department, note)


def _accept(topic: Topic, actor, category: str, note: str, urgent: bool | None):
    if category not in TopicCategory.values:
        raise InvalidInput(_("请选择议题类别（三议）。"), field="category")
    topic.category = category
    fields = ["category"]
    if urgent is not None and bool(urgent) != topic.urgent:
        topic.urgent = bool(urgent)
        fields.append("urgent")
    return TOPIC_WORKFLOW.apply(
        topic,
        action="accept",
        actor=actor,
        note=note,
        data={"category": category, "urgent": topic.urgent},
        extra_update_fields=fields,
    )


def _refer(topic: Topic, actor, referred_to: str, department: Department | None, note: str):
    referred_to = clean_text(referred_to, label=_("转办去向"), field="referred_to", max_length=200, required=False)
    if department is not None and (department.county_id != topic.unit.county_id or not department.is_active):
        raise InvalidInput(_("所选部门不属于本县（市、区）。"), field="department")
    if not referred_to and department is None:
        raise InvalidInput(_("请填写转办去向（如：村人民调解委员会、某职能部门）。"), field="referred_to")
    topic.referred_to = referred_to or department.name
    topic.referred_department = department
    return TOPIC_WORKFLOW.apply(
        topic,
        action="refer",
        actor=actor,
        note=note or topic.referred_to,
        data={"to": topic.referred_to, "department": department.pk if department else None},
        extra_update_fields=["referred_to", "referred_department"],
    )


def _merge(topic: Topic, actor, target: Topic | None, note: str):
    if target is None:
        raise InvalidInput(_("请选择要并入的议题。"), field="merge_into")
    if target.pk == topic.pk:
        raise InvalidInput(_("不能把议题并入它自己。"), field="merge_into")
    if target.unit.county_id != topic.unit.county_id or not actor.has_perm("topics.view_topic", target):
        raise InvalidInput(_("只能并入本县（市、区）内您能查看的议题。"), field="merge_into")
    with transaction.atomic():
        # Lock both rows in id order (two merges in opposite directions must not deadlock), then re-read the target.
        locked = {
            t.pk: t.status
            for t in Topic.objects.select_for_update()
            .filter(pk__in=[topic.pk, target.pk])
            .order_by("pk")
            .only("status")
        }
        if locked.get(target.pk) not in MERGE_TARGET_STATUSES:
            raise NotPossible(_("目标议题已办结或已合并，不能并入。"))
        topic.merged_into = target
        event = TOPIC_WORKFLOW.apply(
            topic,
            action="merge",
            actor=actor,
            note=note,
            data={"into": target.pk, "into_title": target.title},
            extra_update_fields=["merged_into"],
        )
        # Topics merged into this one earlier follow it, so that no chain of merges has to be walked.
        Topic.objects.filter(merged_into=topic).update(merged_into=target)
        moved, dropped = _carry_supports(topic, target)
        record_event(
            target,
            actor=actor,
            action="merge_in",
            note=_("议题“%(title)s”并入本议题，%(n)d 个附议随之转入。") % {"title": topic.title, "n": moved},
            public=True,
            data={"from": topic.pk, "moved": moved, "dropped": dropped},
        )
    target.refresh_from_db(fields=["supports_count"])
    topic.refresh_from_db(fields=["supports_count"])
    return event


def _carry_supports(source: Topic, target: Topic) -> tuple[int, int]:
    """Move the source's supports to the target; a person who supported both counts once. Both rows are locked."""
    on_target = Support.objects.filter(topic=target)
    users = set(on_target.exclude(user__isnull=True).values_list("user_id", flat=True))
    keys = set(on_target.exclude(client_key="").values_list("client_key", flat=True))
    from_source = Support.objects.filter(topic=source)
    dropped, _detail = (from_source.filter(user_id__in=users) | from_source.filter(client_key__in=keys)).delete()
    moved = Support.objects.filter(topic=source).update(topic=target)
    Topic.objects.filter(pk=target.pk).update(supports_count=Support.objects.filter(topic=target).count())
    Topic.objects.filter(pk=source.pk).update(supports_count=0)
    return moved, dropped


def topic_decide(*, topic: Topic, actor, decision: str, note: str = ""):
    """The same-level party organisation approves (审定) an accepted topic, or declines it with a note."""
    if decision not in APPROVAL_DECISIONS:
        raise InvalidInput(_("请选择审定结果。"), field="decision")
    _check(topic, decision, actor, note)
    return TOPIC_WORKFLOW.apply(topic, action=decision, actor=actor, note=_note(note))

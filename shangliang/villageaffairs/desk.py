"""What village affairs puts on people's desks (people.desk): residents' objections waiting on the agenda of their
village's next monthly meeting, and comments on disclosures not yet answered. Registered in
VillageAffairsConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shangliang.people.desk import DeskItem, DeskSection, register_section
from shangliang.people.selectors import manage_paths, subtree_filter
from shangliang.villageaffairs.models import (
    AgendaItem,
    AgendaSource,
    AgendaStatus,
    Feedback,
    FeedbackKind,
    MeetingStatus,
)


def objections_on_agenda(user):
    """Residents' objections (群众异议) open on the agenda of a meeting still being prepared, in the villages the
    person manages (convenors over their subtree, staff over their county)."""
    return (
        AgendaItem.objects.filter(
            subtree_filter(manage_paths(user), "meeting__unit__"),
            source=AgendaSource.OBJECTION,
            status=AgendaStatus.OPEN,
            meeting__status=MeetingStatus.PLANNED,
        )
        .select_related("meeting", "meeting__unit")
        .order_by("meeting__month", "order", "id")
    )


def comments_to_answer(user):
    """Residents' comments (意见建议) on disclosures of the person's villages that nobody has answered yet."""
    return (
        Feedback.objects.filter(
            subtree_filter(manage_paths(user), "disclosure__unit__"), kind=FeedbackKind.COMMENT, replied_at__isnull=True
        )
        .select_related("disclosure", "disclosure__unit")
        .order_by("created_at", "id")
    )


def _objection_item(i: AgendaItem) -> DeskItem:
    m = i.meeting
    return DeskItem(
        i.title,
        reverse("villageaffairs:meeting", args=[m.pk]),
        f"{m.unit.name} · " + _("%(month)s 月例会") % {"month": f"{m.month:%Y-%m}"},
        str(_("列入议程")),
    )


def _comment_item(f: Feedback) -> DeskItem:
    d = f.disclosure
    return DeskItem(
        d.title,
        reverse("villageaffairs:disclosure", args=[d.pk]) + "#feedback-title",
        f"{d.unit.name} · {timezone.localtime(f.created_at):%Y-%m-%d}",
        str(_("答复")),
    )


def register() -> None:
    has_villages = lambda user: bool(manage_paths(user))  # noqa: E731
    register_section(
        DeskSection(
            "villageaffairs.objections",
            _("下次例会议程上的群众异议"),
            "units",
            objections_on_agenda,
            _objection_item,
            applies=has_villages,
            order=30,
        )
    )
    register_section(
        DeskSection(
            "villageaffairs.comments",
            _("待答复的公示意见"),
            "units",
            comments_to_answer,
            _comment_item,
            applies=has_villages,
            order=31,
        )
    )

"""What topics put on people's desks (people.desk): topics to screen, topics to approve, one's own returned topics,
a resident's own topics and the concerns a liaison or member entered, each with where it stands (its story's last
stage: consulted, tasks done, checked again). Registered in TopicsConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shangliang.people.desk import (
    DeskItem,
    DeskSection,
    MenuEntry,
    has_any_role,
    is_resident_user,
    register_menu_entry,
    register_section,
    sees_units,
    url,
)
from shangliang.people.models import Role
from shangliang.people.selectors import linked_paths, manage_paths, subtree_filter, user_scopes
from shangliang.topics.models import Topic, TopicStatus
from shangliang.topics.story import standings


def _meta(t: Topic) -> str:
    return f"{t.unit.name} · {t.get_source_display()} · {t.created_at:%Y-%m-%d}"


def to_screen(user):
    """Submitted topics (待筛选) in the subtrees the person screens: convenors' subtrees, staff's counties."""
    return (
        Topic.objects.filter(subtree_filter(manage_paths(user), "unit__"), status=TopicStatus.SUBMITTED)
        .select_related("unit")
        .order_by("-urgent", "created_at", "id")
    )


def to_approve(user):
    """Accepted topics (待审定) of the units where the person is the party approver (its own level only)."""
    units = [s.unit_id for s in user_scopes(user) if s.role == Role.APPROVER]
    return (
        Topic.objects.filter(unit_id__in=units, status=TopicStatus.ACCEPTED)
        .select_related("unit")
        .order_by("-urgent", "updated_at", "id")
    )


def returned_to_me(user):
    """Topics the person entered that came back for more information (退回补充)."""
    return Topic.objects.filter(submitter_id=user.pk, status=TopicStatus.RETURNED).select_related("unit").order_by("id")


def my_topics(user):
    return (
        Topic.objects.filter(submitter_id=user.pk).select_related("unit", "merged_into").order_by("-created_at", "-id")
    )


def entered_by_me(user):
    """The concerns a liaison (网格员) or member entered, the returned ones aside (they have their own section)."""
    return my_topics(user).exclude(status=TopicStatus.RETURNED)


def _screen_item(t: Topic) -> DeskItem:
    return DeskItem(
        t.title,
        reverse("topics:detail", args=[t.pk]) + "#screening",
        _meta(t),
        str(pgettext_lazy("desk action", "筛选")),
    )


def _approve_item(t: Topic) -> DeskItem:
    return DeskItem(t.title, reverse("topics:detail", args=[t.pk]) + "#decide-title", _meta(t), str(_("审定")))


def _returned_item(t: Topic) -> DeskItem:
    return DeskItem(t.title, reverse("topics:track", args=[t.tracking_code]), _meta(t), str(_("补充后重新提交")))


def _with_standings(topics: list[Topic]) -> list[Topic]:
    stand = standings(topics)  # one telling for the section
    for t in topics:
        t.standing = stand[t.pk]
    return topics


def _mine_item(t: Topic) -> DeskItem:
    return DeskItem(
        t.title,
        reverse("topics:track", args=[t.tracking_code]),
        f"{_meta(t)} · {t.standing}",
        str(_("查看进展")),
    )


def works_on_topics(user) -> bool:
    """Sees topics inside the app, or enters them (liaisons, members)."""
    return sees_units(user) or bool(linked_paths(user)) or has_any_role(Role.MEMBER, Role.LIAISON)(user)


def enters_topics(user) -> bool:
    """Enters concerns for others: liaisons (grid workers) and members (委员荐题)."""
    return not is_resident_user(user) and has_any_role(Role.LIAISON, Role.MEMBER)(user)


def register() -> None:
    register_menu_entry(MenuEntry("topics", _("议题"), url("topics:list"), works_on_topics, order=20))
    register_menu_entry(MenuEntry("my_topics", _("我的议题"), url("topics:mine"), is_resident_user, order=20))
    register_menu_entry(MenuEntry("entered", _("我录入的议题"), url("topics:mine"), enters_topics, order=21))
    register_section(
        DeskSection(
            "topics.screen",
            _("待筛选的议题"),
            "topics",
            to_screen,
            _screen_item,
            applies=lambda user: bool(manage_paths(user)),
            more=url("topics:list", query="?status=submitted"),
            order=10,
        )
    )
    register_section(
        DeskSection(
            "topics.approve",
            _("待审定的议题"),
            "topics",
            to_approve,
            _approve_item,
            applies=has_any_role(Role.APPROVER),
            more=url("topics:list", query="?status=accepted"),
            order=11,
        )
    )
    register_section(
        DeskSection(
            "topics.returned",
            _("退回补充的议题"),
            ("entered", "my_topics", "topics"),
            returned_to_me,
            _returned_item,
            order=12,
        )
    )
    register_section(
        DeskSection(
            "topics.entered",
            _("我录入的议题"),
            "entered",
            entered_by_me,
            _mine_item,
            prepare=_with_standings,
            applies=enters_topics,
            more=url("topics:mine"),
            order=61,
            counts=False,
            empty=_("您还没有录入议题。走访中收集到的群众诉求可在“议题”中录入。"),
        )
    )
    register_section(
        DeskSection(
            "topics.mine",
            _("我反映的议题"),
            "my_topics",
            my_topics,
            _mine_item,
            prepare=_with_standings,
            applies=is_resident_user,
            more=url("topics:mine"),
            order=60,
            counts=False,
            empty=_("您还没有反映过议题。扫描议事室的二维码或在公开页面即可提出。"),
        )
    )

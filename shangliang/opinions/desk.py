"""What public-opinion reports put on people's desks (people.desk): reports the CPPCC office has to process or whose
answer it reviews, reports handed to a department to sign for and answer, and one's own reports returned for changes.
Registered in OpinionsConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shangliang.opinions.models import OpinionReport, ReportStatus
from shangliang.people.desk import (
    DeskItem,
    DeskSection,
    MenuEntry,
    has_any_role,
    register_menu_entry,
    register_section,
    url,
)
from shangliang.people.models import Role
from shangliang.people.selectors import county_ids, department_ids, linked_paths

S = ReportStatus
OFFICE_STEP = {S.SUBMITTED: _("处理"), S.ANSWERED: _("审核答复")}
BODY_STEP = {S.HANDED: _("签收"), S.SIGNED: _("答复")}


def to_process(user):
    """Submitted reports of the staff's counties, and answers to review."""
    return (
        OpinionReport.objects.filter(
            county_id__in=county_ids(user, {Role.CPPCC_STAFF}), status__in=[S.SUBMITTED, S.ANSWERED]
        )
        .select_related("unit")
        .order_by("updated_at", "id")
    )


def to_handle(user):
    """Reports handed to the person's department: to sign for, then to answer."""
    return (
        OpinionReport.objects.filter(department_id__in=department_ids(user), status__in=[S.HANDED, S.SIGNED])
        .select_related("unit")
        .order_by("updated_at", "id")
    )


def returned(user):
    return OpinionReport.objects.filter(author_id=user.pk, status=S.RETURNED).select_related("unit").order_by("id")


def _item(steps):
    def item(r: OpinionReport) -> DeskItem:
        meta = f"{r.unit.name} · {r.get_status_display()} · {timezone.localtime(r.updated_at):%Y-%m-%d}"
        return DeskItem(r.title, reverse("opinions:detail", args=[r.pk]), meta, str(steps.get(r.status, _("修改"))))

    return item


def writes_or_handles(user) -> bool:
    roles = (Role.CPPCC_STAFF, Role.MEMBER, Role.LIAISON, Role.CONVENOR, Role.DEPARTMENT)
    return has_any_role(*roles)(user) or bool(linked_paths(user))


def register() -> None:
    register_menu_entry(MenuEntry("opinions", _("社情民意"), url("opinions:index"), writes_or_handles, order=35))
    register_section(
        DeskSection(
            "opinions.process",
            _("待处理的社情民意信息"),
            "opinions",
            to_process,
            _item(OFFICE_STEP),
            applies=has_any_role(Role.CPPCC_STAFF),
            more=url("opinions:index"),
            order=40,
        )
    )
    register_section(
        DeskSection(
            "opinions.handle",
            _("交办本部门的社情民意信息"),
            "opinions",
            to_handle,
            _item(BODY_STEP),
            applies=has_any_role(Role.DEPARTMENT),
            order=41,
        )
    )
    register_section(
        DeskSection(
            "opinions.returned",
            _("退回修改的社情民意信息"),
            "opinions",
            returned,
            _item({}),
            applies=writes_or_handles,
            order=42,
        )
    )

"""What consultations put on people's desks (people.desk): invitations to answer, results to acknowledge (签收),
approved topics waiting for a consultation and the consultations a convenor is running. Registered in
ConsultationsConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shangliang.consultations.models import (
    INVITING,
    PREPARING,
    Consultation,
    ConsultationStatus,
    InvitationStatus,
    Participant,
    Submission,
)
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
from shangliang.people.selectors import user_scopes
from shangliang.topics.models import Topic, TopicStatus

S = ConsultationStatus
# What a convenor is still working on: preparing, in session, or closed with consensus and not yet submitted.
RUNNING = (*PREPARING, S.IN_SESSION, S.CLOSED_CONSENSUS)


def _when(c: Consultation) -> str:
    moment = c.planned_start or c.written_deadline or c.online_closes_at
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _own_units(user, role: str) -> list[int]:
    return [s.unit_id for s in user_scopes(user) if s.role == role]


def invitations(user):
    """Invitations the person has not answered yet, of consultations still inviting."""
    return (
        Participant.objects.filter(user_id=user.pk, status=InvitationStatus.INVITED, consultation__status__in=INVITING)
        .select_related("consultation", "consultation__unit", "consultation__room")
        .order_by("consultation__planned_start", "id")
    )


def to_acknowledge(user):
    """Results submitted to the units where the person is the party approver, not yet acknowledged (签收)."""
    return (
        Submission.objects.filter(
            receiver_unit_id__in=_own_units(user, Role.APPROVER),
            acknowledged_at__isnull=True,
            consultation__status=S.SUBMITTED,
        )
        .select_related("consultation", "consultation__unit")
        .order_by("submitted_at", "id")
    )


def to_convene(user):
    """Approved topics of the convenor's own units that no consultation has taken up (cancelled ones aside)."""
    taken = Consultation.objects.exclude(status=S.CANCELLED).values("topics")
    return (
        Topic.objects.filter(unit_id__in=_own_units(user, Role.CONVENOR), status=TopicStatus.APPROVED)
        .exclude(pk__in=taken)
        .select_related("unit")
        .order_by("-urgent", "updated_at", "id")
    )


def running(user):
    return (
        Consultation.objects.filter(unit_id__in=_own_units(user, Role.CONVENOR), status__in=RUNNING)
        .select_related("unit")
        .order_by("planned_start", "id")
    )


def _invitation_item(p: Participant) -> DeskItem:
    c = p.consultation
    meta = " · ".join(x for x in (c.unit.name, c.get_form_display(), _when(c), c.place) if x)
    return DeskItem(c.title, reverse("consultations:take_part", args=[c.pk]), meta, str(_("答复邀请")))


def _acknowledge_item(s: Submission) -> DeskItem:
    c = s.consultation
    meta = f"{c.unit.name} · " + _("报送于 %(date)s") % {"date": f"{timezone.localtime(s.submitted_at):%Y-%m-%d}"}
    return DeskItem(c.title, reverse("consultations:detail", args=[c.pk]) + "#sub-title", meta, str(_("签收成果")))


def _convene_item(t: Topic) -> DeskItem:
    return DeskItem(
        t.title,
        reverse("consultations:create", args=[t.unit_id]) + f"?topic={t.pk}",
        f"{t.unit.name} · " + _("审定于 %(date)s") % {"date": f"{timezone.localtime(t.updated_at):%Y-%m-%d}"},
        str(_("组织协商")),
    )


def _running_item(c: Consultation) -> DeskItem:
    meta = " · ".join(x for x in (c.unit.name, c.get_form_display(), c.get_status_display(), _when(c)) if x)
    return DeskItem(c.title, reverse("consultations:detail", args=[c.pk]), meta, str(_("继续办理")))


def works_on_consultations(user) -> bool:
    return sees_units(user) or has_any_role(Role.MEMBER, Role.DEPARTMENT, Role.EXPERT)(user)


def register() -> None:
    register_menu_entry(
        MenuEntry("consultations", _("协商活动"), url("consultations:index"), works_on_consultations, order=30)
    )
    register_menu_entry(MenuEntry("invitations", _("我的邀请"), url("consultations:mine"), is_resident_user, order=30))
    register_section(
        DeskSection(
            "consultations.invitations",
            _("待答复的协商邀请"),
            ("consultations", "invitations"),
            invitations,
            _invitation_item,
            more=url("consultations:mine"),
            order=5,
        )
    )
    register_section(
        DeskSection(
            "consultations.acknowledge",
            _("待签收的协商成果"),
            "consultations",
            to_acknowledge,
            _acknowledge_item,
            applies=has_any_role(Role.APPROVER),
            order=13,
        )
    )
    register_section(
        DeskSection(
            "consultations.convene",
            _("待组织协商的议题"),
            "consultations",
            to_convene,
            _convene_item,
            applies=has_any_role(Role.CONVENOR),
            order=14,
        )
    )
    register_section(
        DeskSection(
            "consultations.running",
            _("正在办理的协商"),
            "consultations",
            running,
            _running_item,
            applies=has_any_role(Role.CONVENOR),
            more=url("consultations:index"),
            order=15,
        )
    )

"""Who is told what about a consultation. Runs after commit from the event outbox (ConsultationsConfig.ready).

- scheduled / a participant added later / time or place changed: the participants concerned. Those with an account
  get an in-app message (and an email where their account has an address); those without one but with an email
  address get an email with their personal invitation link and the .ics file attached;
- cancelled: everyone who was invited;
- a participant declines: the convenors of the unit;
- results submitted: the party approvers of the receiving unit, to acknowledge them;
- results acknowledged: the convenors of the unit.
Nobody is told about their own action.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shangliang.consultations.exports import ics_bytes
from shangliang.consultations.models import Consultation, Participant
from shangliang.core.links import absolute_url
from shangliang.notifications.services import notify
from shangliang.people.models import Role
from shangliang.people.selectors import holders

logger = logging.getLogger(__name__)


def _when(c: Consultation) -> str:
    moment = c.planned_start or c.written_deadline or c.online_closes_at
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _invitation_text(c: Consultation, action: str) -> str:
    values = {"title": c.title, "unit": c.unit.name, "when": _when(c), "place": c.place}
    if action == "reschedule":
        return _("协商“%(title)s”时间地点有调整：%(when)s %(place)s") % values
    if action == "cancel":
        return _("协商“%(title)s”（%(unit)s）已取消") % values
    if c.is_written:
        return _("邀请您参加书面协商“%(title)s”（%(unit)s），请于 %(when)s 前提交意见") % values
    return _("邀请您参加协商“%(title)s”（%(unit)s）：%(when)s %(place)s") % values


def _tell_participants(c: Consultation, event, ids: list[int]) -> None:
    participants = list(Participant.objects.filter(pk__in=ids, consultation=c).select_related("user"))
    text = _invitation_text(c, event.action)
    verb = {"cancel": "consultation.cancelled", "reschedule": "consultation.rescheduled"}.get(
        event.action, "consultation.invited"
    )
    with_account = [p.user for p in participants if p.user_id and p.user_id != event.actor_id]
    notify(users=with_account, verb=verb, text=text, link=reverse("consultations:take_part", args=[c.pk]), event=event)
    for p in participants:
        if p.user_id is None and p.email:
            _email_without_account(c, p, text, with_ics=event.action != "cancel")


def _email_without_account(c: Consultation, p: Participant, text: str, *, with_ics: bool) -> None:

    link = absolute_url(reverse("consultations:invitation", args=[p.token]))
    body = _(
        "%(name)s：\n\n%(text)s。\n\n请通过以下个人链接确认或婉拒（请勿转发）：\n%(link)s\n\n—— 商量 · 有事好商量"
    ) % {
        "name": p.name,
        "text": text,
        "link": link,
    }
    message = EmailMessage(_("【有事好商量】%(text)s") % {"text": text[:60]}, body, to=[p.email])
    if with_ics:
        message.attach(f"consultation-{c.pk}.ics", ics_bytes(c, participant=p), "text/calendar")
    try:
        message.send(fail_silently=False)
    except Exception:  # a mail server outage must not stop the other invitations
        logger.exception("invitation email for participant %s failed", p.pk)


def on_consultation_event(event) -> None:
    c = Consultation.objects.select_related("unit", "room").filter(pk=event.object_id).first()
    if c is None:
        return
    ids = event.data.get("participant_ids") or []
    link = reverse("consultations:detail", args=[c.pk])
    if event.action in ("schedule", "invite", "reschedule", "cancel") and ids:
        _tell_participants(c, event, ids)
    elif event.action == "decline":
        notify(
            users=[u for u in holders([Role.CONVENOR], units=[c.unit_id]) if u.pk != event.actor_id],
            verb="consultation.declined",
            text=_("%(name)s 婉拒参加协商“%(title)s”") % {"name": event.note, "title": c.title},
            link=link,
            event=event,
        )
    elif event.action == "submit":
        receiver = event.data.get("receiver_unit")
        notify(
            users=[u for u in holders([Role.APPROVER], units=[receiver]) if u.pk != event.actor_id],
            verb="consultation.submitted",
            text=_("请签收协商成果：“%(title)s”（%(unit)s）") % {"title": c.title, "unit": c.unit.name},
            link=link,
            event=event,
        )
    elif event.action == "acknowledge":
        notify(
            users=[u for u in holders([Role.CONVENOR], units=[c.unit_id]) if u.pk != event.actor_id],
            verb="consultation.acknowledged",
            text=_("协商成果“%(title)s”已签收") % {"title": c.title},
            link=link,
            event=event,
        )

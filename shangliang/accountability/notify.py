"""Who is told what about a task. Runs after commit from the event outbox (registered in AccountabilityConfig.ready).

- the body (the named person, the department's staff or the responsible unit's convenors and approvers) — in the
  app, by email, and by SMS for what they must act on now: a new or reassigned task, a refusal, a send-back, a
  reopening, a reminder (催办) and a public notice (通报); the named person's phone gets the SMS even without an
  account;
- the office (convenors and approvers of the task's unit, CPPCC staff over it) — what waits for their decision, an
  escalation (升级督办) and a follow-up check that is due;
- the supervisors (督办委员) — every public step, and by SMS overdue reminders, notices and escalations;
- followers — every public step: accounts in the app and by email, verified mobiles by SMS with the public link.
Nobody is told about their own action. SMS are recorded per event and number, so a repeated delivery sends nothing.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shangliang.accountability.models import Follower, ResponsibilityTask, SmsRecord, Supervision
from shangliang.consultations.models import Consultation
from shangliang.core import eventtypes
from shangliang.core.crypto import keyed_hash
from shangliang.core.links import site_root
from shangliang.notifications.services import notify
from shangliang.notifications.sms import send_sms
from shangliang.people.models import Role, User
from shangliang.people.selectors import holders
from shangliang.units.models import Unit

TO_BODY = {"assign", "reassign", "refuse_hand_back", "approve_extension", "refuse_extension", "send_back", "reopen"}
SMS_TO_BODY = {"assign", "reassign", "send_back", "reopen", "remind", "notice"}
TO_OFFICE = {"request_hand_back", "request_extension", "report_completion", "escalate", "follow_up_due", "comment"}
SMS_TO_SUPERVISORS = {"notice", "escalate"}


def body_users(task: ResponsibilityTask) -> list[User]:
    if task.department_id:
        users = list(holders([Role.DEPARTMENT], departments=[task.department_id]))
    else:
        users = list(holders([Role.CONVENOR, Role.APPROVER], units=[task.owner_unit_id]))
    if task.owner_id and task.owner.is_active and all(u.pk != task.owner_id for u in users):
        users.append(task.owner)
    return users


def office_users(task: ResponsibilityTask) -> list[User]:
    unit = task.unit
    above = Unit.objects.filter(path__in=unit.ancestor_paths())
    return list(
        (holders([Role.CONVENOR, Role.APPROVER], units=[unit.pk]) | holders([Role.CPPCC_STAFF], units=above)).order_by(
            "pk"
        )
    )


def supervisors(task: ResponsibilityTask) -> list[User]:
    return [s.member for s in Supervision.objects.filter(task=task).select_related("member") if s.member.is_active]


def _sms_once(event, phones, text: str) -> None:
    """Send to the numbers not yet sent to for this event (a unique row per event and number claims each)."""
    fresh = []
    for phone in dict.fromkeys(p for p in phones if p):
        try:
            with transaction.atomic():
                SmsRecord.objects.create(event=event, phone_hash=keyed_hash(phone, purpose="mobile"))
        except IntegrityError:
            continue
        fresh.append(phone)
    if fresh:
        send_sms(to=fresh, text=text)


def _text(event, task: ResponsibilityTask) -> str:
    label = eventtypes.label_of(event)
    base = _("【%(label)s】“%(action)s”（%(unit)s），时限 %(deadline)s") % {
        "label": label,
        "action": task.action[:40],
        "unit": task.unit.name,
        "deadline": task.deadline.isoformat(),
    }
    return f"{base}。{event.note[:120]}" if event.note else base


def on_task_event(event) -> None:
    task = (
        ResponsibilityTask.objects.select_related("unit", "department", "owner_unit", "owner")
        .filter(pk=event.object_id)
        .first()
    )
    if task is None:
        return
    actor_id = event.actor_id
    link = reverse("accountability:task", args=[task.pk])
    text = _text(event, task)
    action = event.action

    def others(users):
        return [u for u in users if u.pk != actor_id]

    body = others(body_users(task))
    if action in TO_BODY or action in SMS_TO_BODY:
        notify(users=body, verb=f"task.{action}", text=text, link=link, event=event)
    if action in SMS_TO_BODY:
        _sms_once(event, [task.owner_phone, *(u.phone for u in body)], text)
    if action in TO_OFFICE:
        notify(users=others(office_users(task)), verb=f"task.{action}", text=text, link=link, event=event)
    if action == "supervise":
        member = User.objects.filter(pk=event.data.get("member")).first()
        if member is not None:
            notify(users=others([member]), verb="task.supervise", text=text, link=link, event=event)
    sups = others(supervisors(task))
    if event.public or action in ("remind", "follow_up_due", "comment"):
        notify(users=sups, verb="task.supervised", text=text, link=link, event=event)
    if action in SMS_TO_SUPERVISORS or (action == "remind" and event.data.get("kind") == "overdue"):
        _sms_once(event, [u.phone for u in sups], text)
    if event.public:
        _tell_followers(event, task, text)


def _tell_followers(event, task: ResponsibilityTask, text: str) -> None:
    public_link = reverse("accountability:public_task", args=[task.pk])
    followers = list(Follower.objects.filter(task=task).select_related("user"))
    accounts = [f.user for f in followers if f.user_id and f.user_id != event.actor_id]
    notify(users=accounts, verb="task.followed", text=text, link=public_link, event=event)
    site = site_root()
    for f in followers:
        if f.mobile and not f.user_id:
            stop = reverse("accountability:unfollow", args=[f.token])
            _sms_once(event, [f.mobile], f"{text} {site}{public_link}  " + _("退订：%(url)s") % {"url": site + stop})


# A consultation's results are posted (公示) when it closes, with or without consensus.
RESULTS_POSTED = frozenset({"close_consensus", "close_no_consensus"})


def on_results_posted(event) -> None:
    """The third-party evaluators over a consultation's unit are told its results are posted: the evaluation form
    waits for them (第三方评估). Registered for consultation events in AccountabilityConfig.ready."""
    if event.action not in RESULTS_POSTED:
        return
    c = Consultation.objects.select_related("unit").filter(pk=event.object_id).first()
    if c is None:
        return
    area = Unit.objects.filter(path__in=c.unit.ancestor_paths())
    evaluators = [u for u in holders([Role.EVALUATOR], units=area) if u.pk != event.actor_id]
    notify(
        users=evaluators,
        verb="consultation.results_posted",
        text=_("协商成果已公示，请进行第三方评估：“%(title)s”（%(unit)s）") % {"title": c.title, "unit": c.unit.name},
        link=reverse("accountability:evaluate", args=[c.pk]),
        event=event,
    )

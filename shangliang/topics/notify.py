"""Who is told what about a topic. Runs after commit from the event outbox (registered in TopicsConfig.ready).

- a topic arrives (submitted or resubmitted): the convenors of its unit, to screen it;
- a topic is accepted: the party approvers of its unit, to approve it;
- every change of status: the person who entered it, if they have an account (a resident without one follows the
  tracking code). Nobody is told about their own action.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shangliang.notifications.services import notify
from shangliang.people.models import Role
from shangliang.people.selectors import holders
from shangliang.topics.models import Topic, TopicStatus


def on_topic_event(event) -> None:
    topic = Topic.objects.select_related("unit", "submitter").filter(pk=event.object_id).first()
    if topic is None or not event.to_state:
        return
    link = reverse("topics:detail", args=[topic.pk])
    actor_id = event.actor_id

    def others(users):
        return [u for u in users if u.pk != actor_id]

    size = event.data.get("import_size")
    if event.action == "submit" and size:
        # An Excel import: one message for the whole file, sent with its first row.
        if event.data.get("import_index") == 0:
            notify(
                users=others(list(holders([Role.CONVENOR], units=[topic.unit_id]))),
                verb="topic.arrived",
                text=_("批量录入 %(n)d 个新议题待筛选（%(unit)s）") % {"n": size, "unit": topic.unit.name},
                link=reverse("topics:list") + "?status=submitted",
                event=event,
            )
    elif event.action in ("submit", "resubmit"):
        text = _("新议题待筛选：“%(title)s”（%(unit)s）") % {"title": topic.title, "unit": topic.unit.name}
        if event.action == "resubmit":
            text = _("议题已补充，待重新筛选：“%(title)s”（%(unit)s）") % {
                "title": topic.title,
                "unit": topic.unit.name,
            }
        notify(
            users=others(list(holders([Role.CONVENOR], units=[topic.unit_id]))),
            verb="topic.arrived",
            text=text,
            link=link,
            event=event,
        )
    if event.action == "accept":
        notify(
            users=others(list(holders([Role.APPROVER], units=[topic.unit_id]))),
            verb="topic.accepted",
            text=_("议题待审定：“%(title)s”（%(unit)s）") % {"title": topic.title, "unit": topic.unit.name},
            link=link,
            event=event,
        )
    if topic.submitter_id and topic.submitter_id != actor_id:
        status = dict(TopicStatus.choices).get(event.to_state, event.to_state)
        text = _("您提交的议题“%(title)s”状态：%(status)s") % {"title": topic.title, "status": status}
        if event.note:
            text = f"{text}。{event.note}"
        notify(users=[topic.submitter], verb="topic.status", text=text, link=link, event=event)

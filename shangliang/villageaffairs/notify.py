"""Who is told about residents' objections. Runs after commit from the event outbox (VillageAffairsConfig.ready).

An objection to a disclosure: the convenors of the village and of its town, with a link to the monthly meeting whose
agenda it was put on. Comments are read on the disclosure's page; nobody is told about each.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shangliang.notifications.services import notify
from shangliang.people.models import Role
from shangliang.people.selectors import holders
from shangliang.units.models import Unit
from shangliang.villageaffairs.models import AgendaItem


def on_disclosure_event(event) -> None:
    if event.action != "objection":
        return
    item = (
        AgendaItem.objects.select_related("meeting__unit", "disclosure")
        .filter(feedback_id=event.data.get("feedback"))
        .first()
    )
    if item is None:
        return
    village = item.meeting.unit
    units = [village.pk, *_town_ids(village)]
    notify(
        users=holders([Role.CONVENOR], units=units),
        verb="villageaffairs.objection",
        text=_("%(village)s“%(title)s”收到群众异议，已列入 %(month)s 月例会议程。")
        % {"village": village.name, "title": item.disclosure.title, "month": f"{item.meeting.month:%Y-%m}"},
        link=reverse("villageaffairs:meeting", args=[item.meeting_id]) + f"#item-{item.pk}",
        event=event,
    )


def _town_ids(village: Unit) -> list[int]:
    return list(Unit.objects.filter(path=village.path[: -Unit.steplen]).values_list("pk", flat=True))

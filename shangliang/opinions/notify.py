"""Who is told what about a public-opinion report. Runs after commit from the event outbox (OpinionsConfig.ready).

- submitted or resubmitted: the county's CPPCC office, to process it;
- returned, merged, adopted (at any level), declined, endorsed, closed: the author (and the contributors of a
  merged report for adoption, endorsement and closing);
- handed, sent back for a new answer, or its answer overdue (催办): the staff of the receiving body;
- answered or handed back: the county's CPPCC office, to review it.
Nobody is told about their own action.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shangliang.core import eventtypes
from shangliang.notifications.services import notify
from shangliang.opinions.models import OpinionReport
from shangliang.people.models import Role, User
from shangliang.people.selectors import holders

TO_OFFICE = {"submit", "resubmit", "answer", "hand_back"}
TO_AUTHOR = {"return", "merge", "adopt", "adopt_level", "decline", "endorse", "accept"}
TO_BODY = {"hand", "send_back", "remind_answer"}


def _office(county_id: int) -> list[User]:
    return list(holders([Role.CPPCC_STAFF], units=[county_id]))


def _body(department_id: int | None) -> list[User]:
    if department_id is None:
        return []
    return list(holders([Role.DEPARTMENT], departments=[department_id]))


def on_report_event(event) -> None:
    report = OpinionReport.objects.select_related("author").filter(pk=event.object_id).first()
    if report is None:
        return
    if event.action in TO_OFFICE:
        users = _office(report.county_id)
    elif event.action in TO_BODY:
        department_id = event.data.get("department") or report.department_id
        users = _body(department_id)
    elif event.action in TO_AUTHOR:
        users = [report.author]
        if event.action in ("adopt", "adopt_level", "endorse", "accept"):
            users += list(report.contributors.filter(is_active=True))
    else:
        return
    users = [u for u in users if u.pk != event.actor_id]
    label = eventtypes.label_of(event)
    notify(
        users=users,
        verb=f"opinions.{event.action}",
        text=_("社情民意信息“%(title)s”：%(action)s") % {"title": report.title, "action": label},
        link=reverse("opinions:detail", args=[report.pk]),
        event=event,
    )

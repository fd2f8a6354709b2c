"""Template helpers: days overdue, and the two includes other apps' pages carry (one line each)."""

from django import template

from shangliang.accountability import selectors
from shangliang.accountability.models import ResponsibilityTask
from shangliang.consultations.models import CLOSED
from shangliang.core.workdays import Calendar
from shangliang.units.models import Unit

register = template.Library()


@register.filter
def late(task, today) -> int:
    """Days past the deadline while the body still owes work (0 otherwise)."""
    return task.days_overdue(today) if task is not None and today is not None else 0


def _calendar(context, task) -> Calendar:
    """The task's county calendar, read once per request (the tasks of a list share a few counties)."""
    request = context.get("request")
    cache = getattr(request, "_overdue_calendars", None) or {"units": {}, "calendars": {}}
    if request is not None:
        request._overdue_calendars = cache
    if ResponsibilityTask.unit.is_cached(task):
        county_id = task.unit.county_id
    else:
        if task.unit_id not in cache["units"]:
            cache["units"][task.unit_id] = (
                Unit.objects.filter(pk=task.unit_id).values_list("county_id", flat=True).first()
            )
        county_id = cache["units"][task.unit_id]
    if county_id not in cache["calendars"]:
        cache["calendars"][county_id] = Calendar(county_id)
    return cache["calendars"][county_id]


@register.simple_tag(takes_context=True)
def overdue(context, task, today) -> str:
    """ "逾期 3 个工作日（5 天）" on the task's county calendar while the body still owes work; "" otherwise."""
    if task is None or today is None or not task.days_overdue(today):
        return ""
    return _calendar(context, task).overdue(task.deadline, today)


@register.simple_tag(takes_context=True)
def sign_overdue(context, task, today) -> str:
    """ "逾期 1 个工作日（3 天）" past the signing limit while the task waits to be signed for; "" otherwise."""
    if task is None or today is None or not task.sign_overdue(today):
        return ""
    return _calendar(context, task).overdue(task.sign_due, today)


@register.inclusion_tag("accountability/public/_unit.html")
def unit_results(unit):
    """On the public unit page: the unit's posted results (公示) and its latest public notices (通报)."""
    return {
        "unit": unit,
        "results": list(selectors.posted_results(unit, limit=5)),
        "notices": list(selectors.notices_of(unit)[:5]),
    }


@register.inclusion_tag("accountability/_consultation_links.html", takes_context=True)
def consultation_results_links(context, consultation):
    """On the consultation page: its results inside the app, and its publication page (once it has closed)."""
    user = context["request"].user
    return {
        "c": consultation,
        "posted": consultation.status in CLOSED,
        "can_view": consultation.status in CLOSED and user.has_perm("accountability.view_results", consultation),
    }

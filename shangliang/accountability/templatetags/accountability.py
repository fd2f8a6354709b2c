"""Template helpers: days overdue, and the two includes other apps' pages carry (one line each)."""

from django import template

from shangliang.accountability import selectors
from shangliang.consultations.models import CLOSED

register = template.Library()


@register.filter
def late(task, today) -> int:
    """Days past the deadline while the body still owes work (0 otherwise)."""
    return task.days_overdue(today) if task is not None and today is not None else 0


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

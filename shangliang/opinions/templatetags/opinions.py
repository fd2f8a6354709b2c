from django import template

from shangliang.core import clock
from shangliang.core.workdays import Calendar

register = template.Library()


@register.inclusion_tag("opinions/_unit_links.html", takes_context=True)
def opinion_links(context, unit):
    """Links from the unit page: the unit's public-opinion figures, and writing a report about it."""
    user = context["request"].user
    return {
        "unit": unit,
        "can_figures": user.has_perm("opinions.view_figures", unit),
        "can_write": user.has_perm("opinions.write_report", unit),
    }


@register.simple_tag
def answer_overdue(report) -> str:
    """ "逾期 3 个工作日（5 天）" on the county's calendar while a handed report's answer is late; "" otherwise."""
    today = clock.today()
    if report is None or not report.answer_overdue(today):
        return ""
    return Calendar(report.county_id).overdue(report.answer_due, today)

from django import template

from shangliang.topics import selectors
from shangliang.topics.models import TopicStatus

register = template.Library()
_STATUS = dict(TopicStatus.choices)


@register.filter
def status_label(status: str) -> str:
    return str(_STATUS.get(status, status))


UNIT_TOPICS_LISTED = 10


@register.inclusion_tag("topics/public/_unit_topics.html", takes_context=True)
def unit_open_topics(context, unit):
    """For the unit's public page (units renders it: {% load topics %}{% unit_open_topics unit %})."""
    qs = selectors.unit_public_topics(unit)
    topics = list(qs[: UNIT_TOPICS_LISTED + 1])
    return {
        "unit": unit,
        "topics": topics[:UNIT_TOPICS_LISTED],
        "more": len(topics) > UNIT_TOPICS_LISTED,
        "request": context.get("request"),
    }

from django import template

from shangliang.topics.models import TopicStatus

register = template.Library()
_STATUS = dict(TopicStatus.choices)


@register.filter
def status_label(status: str) -> str:
    return str(_STATUS.get(status, status))

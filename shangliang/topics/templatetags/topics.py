from django import template

from shangliang.topics.models import TopicStatus
from shangliang.topics.workflow import TIMELINE_LABELS

register = template.Library()
_STATUS = dict(TopicStatus.choices)


@register.filter
def action_label(action: str) -> str:
    return str(TIMELINE_LABELS.get(action, action))


@register.filter
def status_label(status: str) -> str:
    return str(_STATUS.get(status, status))

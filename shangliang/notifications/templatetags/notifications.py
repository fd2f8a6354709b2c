from django import template

from shangliang.notifications.selectors import unread_count as _unread_count

register = template.Library()


@register.simple_tag
def unread_count(user) -> int:
    return _unread_count(user)

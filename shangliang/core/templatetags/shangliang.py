from urllib.parse import urlencode

from django import template

from shangliang.core.eventtypes import label_of

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current URL with ?page= replaced, keeping the other filters."""
    params = context["request"].GET.copy()
    params["page"] = page_number
    return "?" + urlencode(sorted(params.items()))


@register.filter
def yuan(value):
    """12,000.00 元 style amounts."""
    if value is None:
        return ""
    return f"{value:,.2f}"


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{value:.0f}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def event_label(event) -> str:
    """What an event is called on a timeline (core.eventtypes: the one registry of event types)."""
    return label_of(event)

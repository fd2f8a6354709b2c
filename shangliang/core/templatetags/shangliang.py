from urllib.parse import urlencode

import segno
from django import template
from django.utils.safestring import mark_safe

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


@register.simple_tag
def qr_svg(url: str, title: str = ""):
    """The QR code of `url` as inline SVG (sharp on paper and on a projector; no extra request). Print layouts and the
    projection view draw it; the address comes from core.links."""
    code = segno.make(url, error="m")
    # omitsize: a viewBox instead of a fixed width and height, so that the stylesheet sizes it (38 mm on paper,
    # most of the screen on a projector).
    svg = code.svg_inline(
        scale=10, border=4, dark="#000", light="#fff", title=title or None, svgclass="qr", omitsize=True
    )
    if title:
        svg = svg.replace("<svg ", '<svg role="img" ', 1)
    return mark_safe(svg)  # noqa: S308 (segno's own markup; the title is XML-escaped by segno)

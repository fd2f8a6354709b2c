from django import template

from shangliang.people.models import Role
from shangliang.people.selectors import county_ids

register = template.Library()


@register.inclusion_tag("dashboards/_unit_link.html", takes_context=True)
def dashboard_link(context, unit):
    """The unit page's link to its figures (统计), for whoever may see them."""
    user = context["request"].user
    return {"unit": unit, "can_view": user.has_perm("dashboards.view_dashboard", unit)}


@register.simple_tag(takes_context=True)
def is_member_of(context, county) -> bool:
    """Whether the user sits on this county's committee (their own duty record is open to them)."""
    user = context["request"].user
    return county is not None and county.pk in county_ids(user, {Role.MEMBER})


@register.filter
def num(value):
    """A table cell: — for nothing, thousands separated, one decimal for rates."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


@register.filter
def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)

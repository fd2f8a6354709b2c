from django import template

from shangliang.villageaffairs import selectors

register = template.Library()


@register.filter
def signed(value) -> str:
    """+3 / −2 / 0: a year-on-year change."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{abs(value)}"
    return "0"


@register.filter
def signed_percent(value) -> str:
    if value is None:
        return "—"
    return f"{'+' if value > 0 else '−' if value < 0 else ''}{abs(value):.0f}%"


@register.inclusion_tag("villageaffairs/_unit_links.html", takes_context=True)
def village_affairs_links(context, unit):
    """Links from the unit page: village affairs (公示, 月例会, 纠纷信访) for those who see the unit."""
    user = context["request"].user
    return {
        "unit": unit,
        "can_view": user.has_perm("villageaffairs.view_village", unit),
        "is_village": selectors.is_village(unit),
        "can_powers": unit.kind == "county" and user.has_perm("villageaffairs.change_power_list", unit),
    }


@register.inclusion_tag("villageaffairs/_current_disclosures.html")
def current_disclosures(unit):
    """The public unit page: a village's current disclosures (nothing for other units, or when there are none)."""
    if not selectors.is_village(unit):
        return {"unit": unit, "disclosures": []}
    return {"unit": unit, "disclosures": selectors.current_disclosures(unit)}

from django import template

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

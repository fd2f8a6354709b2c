"""The unit page's consultation box: next due date under the frequency norm, whether the unit is behind, recent ones.

Included by one line in units/detail.html ({% include "consultations/_unit_norm.html" %}), so the units app needs no
code of ours.
"""

from django import template

from shangliang.consultations.norms import norm_status
from shangliang.consultations.selectors import consultations_visible_to

register = template.Library()


@register.inclusion_tag("consultations/_unit_consultations.html", takes_context=True)
def unit_consultations(context, unit):
    user = context["request"].user
    return {
        "unit": unit,
        "norm": norm_status(unit),
        "recent": list(consultations_visible_to(user).filter(unit=unit).order_by("-created_at", "-id")[:5]),
        "can_create": user.has_perm("consultations.create_consultation", unit),
    }

"""Permissions on units, rooms, standards, assessments and subsidies.

Staff see and change their county's subtree; convenors their own unit and below; approvers and liaisons see
their subtree; members see the units they are linked to. Residents and everyone else get the public pages only.
"""

import rules

from shangliang.people.models import Role
from shangliang.people.rules import is_county_staff, manages_unit, sees_unit
from shangliang.people.selectors import scope_paths, within


@rules.predicate
def sees_money(user, obj) -> bool:
    unit = getattr(obj, "unit", obj)
    return within(unit.path, scope_paths(user, {Role.CPPCC_STAFF, Role.CONVENOR, Role.APPROVER}))


is_superuser = rules.is_superuser

rules.add_perm("units.view_unit", is_superuser | sees_unit)
rules.add_perm("units.change_unit", is_superuser | manages_unit)
rules.add_perm("units.move_unit", is_superuser | is_county_staff)
rules.add_perm("units.view_room", is_superuser | sees_unit)
rules.add_perm("units.change_room", is_superuser | manages_unit)
rules.add_perm("units.view_assessment", is_superuser | sees_unit)
rules.add_perm("units.assess_room", is_superuser | manages_unit)
rules.add_perm("units.view_subsidy", is_superuser | sees_money)
rules.add_perm("units.add_subsidy", is_superuser | is_county_staff)
rules.add_perm("units.configure_standard", is_superuser | is_county_staff)
# The county's working-day calendar: everyone working in the county reads it; its CPPCC office keeps it.
rules.add_perm("units.view_calendar", is_superuser | sees_unit)
rules.add_perm("units.change_calendar", is_superuser | is_county_staff)

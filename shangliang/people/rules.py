"""Permissions on people: role assignments, member links and the talent pool (obj is a Unit)."""

import rules

from shangliang.people.models import Role
from shangliang.people.selectors import county_ids, manage_paths, may_appoint, scope_paths, view_paths, within


def _unit(obj):
    return getattr(obj, "unit", obj)


@rules.predicate
def sees_unit(user, obj) -> bool:
    return obj is not None and within(_unit(obj).path, view_paths(user))


@rules.predicate
def manages_unit(user, obj) -> bool:
    return obj is not None and within(_unit(obj).path, manage_paths(user))


@rules.predicate
def is_county_staff(user, obj) -> bool:
    """CPPCC office staff of the county the object belongs to (obj: a unit, or anything with .unit)."""
    return obj is not None and within(_unit(obj).path, scope_paths(user, {Role.CPPCC_STAFF}))


@rules.predicate
def works_in_county(user, obj) -> bool:
    """Staff, convenors and approvers working anywhere in the object's county (they draw on its talent pool)."""
    unit = _unit(obj)
    if unit is None:
        return False
    county_id = unit.county_id
    return county_id in county_ids(user, {Role.CPPCC_STAFF, Role.CONVENOR, Role.APPROVER})


@rules.predicate
def may_end(user, assignment) -> bool:
    """Ending an assignment (obj: a RoleAssignment) needs what appointing its role in its unit needs."""
    return assignment is not None and may_appoint(user, assignment.unit, assignment.role)


is_superuser = rules.is_superuser

rules.add_perm("people.view_assignments", is_superuser | sees_unit)
rules.add_perm("people.change_assignments", is_superuser | manages_unit)
rules.add_perm("people.end_assignment", is_superuser | may_end)
rules.add_perm("people.view_member_links", is_superuser | sees_unit)
rules.add_perm("people.change_member_links", is_superuser | is_county_staff)
rules.add_perm("people.view_talent", is_superuser | works_in_county)
rules.add_perm("people.change_talent", is_superuser | is_county_staff)
rules.add_perm("people.manage_people", is_superuser | manages_unit)

"""Permissions on village affairs. The object is a Unit, or anything with a `.unit` (disclosure, meeting, case).

- view (disclosures in draft, meetings, agendas, attendance, figures): whoever sees the unit in the app: the county's
  CPPCC staff, convenors, approvers and liaisons of the subtree, members linked to it;
- manage (record and publish disclosures, correct them, compose agendas, record meetings): CPPCC staff over the
  county, convenors over their subtree;
- the micro-power list: a county's list by its CPPCC staff, a village's own items by whoever manages the village;
- disputes and petitions name people: seen by staff, convenors and approvers over the unit, recorded by managers;
- residents' mobile numbers: only managers see them unmasked;
- the public (no account) sees published disclosures and their earlier versions, and may comment or object while
  a disclosure is open (a matter of its state, checked by the service).
"""

import rules

from shangliang.people.models import Role
from shangliang.people.rules import is_county_staff, manages_unit, sees_unit
from shangliang.people.selectors import scope_paths, within
from shangliang.units.models import UnitKind


def _unit(obj):
    return getattr(obj, "unit", obj)


@rules.predicate
def sees_cases(user, obj) -> bool:
    return obj is not None and within(
        _unit(obj).path, scope_paths(user, {Role.CPPCC_STAFF, Role.CONVENOR, Role.APPROVER})
    )


@rules.predicate
def keeps_power_list(user, obj) -> bool:
    unit = _unit(obj)
    if unit is None:
        return False
    if unit.kind == UnitKind.COUNTY:
        return is_county_staff(user, unit)
    return manages_unit(user, unit)


@rules.predicate
def is_public_disclosure(user, disclosure) -> bool:
    return bool(getattr(disclosure, "is_public", False))


is_superuser = rules.is_superuser

rules.add_perm("villageaffairs.view_village", is_superuser | sees_unit)
rules.add_perm("villageaffairs.manage_village", is_superuser | manages_unit)
rules.add_perm("villageaffairs.change_power_list", is_superuser | keeps_power_list)
rules.add_perm("villageaffairs.configure_norm", is_superuser | is_county_staff)
rules.add_perm("villageaffairs.view_cases", is_superuser | sees_cases)
rules.add_perm("villageaffairs.record_cases", is_superuser | manages_unit)
rules.add_perm("villageaffairs.view_contact", is_superuser | manages_unit)
rules.add_perm("villageaffairs.view_disclosure", is_superuser | is_public_disclosure | sees_unit)
rules.add_perm("villageaffairs.give_feedback", rules.always_allow)

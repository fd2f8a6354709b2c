"""Permissions on topics. The object is a Topic, or a Unit for the "create here" permissions.

- view: whoever sees the unit in the app (staff: county; convenors, approvers, liaisons: their subtree; members: the
  units they are linked to) and the person who entered the topic (a member's recommendation, a resident's concern);
- view contact (unmasked mobile and name): the unit's staff, i.e. CPPCC staff and convenors over the unit;
- screen (三议四不议) and mark urgent: CPPCC staff and convenors over the unit;
- approve / decline (审定): the party approver of the topic's own unit (同级党组织), nobody above or below;
- resubmit a returned topic: who entered it, or (without an account) whoever holds its tracking code;
- support (附议): anyone, once; whether the topic can be supported is a matter of its state, not of the person;
- enter on behalf of residents (网格员收集): liaisons over the unit, CPPCC staff and convenors;
- recommend (委员荐题): members linked to the unit, or holding their member role over it (the county committee);
- assign (党政点题): party approvers over the unit and CPPCC staff.
"""

import rules

from shangliang.people.models import Role
from shangliang.people.rules import is_county_staff, manages_unit, sees_unit
from shangliang.people.selectors import linked_paths, scope_paths, user_scopes, within


def _unit(obj):
    return getattr(obj, "unit", obj)


@rules.predicate
def is_submitter(user, topic) -> bool:
    return bool(getattr(user, "pk", None)) and getattr(topic, "submitter_id", None) == user.pk


@rules.predicate
def holds_tracking_code(user, topic) -> bool:
    code = getattr(user, "tracking_code", None)
    return bool(code) and code == getattr(topic, "tracking_code", None)


@rules.predicate
def is_unit_approver(user, obj) -> bool:
    unit = _unit(obj)
    return unit is not None and any(s.role == Role.APPROVER and s.unit_id == unit.pk for s in user_scopes(user))


@rules.predicate
def is_liaison_over(user, obj) -> bool:
    return obj is not None and within(_unit(obj).path, scope_paths(user, {Role.LIAISON}))


@rules.predicate
def is_member_for(user, obj) -> bool:
    return obj is not None and within(_unit(obj).path, [*linked_paths(user), *scope_paths(user, {Role.MEMBER})])


@rules.predicate
def is_approver_over(user, obj) -> bool:
    return obj is not None and within(_unit(obj).path, scope_paths(user, {Role.APPROVER}))


is_superuser = rules.is_superuser

rules.add_perm("topics.view_topic", is_superuser | sees_unit | is_submitter)
rules.add_perm("topics.view_contact", is_superuser | manages_unit)
rules.add_perm("topics.screen_topic", is_superuser | manages_unit)
rules.add_perm("topics.set_urgent", is_superuser | manages_unit)
rules.add_perm("topics.approve_topic", is_superuser | is_unit_approver)
rules.add_perm("topics.resubmit_topic", is_submitter | holds_tracking_code)
rules.add_perm("topics.support_topic", rules.always_allow)
rules.add_perm("topics.enter_topic", is_superuser | is_liaison_over | manages_unit)
rules.add_perm("topics.recommend_topic", is_superuser | is_member_for)
rules.add_perm("topics.assign_topic", is_superuser | is_approver_over | is_county_staff)
# Which sources' open topics the county's public pages list: the county's CPPCC office.
rules.add_perm("topics.configure_publicity", is_superuser | is_county_staff)

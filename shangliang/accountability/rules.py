"""Permissions on implementation and evaluation. The object is a ResponsibilityTask, a Consultation or a Unit.

- the office (decides: assigns, reassigns, approves hand-backs and extensions, verifies, reopens, cancels, chases,
  posts notices, names supervisors): CPPCC staff over the unit (their county), and the convenor and the party
  approver of the consultation's own unit (nobody above or below: a town's convenor does not run a village's list);
- the body (signs, asks to hand back, reports progress and completion, asks for more time): the named person's
  account; the staff of the responsible department (department role with that department); the convenors and party
  approvers of the responsible unit;
- supervisors (督办): the members the office named on the task: comment, escalate, chase, record follow-up checks;
- view a task: whoever sees its unit in the app, its body, its supervisors, the evaluators over it;
- see contact numbers unmasked: the office and the supervisors on a task's page; in files (ledgers, reports) only the
  county's CPPCC office; everyone else sees 138****5678;
- evaluate a consultation (第三方评估): evaluators of its county (the evaluator role over its unit);
- configure the county's settings and evaluation form: CPPCC staff of the county;
- rating and following (公示 pages) are open to everyone; whether a task can be rated is a matter of its state.
- reopen also for the platform itself (`SystemActor`), when residents' dissatisfaction or a follow-up check says so.
"""

from __future__ import annotations

import rules
from django.contrib.auth.models import AnonymousUser

from shangliang.accountability.models import Supervision
from shangliang.people.models import Role
from shangliang.people.rules import is_county_staff, sees_unit
from shangliang.people.selectors import department_ids, scope_paths, user_scopes, within


class SystemActor(AnonymousUser):
    """The platform acting on its own rules (automatic reopening). Events record no person for it."""

    is_accountability_system = True


SYSTEM = SystemActor()


def _unit_of(obj):
    """The unit whose office manages `obj`: a task's or a consultation's unit, or the unit itself."""
    return getattr(obj, "unit", obj)


def supervised_task_ids(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_sl_acc_supervised", None)
    if cached is None:
        cached = frozenset(Supervision.objects.filter(member_id=user.pk).values_list("task_id", flat=True))
        user._sl_acc_supervised = cached
    return cached


@rules.predicate
def is_office(user, obj) -> bool:
    unit = _unit_of(obj)
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    if within(unit.path, scope_paths(user, {Role.CPPCC_STAFF})):
        return True
    return any(s.role in (Role.CONVENOR, Role.APPROVER) and s.unit_id == unit.pk for s in user_scopes(user))


@rules.predicate
def is_task_body(user, task) -> bool:
    if task is None or not getattr(user, "is_authenticated", False):
        return False
    if task.owner_id == user.pk:
        return True
    if task.department_id is not None:
        return task.department_id in department_ids(user)
    return any(s.role in (Role.CONVENOR, Role.APPROVER) and s.unit_id == task.owner_unit_id for s in user_scopes(user))


@rules.predicate
def is_supervisor(user, task) -> bool:
    return task is not None and task.pk in supervised_task_ids(user)


@rules.predicate
def is_system(user, obj) -> bool:
    return bool(getattr(user, "is_accountability_system", False))


@rules.predicate
def is_evaluator_over(user, obj) -> bool:
    unit = _unit_of(obj)
    return unit is not None and within(unit.path, scope_paths(user, {Role.EVALUATOR}))


@rules.predicate
def sees_task_unit(user, task) -> bool:
    return task is not None and sees_unit(user, task.unit)


is_superuser = rules.is_superuser

rules.add_perm(
    "accountability.view_task",
    is_superuser | sees_task_unit | is_task_body | is_supervisor | is_office | is_evaluator_over,
)
rules.add_perm("accountability.manage_task", is_superuser | is_office)
rules.add_perm("accountability.act_on_task", is_superuser | is_task_body)
rules.add_perm("accountability.reopen_task", is_superuser | is_office | is_system)
rules.add_perm("accountability.supervise_task", is_superuser | is_supervisor)
rules.add_perm("accountability.remind_task", is_superuser | is_office | is_supervisor)
rules.add_perm("accountability.record_follow_up", is_superuser | is_office | is_supervisor)
rules.add_perm("accountability.view_contact", is_superuser | is_office | is_supervisor)
# A ledger or report that leaves the system (tasks.xlsx, the loop report) carries full numbers only for the county's
# CPPCC office, who chase overdue bodies across units; a convenor or approver reads a number on the task's own page.
rules.add_perm("accountability.export_contacts", is_superuser | is_county_staff)
rules.add_perm("accountability.assign_tasks", is_superuser | is_office)
rules.add_perm("accountability.view_results", is_superuser | sees_unit | is_office | is_evaluator_over)
rules.add_perm("accountability.evaluate", is_evaluator_over)
rules.add_perm("accountability.view_lists", is_superuser | sees_unit)
rules.add_perm("accountability.configure", is_superuser | is_county_staff)

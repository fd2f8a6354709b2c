"""Permissions on public-opinion reports. The object is an OpinionReport, or a Unit for "write about this place" and
the figures.

- write: CPPCC members (the county committee: anywhere in their county, and the units they are linked to) and
  invited informants (民意联络员/特邀信息员, the liaison role: their subtree);
- author: who wrote it edits and submits it while it is a draft or returned; contributors (authors of reports
  merged into it) see it;
- the county's CPPCC office (staff) sees every submitted report of the county and processes it: edit, return,
  merge, adopt, decline, record endorsements, hand to a body, review the answer;
- convenors see the submitted reports about their subtree (read only);
- the receiving body (a department's staff) sees the reports handed to it, signs for, hands back or answers them;
- the figures of a unit: staff, convenors and approvers over it.
Nobody but the author sees a draft.
"""

import rules

from shangliang.opinions.models import HANDED_STATES, ReportStatus
from shangliang.people.models import Role
from shangliang.people.selectors import department_ids, linked_paths, scope_paths, within


@rules.predicate
def is_author(user, report) -> bool:
    return bool(getattr(user, "pk", None)) and getattr(report, "author_id", None) == user.pk


@rules.predicate
def is_contributor(user, report) -> bool:
    if not getattr(user, "pk", None) or report is None:
        return False
    ids = getattr(report, "_contributor_ids", None)
    if ids is None:
        ids = set(report.contributors.values_list("pk", flat=True))
        report._contributor_ids = ids
    return user.pk in ids


@rules.predicate
def is_office(user, report) -> bool:
    return report is not None and within(report.county.path, scope_paths(user, {Role.CPPCC_STAFF}))


@rules.predicate
def is_submitted(user, report) -> bool:
    return report is not None and report.status != ReportStatus.DRAFT


@rules.predicate
def is_convenor_over(user, report) -> bool:
    return report is not None and within(report.unit.path, scope_paths(user, {Role.CONVENOR}))


@rules.predicate
def is_receiving_body(user, report) -> bool:
    return (
        report is not None
        and report.department_id is not None
        and report.status in HANDED_STATES
        and report.department_id in department_ids(user)
    )


@rules.predicate
def may_write_about(user, unit) -> bool:
    if unit is None:
        return False
    return within(unit.path, [*scope_paths(user, {Role.MEMBER, Role.LIAISON}), *linked_paths(user)])


@rules.predicate
def sees_figures(user, unit) -> bool:
    unit = getattr(unit, "unit", unit)
    return unit is not None and within(unit.path, scope_paths(user, {Role.CPPCC_STAFF, Role.CONVENOR, Role.APPROVER}))


is_superuser = rules.is_superuser

rules.add_perm(
    "opinions.view_report",
    is_author | is_contributor | (is_submitted & (is_superuser | is_office | is_convenor_over)) | is_receiving_body,
)
rules.add_perm("opinions.author_report", is_author)
rules.add_perm("opinions.process_report", is_submitted & (is_superuser | is_office))
rules.add_perm("opinions.handle_report", is_receiving_body)
rules.add_perm("opinions.write_report", may_write_about)
rules.add_perm("opinions.view_figures", is_superuser | sees_figures)

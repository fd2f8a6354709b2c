"""Who holds which role where, and what that lets them see. Every read that encodes visibility lives here.

A user's active assignments and member links are loaded once per user object (one request) and cached on it,
so permission checks over a page of objects cost no further queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from shangliang.people.models import MemberLink, Role, RoleAssignment, Talent

# Roles whose holders see their unit and everything below it inside the app.
VIEW_ROLES = frozenset({Role.CPPCC_STAFF, Role.CONVENOR, Role.APPROVER, Role.LIAISON})
# Roles whose holders change their unit and everything below it.
MANAGE_ROLES = frozenset({Role.CPPCC_STAFF, Role.CONVENOR})
# Roles a convenor may assign inside their subtree; the CPPCC office and the party appoint the others.
CONVENOR_ASSIGNABLE_ROLES = frozenset({Role.LIAISON, Role.RESIDENT, Role.CONVENOR, Role.MEMBER, Role.EXPERT})


@dataclass(frozen=True)
class Scope:
    role: str
    unit_id: int
    path: str
    county_id: int | None
    unit_name: str


def active_q(on: date, start: str = "assumed_at", end: str = "renounced_at") -> Q:
    """Active on `on`: started on or before it, and not yet ended (the end date is the first day off)."""
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": on}))


def user_scopes(user) -> tuple[Scope, ...]:
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_sl_scopes", None)
    if cached is None:
        today = timezone.localdate()
        rows = (
            RoleAssignment.objects.filter(active_q(today), user_id=user.pk)
            .values_list("role", "unit_id", "unit__path", "unit__county_id", "unit__name")
            .order_by("id")
        )
        cached = tuple(Scope(*row) for row in rows)
        user._sl_scopes = cached
    return cached


def linked_paths(user) -> tuple[str, ...]:
    """Paths of the units a member is currently linked to (委员联系)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_sl_linked_paths", None)
    if cached is None:
        today = timezone.localdate()
        cached = tuple(
            MemberLink.objects.filter(active_q(today, "started_on", "ended_on"), member_id=user.pk)
            .values_list("unit__path", flat=True)
            .order_by("unit__path")
        )
        user._sl_linked_paths = cached
    return cached


def has_role(user, roles: Iterable[str]) -> bool:
    roles = set(roles)
    return any(s.role in roles for s in user_scopes(user))


def scope_paths(user, roles: Iterable[str]) -> list[str]:
    roles = set(roles)
    return [s.path for s in user_scopes(user) if s.role in roles]


def within(path: str, paths: Iterable[str]) -> bool:
    return any(path.startswith(p) for p in paths)


def view_paths(user) -> list[str]:
    """Subtree roots the user may see inside the app: role scopes and member links."""
    return _minimal([*scope_paths(user, VIEW_ROLES), *linked_paths(user)])


def manage_paths(user) -> list[str]:
    return _minimal(scope_paths(user, MANAGE_ROLES))


def _minimal(paths: Iterable[str]) -> list[str]:
    """Drop paths already inside another one, so OR-ed subtree filters stay short."""
    result: list[str] = []
    for p in sorted(set(paths)):
        if not result or not p.startswith(result[-1]):
            result.append(p)
    return result


def subtree_filter(paths: Iterable[str], prefix: str = "") -> Q:
    """Q matching objects whose unit (through `prefix`) is in any of the subtrees; matches nothing if none."""
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{prefix}path__startswith": p})
    return q


def county_ids(user, roles: Iterable[str] | None = None) -> set[int]:
    roles = set(roles) if roles is not None else None
    return {s.county_id for s in user_scopes(user) if s.county_id and (roles is None or s.role in roles)}


def assignments_of_unit(unit, *, current_only: bool = True):
    qs = RoleAssignment.objects.filter(unit=unit).select_related("user", "sector", "department")
    if current_only:
        qs = qs.filter(active_q(timezone.localdate()))
    return qs.order_by("role", "position", "id")


def talents_for_county(county, *, kind: str = "", field_id: int | None = None, query: str = ""):
    qs = Talent.objects.filter(county=county, is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if field_id:
        qs = qs.filter(fields__id=field_id)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(organisation__icontains=query) | Q(title__icontains=query))
    return qs.prefetch_related("fields").order_by("kind", "id").distinct()

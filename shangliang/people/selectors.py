"""Who holds which role where, and what that lets them see. Every read that encodes visibility lives here.

A user's active assignments and member links are loaded once per user object (one request) and cached on it,
so permission checks over a page of objects cost no further queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr

from shangliang.core import clock
from shangliang.core.crypto import mobile_hash
from shangliang.people.models import Expertise, MemberLink, Role, RoleAssignment, Talent, User, active_q
from shangliang.units.models import Unit, UnitKind

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


def user_scopes(user) -> tuple[Scope, ...]:
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_sl_scopes", None)
    if cached is None:
        today = clock.today()
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
        today = clock.today()
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


SHORT_LIST = 2000


def in_subtrees_or(qs, paths: Iterable[str], other: Q, prefix: str = ""):
    """`qs` narrowed to objects in the subtrees or matching `other` (a user's own, or those given to their body).

    An OR across the unit join makes the database read the whole table; so when nothing matching `other` lies outside
    the subtrees (the common case: a convenor's own topics are in their own subtree) only the subtree arm is kept, and
    with no subtree only `other` is. One cheap query (through `other`'s index) decides."""
    paths = list(paths)
    inside = subtree_filter(paths, prefix)
    if not paths:
        return qs.filter(other)
    outside = qs.filter(other).exclude(inside)
    if not outside.exists():
        return qs.filter(inside)
    # Both arms: when each is a short list (a member's linked villages and their own topics elsewhere), name them by
    # id, so the database combines two index scans of the table itself instead of reading all of it.

    units = list(Unit.objects.filter(subtree_filter(paths)).values_list("pk", flat=True)[: SHORT_LIST + 1])
    extra = list(outside.values_list("pk", flat=True)[: SHORT_LIST + 1])
    if len(units) <= SHORT_LIST and len(extra) <= SHORT_LIST:
        unit_field = f"{prefix[:-2]}_id__in" if prefix else "pk__in"
        return qs.filter(Q(**{unit_field: units}) | Q(pk__in=extra))
    return qs.filter(inside | other)


def department_ids(user) -> frozenset[int]:
    """The bodies (people.Department) the user currently works for (department role), loaded once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_sl_department_ids", None)
    if cached is None:
        cached = frozenset(
            RoleAssignment.objects.filter(
                active_q(clock.today()), user_id=user.pk, role=Role.DEPARTMENT, department__isnull=False
            ).values_list("department_id", flat=True)
        )
        user._sl_department_ids = cached
    return cached


def county_ids(user, roles: Iterable[str] | None = None) -> set[int]:
    roles = set(roles) if roles is not None else None
    return {s.county_id for s in user_scopes(user) if s.county_id and (roles is None or s.role in roles)}


def assignments_of_unit(unit, *, current_only: bool = True):
    qs = RoleAssignment.objects.filter(unit=unit).select_related("user", "sector", "department")
    if current_only:
        qs = qs.active()
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


# --- pages of the people app -------------------------------------------------------------------------------------


class AssignmentStatus:
    CURRENT = "current"  # not ended yet (includes assignments that start later)
    PAST = "past"  # renounced: ended on or before today
    ALL = "all"


def unit_assignments(unit, *, status: str = AssignmentStatus.CURRENT, role: str = ""):
    """A unit's role assignments for its people page, current ones by default; past ones behind the filter."""
    today = clock.today()
    qs = RoleAssignment.objects.filter(unit=unit).select_related("user", "sector", "department")
    if status == AssignmentStatus.CURRENT:
        qs = qs.filter(Q(renounced_at__isnull=True) | Q(renounced_at__gt=today))
    elif status == AssignmentStatus.PAST:
        qs = qs.filter(renounced_at__lte=today)
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("role", "position", "-assumed_at", "id")


def assignable_roles(actor, unit) -> frozenset[str]:
    """Roles `actor` may assign in `unit`: all for the county's CPPCC staff; convenors only some (see services)."""
    if actor.is_superuser or within(unit.path, scope_paths(actor, {Role.CPPCC_STAFF})):
        return frozenset(Role.values)
    return CONVENOR_ASSIGNABLE_ROLES


def may_appoint(actor, unit, role: str) -> bool:
    """Whether `actor` may appoint someone to `role` in `unit`, and so end such an appointment: only whoever may
    appoint a role may dismiss from it (a convenor may not end the party approver's appointment)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if not (actor.is_superuser or within(unit.path, manage_paths(actor))):
        return False
    return role in assignable_roles(actor, unit)


def county_path(unit) -> str:
    """The subtree people of `unit` are looked up in: its county's, or its own above county level."""
    if unit.county_id is None or unit.county_id == unit.pk:
        return unit.path
    return unit.county.path


def find_people(unit, text: str, *, limit: int = 2) -> list:
    """People of the unit's county (holding or having held a role there) whose username or mobile is `text`.

    Exact matches only, and only within the county: a form cannot be used to probe for accounts elsewhere.
    """
    text = (text or "").strip()
    if not text:
        return []
    match = Q(username__iexact=text)
    phone = text.replace(" ", "").replace("-", "").removeprefix("+86")
    if phone.isdigit() and len(phone) == 11:
        match |= Q(phone_hash=mobile_hash(phone))
    in_county = RoleAssignment.objects.filter(unit__path__startswith=county_path(unit)).values("user_id")
    return list(User.objects.filter(match, pk__in=in_county, is_active=True).order_by("id")[:limit])


class LinkStatus:
    CURRENT = "current"
    ENDED = "ended"
    ALL = "all"


def county_people(unit, query: str = ""):
    """Active people of the unit's county (holding or having held a role there), by name; narrowed by a part of the
    name or username, or by a whole mobile number (matched by its keyed hash: numbers are not stored in clear)."""
    in_county = RoleAssignment.objects.filter(unit__path__startswith=county_path(unit)).values("user_id")
    return people_matching(User.objects.filter(pk__in=in_county, is_active=True).order_by("full_name", "pk"), query)


def people_matching(people, query: str = ""):
    """`people` narrowed by a part of the name or username, or by a whole mobile number (matched by its keyed hash:
    numbers are not stored in clear, so no part of a number finds anyone)."""
    text = (query or "").strip()
    if not text:
        return people
    match = Q(full_name__icontains=text) | Q(username__icontains=text)
    phone = text.replace(" ", "").replace("-", "").removeprefix("+86")
    if phone.isdigit() and len(phone) == 11:
        match |= Q(phone_hash=mobile_hash(phone))
    return people.filter(match)


def link_target_units(county):
    """Towns and villages of a county: what members are linked to (one-to-one, area, studio); each with the name of
    the unit above it (`parent_name`), since two towns may each have a village of the same name."""
    kinds = [UnitKind.TOWN, UnitKind.SUBDISTRICT, UnitKind.URBAN_AREA, UnitKind.VILLAGE, UnitKind.COMMUNITY]
    parent = Unit.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen))
    return (
        Unit.objects.filter(path__startswith=county.path, kind__in=kinds)
        .annotate(parent_name=Subquery(parent.values("name")[:1]))
        .order_by("path")
    )


def county_members(county):
    """The members (委员) holding the role anywhere in the county today, by name: whom a member link may name."""
    return holders([Role.MEMBER], subtree_of=county).order_by("full_name", "pk")


def member_links_of_county(county, *, kind: str = "", member: str = "", unit=None, status: str = LinkStatus.CURRENT):
    today = clock.today()
    qs = MemberLink.objects.filter(unit__path__startswith=county.path).select_related("member", "unit", "sector")
    if status == LinkStatus.CURRENT:
        qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
    elif status == LinkStatus.ENDED:
        qs = qs.filter(ended_on__lte=today)
    if kind:
        qs = qs.filter(kind=kind)
    if member:
        qs = qs.filter(Q(member__full_name__icontains=member) | Q(member__username__iexact=member))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("unit__path", "kind", "id")


def expertise_of_county(county):
    """The fields of expertise used in a county's talent pool (the filter's choices)."""
    return Expertise.objects.filter(talents__county=county).distinct().order_by("name")


def talent_pool(county, *, kind: str = "", field_id: int | None = None, query: str = "", active_only: bool = True):
    """The talent pool page: like talents_for_county, but keepers also see entries taken out of the pool."""
    qs = Talent.objects.filter(county=county)
    if active_only:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if field_id:
        qs = qs.filter(pk__in=Talent.objects.filter(fields__id=field_id).values("pk"))
    if query:
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(organisation__icontains=query)
            | Q(title__icontains=query)
            | Q(bio__icontains=query)
        )
    return qs.prefetch_related("fields").order_by("-is_active", "kind", "id")


def units_visible_to(user):
    """Units the user may open inside the app (public pages are open to all)."""
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(subtree_filter(view_paths(user)))


def top_units_for(user):
    """The roots of what the user sees: where the unit tree starts for them."""
    if user.is_superuser:
        return Unit.get_root_nodes()
    return Unit.objects.filter(path__in=view_paths(user)).order_by("path")


def holders(
    roles: Iterable[str],
    *,
    units: Iterable | None = None,
    subtree_of: Unit | None = None,
    departments: Iterable | None = None,
    on: date | None = None,
):
    """The active users holding one of `roles` today (or on `on`): in one of `units` (units, ids, or a queryset of
    units), anywhere in the subtree of `subtree_of`, for one of `departments`; ordered by id.

    A queryset of users: list() it, or use it as a subquery."""
    assignments = RoleAssignment.objects.active(on).filter(role__in=list(roles))
    if units is not None:
        assignments = assignments.filter(unit__in=units)
    if subtree_of is not None:
        assignments = assignments.filter(unit__path__startswith=subtree_of.path)
    if departments is not None:
        assignments = assignments.filter(department__in=departments)
    return User.objects.filter(pk__in=assignments.values("user_id"), is_active=True).order_by("pk")

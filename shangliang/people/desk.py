"""The desk (工作台): what waits for a person across their units, and the menu of what their roles can use.

people sits below the apps whose work waits (topics, consultations, accountability, village affairs), so it cannot
ask them: each app registers its desk sections and menu entries in its AppConfig.ready() (as it registers its event
vocabulary), and the home page and the menu read this registry.

Cost: a section whose `applies` is false for the person (decided from the scopes already loaded for the request)
costs nothing; one that applies costs a count and one query for its first items (with their relations selected), so
a desk is a fixed number of queries however much waits. The menu needs only the counts, computed once per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shangliang.people.models import Role
from shangliang.people.selectors import user_scopes, view_paths

DESK_LIMIT = 8


@dataclass(frozen=True)
class DeskItem:
    """One thing waiting: what it is, where it is done (one click), and a line of context (unit, date, state)."""

    title: str
    url: str
    meta: str = ""
    action: str = ""  # the verb of the step waiting ("筛选", "签收"): the link's label
    overdue: bool = False


@dataclass(frozen=True)
class DeskSection:
    key: str  # "<app>.<what>", unique
    title: Any  # lazy text
    menu: str | tuple[str, ...]  # the menu entry counting this section (the first of these the person has)
    queryset: Callable[[Any], Any]  # user → queryset of what waits (relations the item reads selected)
    item: Callable[[Any], DeskItem]  # one object → its line
    # objects → the same objects ready for `item` (what each line needs that costs queries, told for all at once)
    prepare: Callable[[list], list] = list
    applies: Callable[[Any], bool] = lambda user: True  # cheap: from the request's cached scopes
    more: Callable[[Any], str] | None = None  # user → the full list's address
    order: int = 100
    counts: bool = True  # False: shown on the desk for information (a resident's own topics), not a waiting count
    empty: Any = ""  # shown when nothing waits (sections that always show); otherwise an empty section is left out


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: Any
    url: Callable[[Any], str]  # user → address
    applies: Callable[[Any], bool]
    order: int = 100


@dataclass
class FilledSection:
    section: DeskSection
    count: int
    items: list[DeskItem] = field(default_factory=list)
    more_url: str = ""

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def anchor(self) -> str:
        """The section's id on the page: desk-topics-screen."""
        return "desk-" + self.section.key.replace(".", "-").replace("_", "-")

    @property
    def title(self):
        return self.section.title

    @property
    def shown_all(self) -> bool:
        return self.count <= len(self.items)


@dataclass(frozen=True)
class FilledEntry:
    entry: MenuEntry
    url: str
    count: int

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def label(self):
        return self.entry.label


_sections: dict[str, DeskSection] = {}
_entries: dict[str, MenuEntry] = {}


def register_section(section: DeskSection) -> None:
    _sections[section.key] = section


def register_menu_entry(entry: MenuEntry) -> None:
    _entries[entry.key] = entry


def sections() -> list[DeskSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


# --- who is who (cheap, from the request's scopes) ------------------------------------------------------------------

# Roles that work inside the app over units or bodies; a person with none of them uses the resident's menu.
WORKING_ROLES = frozenset(Role.values) - {Role.RESIDENT}


def roles_of(user) -> set[str]:
    return {s.role for s in user_scopes(user)}


def has_any_role(*roles: str) -> Callable[[Any], bool]:
    wanted = set(roles)
    return lambda user: bool(roles_of(user) & wanted)


def sees_units(user) -> bool:
    """Sees some unit inside the app: staff, convenors, approvers, liaisons, linked members."""
    return bool(getattr(user, "is_superuser", False) or view_paths(user))


def is_resident_user(user) -> bool:
    """A signed-in person without a working role (a resident, or someone who has no role yet): the resident's menu."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    return not (roles_of(user) & WORKING_ROLES) and not sees_units(user)


def is_staff_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not is_resident_user(user)


# --- reading the registry ------------------------------------------------------------------------------------------


def _applicable(user) -> list[DeskSection]:
    return [s for s in sections() if s.applies(user)]


def section_counts(user) -> dict[str, int]:
    """The count of every section that applies to `user` (one query each), computed once per user object."""
    cached = getattr(user, "_sl_desk_counts", None)
    if cached is None:
        cached = {s.key: s.queryset(user).count() for s in _applicable(user)}
        user._sl_desk_counts = cached
    return cached


def desk_for(user, *, limit: int = DESK_LIMIT) -> list[FilledSection]:
    """The desk: each applicable section with its count and first items; sections with nothing in them are left out
    unless they say what to show when empty."""
    counts = section_counts(user)
    filled = []
    for s in _applicable(user):
        n = counts[s.key]
        if not n and not s.empty:
            continue
        items = [s.item(obj) for obj in s.prepare(list(s.queryset(user)[:limit]))] if n else []
        filled.append(FilledSection(s, n, items, s.more(user) if s.more else ""))
    return filled


def waiting_total(user) -> int:
    counts = section_counts(user)
    return sum(n for key, n in counts.items() if _sections[key].counts)


def menu_for(user) -> list[FilledEntry]:
    """The menu entries `user` can use, each with the number of things waiting under it."""
    if not getattr(user, "is_authenticated", False):
        return []
    counts = section_counts(user)
    entries = sorted((e for e in _entries.values() if e.applies(user)), key=lambda e: (e.order, e.key))
    usable = {e.key for e in entries}
    per_entry: dict[str, int] = {}
    for key, n in counts.items():
        s = _sections[key]
        menus = (s.menu,) if isinstance(s.menu, str) else s.menu
        home = next((m for m in menus if m in usable), None)
        if s.counts and home is not None:
            per_entry[home] = per_entry.get(home, 0) + n
    out = []
    for e in entries:
        count = waiting_total(user) if e.key == DESK else per_entry.get(e.key, 0)
        out.append(FilledEntry(e, e.url(user), count))
    return out


def url(name: str, *args, query: str = "") -> Callable[[Any], str]:
    """A menu entry's or a section's address by its URL name (resolved when shown, so no app is imported)."""
    return lambda user: reverse(name, args=args) + query


DESK = "desk"


def register_people_entries() -> None:
    """The entries people owns (PeopleConfig.ready): the desk, the unit tree, the public site."""
    always = lambda user: True  # noqa: E731
    register_menu_entry(MenuEntry(DESK, _("工作台"), url("home"), always, order=0))
    register_menu_entry(MenuEntry("units", _("单元与阵地"), url("units:index"), sees_units, order=10))
    register_menu_entry(MenuEntry("public", _("公开信息"), url("public:index"), is_resident_user, order=90))

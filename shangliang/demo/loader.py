"""The demo loader: a list of steps, each idempotent on its own, run in order, each in its own transaction.

A step is a function `step(ctx) -> bool` that returns False when what it would create is already there (so a second
load adds nothing) and True when it wrote something. Later demo areas (topics, consultations, …) append their steps
to `STEPS`; a step may rely on the ones before it and finds what it needs in the database, not in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from shangliang.people.models import MemberLink, Role, RoleAssignment, User
from shangliang.units.models import Room, RoomStage, Unit, UnitKind

from . import (
    accountability,
    administrators,
    consultations,
    county,
    dashboards,
    lived,
    online,
    opinions,
    people,
    topics,
    village_cases,
    village_loop,
    villageaffairs,
)


class DemoContext:
    """What steps share: the demo password, hashed once (Argon2 is deliberately slow)."""

    def __init__(self) -> None:
        self._hash: str | None = None

    def demo_password_hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(settings.DEMO_PASSWORD)
        return self._hash


Step = Callable[[DemoContext], bool]

STEPS: list[tuple[str, Step]] = [
    ("units", county.build_units),
    ("standard", county.build_standard),
    ("directory", people.build_directory),
    ("people", people.build_people),
    ("rooms", county.build_rooms),
    ("assessments", county.build_assessments),
    ("subsidies", county.build_subsidies),
    ("topics", topics.build_topics),
    ("consultations", consultations.build_consultations),
    ("accountability", accountability.build_accountability),
    ("online", online.build_online_room),
    ("power_list", villageaffairs.build_power_list),
    ("village_affairs", villageaffairs.build_village_affairs),
    ("village_cases", village_cases.build_cases),
    ("opinion_reports", opinions.build_reports),
    # The everyday work of the year and a half before today around the curated examples (demo.lived): the county's
    # norms kept.
    ("lived_year", lived.build_lived_year),
    ("dashboard_settings", dashboards.build_dashboard_settings),
    ("administrators", administrators.build_administrators),
    ("village_loop", village_loop.build_village_loop),
]

# One demo account per role of docs/domain.md, in the order the login page lists them.
DEMO_ACCOUNTS: list[tuple[str, str]] = [
    ("demo_staff", Role.CPPCC_STAFF),
    ("demo_convenor", Role.CONVENOR),
    ("demo_member", Role.MEMBER),
    ("demo_liaison", Role.LIAISON),
    ("demo_approver", Role.APPROVER),
    # The demo resident's village's party secretary: its approver and first convenor (demo.village_loop).
    ("demo_secretary", Role.APPROVER),
    ("demo_department", Role.DEPARTMENT),
    ("demo_expert", Role.EXPERT),
    ("demo_resident", Role.RESIDENT),
    ("demo_evaluator", Role.EVALUATOR),
]


@dataclass
class DemoSummary:
    created: list[str] = field(default_factory=list)  # steps that wrote something
    units: dict[str, int] = field(default_factory=dict)
    rooms: dict[str, int] = field(default_factory=dict)
    people: int = 0
    members: int = 0
    links: int = 0

    def lines(self) -> list[str]:
        def breakdown(counts: dict[str, int], labels: list[tuple[str, str]]) -> str:
            return "、".join(f"{label} {counts.get(key, 0)}" for key, label in labels)

        units = breakdown(
            self.units,
            [
                (UnitKind.COUNTY, "区县"),
                (UnitKind.TOWN, "镇"),
                (UnitKind.URBAN_AREA, "城区"),
                (UnitKind.VILLAGE, "村"),
                (UnitKind.COMMUNITY, "社区"),
                (UnitKind.SECTOR, "界别"),
                (UnitKind.ENTERPRISE, "企事业"),
            ],
        )
        rooms = breakdown(
            self.rooms,
            [
                (RoomStage.PLANNED, "规划中"),
                (RoomStage.PILOT, "试点"),
                (RoomStage.BUILT, "已建成"),
                (RoomStage.DEMONSTRATION, "示范"),
            ],
        )
        return [
            "演示县“东宁市”已载入。" if self.created else "演示县“东宁市”已存在，未作改动。",
            f"单元 {sum(self.units.values())} 个：{units}",
            f"议事阵地 {sum(self.rooms.values())} 个：{rooms}",
            f"人员 {self.people} 人，其中政协委员 {self.members} 人；委员联系 {self.links} 条",
            f"演示账号（统一密码见设置 DEMO_PASSWORD）：{'、'.join(name for name, _r in DEMO_ACCOUNTS)}",
        ]


def load_demo(steps: list[tuple[str, Step]] | None = None) -> DemoSummary:
    ctx = DemoContext()
    summary = DemoSummary()
    for name, step in steps if steps is not None else STEPS:
        with transaction.atomic():
            if step(ctx):
                summary.created.append(name)
    root = county.require_county()
    subtree = Unit.objects.filter(path__startswith=root.path)
    summary.units = _counts(subtree.values_list("kind", flat=True))
    summary.rooms = _counts(Room.objects.filter(unit__path__startswith=root.path).values_list("stage", flat=True))
    in_county = RoleAssignment.objects.filter(unit__path__startswith=root.path)
    summary.people = User.objects.filter(assignments__in=in_county).distinct().count()
    summary.members = in_county.filter(role=Role.MEMBER).values("user").distinct().count()
    summary.links = MemberLink.objects.filter(unit__path__startswith=root.path).count()
    return summary


def fingerprint() -> str:
    """SHA-256 of the demo county's names: unit paths and names, rooms, people (for determinism checks).

    Rows are sorted in Python, not by the database, so SQLite and PostgreSQL (whose collations differ) agree.
    """
    root = county.require_county()
    tables = [
        Unit.objects.filter(path__startswith=root.path).values_list("path", "name", "kind"),
        Room.objects.filter(unit__path__startswith=root.path).values_list("unit__path", "name", "stage", "stage_year"),
        User.objects.filter(assignments__unit__path__startswith=root.path)
        .distinct()
        .values_list("username", "full_name", "phone"),
    ]
    digest = hashlib.sha256()
    for queryset in tables:
        for row in sorted(tuple(str(v) for v in row) for row in queryset):
            digest.update("\t".join(row).encode())
            digest.update(b"\n")
    return digest.hexdigest()


def _counts(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts

"""The demo county 东宁市 (modelled on Dongning: 6 towns, 1 urban area, 100 villages and 8 communities): units, room
standard, rooms, assessments, subsidies.

Each `build_*` function is one loader step: it looks for what it would create, returns False when it is already
there, and otherwise writes everything it owns with bulk inserts, keeping every derived field consistent
(Unit.county, Room.stage/stage_year/operational_since, Assessment.passed). Random choices come from a Random seeded
per step, so a step gives the same result whether it runs alone or after the others.

The rollout follows the seed: 2021 pilots (老黑山镇, 道河镇, 4 villages, the urban area and its 8 communities),
2022 expansion to 76 of the 115 town- and village-level units (66%), full coverage in 2023, demonstration rooms in
2024/2025, second rooms planned for next year (the year after the day of loading: a plan, not history). The
county-wide reviews of 2024 and 2025 find a few rooms short of an item.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shangliang.core import clock
from shangliang.people.models import Role, RoleAssignment
from shangliang.units.models import (
    OPERATIONAL_STAGES,
    Assessment,
    AssessmentResult,
    Room,
    RoomKind,
    RoomStage,
    RoomStageRecord,
    Standard,
    StandardItem,
    Subsidy,
    Unit,
    UnitKind,
)

from .names import NameBook

SEED = "shangliang-demo-dongning"
COUNTY_NAME = "东宁市"
COUNTY_CODE = "231086"
# Units that existed before the platform: the date the county's consultation work was organised on the platform.
ESTABLISHED = date(2021, 1, 1)

# Town-level units in path order, with their number of villages (100 in all).
TOWNS = [("绥阳镇", 20), ("道河镇", 12), ("老黑山镇", 14), ("大肚川镇", 18), ("三岔口镇", 16), ("东宁镇", 20)]
URBAN_AREA = "城区"
COMMUNITIES = ["南山社区", "团结社区", "朝阳社区", "新华社区", "滨河社区", "明义社区", "东关社区", "金桥社区"]
# Named in the seed as a high-standard room with its own theme (the sweet-potato value chain).
FEATURED_VILLAGE = ("大肚川镇", "夹信子村")
# Sector studios (界别委员工作室) as units under the county, with the day they were set up.
SECTOR_UNITS = [
    ("农业界委员工作室", date(2023, 3, 1)),
    ("教育界委员工作室", date(2024, 3, 1)),
    ("经济界委员工作室", date(2025, 6, 1)),
]
ENTERPRISE_UNITS = [("绥阳黑木耳产业园", date(2025, 4, 1)), ("东宁口岸物流园", date(2025, 4, 1))]

STANDARD_NAME = "五有"
STANDARD_ITEMS = [
    ("有组织", "明确第一、第二召集人，建立协商议事成员队伍并公示名单"),
    ("有场所", "有固定的协商议事场所，可依托党群服务中心等现有资源“一室多用”"),
    ("有制度", "协商议事规则、工作流程和“三议四不议”原则上墙公示"),
    ("有设施", "配备议事桌椅、记录和展示设备，满足议事需要"),
    ("有标识", "统一悬挂“有事好商量”协商议事室标识牌"),
]
PASS_NOTES = {
    "有组织": ["召集人和议事成员名单已明确并公示", "第一、第二召集人已到位，成员名单上墙"],
    "有场所": ["依托党群服务中心设置，面积约40平方米", "与村民活动室共用，可容纳30人", "独立议事室，面积约60平方米"],
    "有制度": ["议事规则、工作流程已上墙", "“三议四不议”原则和工作流程已公示"],
    "有设施": ["桌椅、音响、记录设备齐全", "配备投影和会议记录本，满足议事需要"],
    "有标识": ["统一制作“有事好商量”标识牌", "标识牌悬挂规范、醒目"],
}
FAIL_NOTES = {
    "有标识": [
        "门口“有事好商量”标识牌缺失，尚未悬挂",
        "标识牌褪色破损，已责成更换",
        "议事室搬迁后标识牌未重新悬挂",
    ],
    "有制度": ["议事规则、工作流程未上墙"],
    "有设施": ["缺少记录设备，桌椅不足"],
}
# Items found missing in the reviews, most often the signage (as the brief of the county office says).
FAIL_ITEMS = ["有标识", "有标识", "有标识", "有制度", "有设施", "有标识", "有标识"]
REVIEW_DATES = {2024: (6, 10), 2025: (6, 9)}  # county-wide reviews: month, first day


def rng_for(step: str) -> random.Random:
    return random.Random(f"{SEED}:{step}")


def get_county() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.COUNTY, code=COUNTY_CODE).order_by("path").first()


def require_county() -> Unit:
    county = get_county()
    if county is None:
        raise RuntimeError("demo county missing: run the units step first")
    return county


def demo_staff_users(county: Unit) -> list:
    """CPPCC staff of the county (assessors and recorders), if the people step has run."""
    rows = RoleAssignment.objects.filter(unit=county, role=Role.CPPCC_STAFF).select_related("user")
    # Sorted in Python: database collations differ, and the choice of assessor must not.
    return sorted({a.user.pk: a.user for a in rows}.values(), key=lambda u: u.username)


# ---------------------------------------------------------------------------------------------------------- units


def _child_path(parent_path: str, position: int) -> str:
    """Path of the `position`-th child (1-based) under a parent, as treebeard's MP_Node would build it."""
    return Unit._get_path(parent_path, len(parent_path) // Unit.steplen + 1, position)


def build_units(ctx) -> bool:
    """County → 6 towns + urban area → 100 villages + 8 communities; sector studios and enterprises."""
    if get_county() is not None:
        return False
    book = NameBook(f"{SEED}:villages")
    book.reserve(places=[name for _town, name in [FEATURED_VILLAGE]] + COMMUNITIES)
    county = Unit.objects.add_root(
        instance=Unit(
            name=COUNTY_NAME,
            kind=UnitKind.COUNTY,
            code=COUNTY_CODE,
            established_on=ESTABLISHED,
            description="黑龙江省牡丹江市代管县级市，地处中俄边境，辖6个镇、1个城区局，100个村、8个社区。",
        )
    )
    county.county = county
    county.save(update_fields=["county"])

    level2: list[tuple[str, str, str, date, list[tuple[str, str, str]]]] = []  # name, kind, code, since, children
    for i, (town, count) in enumerate(TOWNS):
        code = f"{COUNTY_CODE}{100 + i:03d}"
        villages = [book.village() for _ in range(count)]
        if town == FEATURED_VILLAGE[0]:
            villages[3] = FEATURED_VILLAGE[1]
        children = [(v, UnitKind.VILLAGE, f"{code}{201 + j:03d}") for j, v in enumerate(villages)]
        level2.append((town, UnitKind.TOWN, code, ESTABLISHED, children))
    urban_code = f"{COUNTY_CODE}{100 + len(TOWNS):03d}"
    communities = [(c, UnitKind.COMMUNITY, f"{urban_code}{1 + j:03d}") for j, c in enumerate(COMMUNITIES)]
    level2.append((URBAN_AREA, UnitKind.URBAN_AREA, urban_code, ESTABLISHED, communities))
    level2 += [(name, UnitKind.SECTOR, "", since, []) for name, since in SECTOR_UNITS]
    level2 += [(name, UnitKind.ENTERPRISE, "", since, []) for name, since in ENTERPRISE_UNITS]

    units: list[Unit] = []
    for i, (name, kind, code, since, children) in enumerate(level2, start=1):
        path = _child_path(county.path, i)
        units.append(
            Unit(
                name=name,
                kind=kind,
                code=code,
                established_on=since,
                path=path,
                depth=county.depth + 1,
                numchild=len(children),
                county=county,
            )
        )
        for j, (child, child_kind, child_code) in enumerate(children, start=1):
            units.append(
                Unit(
                    name=child,
                    kind=child_kind,
                    code=child_code,
                    established_on=ESTABLISHED,
                    path=_child_path(path, j),
                    depth=county.depth + 2,
                    numchild=0,
                    county=county,
                )
            )
    Unit.objects.bulk_create(units)
    Unit.objects.filter(pk=county.pk).update(numchild=len(level2))
    return True


# ------------------------------------------------------------------------------------------------------- standard


def build_standard(ctx) -> bool:
    county = require_county()
    if Standard.objects.filter(county=county).exists():
        return False
    standard = Standard.objects.create(
        county=county,
        name=STANDARD_NAME,
        description="东宁市协商议事阵地规范化建设标准：有组织、有场所、有制度、有设施、有标识。",
    )
    StandardItem.objects.bulk_create(
        StandardItem(standard=standard, order=i, name=name, description=text)
        for i, (name, text) in enumerate(STANDARD_ITEMS, start=1)
    )
    return True


# ---------------------------------------------------------------------------------------------------------- rooms


@dataclass
class RoomPlan:
    unit: Unit
    name: str
    kind: str
    address: str
    history: list[tuple[str, int, str]] = field(default_factory=list)  # (stage, year, note), oldest first
    description: str = ""


def _room_name(unit: Unit, kind: str) -> str:
    if unit.kind == UnitKind.SECTOR:
        return f"{unit.name}协商议事室"
    suffix = {
        RoomKind.ROOM: "“有事好商量”协商议事室",
        RoomKind.PAVILION: "协商议事亭",
        RoomKind.CORNER: "协商议事角",
        RoomKind.CORRIDOR: "协商议事长廊",
        RoomKind.BENCH: "板凳协商会",
    }[kind]
    return f"{unit.name}{suffix}"


def _address(unit: Unit, town: Unit | None, kind: str) -> str:
    if unit.kind in (UnitKind.TOWN, UnitKind.URBAN_AREA):
        return f"{COUNTY_NAME}{unit.name}党群服务中心二楼"
    if unit.kind == UnitKind.COMMUNITY:
        place = "社区服务中心" if kind == RoomKind.ROOM else "小区广场"
        return f"{COUNTY_NAME}{unit.name}{place}"
    if unit.kind == UnitKind.VILLAGE:
        place = {RoomKind.ROOM: "党群服务中心", RoomKind.PAVILION: "村文化广场", RoomKind.BENCH: "村头大树下"}.get(
            kind, "村委会前广场"
        )
        return f"{COUNTY_NAME}{town.name if town else ''}{unit.name}{place}"
    return f"{COUNTY_NAME}{unit.name}"


def plan_rooms(county: Unit) -> list[RoomPlan]:
    """The rollout of the demo county, from the units in path order and one seeded Random."""
    rng = rng_for("rooms")
    units = list(Unit.objects.filter(path__startswith=county.path, depth__gt=county.depth).order_by("path"))
    towns = [u for u in units if u.depth == county.depth + 1 and u.kind in (UnitKind.TOWN, UnitKind.URBAN_AREA)]
    town_of = {u.pk: t for t in towns for u in units if u.path.startswith(t.path) and u.depth == t.depth + 1}
    villages_by_town = {t.name: [u for u in units if town_of.get(u.pk) == t] for t in towns}
    by_name = {u.name: u for u in units if u.depth == county.depth + 1}

    # Year each town- and village-level unit opened its first room.
    opened: dict[int, int] = {}
    for name in ("老黑山镇", "道河镇", URBAN_AREA):
        opened[by_name[name].pk] = 2021
    for village in villages_by_town[URBAN_AREA]:
        opened[village.pk] = 2021
    for name in ("老黑山镇", "道河镇"):
        for village in villages_by_town[name][:2]:
            opened[village.pk] = 2021
    for town in towns:
        opened.setdefault(town.pk, 2022)
    rest = [u for t in towns for u in villages_by_town[t.name] if u.pk not in opened]
    featured = villages_by_town[FEATURED_VILLAGE[0]][3]
    expansion_size = 76 - len(opened)  # 76 of 115 units by the end of 2022, as in the seed
    pool = [u for u in rest if u.pk != featured.pk]
    chosen = {u.pk for u in rng.sample(pool, expansion_size - 1)} | {featured.pk}
    for village in rest:
        opened[village.pk] = 2022 if village.pk in chosen else 2023

    # Demonstration rooms: the three the seed names, two towns, and one more village.
    suiyang = by_name["绥阳镇"]
    demonstration = {
        by_name["老黑山镇"].pk: 2025,
        suiyang.pk: 2025,
        featured.pk: 2024,
    }
    for village in villages_by_town[URBAN_AREA]:
        if village.name in ("南山社区", "团结社区"):
            demonstration[village.pk] = 2024
    late = [u for u in rest if opened[u.pk] == 2023 and town_of[u.pk] != suiyang]
    demonstration[rng.choice(late).pk] = 2025

    # Some villages built a pavilion rather than a room as their first place to consult.
    village_units = [u for t in towns for u in villages_by_town[t.name] if u.kind == UnitKind.VILLAGE]
    pavilion_first = {u.pk for u in rng.sample(village_units, 7) if u.pk not in demonstration}

    plans: list[RoomPlan] = []
    for unit in [*towns, *(u for t in towns for u in villages_by_town[t.name])]:
        year = opened[unit.pk]
        kind = RoomKind.PAVILION if unit.pk in pavilion_first else RoomKind.ROOM
        plan = RoomPlan(unit, _room_name(unit, kind), kind, _address(unit, town_of.get(unit.pk), kind))
        if year == 2021:
            plan.history += [(RoomStage.PILOT, 2021, "首批试点"), (RoomStage.BUILT, 2022, "试点转为正式阵地")]
        else:
            plan.history.append((RoomStage.BUILT, year, "全面推广" if year == 2022 else "全域覆盖"))
        if unit.pk in demonstration:
            plan.history.append((RoomStage.DEMONSTRATION, demonstration[unit.pk], "评为高标准示范阵地"))
        if unit.pk == featured.pk:
            plan.description = "围绕地瓜全产业链发展设立专门的协商议事主题。"
        plans.append(plan)

    # Second rooms: a few built since 2023, more planned for next year (议事亭/议事角/议事长廊).
    planned = clock.today().year + 1
    note = f"列入{planned}年建设计划"
    community = {u.name: u for u in villages_by_town[URBAN_AREA]}
    plain = [
        u
        for u in village_units
        if u.pk not in demonstration and u.pk not in pavilion_first and town_of[u.pk] != suiyang
    ]
    picks = rng.sample(plain, 7)
    suiyang_villages = villages_by_town["绥阳镇"]
    second: list[tuple[Unit, str, list[tuple[str, int, str]]]] = [
        (community["团结社区"], RoomKind.CORNER, [(RoomStage.BUILT, 2024, "小区议事角")]),
        (suiyang_villages[1], RoomKind.CORRIDOR, [(RoomStage.BUILT, 2025, "沿河议事长廊")]),
        (picks[0], RoomKind.PAVILION, [(RoomStage.BUILT, 2023, "村广场议事亭")]),
        (picks[1], RoomKind.BENCH, [(RoomStage.BUILT, 2025, "田间地头板凳会")]),
        (picks[2], RoomKind.PAVILION, [(RoomStage.PLANNED, planned, note)]),
        (picks[3], RoomKind.PAVILION, [(RoomStage.PLANNED, planned, note)]),
        (picks[4], RoomKind.CORRIDOR, [(RoomStage.PLANNED, planned, note)]),
        (community["滨河社区"], RoomKind.CORNER, [(RoomStage.PLANNED, planned, note)]),
        (suiyang_villages[4], RoomKind.CORNER, [(RoomStage.PLANNED, planned, note)]),
    ]
    for unit, kind, history in second:
        plans.append(RoomPlan(unit, _room_name(unit, kind), kind, _address(unit, town_of.get(unit.pk), kind), history))

    # Sector studios and enterprises under the county.
    special = {
        "农业界委员工作室": [(RoomStage.BUILT, 2023, "界别委员工作室")],
        "教育界委员工作室": [(RoomStage.BUILT, 2024, "界别委员工作室")],
        "经济界委员工作室": [(RoomStage.PLANNED, planned, f"界别委员工作室，计划{planned}年建成")],
        "绥阳黑木耳产业园": [(RoomStage.PILOT, 2025, "企业协商议事试点")],
        "东宁口岸物流园": [(RoomStage.PILOT, 2025, "企业协商议事试点")],
    }
    for name, history in special.items():
        unit = by_name[name]
        plans.append(RoomPlan(unit, _room_name(unit, RoomKind.ROOM), RoomKind.ROOM, _address(unit, None, ""), history))
    return plans


def derived_stage(history: list[tuple[str, int, str]]) -> tuple[str, int, int | None]:
    """(stage, stage_year, operational_since) from a room's stage history, oldest first."""
    stage, year, _note = history[-1]
    operational = [y for s, y, _n in history if s in OPERATIONAL_STAGES]
    return stage, year, min(operational) if operational else None


def build_rooms(ctx) -> bool:
    county = require_county()
    if Room.objects.filter(unit__path__startswith=county.path).exists():
        return False
    plans = plan_rooms(county)
    staff = demo_staff_users(county)
    rooms = []
    for plan in plans:
        stage, year, since = derived_stage(plan.history)
        rooms.append(
            Room(
                unit=plan.unit,
                name=plan.name,
                kind=plan.kind,
                stage=stage,
                stage_year=year,
                operational_since=since,
                address=plan.address,
                description=plan.description,
            )
        )
    Room.objects.bulk_create(rooms)
    recorder = staff[0] if staff else None
    RoomStageRecord.objects.bulk_create(
        RoomStageRecord(room=room, stage=stage, year=year, note=note, recorded_by=recorder)
        for room, plan in zip(rooms, plans, strict=True)
        for stage, year, note in plan.history
    )
    return True


# ---------------------------------------------------------------------------------------------------- assessments


@dataclass
class AssessmentPlan:
    room: Room
    on: date
    failed: dict[str, str]  # item name → note
    note: str


def plan_assessments(county: Unit) -> list[AssessmentPlan]:
    """Each room in use is assessed in the year it opened and in the county-wide reviews of 2024 and 2025."""
    rng = rng_for("assessments")
    rooms = list(
        Room.objects.filter(unit__path__startswith=county.path, operational_since__isnull=False)
        .exclude(kind=RoomKind.BENCH)  # a bench meeting has no fixed place to assess
        .select_related("unit")
        .order_by("unit__path", "id")
    )
    rooms_per_unit: dict[int, int] = {}
    for room in rooms:
        rooms_per_unit[room.unit_id] = rooms_per_unit.get(room.unit_id, 0) + 1
    # Rooms that fall short in a review: built (not demonstration) sole rooms of villages and communities.
    candidates = [
        r
        for r in rooms
        if r.stage == RoomStage.BUILT
        and r.unit.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY)
        and rooms_per_unit[r.unit_id] == 1
        and r.operational_since <= 2023
    ]
    suiyang_prefix = Unit.objects.get(path__startswith=county.path, name="绥阳镇").path
    in_suiyang = [r for r in candidates if r.unit.path.startswith(suiyang_prefix)]
    elsewhere = [r for r in candidates if not r.unit.path.startswith(suiyang_prefix)]
    # Two of 绥阳镇's villages are short now, so the demo convenor and approver see it.
    failing_2025 = rng.sample(in_suiyang, 2) + rng.sample(elsewhere, len(FAIL_ITEMS) - 2)
    failing_2025_ids = {r.pk for r in failing_2025}
    failing_2024 = rng.sample([r for r in candidates if r.pk not in failing_2025_ids], 4)
    fails = {2024: {}, 2025: {}}
    for room, item in zip(failing_2025, FAIL_ITEMS, strict=True):
        fails[2025][room.pk] = {item: rng.choice(FAIL_NOTES[item])}
    for room, item in zip(failing_2024, ["有标识", "有设施", "有标识", "有制度"], strict=True):
        fails[2024][room.pk] = {item: rng.choice(FAIL_NOTES[item])}

    plans: list[AssessmentPlan] = []
    for room in rooms:
        opened = room.operational_since
        plans.append(
            AssessmentPlan(room, date(opened, rng.choice((10, 11)), rng.randint(1, 28)), {}, "建成验收，逐项达标。")
        )
        for year, (month, first_day) in REVIEW_DATES.items():
            if opened >= year:
                continue
            failed = fails[year].get(room.pk, {})
            if failed:
                note = "未达标：" + "、".join(failed) + "。限期一个月整改。"
            elif room.pk in fails.get(year - 1, {}):
                note = f"{year - 1}年指出的问题已整改到位，逐项达标。"
            else:
                note = "年度复查，逐项达标。"
            plans.append(AssessmentPlan(room, date(year, month, first_day + rng.randint(0, 14)), failed, note))
    return plans


def build_assessments(ctx) -> bool:
    county = require_county()
    if Assessment.objects.filter(room__unit__path__startswith=county.path).exists():
        return False
    standard = Standard.objects.filter(county=county, is_active=True).first()
    if standard is None:
        raise RuntimeError("demo county has no active standard: run the standard step first")
    items = list(standard.items.filter(is_active=True).order_by("order", "id"))
    rng = rng_for("assessment-notes")
    staff = demo_staff_users(county)
    plans = plan_assessments(county)
    assessments = [
        Assessment(
            room=p.room,
            standard=standard,
            assessed_on=p.on,
            assessor=rng.choice(staff) if staff else None,
            note=p.note,
            passed=not any(item.name in p.failed for item in items),
        )
        for p in plans
    ]
    Assessment.objects.bulk_create(assessments)
    results = []
    for assessment, p in zip(assessments, plans, strict=True):
        for item in items:
            failed_note = p.failed.get(item.name)
            note = failed_note or rng.choice(PASS_NOTES.get(item.name, ["达标"]))
            results.append(
                AssessmentResult(
                    assessment=assessment,
                    item=item,
                    passed=failed_note is None,
                    note=note,
                    evidence_date=p.on,
                )
            )
    AssessmentResult.objects.bulk_create(results)
    return True


# ------------------------------------------------------------------------------------------------------ subsidies

STUDIO_SUBSIDY = Decimal("20000")
DEMONSTRATION_SUBSIDY = Decimal("50000")


def build_subsidies(ctx) -> bool:
    """Studios get 20,000 yuan a year; demonstration rooms a one-off upgrade; weaker villages a one-off build grant."""
    county = require_county()
    if Subsidy.objects.filter(room__unit__path__startswith=county.path).exists():
        return False
    rng = rng_for("subsidies")
    staff = demo_staff_users(county)
    recorder = staff[0] if staff else None
    rooms = list(
        Room.objects.filter(unit__path__startswith=county.path, operational_since__isnull=False)
        .select_related("unit")
        .order_by("unit__path", "id")
    )
    subsidies = []
    last_year = clock.today().year - 1  # the studios' yearly grant is recorded up to last year's, whenever loaded
    for room in rooms:
        if room.unit.kind == UnitKind.SECTOR:
            subsidies += [
                Subsidy(
                    room=room, amount=STUDIO_SUBSIDY, year=y, purpose="界别委员工作室年度运行经费", recorded_by=recorder
                )
                for y in range(room.operational_since, last_year + 1)
            ]
        if room.stage == RoomStage.DEMONSTRATION:
            subsidies.append(
                Subsidy(
                    room=room,
                    amount=DEMONSTRATION_SUBSIDY,
                    year=room.stage_year,
                    purpose="高标准示范阵地提升建设补助",
                    recorded_by=recorder,
                )
            )
    weak = [
        r
        for r in rooms
        if r.unit.kind == UnitKind.VILLAGE and r.stage == RoomStage.BUILT and r.operational_since in (2022, 2023)
    ]
    for room in rng.sample(weak, 12):
        subsidies.append(
            Subsidy(
                room=room,
                amount=Decimal(rng.choice((8000, 10000, 15000, 20000, 30000))),
                year=room.operational_since,
                purpose=rng.choice(
                    (
                        "基础较差阵地帮建补助：购置议事桌椅、制作标识牌",
                        "帮建补助：改造议事场所、配备记录设备",
                        "帮建补助：议事室维修和制度上墙",
                    )
                ),
                recorded_by=recorder,
            )
        )
    Subsidy.objects.bulk_create(subsidies)
    return True

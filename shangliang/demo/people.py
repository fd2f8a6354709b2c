"""People of the demo county: sectors, departments, staff, party approvers, convenors, members and their links,
grid workers, department staff, experts and the talent pool, residents, evaluators, and one demo account per role.

Two loader steps: `build_directory` (sectors, departments, fields of expertise) and `build_people` (accounts, role
assignments, member links, talent pool). Every account but the nine demo accounts has an unusable password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password

from shangliang.core.crypto import mobile_hash
from shangliang.people.models import (
    Department,
    DepartmentKind,
    Expertise,
    LinkKind,
    MemberLink,
    Position,
    Role,
    RoleAssignment,
    Sector,
    Talent,
    TalentKind,
    User,
)
from shangliang.units.models import Unit, UnitKind

from .county import SEED, URBAN_AREA, derived_stage, plan_rooms, require_county, rng_for
from .names import NameBook

# Sectors (界别) of the county committee with their number of members: 290 in all.
SECTORS = [
    ("中共", 30, ["市直机关干部", "镇党委委员", "市委党校教师"]),
    ("民革", 12, ["律师", "中学教师", "个体工商户"]),
    ("工商联", 28, ["民营企业负责人", "商会副会长", "个体工商户"]),
    ("农业界", 36, ["农民专业合作社理事长", "黑木耳种植大户", "家庭农场主", "农技推广站农艺师"]),
    ("教育界", 30, ["中学教师", "小学校长", "幼儿园园长"]),
    ("医药卫生界", 26, ["乡镇卫生院院长", "市人民医院医师", "村卫生室医生"]),
    ("经济界", 32, ["银行支行行长", "企业财务总监", "外贸企业经理"]),
    ("科技界", 20, ["农业科技公司技术员", "林业工程师", "科技特派员"]),
    ("社会福利界", 18, ["养老院院长", "社会工作者", "残联干部"]),
    ("文化艺术界", 20, ["文化馆馆员", "书法家协会会员", "非遗传承人"]),
    ("少数民族界", 14, ["朝鲜族文化协会会员", "民族中学教师", "个体工商户"]),
    ("特邀界", 24, ["退休干部", "侨联联络员", "社区工作者"]),
]
# Committee leaders (委员会领导): they cover areas (联片).
LEADERS = [
    ("中共", "政协主席"),
    ("中共", "政协副主席"),
    ("工商联", "政协副主席"),
    ("民革", "政协副主席"),
    ("特邀界", "政协副主席"),
]
LEADER_AREAS = [["绥阳镇", URBAN_AREA], ["道河镇", "老黑山镇"], ["大肚川镇"], ["三岔口镇"], ["东宁镇"]]
# Sector studios (界别委员工作室) and the town each covers.
STUDIOS = [
    ("农业界", "绥阳镇"),
    ("教育界", "东宁镇"),
    ("经济界", "三岔口镇"),
    ("医药卫生界", "大肚川镇"),
    ("科技界", "道河镇"),
    ("社会福利界", URBAN_AREA),
]
# Departments: name, kind, head's title, fields of expertise of the head.
DEPARTMENTS = [
    ("住房和城乡建设局", DepartmentKind.FUNCTIONAL, "局长", ["城乡规划", "物业管理"]),
    ("水务局", DepartmentKind.FUNCTIONAL, "局长", ["水利"]),
    ("交通运输局", DepartmentKind.FUNCTIONAL, "局长", ["交通"]),
    ("自然资源局", DepartmentKind.FUNCTIONAL, "局长", ["城乡规划", "土地承包"]),
    ("民政局", DepartmentKind.FUNCTIONAL, "局长", ["社会治理", "养老服务"]),
    ("农业农村局", DepartmentKind.FUNCTIONAL, "局长", ["农业技术", "土地承包"]),
    ("卫生健康局", DepartmentKind.FUNCTIONAL, "局长", ["医疗卫生"]),
    ("教育局", DepartmentKind.FUNCTIONAL, "局长", ["教育"]),
    ("市场监督管理局", DepartmentKind.FUNCTIONAL, "局长", ["食品安全"]),
    ("城市管理综合执法局", DepartmentKind.FUNCTIONAL, "局长", ["社会治理"]),
    ("国网东宁市供电公司", DepartmentKind.ENTERPRISE, "经理", ["电力"]),
    ("绥阳镇人民政府", DepartmentKind.TERRITORIAL, "镇长", ["社会治理"]),
]
DEPARTMENT_STAFF_TITLES = ["综合股股长", "业务股科员", "办公室主任"]
EXPERTISE = [
    "法律",
    "城乡规划",
    "农业技术",
    "水利",
    "社会治理",
    "财务审计",
    "物业管理",
    "医疗卫生",
    "教育",
    "生态环保",
    "交通",
    "食品安全",
    "土地承包",
    "养老服务",
    "电力",
]
# Experts with an account (the first is demo_expert): organisation, title, fields.
EXPERTS_WITH_ACCOUNT = [
    ("牡丹江师范学院", "副教授", ["社会治理", "法律"]),
    ("黑龙江省农业科学院牡丹江分院", "研究员", ["农业技术"]),
    ("牡丹江市城乡规划设计研究院", "高级工程师", ["城乡规划"]),
    ("东宁市水利工程建设服务中心", "高级工程师", ["水利"]),
    ("东宁正信会计师事务所", "注册会计师", ["财务审计"]),
    ("东宁市物业管理协会", "秘书长", ["物业管理"]),
]
EXPERTS_WITHOUT_ACCOUNT = [
    (TalentKind.EXPERT, "黑龙江大学政府管理学院", "教授", ["社会治理"]),
    (TalentKind.EXPERT, "牡丹江医学院", "副教授", ["医疗卫生", "养老服务"]),
    (TalentKind.EXPERT, "东宁市第一中学", "高级教师", ["教育"]),
    (TalentKind.EXPERT, "东北林业大学", "副教授", ["生态环保"]),
    (TalentKind.EXPERT, "牡丹江市公路勘察设计院", "工程师", ["交通"]),
    (TalentKind.EXPERT, "东宁市食品检验检测中心", "高级工程师", ["食品安全"]),
    (TalentKind.LAWYER, "黑龙江边城律师事务所", "律师", ["法律", "土地承包"]),
    (TalentKind.LAWYER, "黑龙江东正律师事务所", "律师", ["法律", "物业管理"]),
    (TalentKind.LAWYER, "东宁市法律援助中心", "律师", ["法律"]),
]
SKILLED = [("黑木耳种植大户", ["农业技术"]), ("退休教师", ["教育"]), ("农民专业合作社理事长", ["农业技术", "土地承包"])]
SKILLED += [("老党员、原村党支部书记", ["社会治理"])]

TERM_START = date(2021, 1, 15)  # the current committee's term
VILLAGE_ELECTION = date(2021, 3, 1)  # village committees elected in 2021
HANDOVER = date(2024, 1, 10)  # a few villages changed party secretary or linked member
DEMO_TOWN = "绥阳镇"
EXTRA_DEMO_RESIDENTS = 9


def build_directory(ctx) -> bool:
    """The county's sectors and departments, and the fields of expertise (shared by all counties)."""
    county = require_county()
    existing = set(Expertise.objects.filter(name__in=EXPERTISE).values_list("name", flat=True))
    Expertise.objects.bulk_create(Expertise(name=n) for n in EXPERTISE if n not in existing)
    if Sector.objects.filter(county=county).exists():
        return bool(len(existing) < len(EXPERTISE))
    Sector.objects.bulk_create(Sector(county=county, name=name) for name, _n, _t in SECTORS)
    Department.objects.bulk_create(
        Department(county=county, name=name, kind=kind) for name, kind, _h, _f in DEPARTMENTS
    )
    return True


@dataclass
class _Roster:
    """Collects unsaved users, assignments, links and talent entries, to insert them in a few bulk statements."""

    book: NameBook
    demo_hash: str

    def __post_init__(self) -> None:
        self.users: list[User] = []
        self.assignments: list[RoleAssignment] = []
        self.links: list[MemberLink] = []
        self.talents: list[tuple[Talent, list[str]]] = []
        self._counters: dict[str, int] = {}

    def person(self, prefix: str, demo_username: str | None = None, gender: str | None = None) -> User:
        if demo_username:
            username = demo_username
        else:
            self._counters[prefix] = self._counters.get(prefix, 0) + 1
            username = f"{prefix}_{self._counters[prefix]:04d}"
        phone = self.book.phone()
        user = User(
            username=username,
            full_name=self.book.person(gender),
            phone=phone,
            phone_hash=mobile_hash(phone),  # bulk_create skips save(), which keeps it in step
            is_demo=bool(demo_username),
            # Hashing ~700 passwords with Argon2 would take minutes: only demo accounts can log in.
            password=self.demo_hash if demo_username else make_password(None),
        )
        self.users.append(user)
        return user

    def assign(self, user: User, role: str, unit: Unit, since: date, *, until: date | None = None, **extra):
        self.assignments.append(
            RoleAssignment(user=user, role=role, unit=unit, assumed_at=since, renounced_at=until, **extra)
        )

    def link(self, member: User, unit: Unit, kind: str, since: date, *, until: date | None = None, **extra):
        self.links.append(MemberLink(member=member, unit=unit, kind=kind, started_on=since, ended_on=until, **extra))

    def talent(self, county: Unit, name: str, kind: str, fields: list[str], **extra) -> None:
        self.talents.append((Talent(county=county, name=name, kind=kind, **extra), fields))


def _secretary_title(unit: Unit) -> str:
    return f"{unit.name}党委书记" if unit.kind == UnitKind.COMMUNITY else f"{unit.name}党支部书记"


def build_people(ctx) -> bool:
    county = require_county()
    if User.objects.filter(username="demo_staff").exists():
        return False
    rng = rng_for("people")
    book = NameBook(f"{SEED}:people")
    book.reserve(
        names=User.objects.exclude(full_name="").order_by("pk").values_list("full_name", flat=True),
        phones=User.objects.exclude(phone="").order_by("pk").values_list("phone", flat=True),
    )
    roster = _Roster(book, ctx.demo_password_hash())

    units = list(Unit.objects.filter(path__startswith=county.path, depth__gt=county.depth).order_by("path"))
    towns = [u for u in units if u.kind in (UnitKind.TOWN, UnitKind.URBAN_AREA)]
    town_by_name = {t.name: t for t in towns}
    villages = {t.pk: [u for u in units if u.depth == t.depth + 1 and u.path.startswith(t.path)] for t in towns}
    grassroots = [v for t in towns for v in villages[t.pk]]
    demo_town = town_by_name[DEMO_TOWN]
    demo_villages = villages[demo_town.pk][:3]
    sectors = {s.name: s for s in Sector.objects.filter(county=county)}
    departments = {d.name: d for d in Department.objects.filter(county=county)}
    # Convenors take office when their unit's first room opens.
    opened: dict[int, int] = {}
    for plan in plan_rooms(county):
        since = derived_stage(plan.history)[2]
        if since is not None and plan.unit.pk not in opened:
            opened[plan.unit.pk] = since
    convenor_since = {pk: date(year, 3, 1) if year > 2021 else date(2021, 4, 1) for pk, year in opened.items()}

    # CPPCC office staff and the county party committee.
    for i, title in enumerate(["政协办公室副主任", "政协委员联络科科长", "政协办公室科员", "政协社会法制委员会科员"]):
        staff = roster.person("staff", "demo_staff" if i == 0 else None)
        roster.assign(staff, Role.CPPCC_STAFF, county, TERM_START, title=title)
    for title in ["中共东宁市委办公室副主任", "中共东宁市委组织部基层组织建设科科长"]:
        roster.assign(roster.person("party"), Role.APPROVER, county, TERM_START, title=title)

    # Towns: the party committee approves, its deputy secretary is first convenor.
    for town in towns:
        body = "党工委" if town.kind == UnitKind.URBAN_AREA else "党委"
        approver = roster.person("party", "demo_approver" if town == demo_town else None)
        roster.assign(approver, Role.APPROVER, town, TERM_START, title=f"{town.name}{body}书记")
        convenor = roster.person("convenor", "demo_convenor" if town == demo_town else None)
        roster.assign(
            convenor,
            Role.CONVENOR,
            town,
            convenor_since[town.pk],
            position=Position.FIRST_CONVENOR,
            title=f"{town.name}{body}副书记",
        )

    # Villages and communities: the party secretary is first convenor and approves for the branch.
    changed = set(rng.sample([v.pk for v in grassroots if v not in demo_villages], 6))
    for village in grassroots:
        title = _secretary_title(village)
        since = convenor_since[village.pk]
        if village.pk in changed:
            former = roster.person("secretary")
            roster.assign(former, Role.APPROVER, village, VILLAGE_ELECTION, until=HANDOVER, title=title)
            roster.assign(
                former, Role.CONVENOR, village, since, until=HANDOVER, position=Position.FIRST_CONVENOR, title=title
            )
            since = HANDOVER
        secretary = roster.person("secretary")
        roster.assign(
            secretary, Role.APPROVER, village, HANDOVER if village.pk in changed else VILLAGE_ELECTION, title=title
        )
        roster.assign(secretary, Role.CONVENOR, village, since, position=Position.FIRST_CONVENOR, title=title)

    # Members, sector by sector; leaders first in their sector.
    members_by_sector: dict[str, list[User]] = {}
    leaders: list[User] = []
    leader_titles = list(LEADERS)
    for name, count, occupations in SECTORS:
        members_by_sector[name] = []
        for i in range(count):
            is_demo = name == "农业界" and i == 0
            member = roster.person("member", "demo_member" if is_demo else None)
            match = next((lt for lt in leader_titles if lt[0] == name), None)
            if match and not is_demo:
                leader_titles.remove(match)
                leaders.append(member)
                roster.assign(
                    member,
                    Role.MEMBER,
                    county,
                    TERM_START,
                    sector=sectors[name],
                    position=Position.LEADER,
                    title=match[1],
                )
            else:
                members_by_sector[name].append(member)
                roster.assign(
                    member, Role.MEMBER, county, TERM_START, sector=sectors[name], title=rng.choice(occupations)
                )

    # Villages and communities: each is linked one-to-one to a member, who is its second convenor.
    demo_member = members_by_sector["农业界"][0]
    pool = [m for name, _c, _o in SECTORS for m in members_by_sector[name] if m is not demo_member]
    rng.shuffle(pool)
    member_changed = set(rng.sample([v.pk for v in grassroots if v not in demo_villages], 3))
    for unit in grassroots:
        since = convenor_since[unit.pk]
        member = demo_member if unit in demo_villages else pool.pop()
        if unit.pk in member_changed:
            roster.link(member, unit, LinkKind.ONE_TO_ONE, since, until=HANDOVER, note="委员调整")
            roster.assign(
                member, Role.CONVENOR, unit, since, until=HANDOVER, position=Position.SECOND_CONVENOR, title="联系委员"
            )
            member, since = pool.pop(), HANDOVER
        roster.link(member, unit, LinkKind.ONE_TO_ONE, since)
        roster.assign(member, Role.CONVENOR, unit, since, position=Position.SECOND_CONVENOR, title="联系委员")

    # Towns: the committee leader covering the area (联片) is the town's second convenor.
    for leader, areas in zip(leaders, LEADER_AREAS, strict=True):
        for area in areas:
            town = town_by_name[area]
            roster.link(leader, town, LinkKind.AREA, TERM_START, note="委员会领导联片")
            roster.assign(
                leader,
                Role.CONVENOR,
                town,
                convenor_since[town.pk],
                position=Position.SECOND_CONVENOR,
                title="联片委员会领导",
            )
    # Sector studios cover towns; demo_member works in the agriculture studio that covers the demo town.
    for sector_name, town_name in STUDIOS:
        for member in members_by_sector[sector_name][:3]:
            roster.link(
                member,
                town_by_name[town_name],
                LinkKind.STUDIO,
                date(2023, 3, 1),
                sector=sectors[sector_name],
                note=f"{sector_name}委员工作室联系",
            )

    # Grid workers collect concerns in their villages; invited informants work county-wide.
    for village in grassroots:
        for i in range(2 if village.kind == UnitKind.COMMUNITY else 1):
            demo = "demo_liaison" if village == demo_villages[0] and i == 0 else None
            roster.assign(roster.person("grid", demo), Role.LIAISON, village, date(2021, 6, 1), title="网格员")
    for _i in range(3):
        roster.assign(roster.person("informant"), Role.LIAISON, county, TERM_START, title="特邀信息员")

    # Departments: a head (in the talent pool) and two staff each; demo_department works for housing.
    for name, _kind, head_title, fields in DEPARTMENTS:
        dept = departments[name]
        head = roster.person("dept")
        roster.assign(head, Role.DEPARTMENT, county, TERM_START, department=dept, title=head_title)
        roster.talent(
            county,
            head.full_name,
            TalentKind.DEPARTMENT_HEAD,
            fields,
            user=head,
            organisation=name,
            title=head_title,
            phone=head.phone,
        )
        for i, title in enumerate(rng.sample(DEPARTMENT_STAFF_TITLES, 2)):
            demo = "demo_department" if name == DEPARTMENTS[0][0] and i == 0 else None
            roster.assign(
                roster.person("dept", demo), Role.DEPARTMENT, county, TERM_START, department=dept, title=title
            )

    # Experts and the rest of the talent pool.
    for i, (org, title, fields) in enumerate(EXPERTS_WITH_ACCOUNT):
        expert = roster.person("expert", "demo_expert" if i == 0 else None)
        roster.assign(expert, Role.EXPERT, county, TERM_START, title=f"{org}{title}")
        roster.talent(
            county, expert.full_name, TalentKind.EXPERT, fields, user=expert, organisation=org, title=title,
            phone=expert.phone,
        )  # fmt: skip
    for kind, org, title, fields in EXPERTS_WITHOUT_ACCOUNT:
        roster.talent(county, book.person(), kind, fields, organisation=org, title=title, phone=book.phone())
    for title, fields in SKILLED:
        village = rng.choice(grassroots)
        roster.talent(
            county, book.person(), TalentKind.SKILLED, fields, organisation=village.name, title=title,
            phone=book.phone(),
        )  # fmt: skip

    # Residents, one per village and a few more where the demo resident lives.
    for village in grassroots:
        count = 1 + (EXTRA_DEMO_RESIDENTS if village == demo_villages[0] else 0)
        for i in range(count):
            demo = "demo_resident" if village == demo_villages[0] and i == 0 else None
            title = (
                "居民" if village.kind == UnitKind.COMMUNITY else rng.choice(["村民", "村民代表", "种植户", "老党员"])
            )
            roster.assign(roster.person("resident", demo), Role.RESIDENT, village, date(2022, 5, 1), title=title)

    # Third-party evaluators.
    for i in range(2):
        evaluator = roster.person("evaluator", "demo_evaluator" if i == 0 else None)
        roster.assign(evaluator, Role.EVALUATOR, county, date(2023, 1, 1), title="牡丹江社会治理评估中心评估员")

    _save(roster)
    return True


def _save(roster: _Roster) -> None:
    User.objects.bulk_create(roster.users)
    RoleAssignment.objects.bulk_create(roster.assignments)
    MemberLink.objects.bulk_create(roster.links)
    talents = [t for t, _f in roster.talents]
    Talent.objects.bulk_create(talents)
    fields = {e.name: e for e in Expertise.objects.filter(name__in=EXPERTISE)}
    through = Talent.fields.through
    through.objects.bulk_create(
        through(talent_id=t.pk, expertise_id=fields[name].pk) for t, names in roster.talents for name in names
    )

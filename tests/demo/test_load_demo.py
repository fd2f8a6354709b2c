"""The demo county: what it contains, that its derived fields are consistent, that it loads once and the same way."""

import io
import re
from collections import Counter
from datetime import date

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models import Prefetch
from django.test import Client
from django.urls import reverse
from zeal import zeal_ignore

from shangliang.core import clock
from shangliang.demo.loader import DEMO_ACCOUNTS
from shangliang.people.models import LinkKind, MemberLink, Position, Role, RoleAssignment, Sector, Talent, User
from shangliang.people.selectors import active_q, units_visible_to
from shangliang.units.models import (
    OPERATIONAL_STAGES,
    Assessment,
    AssessmentResult,
    Room,
    RoomKind,
    RoomStage,
    Standard,
    Subsidy,
    Unit,
    UnitKind,
)
from shangliang.units.selectors import coverage

TODAY = date(2026, 1, 1)  # roles and links (history, demo.anchor) are checked as of it


def test_units_form_the_dongning_tree(county):
    assert county.name == "东宁市"
    kinds = Counter(Unit.objects.filter(path__startswith=county.path).values_list("kind", flat=True))
    assert kinds[UnitKind.TOWN] == 6
    assert kinds[UnitKind.URBAN_AREA] == 1
    assert kinds[UnitKind.VILLAGE] == 100
    assert kinds[UnitKind.COMMUNITY] == 8
    assert kinds[UnitKind.SECTOR] >= 1
    assert kinds[UnitKind.ENTERPRISE] >= 1
    towns = set(Unit.objects.filter(kind=UnitKind.TOWN).values_list("name", flat=True))
    assert towns == {"绥阳镇", "道河镇", "老黑山镇", "大肚川镇", "三岔口镇", "东宁镇"}
    # Treebeard's own check that paths, depths and child counts are right (it queries per node by design).
    with zeal_ignore():
        assert Unit.objects.find_problems() == ([], [], [], [], [])
    units = list(Unit.objects.filter(path__startswith=county.path))
    kind_at = {u.path: u.kind for u in units}
    for unit in units:
        assert unit.established_on is not None, unit.name
        assert unit.county_id == county.pk, unit.name
        parent_kind = kind_at.get(unit.path[: -Unit.steplen])
        if unit.kind == UnitKind.VILLAGE:
            assert unit.name.endswith("村") and parent_kind == UnitKind.TOWN, unit.name
        if unit.kind == UnitKind.COMMUNITY:
            assert unit.name.endswith("社区") and parent_kind == UnitKind.URBAN_AREA, unit.name
    assert len(set(Unit.objects.filter(kind=UnitKind.VILLAGE).values_list("name", flat=True))) == 100


def test_standard_is_wuyou(county):
    standard = Standard.objects.get(county=county, is_active=True)
    assert standard.name == "五有"
    items = list(standard.items.filter(is_active=True).values_list("name", "description"))
    assert [name for name, _d in items] == ["有组织", "有场所", "有制度", "有设施", "有标识"]
    assert all(description for _n, description in items)


def test_rooms_cover_every_stage_and_kind_with_consistent_history(county):
    rooms = list(
        Room.objects.filter(unit__path__startswith=county.path).select_related("unit").prefetch_related("stage_records")
    )
    assert {r.stage for r in rooms} == set(RoomStage.values)
    assert {RoomKind.ROOM, RoomKind.PAVILION, RoomKind.CORNER, RoomKind.CORRIDOR} <= {r.kind for r in rooms}
    for room in rooms:
        records = sorted(room.stage_records.all(), key=lambda r: (r.year, r.id))
        assert records, room.name
        assert (room.stage, room.stage_year) == (records[-1].stage, records[-1].year), room.name
        operational = [r.year for r in records if r.stage in OPERATIONAL_STAGES]
        assert room.operational_since == (min(operational) if operational else None), room.name
    stage_years = Counter((r.stage, r.year) for room in rooms for r in room.stage_records.all())
    assert stage_years[(RoomStage.PILOT, 2021)] >= 4
    assert sum(n for (stage, year), n in stage_years.items() if stage == RoomStage.BUILT and year == 2022) > 40
    demonstration = [r for r in rooms if r.stage == RoomStage.DEMONSTRATION]
    assert len(demonstration) >= 3
    assert {r.stage_year for r in demonstration} <= {2024, 2025}
    planned = [r for r in rooms if r.stage == RoomStage.PLANNED]
    assert any(r.stage_year == clock.today().year + 1 and r.kind != RoomKind.ROOM for r in planned)  # next year
    assert any(r.unit.kind == UnitKind.SECTOR for r in planned)
    # Every town- and village-level unit has a room in use by 2023.
    grassroots = Unit.objects.filter(
        path__startswith=county.path,
        kind__in=[UnitKind.TOWN, UnitKind.URBAN_AREA, UnitKind.VILLAGE, UnitKind.COMMUNITY],
    )
    with_room = set(Room.objects.filter(operational_since__lte=2023).values_list("unit_id", flat=True))
    assert set(grassroots.values_list("pk", flat=True)) <= with_room


def test_coverage_rises_by_year_and_some_rooms_fall_short_now(county):
    by_year = {y: coverage(county, year=y) for y in (2021, 2022, 2023)}
    assert 0 < by_year[2021].percent < by_year[2022].percent < by_year[2023].percent
    assert 60 <= by_year[2022].percent <= 70
    now = coverage(county)
    assert now.meeting_standard < now.units
    assert now.percent > 85
    # The latest assessment of some rooms in use fails an item, with a note saying why.
    latest = {}
    for assessment in (
        Assessment.objects.filter(room__unit__path__startswith=county.path)
        .prefetch_related(Prefetch("results", queryset=AssessmentResult.objects.select_related("item")))
        .order_by("room_id", "-assessed_on", "-id")
    ):
        latest.setdefault(assessment.room_id, assessment)
    failing = [a for a in latest.values() if not a.passed]
    assert len(failing) >= 3
    bad = [r for a in failing for r in a.results.all() if not r.passed]
    assert len(bad) >= len(failing)
    assert all(r.note for r in bad)
    assert "有标识" in {r.item.name for r in bad}


def test_assessments_are_consistent_with_their_results(county):
    standard = Standard.objects.get(county=county, is_active=True)
    active_items = set(standard.items.filter(is_active=True).values_list("pk", flat=True))
    assessments = Assessment.objects.filter(room__unit__path__startswith=county.path).prefetch_related("results")
    assert assessments.count() > 115
    opened_and_later = Counter()
    for assessment in assessments.select_related("room"):
        results = list(assessment.results.all())
        assert {r.item_id for r in results} == active_items
        assert assessment.passed == all(r.passed for r in results)
        assert all(r.evidence_date and not r.photo for r in results)
        assert assessment.room.operational_since <= assessment.assessed_on.year
        opened_and_later[assessment.room_id] += 1
    assert sum(1 for n in opened_and_later.values() if n >= 2) > 100


def test_subsidies(county):
    subsidies = Subsidy.objects.filter(room__unit__path__startswith=county.path).select_related("room__unit")
    studio = [s for s in subsidies if s.room.unit.kind == UnitKind.SECTOR]
    assert studio and all(s.amount == 20000 for s in studio)
    assert len({s.year for s in studio}) >= 2
    assert any(s.room.unit.kind == UnitKind.VILLAGE for s in subsidies)
    assert all(s.amount > 0 and s.purpose for s in subsidies)


def test_every_village_has_one_first_and_one_second_convenor(county):
    units = Unit.objects.filter(
        path__startswith=county.path,
        kind__in=[UnitKind.TOWN, UnitKind.URBAN_AREA, UnitKind.VILLAGE, UnitKind.COMMUNITY],
    )
    convenors = RoleAssignment.objects.filter(active_q(TODAY), role=Role.CONVENOR, unit__in=units)
    positions = Counter(convenors.values_list("unit_id", "position"))
    members = set(
        RoleAssignment.objects.filter(active_q(TODAY), role=Role.MEMBER, unit=county).values_list("user_id", flat=True)
    )
    links = set(
        MemberLink.objects.filter(active_q(TODAY, "started_on", "ended_on")).values_list("member_id", "unit_id", "kind")
    )
    rows = convenors.values_list("unit_id", "position", "user_id")
    holder = {(unit_id, position): user_id for unit_id, position, user_id in rows}
    approvers = set(
        RoleAssignment.objects.filter(active_q(TODAY), role=Role.APPROVER).values_list("user_id", "unit_id")
    )
    for unit in units:
        assert positions[(unit.pk, Position.FIRST_CONVENOR)] == 1, unit.name
        assert positions[(unit.pk, Position.SECOND_CONVENOR)] == 1, unit.name
        second = holder[(unit.pk, Position.SECOND_CONVENOR)]
        assert second in members, unit.name
        if unit.kind in (UnitKind.TOWN, UnitKind.URBAN_AREA):
            # A town's second convenor is the committee leader covering it.
            assert (second, unit.pk, LinkKind.AREA) in links, unit.name
        else:
            assert (second, unit.pk, LinkKind.ONE_TO_ONE) in links, unit.name
            # The party secretary is first convenor and approves for the branch.
            assert (holder[(unit.pk, Position.FIRST_CONVENOR)], unit.pk) in approvers, unit.name
    # Some villages changed secretary or linked member: the old assignments are kept, ended.
    assert RoleAssignment.objects.filter(role=Role.CONVENOR, renounced_at__isnull=False).count() >= 3


def test_people(county):
    in_county = RoleAssignment.objects.filter(unit__path__startswith=county.path)
    members = in_county.filter(role=Role.MEMBER, unit=county)
    assert 280 <= members.values("user").distinct().count() <= 300
    assert not members.filter(sector__isnull=True).exists()
    assert Sector.objects.filter(county=county).count() >= 12
    assert members.filter(position=Position.LEADER).exists()
    links = MemberLink.objects.filter(unit__path__startswith=county.path)
    kinds = Counter(links.values_list("kind", flat=True))
    assert kinds[LinkKind.ONE_TO_ONE] >= 108 and kinds[LinkKind.AREA] >= 7 and kinds[LinkKind.STUDIO] >= 6
    # One-to-one links reach villages and communities; leaders and studios cover towns (as the services require).
    village_level = {UnitKind.VILLAGE, UnitKind.COMMUNITY}
    for kind, unit_kind in links.values_list("kind", "unit__kind"):
        assert (unit_kind in village_level) == (kind == LinkKind.ONE_TO_ONE), (kind, unit_kind)
    assert not MemberLink.objects.filter(kind=LinkKind.STUDIO, sector__isnull=True).exists()
    roles = Counter(in_county.values_list("role", flat=True))
    assert roles[Role.CPPCC_STAFF] >= 3
    assert roles[Role.LIAISON] >= 108
    assert roles[Role.RESIDENT] >= 108
    assert roles[Role.EVALUATOR] >= 2
    assert roles[Role.EXPERT] >= 3
    assert in_county.filter(role=Role.APPROVER, unit=county).exists()
    assert in_county.filter(role=Role.APPROVER, unit__kind=UnitKind.TOWN).count() == 6
    department_staff = in_county.filter(role=Role.DEPARTMENT)
    assert department_staff.count() >= 20 and not department_staff.filter(department__isnull=True).exists()
    talents = Talent.objects.filter(county=county).prefetch_related("fields")
    assert {"expert", "department_head", "lawyer"} <= {t.kind for t in talents}
    assert all(t.fields.all() for t in talents)
    assert talents.filter(user__isnull=False, kind="expert").exists()
    assert talents.filter(user__isnull=False, kind="department_head").exists()
    people = User.objects.filter(assignments__in=in_county).distinct()
    assert 600 <= people.count() <= 800
    phones = list(people.values_list("phone", flat=True))
    assert all(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones)
    assert len(set(phones)) == len(phones)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n in people.values_list("full_name", flat=True))
    # Only the demo accounts can log in.
    assert {u.username for u in people if u.has_usable_password()} == {u for u, _r in DEMO_ACCOUNTS}


def test_one_demo_account_per_role_logs_in(county):
    assert {role for _u, role in DEMO_ACCOUNTS} == set(Role.values)
    users = {u.username: u for u in User.objects.filter(username__in=[u for u, _r in DEMO_ACCOUNTS])}
    first_role = {}
    for user_id, role in (
        RoleAssignment.objects.filter(active_q(TODAY), user__in=users.values())
        .order_by("id")
        .values_list("user_id", "role")
    ):
        first_role.setdefault(user_id, role)
    for username, role in DEMO_ACCOUNTS:
        user = users[username]
        assert user.is_demo and user.full_name
        assert user.check_password(settings.DEMO_PASSWORD), username
        # The login page lists an account under its first role.
        assert first_role[user.pk] == role, username
        # Through the real login view (axes and all), once per account.
        with zeal_ignore():
            client = Client()
            response = client.post(reverse("login"), {"username": username, "password": settings.DEMO_PASSWORD})
            assert response.status_code == 302, username
            assert client.session.get("_auth_user_id") == str(user.pk)


def test_demo_accounts_see_the_demo_town(county):
    town = Unit.objects.get(name="绥阳镇")
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    for username in ("demo_convenor", "demo_approver", "demo_member"):
        visible = units_visible_to(users[username])
        assert visible.filter(pk=town.pk).exists(), username
        assert visible.filter(path__startswith=town.path).count() == 1 + town.numchild, username
        assert not visible.filter(name="道河镇").exists(), username
    member = users["demo_member"]
    linked = MemberLink.objects.filter(member=member)
    assert linked.filter(unit=town, kind=LinkKind.STUDIO).exists()
    assert linked.filter(kind=LinkKind.ONE_TO_ONE, unit__path__startswith=town.path).count() >= 2
    staff = users["demo_staff"]
    assert units_visible_to(staff).filter(pk=county.pk).exists()


def test_loading_twice_changes_nothing(county):
    models = [m for m in apps.get_models() if m._meta.app_label in {"units", "people", "demo", "auth"}]
    before = {m._meta.label: m.objects.count() for m in models}
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "未作改动" in out.getvalue() and "单元 121 个" in out.getvalue()
    quiet = io.StringIO()
    call_command("load_demo", "--quiet", stdout=quiet)
    assert quiet.getvalue() == ""
    assert {m._meta.label: m.objects.count() for m in models} == before


def test_demo_accounts_open_their_pages(county):
    """Smoke test on realistic data: the unit pages render for the demo accounts (under the N+1 guard)."""
    town = Unit.objects.get(name="绥阳镇")
    village = Unit.objects.filter(path__startswith=town.path, kind=UnitKind.VILLAGE).order_by("path").first()
    users = {u.username: u for u in User.objects.filter(username__in=["demo_staff", "demo_convenor", "demo_member"])}
    for username, unit in [("demo_staff", county), ("demo_convenor", town), ("demo_member", village)]:
        client = Client()
        client.force_login(users[username])
        response = client.get(reverse("units:detail", args=[unit.pk]))
        assert response.status_code == 200, username
        assert unit.name in response.content.decode()
    assert Client().get(reverse("public:unit", args=[village.pk])).status_code == 200


def test_the_county_plan_and_its_own_member_formula(county):
    from shangliang.dashboards.models import CoverageTarget, ScoringRule

    plan = dict(CoverageTarget.objects.filter(county=county).values_list("year", "percent"))
    assert plan[2022] == 66 and plan[2023] == 100 and min(plan) == 2021  # Dongning's plan: pilots, 66%, everywhere
    rules = {r.item: (r.points, r.cap) for r in ScoringRule.objects.filter(county=county, subject="member")}
    assert rules == {"supervisions": (4, 20), "opinion_reports": (3, 15)}
    client = Client()
    client.force_login(User.objects.get(username="demo_staff"))
    html = client.get(reverse("dashboards:norms", args=[county.pk]), {"period": "2025"}).content.decode()
    row = re.search(r'<th scope="row">2022</th>(.*?)</tr>', html).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[4] == "66"  # the plan beside the coverage reached
    html = client.get(reverse("dashboards:members", args=[county.pk]), {"period": "2025"}).content.decode()
    assert "督办任务" in html

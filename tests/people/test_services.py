"""Writes on people: accounts, role assignments, member links and the talent pool refuse bad input, change nothing."""

from datetime import date

import pytest

from shangliang.core.errors import InvalidInput, NotAllowed
from shangliang.core.models import Event
from shangliang.people import services
from shangliang.people.models import MemberLink, Role, RoleAssignment, Talent, User
from tests.conftest import fresh
from tests.factories import DepartmentFactory, SectorFactory, UserFactory, assign


@pytest.fixture
def staff(world):
    return fresh(world.users["staff"])


@pytest.fixture
def convenor(world):
    return fresh(world.users["convenor"])


def _assign(actor, user, unit, **kwargs):
    return services.assignment_create(
        actor=actor, user=user, unit=unit, **{"role": Role.LIAISON, "assumed_at": date(2024, 1, 1), **kwargs}
    )


# --- role assignments ------------------------------------------------------------------------------------------------


def test_assignment_is_stored_with_an_event(world, staff):
    person = UserFactory()
    a = _assign(staff, person, world.t1, title="网格员")
    assert (a.user, a.unit, a.role, a.title, a.created_by) == (person, world.t1, Role.LIAISON, "网格员", staff)
    assert Event.objects.filter(object_id=a.pk, action="assign", actor=staff).exists()


def test_end_before_start_is_refused_and_nothing_stored(world, staff):
    before = RoleAssignment.objects.count()
    with pytest.raises(InvalidInput) as exc:
        _assign(staff, UserFactory(), world.t1, assumed_at=date(2024, 5, 1), renounced_at=date(2024, 4, 30))
    assert exc.value.message == "终止日期不能早于起始日期。"
    assert exc.value.field == "renounced_at"
    assert RoleAssignment.objects.count() == before


def test_overlapping_same_role_is_refused(world, staff):
    person = UserFactory()
    _assign(staff, person, world.t1, assumed_at=date(2024, 1, 1), renounced_at=date(2024, 12, 31))
    with pytest.raises(InvalidInput, match="已担任该角色"):
        _assign(staff, person, world.t1, assumed_at=date(2024, 6, 1))
    # A later term, or another role in the same unit, is fine.
    _assign(staff, person, world.t1, assumed_at=date(2024, 12, 31))
    _assign(staff, person, world.t1, role=Role.RESIDENT, assumed_at=date(2024, 6, 1))
    assert RoleAssignment.objects.filter(user=person).count() == 3


def test_double_submit_of_the_same_assignment_stores_one_row(world, staff):
    person = UserFactory()
    _assign(staff, person, world.v1)
    with pytest.raises(InvalidInput):
        _assign(staff, person, world.v1)
    assert RoleAssignment.objects.filter(user=person).count() == 1


@pytest.mark.parametrize("role", [Role.CPPCC_STAFF, Role.APPROVER, Role.DEPARTMENT, Role.EVALUATOR])
def test_convenor_may_not_assign_roles_the_cppcc_and_party_appoint(world, convenor, role):
    before = RoleAssignment.objects.count()
    with pytest.raises(NotAllowed, match="由政协机关任命"):
        _assign(convenor, UserFactory(), world.v1, role=role, department=world.department)
    assert RoleAssignment.objects.count() == before


def test_convenor_assigns_within_own_subtree_only(world, convenor):
    assert _assign(convenor, UserFactory(), world.v1).unit == world.v1
    for unit in (world.t2, world.v3, world.a, world.vb):  # a sibling, below a sibling, the county, another county
        with pytest.raises(NotAllowed):
            _assign(convenor, UserFactory(), unit)


def test_staff_may_not_assign_in_another_county(world, staff):
    with pytest.raises(NotAllowed):
        _assign(staff, UserFactory(), world.vb)
    assert not RoleAssignment.objects.filter(unit=world.vb, role=Role.LIAISON).exists()


def test_sector_or_department_of_another_county_is_refused(world, staff):
    sector_b = SectorFactory(county=world.b)
    dept_b = DepartmentFactory(county=world.b)
    before = RoleAssignment.objects.count()
    with pytest.raises(InvalidInput, match="所选界别不属于该区县") as exc:
        _assign(staff, UserFactory(), world.a, role=Role.MEMBER, sector=sector_b)
    assert exc.value.field == "sector"
    with pytest.raises(InvalidInput, match="所选部门不属于该区县"):
        _assign(staff, UserFactory(), world.a, role=Role.DEPARTMENT, department=dept_b)
    assert RoleAssignment.objects.count() == before


def test_position_and_role_must_fit(world, staff):
    with pytest.raises(InvalidInput, match="只适用于召集人"):
        _assign(staff, UserFactory(), world.v1, position="first")
    with pytest.raises(InvalidInput, match="只能在区县任职"):
        _assign(staff, UserFactory(), world.t1, role=Role.CPPCC_STAFF)
    with pytest.raises(InvalidInput, match="需要选择所属部门"):
        _assign(staff, UserFactory(), world.a, role=Role.DEPARTMENT)


def test_oversized_title_is_refused(world, staff):
    with pytest.raises(InvalidInput, match="身份说明不能超过 100 个字"):
        _assign(staff, UserFactory(), world.t1, title="长" * 101)


def test_assignment_end(world, staff):
    a = _assign(staff, UserFactory(), world.t1, assumed_at=date(2024, 3, 1))
    with pytest.raises(InvalidInput, match="终止日期不能早于起始日期"):
        services.assignment_end(actor=staff, assignment=a, renounced_at=date(2024, 2, 1))
    a.refresh_from_db()
    assert a.renounced_at is None
    services.assignment_end(actor=staff, assignment=a, renounced_at=date(2024, 9, 30))
    a.refresh_from_db()
    assert a.renounced_at == date(2024, 9, 30)
    assert Event.objects.filter(object_id=a.pk, action="renounce").exists()


def test_approver_may_not_end_assignments(world):
    a = RoleAssignment.objects.get(user=world.users["liaison"])
    with pytest.raises(NotAllowed):
        services.assignment_end(actor=fresh(world.users["approver"]), assignment=a, renounced_at=date(2024, 1, 1))


# --- accounts --------------------------------------------------------------------------------------------------------


def _person(actor, unit, **kwargs):
    data = {
        "username": "zhangsan",
        "full_name": "张三",
        "phone": "13812345678",
        "role": Role.RESIDENT,
        "assumed_at": date(2024, 1, 1),
        **kwargs,
    }
    return services.person_add(actor=actor, unit=unit, **data)


def test_person_add_creates_account_and_role(world, convenor):
    a = _person(convenor, world.v1, phone="138 1234 5678")
    assert (a.user.username, a.user.full_name, a.user.phone, a.role, a.unit) == (
        "zhangsan",
        "张三",
        "13812345678",
        Role.RESIDENT,
        world.v1,
    )
    assert not a.user.has_usable_password()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "请填写姓名。"),
        ("full_name", "   ", "请填写姓名。"),
        ("full_name", "名" * 51, "姓名不能超过 50 个字（现有 51 个）。"),
        ("phone", "1381234567", "请输入11位中国大陆手机号码，例如 13812345678。"),
        ("phone", "23812345678", "请输入11位中国大陆手机号码，例如 13812345678。"),
        ("username", "张 三", "用户名只能包含字母、数字和 @/./+/-/_。"),
        ("username", "staff", "用户名“staff”已被使用。"),
        ("username", "STAFF", "用户名“STAFF”已被使用。"),
    ],
)
def test_bad_person_input_is_refused_and_nothing_stored(world, staff, field, value, message):
    counts = (User.objects.count(), RoleAssignment.objects.count())
    with pytest.raises(InvalidInput) as exc:
        _person(staff, world.t1, **{field: value})
    assert (exc.value.field, exc.value.message) == (field, message)
    assert (User.objects.count(), RoleAssignment.objects.count()) == counts


def test_weak_password_is_refused(world, staff):
    with pytest.raises(InvalidInput) as exc:
        _person(staff, world.t1, password="12345")
    assert exc.value.field == "password"
    assert not User.objects.filter(username="zhangsan").exists()


def test_person_add_is_all_or_nothing(world, convenor):
    """The role is refused after the account passed its checks: no account without a role is left behind."""
    with pytest.raises(NotAllowed):
        _person(convenor, world.v1, role=Role.CPPCC_STAFF)
    with pytest.raises(InvalidInput):
        _person(convenor, world.v1, assumed_at=date(2024, 5, 1), renounced_at=date(2024, 1, 1))
    assert not User.objects.filter(username="zhangsan").exists()


def test_script_in_name_is_stored_as_text(world, staff):
    a = _person(staff, world.t1, full_name="<script>alert(1)</script>")
    assert User.objects.get(pk=a.user_id).full_name == "<script>alert(1)</script>"


def test_person_add_outside_reach_is_refused(world, convenor):
    with pytest.raises(NotAllowed):
        _person(convenor, world.t2)
    assert not User.objects.filter(username="zhangsan").exists()


# --- member links ----------------------------------------------------------------------------------------------------


def _link(actor, world, **kwargs):
    data = {"member": world.users["member"], "unit": world.v2, "kind": "one_to_one", "started_on": date(2024, 1, 1)}
    return services.member_link_create(actor=actor, **{**data, **kwargs})


def test_member_link_create_and_end(world, staff):
    link = _link(staff, world)
    assert (link.member, link.unit, link.kind) == (world.users["member"], world.v2, "one_to_one")
    with pytest.raises(InvalidInput, match="已联系此单元"):
        _link(staff, world)
    services.member_link_end(actor=staff, link=link, ended_on=date(2024, 6, 30))
    link.refresh_from_db()
    assert link.ended_on == date(2024, 6, 30)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit": "t2"}, "一对一联系的对象应为村或社区。"),
        ({"kind": "area"}, "联片和界别工作室联系的对象应为镇/街道。"),
        ({"kind": "studio", "unit": "t2"}, "界别工作室联系需要选择界别。"),
        ({"member": "resident"}, "不是本区县的政协委员"),
        ({"ended_on": date(2023, 1, 1)}, "终止日期不能早于起始日期。"),
    ],
)
def test_bad_member_link_is_refused(world, staff, kwargs, message):
    if "unit" in kwargs:
        kwargs["unit"] = getattr(world, kwargs["unit"])
    if "member" in kwargs:
        kwargs["member"] = world.users[kwargs["member"]]
    before = MemberLink.objects.count()
    with pytest.raises(InvalidInput, match=message):
        _link(staff, world, **kwargs)
    assert MemberLink.objects.count() == before


def test_member_link_forged_unit_or_sector_is_refused(world, staff):
    member_b = UserFactory()
    assign(member_b, Role.MEMBER, world.b)
    with pytest.raises(NotAllowed):  # a village of county B, by county A's staff
        _link(staff, world, unit=world.vb, member=member_b)
    with pytest.raises(InvalidInput, match="所选界别不属于该区县"):
        _link(staff, world, kind="studio", unit=world.t2, sector=SectorFactory(county=world.b))
    with pytest.raises(InvalidInput, match="不是本区县的政协委员"):  # a member of county B linked in county A
        _link(staff, world, member=member_b)
    with pytest.raises(NotAllowed):
        _link(fresh(world.users["convenor"]), world)


# --- talent pool -----------------------------------------------------------------------------------------------------


def test_talent_save_creates_and_edits(world, staff):
    t = services.talent_save(
        actor=staff,
        county=world.a,
        name="李教授",
        kind="expert",
        fields=["法律", "城乡建设", "法律"],
        phone="13900001111",
    )
    assert sorted(f.name for f in t.fields.all()) == ["城乡建设", "法律"]
    linked = UserFactory()
    t.user = linked
    t.save()
    services.talent_save(actor=staff, county=world.a, talent=t, name="李教授", kind="lawyer", fields=[], user=linked)
    t.refresh_from_db()
    assert (t.kind, t.user, t.fields.count()) == ("lawyer", linked, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "请填写姓名。"),
        ({"name": "名" * 51}, "姓名不能超过 50 个字"),
        ({"phone": "12345"}, "请输入11位中国大陆手机号码"),
        ({"kind": "wizard"}, "类别不正确。"),
        ({"fields": ["领" * 51]}, "专业领域不能超过 50 个字"),
    ],
)
def test_bad_talent_is_refused(world, staff, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        services.talent_save(actor=staff, county=world.a, **{"name": "李教授", "kind": "expert", **kwargs})
    assert not Talent.objects.exists()


def test_talent_of_another_county_is_refused(world, staff):
    other = Talent.objects.create(county=world.b, name="外县专家", kind="expert")
    with pytest.raises(NotAllowed):
        services.talent_save(actor=staff, county=world.b, talent=other, name="改名", kind="expert")
    with pytest.raises(InvalidInput, match="不属于本区县"):
        services.talent_save(actor=staff, county=world.a, talent=other, name="改名", kind="expert")
    other.refresh_from_db()
    assert other.name == "外县专家"

"""The people pages as a user meets them: lists, filters, masking, forms; a failed POST is a 400 changing nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shangliang.people.models import Expertise, MemberLink, Role, RoleAssignment, Talent, User
from tests.factories import DepartmentFactory, SectorFactory, UserFactory, assign, link


def _login(client, world, role):
    client.force_login(world.users[role])


def _text(response) -> str:
    return response.content.decode()


def _pk(username: str) -> int:
    return User.objects.get(username=username).pk


def _counts():
    return User.objects.count(), RoleAssignment.objects.count(), MemberLink.objects.count(), Talent.objects.count()


@pytest.fixture
def villager(world):
    """A resident of V1 with a phone number, to be looked up and shown."""
    user = UserFactory(username="villager", full_name="李四", phone="13912345678")
    assign(user, Role.RESIDENT, world.v1, title="村民代表")
    return user


# --- the unit's people page ------------------------------------------------------------------------------------------


def test_list_shows_assignments_with_details(client, world, villager):
    sector = SectorFactory(county=world.a, name="农业界")
    member = UserFactory(full_name="周委员")
    assign(member, Role.MEMBER, world.v1, sector=sector)
    _login(client, world, "convenor")
    page = _text(client.get(reverse("people:unit_people", args=[world.v1.pk])))
    for text in ("李四", "群众", "村民代表", "2020-01-01", "周委员", "政协委员", "农业界"):
        assert text in page
    page = _text(client.get(reverse("people:unit_people", args=[world.t1.pk])))
    assert "第一召集人" in page


def test_phone_masked_for_viewer_full_for_changer(client, world, villager):
    url = reverse("people:unit_people", args=[world.v1.pk])
    _login(client, world, "approver")  # sees V1, may not change it
    page = _text(client.get(url))
    assert "139****5678" in page and "13912345678" not in page
    _login(client, world, "convenor")
    page = _text(client.get(url))
    assert "13912345678" in page and "139****5678" not in page


def test_past_assignments_behind_the_filter(client, world):
    today = timezone.localdate()
    old = UserFactory(full_name="老支书")
    assign(old, Role.CONVENOR, world.v1, start=date(2015, 1, 1), end=date(2019, 12, 31))
    leaving = UserFactory(full_name="将离任")
    assign(leaving, Role.LIAISON, world.v1, end=today + timedelta(days=30))
    _login(client, world, "convenor")
    url = reverse("people:unit_people", args=[world.v1.pk])
    current = _text(client.get(url))
    assert "老支书" not in current and "将离任" in current
    past = _text(client.get(url, {"status": "past"}))
    assert "老支书" in past and "2019-12-31" in past and "将离任" not in past
    everyone = _text(client.get(url, {"status": "all"}))
    assert "老支书" in everyone and "将离任" in everyone
    only_liaisons = _text(client.get(url, {"status": "all", "role": "liaison"}))
    assert "将离任" in only_liaisons and "老支书" not in only_liaisons


def test_list_is_paginated(client, world):
    for i in range(30):
        assign(UserFactory(full_name=f"居民{i:02d}"), Role.RESIDENT, world.v2)
    _login(client, world, "convenor")
    url = reverse("people:unit_people", args=[world.v2.pk])
    first = _text(client.get(url))
    assert "第 1 / 2 页，共 30 条" in first
    second = _text(client.get(url, {"page": 2}))
    assert "第 2 / 2 页" in second
    assert _text(client.get(url, {"page": "x"})).count("居民") == first.count("居民")


def test_script_in_name_is_shown_escaped(client, world):
    _login(client, world, "convenor")
    response = client.post(
        reverse("people:person_add", args=[world.v1.pk]),
        {"full_name": "<script>alert(1)</script>", "username": "xss", "role": "resident", "assumed_at": "2024-01-01"},
    )
    assert response.status_code == 302
    page = _text(client.get(reverse("people:unit_people", args=[world.v1.pk])))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_change_links_shown_only_to_changers(client, world, villager):
    url = reverse("people:unit_people", args=[world.v1.pk])
    _login(client, world, "approver")
    page = _text(client.get(url))
    assert reverse("people:person_add", args=[world.v1.pk]) not in page
    assert reverse("people:assignment_end", args=[villager.assignments.get().pk]) not in page
    _login(client, world, "convenor")
    page = _text(client.get(url))
    assert reverse("people:person_add", args=[world.v1.pk]) in page
    assert reverse("people:assign", args=[world.v1.pk]) in page
    assert reverse("people:assignment_end", args=[villager.assignments.get().pk]) in page


# --- adding people and assigning roles -------------------------------------------------------------------------------


def _person_data(**kwargs):
    return {
        "full_name": "张三",
        "username": "zhangsan",
        "phone": "13812345678",
        "role": "resident",
        "assumed_at": "2024-01-01",
        **kwargs,
    }


def test_person_add(client, world):
    _login(client, world, "convenor")
    response = client.post(reverse("people:person_add", args=[world.v1.pk]), _person_data(position="", title="村民"))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:unit_people", args=[world.v1.pk])
    a = RoleAssignment.objects.get(user__username="zhangsan")
    assert (a.unit, a.role, a.title, a.user.phone) == (world.v1, "resident", "村民", "13812345678")
    page = _text(client.get(response["Location"]))
    assert "已新增“张三”" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": ""}, "这个字段是必填项。"),
        ({"full_name": "名" * 51}, "不超过 50 字符"),
        ({"phone": "1381234"}, "请输入11位中国大陆手机号码，例如 13812345678。"),
        ({"username": "convenor"}, "用户名“convenor”已被使用。"),
        ({"assumed_at": "2024-05-01", "renounced_at": "2024-04-01"}, "终止日期不能早于起始日期。"),
        ({"password": "123"}, "密码太短，至少需要 10 个字符。"),
        ({"role": "wizard"}, "选择一个有效的选项"),
        ({"position": "first"}, "第一/第二召集人只适用于召集人角色。"),
    ],
)
def test_failed_person_add_is_400_and_changes_nothing(client, world, data, message):
    _login(client, world, "convenor")
    before = _counts()
    response = client.post(reverse("people:person_add", args=[world.v1.pk]), _person_data(**data))
    assert response.status_code == 400
    assert message in _text(response)
    assert _counts() == before


def test_person_add_double_submit_stores_one(client, world):
    _login(client, world, "convenor")
    url = reverse("people:person_add", args=[world.v1.pk])
    assert client.post(url, _person_data()).status_code == 302
    before = _counts()
    second = client.post(url, _person_data())
    assert second.status_code == 400 and "已被使用" in _text(second)
    assert _counts() == before
    assert User.objects.filter(username="zhangsan").count() == 1


def test_convenor_is_offered_only_roles_they_may_assign(client, world):
    _login(client, world, "convenor")
    page = _text(client.get(reverse("people:assign", args=[world.v1.pk])))
    assert 'value="liaison"' in page and 'value="resident"' in page
    assert 'value="cppcc_staff"' not in page and 'value="approver"' not in page
    _login(client, world, "staff")
    page = _text(client.get(reverse("people:assign", args=[world.v1.pk])))
    assert 'value="cppcc_staff"' in page and 'value="approver"' in page


@pytest.mark.parametrize("role", ["cppcc_staff", "approver"])
def test_convenor_forging_a_refused_role_sees_the_message(client, world, villager, role):
    _login(client, world, "convenor")
    before = _counts()
    response = client.post(
        reverse("people:assign", args=[world.t1.pk]), {"person": villager.pk, "role": role, "assumed_at": "2024-01-01"}
    )
    assert response.status_code == 403
    assert "由政协机关任命" in _text(response)
    assert _counts() == before


def test_assign_existing_person_found_by_name_username_or_mobile(client, world, villager):
    """Issue 14: the person is picked by searching (htmx) the county's people, by name, username or mobile."""
    _login(client, world, "convenor")
    search = reverse("people:person_search", args=[world.v1.pk])
    for typed in ("李四", "VILLAGER", "139 1234 5678"):
        assert f'value="{villager.pk}"' in _text(client.get(search, {"person_q": typed})), typed
    assert f'value="{villager.pk}"' not in _text(client.get(search, {"person_q": "1391234"}))  # no part of a number
    outsider = UserFactory(username="outsider", full_name="李四乙")
    assign(outsider, Role.RESIDENT, world.vb)
    assert f'value="{outsider.pk}"' not in _text(client.get(search, {"person_q": "李四"}))  # another county's
    page = _text(client.get(reverse("people:assign", args=[world.v1.pk])))
    assert 'name="person_q"' in page and search in page

    url = reverse("people:assign", args=[world.v1.pk])
    response = client.post(url, {"person": villager.pk, "role": "liaison", "assumed_at": "2024-01-01"})
    assert response.status_code == 302
    refused = client.post(url, {"person": outsider.pk, "role": "liaison", "assumed_at": "2024-01-01"})
    assert refused.status_code == 400 and "请选择本区县的人员。" in _text(refused)
    assert set(villager.assignments.values_list("role", flat=True)) == {"resident", "liaison"}
    assert not outsider.assignments.filter(role="liaison").exists()
    client.force_login(world.users["department"])
    assert client.get(search).status_code == 403


def test_assign_double_submit_stores_one(client, world, villager):
    _login(client, world, "convenor")
    url = reverse("people:assign", args=[world.v1.pk])
    data = {"person": villager.pk, "role": "liaison", "assumed_at": "2024-01-01"}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 400
    assert "该人员在此期间已担任该角色。" in _text(second)
    assert villager.assignments.filter(role="liaison").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"person": "999999"}, "请选择本区县的人员。"),
        ({"person": "outsider"}, "请选择本区县的人员。"),  # exists, but in county B only
        ({"person": "stranger"}, "请选择本区县的人员。"),  # holds no role anywhere
        ({"person": ""}, "请选择人员。"),
        ({"sector": "B"}, "选择一个有效的选项"),  # a sector of county B, forged into the form
        ({"department": "B"}, "选择一个有效的选项"),
        ({"assumed_at": "2024-05-01", "renounced_at": "2024-04-01"}, "终止日期不能早于起始日期。"),
        ({"assumed_at": ""}, "这个字段是必填项。"),
        ({"assumed_at": "2024-02-30"}, "输入一个有效的日期。"),
        ({"title": "长" * 101}, "不超过 100 字符"),
    ],
)
def test_failed_assign_is_400_and_changes_nothing(client, world, villager, data, message):
    outsider = UserFactory(username="outsider")
    assign(outsider, Role.RESIDENT, world.vb)
    stranger = world.users["stranger"]
    assert not stranger.assignments.exists()
    data = {
        **data,
        "person": {"outsider": outsider.pk, "stranger": stranger.pk}.get(data.get("person"), data.get("person")),
    }
    data["person"] = villager.pk if data["person"] is None else data["person"]
    if data.get("sector") == "B":
        data["sector"] = SectorFactory(county=world.b).pk
    if data.get("department") == "B":
        data["department"] = DepartmentFactory(county=world.b).pk
    _login(client, world, "staff")
    before = _counts()
    response = client.post(
        reverse("people:assign", args=[world.a.pk]),
        {"role": "member", "assumed_at": "2024-01-01", **data},
    )
    assert response.status_code == 400
    assert message in _text(response)
    assert _counts() == before


def test_assign_with_sector_and_department_of_the_county(client, world, villager):
    sector = SectorFactory(county=world.a, name="经济界")
    _login(client, world, "staff")
    url = reverse("people:assign", args=[world.a.pk])
    response = client.post(
        url, {"person": villager.pk, "role": "member", "sector": sector.pk, "assumed_at": "2024-01-01"}
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {"person": villager.pk, "role": "department", "department": world.department.pk, "assumed_at": "2024-01-01"},
    )
    assert response.status_code == 302
    assert villager.assignments.get(role="member").sector == sector
    assert villager.assignments.get(role="department").department == world.department


def test_end_assignment(client, world, villager):
    a = villager.assignments.get()
    _login(client, world, "convenor")
    url = reverse("people:assignment_end", args=[a.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"renounced_at": "2019-01-01"})
    assert bad.status_code == 400 and "终止日期不能早于起始日期。" in _text(bad)
    a.refresh_from_db()
    assert a.renounced_at is None
    missing = client.post(url, {"renounced_at": ""})
    assert missing.status_code == 400
    ok = client.post(url, {"renounced_at": "2024-06-30"})
    assert ok.status_code == 302
    a.refresh_from_db()
    assert a.renounced_at == date(2024, 6, 30)
    again = client.post(url, {"renounced_at": "2024-07-30"})
    assert again.status_code == 400 and "已于 2024-06-30 终止" in _text(again)


def test_missing_objects_are_404(client, world):
    _login(client, world, "staff")
    assert client.get(reverse("people:unit_people", args=[999999])).status_code == 404
    assert (
        client.post(reverse("people:assignment_end", args=[999999]), {"renounced_at": "2024-01-01"}).status_code == 404
    )
    # County pages exist for counties only.
    assert client.get(reverse("people:member_links", args=[world.t1.pk])).status_code == 404
    assert client.get(reverse("people:talent_list", args=[world.t1.pk])).status_code == 404


# --- member links ----------------------------------------------------------------------------------------------------


@pytest.fixture
def links(world):
    sector = SectorFactory(county=world.a, name="工商联界")
    zhou = UserFactory(username="zhou", full_name="周委员")
    assign(zhou, Role.MEMBER, world.a, sector=sector)
    link(zhou, world.v3)
    link(zhou, world.t2, kind="studio", sector=sector)
    ended = UserFactory(username="wu", full_name="吴委员")
    assign(ended, Role.MEMBER, world.a)
    link(ended, world.v2, ended_on=date(2022, 1, 1))
    return sector


def test_member_links_list_and_filters(client, world, links):
    _login(client, world, "staff")
    url = reverse("people:member_links", args=[world.a.pk])
    page = _text(client.get(url))
    assert "周委员" in page and ">三村</a>" in page and "工商联界" in page and "<td>界别工作室联系</td>" in page
    assert "吴委员" not in page  # ended links behind the filter
    assert "吴委员" in _text(client.get(url, {"status": "ended"}))
    by_kind = _text(client.get(url, {"kind": "studio"}))
    assert ">二镇</a>" in by_kind and ">三村</a>" not in by_kind
    by_name = _text(client.get(url, {"member": "周"}))
    assert "周委员" in by_name and ">一镇</a>" not in by_name  # the member's area link to T1 is filtered out
    by_unit = _text(client.get(url, {"unit": world.t2.pk}))  # a town covers its villages
    assert ">三村</a>" in by_unit and ">二镇</a>" in by_unit and ">一镇</a>" not in by_unit
    forged = _text(client.get(url, {"unit": world.tb.pk}))  # another county's town: refused, with a message
    assert "所选单元不是本区县的镇（街道）、村或社区，未按单元筛选。" in forged and "周委员" in forged
    assert f'value="{world.tb.pk}"' not in forged


def test_the_member_links_unit_filter_searches_every_village_of_the_county(client, world, links):
    """Issue 14: the list's unit filter is a picker (htmx search) over the county's towns and villages, not a
    select of the whole county; the filter still covers a town's villages."""
    from tests.factories import make_unit

    villages = [make_unit(f"第{i:03d}村", "village", world.t2) for i in range(40)]
    link(MemberLink.objects.get(unit=world.v3).member, villages[39])
    _login(client, world, "staff")
    url = reverse("people:member_links", args=[world.a.pk])
    search = reverse("people:link_filter_units", args=[world.a.pk])
    page = _text(client.get(url))
    assert 'name="unit_q"' in page and search in page and "请输入名称缩小范围" in page
    assert f'value="{villages[39].pk}"' not in page  # the first page of the picker, not the whole county
    found = _text(client.get(search, {"unit_q": "第039村"}))
    assert f'value="{villages[39].pk}"' in found and world.t2.name in found
    assert f'value="{world.vb.pk}"' not in _text(client.get(search, {"unit_q": world.vb.name}))
    filtered = _text(client.get(url, {"unit": villages[39].pk}))
    assert ">第039村</a>" in filtered and ">三村</a>" not in filtered
    assert f'value="{villages[39].pk}" checked' in filtered  # the filter shows what it filters by
    # Who may not see the county's member links does not search its units either.
    _login(client, world, "convenor")
    assert client.get(search, {"unit_q": "村"}).status_code == 403


def test_member_link_add_and_end(client, world, links):
    _login(client, world, "staff")
    response = client.post(
        reverse("people:member_link_add", args=[world.a.pk]),
        {"member": _pk("zhou"), "kind": "area", "unit": world.t1.pk, "started_on": "2024-01-01", "note": "联系一镇"},
    )
    assert response.status_code == 302
    new = MemberLink.objects.get(member__username="zhou", unit=world.t1)
    response = client.post(reverse("people:member_link_end", args=[new.pk]), {"ended_on": "2024-12-31"})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.ended_on == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"member": "999999"}, "所选人员不是本区县的政协委员。"),
        ({"member": "villager"}, "所选人员不是本区县的政协委员。"),  # an id forged into the form: not a member
        ({"member": ""}, "请选择委员。"),
        ({"kind": "studio", "unit": "t2"}, "界别工作室联系需要选择界别。"),
        ({"unit": "t2"}, "一对一联系的对象应为村或社区。"),
        ({"unit": "vb"}, "请选择本区县的镇（街道）、村或社区。"),  # a village of county B, forged into the form
        ({"sector": "B", "kind": "studio", "unit": "t2"}, "选择一个有效的选项"),
        ({"ended_on": "2023-01-01"}, "终止日期不能早于起始日期。"),
        ({"unit": "v3"}, "该委员已联系此单元。"),
    ],
)
def test_failed_member_link_add_is_400_and_changes_nothing(client, world, links, villager, data, message):
    data = dict(data)
    if data.get("member") == "villager":
        data["member"] = villager.pk
    if "unit" in data:
        data["unit"] = getattr(world, data["unit"]).pk
    if data.get("sector") == "B":
        data["sector"] = SectorFactory(county=world.b).pk
    _login(client, world, "staff")
    before = _counts()
    response = client.post(
        reverse("people:member_link_add", args=[world.a.pk]),
        {"member": _pk("zhou"), "kind": "one_to_one", "unit": world.v1.pk, "started_on": "2024-01-01", **data},
    )
    assert response.status_code == 400
    assert message in _text(response)
    assert _counts() == before


def test_member_link_end_before_start_is_400(client, world, links):
    existing = MemberLink.objects.get(member__username="zhou", unit=world.v3)
    _login(client, world, "staff")
    response = client.post(reverse("people:member_link_end", args=[existing.pk]), {"ended_on": "2019-01-01"})
    assert response.status_code == 400 and "终止日期不能早于起始日期。" in _text(response)
    existing.refresh_from_db()
    assert existing.ended_on is None


def test_the_member_link_pickers_search_every_member_and_village_of_the_county(client, world, links, villager):
    """Issue 14: the member link form's 委员 and 联系单元 search (htmx) instead of asking for a username or listing
    every village; a village is told apart by its town; the posted ids are looked up in the county."""
    from tests.factories import make_unit

    for i in range(30):
        assign(UserFactory(username=f"m{i:02d}", full_name=f"委员{i:02d}"), Role.MEMBER, world.a)
    outsider = UserFactory(username="mb", full_name="委员乙县")
    assign(outsider, Role.MEMBER, world.b)
    twin = make_unit("一村", "village", world.t2)  # a village named like one of the first town's
    _login(client, world, "staff")
    add = reverse("people:member_link_add", args=[world.a.pk])
    page = _text(client.get(add))
    assert 'name="member_q"' in page and 'name="unit_q"' in page
    assert "请输入名称缩小范围" in page  # more members than shown: the page says so

    members = reverse("people:link_member_search", args=[world.a.pk])
    found = _text(client.get(members, {"member_q": "委员29"}))
    wanted = User.objects.get(username="m29")
    assert f'value="{wanted.pk}"' in found and "委员28" not in found
    assert "委员乙县" not in _text(client.get(members, {"member_q": "乙县"}))
    assert f'value="{villager.pk}"' not in _text(client.get(members, {"member_q": "李四"}))  # no member

    units = _text(client.get(reverse("people:link_unit_search", args=[world.a.pk]), {"unit_q": "一村"}))
    assert f'value="{world.v1.pk}"' in units and f'value="{twin.pk}"' in units
    assert world.t1.name in units and world.t2.name in units  # each village with its town
    assert f'value="{world.vb.pk}"' not in _text(
        client.get(reverse("people:link_unit_search", args=[world.a.pk]), {"unit_q": world.vb.name})
    )

    one_to_one = {"kind": "one_to_one", "unit": twin.pk, "started_on": "2024-01-01"}
    response = client.post(add, {"member": wanted.pk, **one_to_one})
    assert response.status_code == 302
    assert MemberLink.objects.filter(member=wanted, unit=twin).exists()
    refused = client.post(add, {"member": outsider.pk, **one_to_one})
    assert refused.status_code == 400 and not MemberLink.objects.filter(member=outsider).exists()
    # The choice stays picked when the form comes back with an error.
    assert f'value="{twin.pk}" checked' in _text(refused)


def test_only_whoever_changes_member_links_searches_the_pickers(client, world):
    _login(client, world, "convenor")
    for name in ("people:link_member_search", "people:link_unit_search"):
        assert client.get(reverse(name, args=[world.a.pk])).status_code == 403


def test_member_links_paginated(client, world):
    member = UserFactory(full_name="钱委员")
    assign(member, Role.MEMBER, world.a)
    from tests.factories import make_unit

    for i in range(26):
        link(member, make_unit(f"新村{i}", "village", world.t2))
    _login(client, world, "staff")
    page = _text(client.get(reverse("people:member_links", args=[world.a.pk])))
    assert "第 1 / 2 页" in page


# --- talent pool -----------------------------------------------------------------------------------------------------


@pytest.fixture
def pool(world):
    law = Expertise.objects.create(name="法律")
    build = Expertise.objects.create(name="城乡建设")
    li = Talent.objects.create(county=world.a, name="李教授", kind="expert", organisation="省大学", phone="13700001234")
    li.fields.set([law, build])
    zhao = Talent.objects.create(county=world.a, name="赵律师", kind="lawyer", title="主任律师")
    zhao.fields.set([law])
    Talent.objects.create(county=world.a, name="退库专家", kind="expert", is_active=False)
    Talent.objects.create(county=world.b, name="外县专家", kind="expert")
    return law, build


def test_talent_list_filters(client, world, pool):
    law, build = pool
    _login(client, world, "convenor")
    url = reverse("people:talent_list", args=[world.a.pk])
    page = _text(client.get(url))
    assert "李教授" in page and "赵律师" in page and "城乡建设" in page
    assert "外县专家" not in page and "退库专家" not in page
    assert "赵律师" not in _text(client.get(url, {"field": build.pk}))
    assert "李教授" not in _text(client.get(url, {"kind": "lawyer"}))
    by_text = _text(client.get(url, {"q": "省大学"}))
    assert "李教授" in by_text and "赵律师" not in by_text


def test_talent_phone_masked_for_viewers(client, world, pool):
    url = reverse("people:talent_list", args=[world.a.pk])
    _login(client, world, "convenor")
    page = _text(client.get(url))
    assert "137****1234" in page and "13700001234" not in page
    _login(client, world, "staff")
    page = _text(client.get(url))
    assert "13700001234" in page
    assert "退库专家" in page  # keepers also see entries taken out of the pool


def test_talent_add_splits_fields(client, world):
    _login(client, world, "staff")
    response = client.post(
        reverse("people:talent_add", args=[world.a.pk]),
        {
            "name": "钱工",
            "kind": "skilled",
            "fields": "水利，农业、 电商,农业",
            "phone": "13600001111",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    talent = Talent.objects.get(name="钱工")
    assert sorted(f.name for f in talent.fields.all()) == sorted(["水利", "农业", "电商"])
    assert talent.is_active and talent.county == world.a


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "这个字段是必填项。"),
        ({"name": "   "}, "这个字段是必填项。"),
        ({"phone": "110"}, "请输入11位中国大陆手机号码，例如 13812345678。"),
        ({"kind": "wizard"}, "选择一个有效的选项"),
        ({"fields": "、".join(f"领域{i}" for i in range(11))}, "专业领域最多 10 个。"),
    ],
)
def test_failed_talent_add_is_400_and_changes_nothing(client, world, data, message):
    _login(client, world, "staff")
    before = _counts()
    response = client.post(reverse("people:talent_add", args=[world.a.pk]), {"name": "钱工", "kind": "expert", **data})
    assert response.status_code == 400
    assert message in _text(response)
    assert _counts() == before


def test_talent_edit_keeps_account_link(client, world, pool):
    li = Talent.objects.get(name="李教授")
    li.user = world.users["expert"]
    li.save()
    _login(client, world, "staff")
    url = reverse("people:talent_edit", args=[li.pk])
    form = _text(client.get(url))
    assert "法律、城乡建设" in form or "城乡建设、法律" in form
    response = client.post(url, {"name": "李教授", "kind": "expert", "fields": "法律", "organisation": "市委党校"})
    assert response.status_code == 302
    li.refresh_from_db()
    assert (li.organisation, li.user, li.is_active) == ("市委党校", world.users["expert"], False)
    assert [f.name for f in li.fields.all()] == ["法律"]


def test_talent_of_another_county_cannot_be_edited(client, world, pool):
    other = Talent.objects.get(name="外县专家")
    _login(client, world, "staff")
    assert (
        client.post(reverse("people:talent_edit", args=[other.pk]), {"name": "改", "kind": "expert"}).status_code == 403
    )
    other.refresh_from_db()
    assert other.name == "外县专家"


# --- the unit page links here ----------------------------------------------------------------------------------------


def test_unit_page_links_to_county_pages(client, world):
    _login(client, world, "staff")
    county = _text(client.get(reverse("units:detail", args=[world.a.pk])))
    assert reverse("people:member_links", args=[world.a.pk]) in county
    assert reverse("people:talent_list", args=[world.a.pk]) in county
    assert reverse("people:unit_people", args=[world.a.pk]) in county
    town = _text(client.get(reverse("units:detail", args=[world.t1.pk])))
    assert "/links/" not in town and "/talent/" not in town
    _login(client, world, "approver")
    town = _text(client.get(reverse("units:detail", args=[world.t1.pk])))
    assert reverse("people:unit_people", args=[world.t1.pk]) in town

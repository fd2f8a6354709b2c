"""Pickers at real sizes: the 督办委员 picker searches all of a county's members (290 here) instead of offering the
first 200; the posted choice is checked against the county's members, not against a list on the page."""

import re
from uuid import uuid4

import pytest
from django.urls import reverse

from shangliang.accountability.models import Supervision
from shangliang.consultations.models import ConsultationStatus as C
from shangliang.people.models import Role
from tests.accountability.conftest import assign as assign_task
from tests.consultations.conftest import make, people  # noqa: F401 (the `people` fixture)
from tests.factories import UserFactory, assign

pytestmark = pytest.mark.django_db


def test_the_supervisor_picker_finds_any_of_290_members_and_assigns_them(client, world, people):  # noqa: F811
    task = assign_task(world, make(world, people, C.SUBMITTED))
    members = []
    for i in range(290):
        m = UserFactory(username=f"m{i:03d}", full_name=f"委员{i:03d}")
        assign(m, Role.MEMBER, world.a)
        members.append(m)
    outsider = UserFactory(username="mb", full_name="委员乙县")
    assign(outsider, Role.MEMBER, world.b)
    client.force_login(world.users["convenor"])

    page = client.get(reverse("accountability:task", args=[task.pk])).content.decode()
    assert "共 291 项" in page  # 290 + the world's own member: the page says the list is longer than shown
    assert 'name="member_q"' in page and reverse("accountability:supervisor_search", args=[task.pk]) in page

    found = client.get(reverse("accountability:supervisor_search", args=[task.pk]), {"member_q": "委员289"})
    assert found.status_code == 200
    assert f'value="{members[289].pk}"' in found.content.decode()
    assert (
        "委员乙县"
        not in client.get(
            reverse("accountability:supervisor_search", args=[task.pk]), {"member_q": "乙县"}
        ).content.decode()
    )

    client.post(reverse("accountability:supervisor", args=[task.pk]), {"member": members[289].pk})
    assert Supervision.objects.filter(task=task, member=members[289]).exists()
    client.post(reverse("accountability:supervisor", args=[task.pk]), {"member": outsider.pk})
    assert not Supervision.objects.filter(task=task, member=outsider).exists()


def test_only_the_office_searches_the_members(client, world, people):  # noqa: F811
    task = assign_task(world, make(world, people, C.SUBMITTED))
    client.force_login(world.users["department"])
    assert client.get(reverse("accountability:supervisor_search", args=[task.pk])).status_code == 403


def test_the_unit_picker_of_topic_entry_reaches_every_village_of_a_large_town(client, world):
    from shangliang.topics.models import Topic
    from shangliang.units.models import UnitKind
    from tests.factories import make_unit

    villages = [make_unit(f"第{i:03d}村", UnitKind.VILLAGE, world.t1) for i in range(520)]
    client.force_login(world.users["liaison"])
    url = reverse("topics:enter", args=["grid"])
    page = client.get(url).content.decode()
    assert 'name="unit_q"' in page and "请输入名称缩小范围" in page
    found = client.get(reverse("topics:unit_search", args=["grid"]), {"unit_q": "第519村"}).content.decode()
    assert f'value="{villages[519].pk}"' in found
    elsewhere = client.get(reverse("topics:unit_search", args=["grid"]), {"unit_q": "乙村"}).content.decode()
    assert f'value="{world.vb.pk}"' not in elsewhere and "没有找到" in elsewhere

    data = {"title": "村口路灯不亮", "description": "晚上看不见路。", "anonymous": "on", "idempotency_key": uuid4().hex}
    posted = client.post(url, {**data, "unit": villages[519].pk})
    assert posted.status_code == 302, re.findall(r'class="errorlist"[^>]*>(.*?)</ul>', posted.content.decode(), re.S)
    assert Topic.objects.get(title="村口路灯不亮").unit == villages[519]
    refused = client.post(url, {**data, "unit": world.vb.pk, "idempotency_key": uuid4().hex})
    assert refused.status_code == 400 and "请从查找结果中选择" in refused.content.decode()


def test_the_talent_pool_of_a_consultation_is_searched_past_its_first_page(client, world, people):  # noqa: F811
    from tests.factories import TalentFactory

    c = make(world, people, C.DRAFT)
    talents = [TalentFactory(county=world.a, name=f"专家{i:02d}", organisation="农科院") for i in range(80)]
    client.force_login(world.users["convenor"])
    url = reverse("consultations:participants", args=[c.pk])
    page = client.get(url).content.decode()
    assert f'value="{talents[75].pk}"' not in page  # the first page of the pool
    assert 'id="tq"' in page and "hx-get" in page
    found = client.get(url, {"tq": "专家75"}, headers={"HX-Request": "true"}).content.decode()
    assert f'value="{talents[75].pk}"' in found
    posted = client.post(url, {"source": "talent", "talent-talent": talents[75].pk, "talent-kind": "expert"})
    assert posted.status_code == 302
    assert c.participants.filter(talent=talents[75]).exists()


def test_the_topic_list_filters_by_any_unit_found_by_name(client, world):
    from shangliang.topics.models import Topic, TopicSource
    from shangliang.units.models import UnitKind
    from tests.factories import make_unit

    villages = [make_unit(f"第{i:03d}村", UnitKind.VILLAGE, world.t1) for i in range(510)]
    Topic.objects.create(unit=villages[509], source=TopicSource.RESIDENT, title="最后一个村的议题", description="…")
    Topic.objects.create(unit=world.v1, source=TopicSource.RESIDENT, title="一村的议题", description="…")
    client.force_login(world.users["convenor"])
    found = client.get(reverse("topics:filter_units"), {"unit_q": "第509村"}).content.decode()
    assert f'value="{villages[509].pk}"' in found
    listed = client.get(reverse("topics:list"), {"unit": villages[509].pk}).content.decode()
    assert "最后一个村的议题" in listed and "一村的议题" not in listed
    assert f'value="{villages[509].pk}" checked' in listed


def test_a_member_writes_about_any_village_of_the_county_found_by_name(client, world):
    from shangliang.units.models import UnitKind
    from tests.factories import make_unit

    villages = [make_unit(f"第{i:03d}村", UnitKind.VILLAGE, world.t2) for i in range(320)]
    client.force_login(world.users["member"])
    found = client.get(reverse("opinions:units"), {"unit_q": "第319村"}).content.decode()
    assert f'value="{villages[319].pk}"' in found
    elsewhere = client.get(reverse("opinions:units"), {"unit_q": "乙村"}).content.decode()
    assert f'value="{world.vb.pk}"' not in elsewhere


def _assign_data(consultation, **extra):
    return {
        "suggestion": consultation.suggestions.get().pk,
        "action": "划线",
        "owner_name": "王科长",
        "deadline": "",
        "working_days": "5",
        **extra,
    }


def test_the_responsible_body_is_found_among_60_departments_and_the_units_above_and_below(client, world, people):  # noqa: F811
    from shangliang.accountability.models import ResponsibilityTask
    from tests.factories import DepartmentFactory

    c = make(world, people, C.SUBMITTED)
    departments = [DepartmentFactory(county=world.a, name=f"第{i:02d}局") for i in range(60)]
    DepartmentFactory(county=world.b, name="乙县第59局")
    client.force_login(world.users["convenor"])
    url = reverse("accountability:assign", args=[c.pk])
    search = reverse("accountability:assign_search", args=[c.pk])
    page = client.get(url).content.decode()
    assert 'name="body_q"' in page and search in page and "共 65 项" in page  # 61 departments + 甲县, 一镇, 一村, 二村

    found = client.get(search, {"field": "body", "body_q": "第59局"}).content.decode()
    assert f'value="d{departments[59].pk}"' in found and "乙县" not in found
    units = client.get(search, {"field": "body", "body_q": "村"}).content.decode()
    assert f'value="u{world.v1.pk}"' in units and f'value="u{world.v2.pk}"' in units
    assert f'value="u{world.v3.pk}"' not in units  # another town's village is not this consultation's body
    assert f'value="u{world.vb.pk}"' not in client.get(search, {"field": "body", "body_q": "乙村"}).content.decode()

    posted = client.post(url, _assign_data(c, body=f"d{departments[59].pk}", idempotency_key=uuid4().hex))
    assert posted.status_code == 302
    assert ResponsibilityTask.objects.get().department == departments[59]
    refused = client.post(url, _assign_data(c, body=f"u{world.v3.pk}", idempotency_key=uuid4().hex))
    assert refused.status_code == 400 and "请从查找结果中选择本县（区）的职能部门或基层单元" in refused.content.decode()
    assert ResponsibilityTask.objects.count() == 1


def test_the_owner_account_is_picked_among_the_chosen_bodys_accounts_with_masked_mobiles(client, world, people):  # noqa: F811
    from shangliang.accountability.models import ResponsibilityTask
    from tests.factories import DepartmentFactory

    c = make(world, people, C.SUBMITTED)
    clerk = UserFactory(username="clerk", full_name="王办事", phone="13912345678")
    assign(clerk, Role.DEPARTMENT, world.a, department=world.department)
    other_dept = DepartmentFactory(county=world.a, name="交通局")
    driver = UserFactory(username="driver", full_name="王司机", phone="13987654321")
    assign(driver, Role.DEPARTMENT, world.a, department=other_dept)
    village_head = UserFactory(username="cunzhang", full_name="王村长")
    assign(village_head, Role.CONVENOR, world.v1)
    client.force_login(world.users["convenor"])
    search = reverse("accountability:assign_search", args=[c.pk])

    def owners(**params):
        return client.get(search, {"field": "owner", **params}).content.decode()

    of_dept = owners(body=f"d{world.department.pk}", owner_q="王")
    assert f'value="{clerk.pk}"' in of_dept and "139****5678" in of_dept and "13912345678" not in of_dept
    assert f'value="{driver.pk}"' not in of_dept and f'value="{village_head.pk}"' not in of_dept
    of_village = owners(body=f"u{world.v1.pk}", owner_q="王")
    assert f'value="{village_head.pk}"' in of_village and f'value="{clerk.pk}"' not in of_village
    # A whole mobile number finds its account; a part of one finds nobody.
    assert f'value="{clerk.pk}"' in owners(body=f"d{world.department.pk}", owner_q="13912345678")
    assert f'value="{clerk.pk}"' not in owners(body=f"d{world.department.pk}", owner_q="1391234")
    # No body chosen yet: the accounts of every body on offer, never a stranger's.
    anyone = owners(owner_q="")
    assert f'value="{clerk.pk}"' in anyone and f'value="{driver.pk}"' in anyone
    assert f'value="{world.users["stranger"].pk}"' not in anyone

    page = client.get(reverse("accountability:assign", args=[c.pk])).content.decode()
    assert 'name="owner_q"' in page and 'hx-include="#picker-body-options input:checked"' in page

    url = reverse("accountability:assign", args=[c.pk])
    refused = client.post(
        url, _assign_data(c, body=f"d{world.department.pk}", owner=driver.pk, idempotency_key=uuid4().hex)
    )
    assert refused.status_code == 400 and "所选账号不属于所选责任单位" in refused.content.decode()
    assert not ResponsibilityTask.objects.exists()
    posted = client.post(
        url, _assign_data(c, body=f"d{world.department.pk}", owner=clerk.pk, idempotency_key=uuid4().hex)
    )
    assert posted.status_code == 302 and ResponsibilityTask.objects.get().owner == clerk


def test_reassigning_offers_the_current_body_and_searches_the_new_ones(client, world, people):  # noqa: F811
    from tests.accountability.conftest import reload

    task = assign_task(world, make(world, people, C.SUBMITTED))
    village_head = UserFactory(username="cunzhang", full_name="王村长")
    assign(village_head, Role.CONVENOR, world.v1)
    client.force_login(world.users["convenor"])
    url = reverse("accountability:reassign", args=[task.pk])
    page = client.get(url).content.decode()
    assert f'value="d{world.department.pk}" checked' in page
    found = client.get(
        reverse("accountability:reassign_search", args=[task.pk]),
        {"field": "owner", "body": f"u{world.v1.pk}", "owner_q": "村长"},
    ).content.decode()
    assert f'value="{village_head.pk}"' in found
    posted = client.post(
        url,
        {
            "body": f"u{world.v1.pk}",
            "owner": village_head.pk,
            "owner_name": "王村长",
            "deadline": "",
            "working_days": "5",
            "note": "属地办理",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:3000]
    task = reload(task)
    assert task.owner_unit == world.v1 and task.owner == village_head and task.department is None


def test_only_whoever_assigns_searches_the_bodies_and_accounts(client, world, people):  # noqa: F811
    c = make(world, people, C.SUBMITTED)
    task = assign_task(world, c)
    for name in ("department", "liaison", "resident"):
        client.force_login(world.users[name])
        assert client.get(reverse("accountability:assign_search", args=[c.pk]), {"field": "owner"}).status_code == 403
        assert client.get(reverse("accountability:reassign_search", args=[task.pk])).status_code == 403

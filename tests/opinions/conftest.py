"""Opinion-report fixtures on the `world` of tests/conftest.py: a second member of county A, an informant (liaison)
in village V1, and helpers that drive a report through the services to any state."""

from types import SimpleNamespace

import pytest

from shangliang.opinions import services
from shangliang.opinions.models import ReportStatus
from shangliang.people.models import Role
from tests.conftest import fresh
from tests.factories import DepartmentFactory, UserFactory, assign

S = ReportStatus


@pytest.fixture
def op(world):
    writer = UserFactory(username="writer", full_name="周委员")
    assign(writer, Role.MEMBER, world.a)
    informant = UserFactory(username="informant", full_name="网格员小李")
    assign(informant, Role.LIAISON, world.v1)
    water = DepartmentFactory(county=world.a, name="水利局")
    return SimpleNamespace(world=world, writer=writer, informant=informant, water=water)


def write(op, unit=None, author=None, **overrides):
    data = {
        "title": "农村饮水安全工程后期管护亟待加强",
        "body": "部分村集中供水设施无人管护，水质检测不及时。建议明确管护主体、落实经费。",
    }
    data.update(overrides)
    return services.report_create(actor=fresh(author or op.writer), unit=unit or op.world.v1, **data)


def drive(op, state, *, unit=None, author=None, department=None, **overrides):
    """A report by `author` (default: 周委员) about `unit` (default: 一村), driven to `state`."""
    staff = fresh(op.world.users["staff"])
    body = fresh(op.world.users["department"])
    r = write(op, unit=unit, author=author, **overrides)
    if state == S.DRAFT:
        return r
    r = services.report_submit(actor=fresh(r.author), report=r)
    if state == S.SUBMITTED:
        return r
    if state == S.RETURNED:
        return services.report_transition(actor=staff, report=r, action="return", note="请补充数据")
    if state == S.NOT_ADOPTED:
        return services.report_transition(actor=staff, report=r, action="decline", note="内容已有反映")
    services.report_adopt(actor=staff, report=r, level="county")
    r.refresh_from_db()
    if state == S.ADOPTED:
        return r
    services.report_hand(actor=staff, report=r, department=department or op.world.department)
    if state == S.HANDED:
        return r
    services.report_transition(actor=body, report=r, action="sign")
    if state == S.SIGNED:
        return r
    services.report_answer(actor=body, report=r, answer="已组织排查，落实管护经费。")
    if state == S.ANSWERED:
        return r
    return services.report_transition(actor=staff, report=r, action="accept")

"""The county's working-day calendar page: who sees it, who changes it (the county's own CPPCC staff only), the
forms' answers, and pasted input shown back escaped."""

from datetime import date

import pytest
from django.urls import reverse

from shangliang.core import clock
from shangliang.core.models import CalendarYear, DayCount, TimeLimitRule, TimeLimitStep
from tests.factories import UserFactory, assign

ROLES = ["staff", "convenor", "approver", "liaison", "member", "department", "expert", "resident", "stranger"]
# Who reads the county's calendar page: everyone whose units reach the county itself.
READS = {"staff"}


@pytest.fixture
def frozen_today():
    with clock.frozen("2026-12-04 10:00"):
        yield


def url(unit, name="units:calendar"):
    return reverse(name, args=[unit.pk])


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role, frozen_today):
    client.force_login(world.users[role])
    page = client.get(url(world.a))
    assert page.status_code == (200 if role in READS else 403)
    post = client.post(url(world.a), {"year": 2027, "holidays": "2027-02-05 春节"})
    assert post.status_code == (302 if role == "staff" else 403)
    limits = client.post(url(world.a, "units:calendar_limits"), dict.fromkeys(TimeLimitStep.values, DayCount.WORKING))
    assert limits.status_code == (302 if role == "staff" else 403)
    assert CalendarYear.objects.filter(county=world.a).exists() == (role == "staff")
    assert TimeLimitRule.objects.filter(county=world.a).exists() == (role == "staff")


def test_staff_of_another_county_and_units_below(client, world, frozen_today):
    other = UserFactory(username="staff_b")
    assign(other, "cppcc_staff", world.b)
    client.force_login(other)
    assert client.get(url(world.a)).status_code == 403
    assert client.post(url(world.a), {"year": 2027, "holidays": "2027-02-05"}).status_code == 403
    assert client.get(url(world.b)).status_code == 200
    client.force_login(world.users["staff"])
    assert client.get(url(world.t1)).status_code == 404  # a town has no calendar of its own
    assert client.get(url(world.b)).status_code == 403
    client.logout()
    assert client.get(url(world.a)).status_code == 302  # to the login page


def test_the_county_page_links_to_the_calendar(client, world, frozen_today):
    client.force_login(world.users["staff"])
    html = client.get(reverse("units:detail", args=[world.a.pk])).content.decode()
    assert url(world.a) in html


def test_entering_a_year_and_bad_input_on_the_page(client, world, frozen_today):
    client.force_login(world.users["staff"])
    html = client.get(url(world.a)).content.decode()
    assert "2027" in html and "暂按法定节假日推算" in html  # next year has no notice yet
    bad = client.post(url(world.a), {"year": 2027, "holidays": "<script>alert(1)</script>"})
    body = bad.content.decode()
    assert bad.status_code == 200 and "无法识别" in body and "<script>alert(1)</script>" not in body
    assert not CalendarYear.objects.exists()
    twice = client.post(url(world.a), {"year": 2027, "holidays": "2027-02-05\n2027-02-05"}).content.decode()
    assert "填了两次" in twice and not CalendarYear.objects.exists()
    ok = client.post(url(world.a), {"year": 2027, "notice": "二、春节：2月5日（周五）至12日（周五）放假调休，共8天。"})
    assert ok.status_code == 302
    html = client.get(ok["Location"]).content.decode()
    assert "本县录入（正式）" in html and "02-12" in html and "录入 2027 年" in html
    assert CalendarYear.objects.get(county=world.a, year=2027).days.count() == 8


def test_step_counts_are_saved_and_a_forged_value_refused(client, world, frozen_today):
    client.force_login(world.users["staff"])
    counts = dict.fromkeys(TimeLimitStep.values, DayCount.CALENDAR)
    client.post(url(world.a, "units:calendar_limits"), {**counts, TimeLimitStep.SIGN: DayCount.CALENDAR})
    assert TimeLimitRule.objects.get(county=world.a, step=TimeLimitStep.SIGN).count == DayCount.CALENDAR
    client.post(url(world.a, "units:calendar_limits"), {**counts, TimeLimitStep.SIGN: "fortnight"})
    assert TimeLimitRule.objects.get(county=world.a, step=TimeLimitStep.SIGN).count == DayCount.CALENDAR
    page = client.get(url(world.a)).content.decode()
    assert "签收任务" in page and date(2026, 12, 4).year == 2026

"""The county's calendar kept by its CPPCC office (core.calendars): entering a year from a list or from the State
Council notice's own lines, bad input refused with nothing saved, every change an event, and the provisional
deadlines that come out differently once a year is official."""

from datetime import date

import pytest

from shangliang.core import calendars, clock
from shangliang.core.errors import InvalidInput, NotAllowed
from shangliang.core.models import CalendarDay, CalendarYear, Event
from shangliang.core.workdays import Calendar, package_year
from tests.conftest import fresh

# The 2026 notice (国办发明电〔2025〕7号) as an office would paste it.
NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。"""

# A 2027 notice as the office might enter it (invented: the real one is not out yet).
NOTICE_2027 = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至12日（周五）放假调休，共8天。2月20日（周六）上班。"""


def staff(world):
    return fresh(world.users["staff"])


def save(world, **kw):
    return calendars.calendar_year_save(actor=kw.pop("actor", None) or staff(world), county=world.a, **kw)


def test_the_pasted_2026_notice_gives_the_packages_2026(world):
    with clock.frozen("2026-12-04 10:00"):
        entry = save(world, year=2026, notice=NOTICE_2026, source="国办发明电〔2025〕7号")
    package = package_year(2026)
    office = Calendar(world.a).year(2026)
    assert set(office.holidays) == set(package.holidays) and set(office.workdays) == set(package.workdays)
    assert office.holidays[date(2026, 2, 17)] == "春节" and office.workdays[date(2026, 10, 10)] == "国庆节"
    event = Event.objects.get(object_id=entry.pk, action="calendar_enter")
    assert event.actor == world.users["staff"] and event.unit == world.a and event.data["year"] == 2026


def test_a_listed_year_and_its_correction_are_events(world):
    with clock.frozen("2026-12-04 10:00"):
        entry = save(world, year=2027, holidays="2027-01-01 元旦\n2027-02-05 至 2027-02-11 春节", workdays="2027-02-20")
        assert entry.days.count() == 9
        save(world, year=2027, holidays="2027-01-01 元旦\n2027-02-05至02-12 春节", workdays="2027-02-20 春节")
    assert CalendarYear.objects.filter(county=world.a, year=2027).count() == 1
    assert CalendarDay.objects.filter(calendar=entry).count() == 10
    corrected = Event.objects.get(object_id=entry.pk, action="calendar_correct")
    assert corrected.data["changed"] == ["2027-02-12", "2027-02-20"] or "2027-02-12" in corrected.data["changed"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"holidays": "2027-02-05 春节\n2027-02-05 春节"}, "holidays", "填了两次"),
        ({"holidays": "2027-02-05 春节", "workdays": "2027-02-05"}, "workdays", "填了两次"),
        ({"holidays": "2027-02-05 春节", "workdays": "2027-02-17 调休"}, "workdays", "调休上班日应为周六或周日"),
        ({"year": 2031, "holidays": "2031-02-05"}, "year", "太远"),
        ({"year": "明年", "holidays": "2027-02-05"}, "year", "年份应为数字"),
        ({"notice": "二、春节：2月5日至11日放假调休。\n三、清明节：四月五日放假"}, "notice", "第 2 行无法识别"),
        ({"holidays": "春节放七天"}, "holidays", "第 1 行无法识别"),
        ({"holidays": "2027-02-30 春节"}, "holidays", "第 1 行无法识别"),
        ({"holidays": "2026-12-31 元旦"}, "holidays", "不在 2027 年内"),
        ({"holidays": ""}, "holidays", "请至少填写一个放假日期"),
        ({"holidays": '=HYPERLINK("x")'}, "holidays", "无法识别"),
        ({"holidays": "2027-02-05\x00"}, "holidays", "无效字符"),
        ({"holidays": "2027-02-05\n" * 5001}, "holidays", "不能超过"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(world, fields, field, message):
    before = Event.objects.count()
    with clock.frozen("2026-12-04 10:00"), pytest.raises(InvalidInput) as caught:
        save(world, **{"year": 2027, **fields})
    assert message in str(caught.value.message) and caught.value.field == field
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()
    assert Event.objects.count() == before


def test_only_the_countys_own_staff_change_its_calendar(world):
    for role in ("convenor", "approver", "member", "department", "resident", "stranger"):
        with pytest.raises(NotAllowed):
            save(world, actor=fresh(world.users[role]), year=2026, holidays="2026-10-01")
    with pytest.raises(NotAllowed):
        calendars.calendar_year_save(actor=staff(world), county=world.b, year=2026, holidays="2026-10-01")
    assert not CalendarYear.objects.exists()

"""The reply to a handed public-opinion report: within 15 days unless the office sets a date, counted in working or
calendar days as the county says (TimeLimitRule "社情民意答复"), across Spring Festival 2026 (official) and 2027
(provisional); a late answer is chased once per due date and shown late in both units."""

from datetime import date

from django.urls import reverse

from shangliang.core import calendars, clock
from shangliang.core.models import DayCount, Event, TimeLimitStep
from shangliang.notifications.models import Notification
from shangliang.opinions import services
from shangliang.opinions.models import OpinionReport
from tests.conftest import fresh
from tests.opinions.conftest import S, drive


def test_the_answer_is_due_in_15_working_days_or_15_calendar_days_as_the_county_counts(op):
    with clock.frozen("2026-02-10 09:00"):  # Tuesday: the Spring Festival holiday (15th–23rd) lies ahead
        working = drive(op, S.HANDED)
    assert working.answer_due == date(2026, 3, 9)
    calendars.time_limits_save(
        actor=fresh(op.world.users["staff"]), county=op.world.a, counts={TimeLimitStep.OPINION_REPLY: DayCount.CALENDAR}
    )
    with clock.frozen("2026-02-10 09:00"):
        calendar = drive(op, S.HANDED, title="村道破损")
    assert calendar.answer_due == date(2026, 2, 25)


def test_across_spring_festival_2027_the_provisional_calendar_counts(op):
    with clock.frozen("2027-02-01 09:00"):
        report = drive(op, S.HANDED)
    assert report.answer_due == date(2027, 2, 24)  # 5–8 February statutory by rule, no 调休 known


def test_the_offices_own_date_wins(op):
    with clock.frozen("2026-02-10 09:00"):
        report = drive(op, S.ADOPTED)
        services.report_hand(
            actor=fresh(op.world.users["staff"]), report=report, department=op.world.department, answer_due="2026-04-01"
        )
    assert OpinionReport.objects.get(pk=report.pk).answer_due == date(2026, 4, 1)


def test_a_late_answer_is_chased_once_and_shown_late(op, client, django_capture_on_commit_callbacks):
    with clock.frozen("2026-02-10 09:00"):
        late = drive(op, S.SIGNED)
        answered = drive(op, S.ANSWERED, title="村道破损")
    with clock.frozen("2026-03-09 09:00"):  # the last day
        assert services.remind_overdue_answers() == 0
    with clock.frozen("2026-03-12 09:00"), django_capture_on_commit_callbacks(execute=True):
        assert services.remind_overdue_answers() == 1
        assert services.remind_overdue_answers() == 0
    event = Event.objects.get(object_id=late.pk, action="remind_answer")
    assert "逾期 3 个工作日（3 天）" in event.note
    assert not Event.objects.filter(object_id=answered.pk, action="remind_answer").exists()
    assert Notification.objects.filter(user=op.world.users["department"], verb="opinions.remind_answer").exists()
    client.force_login(op.world.users["department"])
    with clock.frozen("2026-03-12 09:00"):
        page = client.get(reverse("opinions:detail", args=[late.pk])).content.decode()
    assert "2026-03-09 前答复" in page and "逾期 3 个工作日（3 天）" in page

"""The lived year and a half (demo.lived, loaded by default): its plan keeps the county's norms as the issue asks
(towns twice a year, about one village in ten behind, each for a reason); the loaded county is current — its
consultations carry their whole chain at the times it happened, its tasks are done, rated, open and overdue, and its
village affairs run to this month with disclosures open today and next month's meeting scheduled."""

from collections import Counter
from datetime import date, timedelta

from shangliang.accountability.models import (
    OPEN_STATUSES,
    Rating,
    Reminder,
    ReminderKind,
    ResponsibilityTask,
    TaskStatus,
)
from shangliang.consultations import norms
from shangliang.consultations.models import HELD, Consultation, ConsultationStatus
from shangliang.core import clock
from shangliang.core.models import Event
from shangliang.core.months import add_months, month_start, next_month
from shangliang.dashboards import assessment, periods
from shangliang.demo import anchor, lived
from shangliang.topics.models import TopicSource, TopicStatus
from shangliang.units.models import Unit
from shangliang.villageaffairs.models import Disclosure, DisclosureStatus, MeetingStatus, MonthlyMeeting

TODAY = date(2026, 12, 4)


def test_the_plan_keeps_the_norms_and_leaves_one_unit_in_ten_behind(county):
    units = lived.lived_units(county)
    visits, behind = lived.plan(units, TODAY)
    last = {}
    for v in visits:
        last[v.unit.pk] = max(last.get(v.unit.pk, v.when.date()), v.when.date())
    villages = [u for u in units if u.kind in lived.VILLAGE_KINDS]
    towns = [u for u in units if u.kind in lived.TOWN_KINDS]
    late = [u for u in villages if (TODAY - last[u.pk]).days > 60]
    assert {u.pk for u in late} == behind
    assert 0.05 <= len(late) / len(units) <= 0.20
    for u in towns:  # twice in every twelve months
        held = sorted(v.when.date() for v in visits if v.unit.pk == u.pk)
        assert len([d for d in held if d > TODAY - timedelta(days=365)]) >= 2
    assert all(v.when.weekday() < 5 and anchor.lived_start(TODAY) <= v.when.date() < TODAY for v in visits)
    assert 700 <= len(visits) <= 1200  # Dongning's 409 activities in three years, at the norms' pace


def test_the_loaded_county_keeps_its_norms_with_about_one_unit_in_ten_behind_for_a_reason(county):
    behind = norms.units_behind(county)
    with_norm = [u for u in Unit.objects.filter(path__startswith=county.path, is_active=True) if norms.spec_for(u)]
    assert 0.05 <= len(behind) / len(with_norm) <= 0.20
    for unit, _status in behind:
        cancelled = Consultation.objects.filter(
            unit=unit, title__startswith=lived.MARK, status=ConsultationStatus.CANCELLED
        )
        note = Event.objects.filter(
            object_id__in=cancelled.values("pk"), content_type__model="consultation", action="cancel"
        ).values_list("note", flat=True)
        assert set(note) & set(lived.BEHIND_REASONS), unit.name
    today = clock.today()
    for town in Unit.objects.filter(path__startswith=county.path, kind__in=lived.TOWN_KINDS):
        held = Consultation.objects.filter(
            unit=town, status__in=HELD, held_at__gte=clock.at(today - timedelta(days=365))
        )
        assert held.count() >= 2, town.name


def test_everyday_consultations_have_their_whole_chain_at_the_times_it_happened(county):
    lived_ones = Consultation.objects.filter(unit__path__startswith=county.path, title__startswith=lived.MARK)
    held = lived_ones.filter(status__in=(ConsultationStatus.SUBMITTED, ConsultationStatus.ACKNOWLEDGED))
    assert 700 <= held.count() <= 1300
    # The party organisation acknowledged the results three days after they were submitted, but for the last two
    # weeks' (they wait on its desk).
    fortnight = clock.now() - timedelta(days=14)
    waiting = held.filter(status=ConsultationStatus.SUBMITTED)
    assert waiting.exists() and not waiting.filter(closed_at__lt=fortnight - timedelta(days=1)).exists()
    acknowledged = held.filter(status=ConsultationStatus.ACKNOWLEDGED)
    assert acknowledged.count() > 0.9 * held.count()
    assert not acknowledged.filter(closed_at__gt=fortnight + timedelta(days=1)).exists()
    assert not acknowledged.filter(submission__acknowledged_by__isnull=True).exists()
    assert {t.source for c in held[:40] for t in c.topics.all()} == set(TopicSource.values)
    assert held.filter(held_at__date__gte=clock.today() - timedelta(days=31)).exists()  # the county is current
    c = held.filter(participants__kind="member").order_by("held_at").first()
    assert c.research.exists() and c.minutes.text and c.suggestions.exists() and c.submission.receiver_unit == c.unit
    assert c.participants.filter(kind="member", signed_in_at=c.held_at).exists()
    topic = c.topics.get()
    assert topic.created_at < c.created_at < c.held_at < c.closed_at
    times = list(
        Event.objects.filter(object_id=c.pk, content_type__model="consultation")
        .order_by("created_at", "id")
        .values_list("action", "created_at")
    )
    assert [a for a, _t in times] == [
        "create",
        "choose_participants",
        "record_research",
        "schedule",
        "open",
        "minutes",
        "close_consensus",
        "submit",
    ] + (["acknowledge"] if c.status == ConsultationStatus.ACKNOWLEDGED else [])
    assert times[0][1] == c.created_at and times[4][1] == c.held_at
    if c.status == ConsultationStatus.ACKNOWLEDGED:
        assert times[-1][1] == c.submission.acknowledged_at == c.submission.submitted_at + timedelta(days=3)
    assert not Event.objects.filter(created_at__gt=clock.now()).exists()  # nothing happens after today


def test_tasks_of_the_everyday_work_are_done_rated_open_and_overdue(county):
    tasks = ResponsibilityTask.objects.filter(consultation__title__startswith=lived.MARK)
    statuses = set(tasks.values_list("status", flat=True))
    assert {TaskStatus.DONE, TaskStatus.IN_PROGRESS} <= statuses
    assert tasks.filter(status=TaskStatus.DONE).count() > 0.8 * tasks.count()
    assert Rating.objects.filter(task__in=tasks).exists()
    today = clock.today()
    late = [t for t in tasks.filter(status__in=OPEN_STATUSES) if t.is_overdue(today)]
    assert late and all(Reminder.objects.filter(task=t, kind=ReminderKind.OVERDUE).exists() for t in late)


def test_village_affairs_run_to_this_month_with_disclosures_open_today(county):
    today = clock.today()
    open_today = [d for d in Disclosure.objects.filter(status=DisclosureStatus.PUBLISHED) if d.is_open]
    assert len(open_today) >= 20
    this_month, following = month_start(today), next_month(month_start(today))
    meetings = MonthlyMeeting.objects.filter(unit__path__startswith=county.path)
    assert meetings.filter(month=following, status=MeetingStatus.PLANNED).count() >= 100
    assert meetings.filter(month=this_month).count() >= 100
    assert meetings.filter(month=add_months(this_month, -1), status=MeetingStatus.HELD).count() >= 90
    assert not Disclosure.objects.filter(period_start__gt=today).exists()


def test_fresh_topics_wait_at_every_step_of_screening(county):
    fresh = lived.everyday_topics(county).filter(consultations__isnull=True)
    fresh = fresh.filter(created_at__gte=clock.now() - timedelta(days=15))
    statuses = Counter(fresh.values_list("status", flat=True))
    assert {TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, TopicStatus.APPROVED} <= set(statuses), statuses
    assert {TopicStatus.REJECTED, TopicStatus.RETURNED} <= set(statuses), statuses
    assert len({t.source for t in fresh}) == len(TopicSource.values)
    for t in fresh.filter(status=TopicStatus.APPROVED)[:5]:
        actions = list(
            Event.objects.filter(object_id=t.pk, content_type__model="topic")
            .order_by("created_at", "id")
            .values_list("action", flat=True)
        )
        assert actions == ["submit", "accept", "approve"]


def test_nearly_every_member_has_a_duty_record_this_year(county):
    records = assessment.member_records(county, periods.year(clock.today().year))
    idle = [r for r in records if not r.score.total]
    assert records and len(idle) <= 0.1 * len(records), (len(idle), len(records))


def test_the_periodic_runs_are_never_after_the_moment_of_loading():
    # 00:40 in Beijing on 2026-12-06 is 16:40 UTC on the 5th: today's 07:00 run would lie six hours ahead.
    now = clock.at("2026-12-06T00:40")
    runs = lived.periodic_runs(date(2026, 12, 6), now)
    assert runs[-1] == now and max(runs) == now
    assert runs[:3] == [clock.at(f"2026-11-{d:02d}T07:00") for d in (15, 22, 29)]
    # later in the day the run of today stays at 07:00
    assert lived.periodic_runs(date(2026, 12, 6), clock.at("2026-12-06T10:00"))[-1] == clock.at("2026-12-06T07:00")

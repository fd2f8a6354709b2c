"""The demo county's village affairs over the year and a half before today (demo.anchor.lived_start): disclosures
(some corrected), objections on the agendas, monthly meetings with attendance, the norm, disputes and petitions
falling year on year; pages render for the demo accounts."""

from collections import Counter
from datetime import date

from django.test import Client
from django.urls import reverse

from shangliang.core import clock
from shangliang.core.months import add_months, month_start
from shangliang.demo import anchor
from shangliang.people.models import User
from shangliang.units.models import Unit, UnitKind
from shangliang.villageaffairs import selectors
from shangliang.villageaffairs.models import (
    AgendaItem,
    AgendaSource,
    AgendaStatus,
    Attendance,
    Disclosure,
    DisclosureStatus,
    Dispute,
    Feedback,
    MeetingStatus,
    MonthlyMeeting,
    Petition,
    PowerCategory,
    PowerItem,
)


def villages(county):
    return Unit.objects.filter(path__startswith=county.path, kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY])


def test_the_power_list_covers_every_category(county):
    items = PowerItem.objects.filter(unit=county)
    assert {i.category for i in items} == set(PowerCategory.values)
    assert all(len(i.procedure_steps()) >= 3 for i in items)


def test_months_of_disclosures_with_corrections_kept(county):
    disclosures = Disclosure.objects.filter(unit__path__startswith=county.path)
    assert set(disclosures.values_list("unit_id", flat=True)) == set(villages(county).values_list("pk", flat=True))
    statuses = Counter(disclosures.values_list("status", flat=True))
    assert statuses[DisclosureStatus.PUBLISHED] > 400 and statuses[DisclosureStatus.SUPERSEDED] >= 10
    for old in disclosures.filter(status=DisclosureStatus.SUPERSEDED).select_related("superseded_by"):
        new = old.superseded_by
        assert (new.previous_id, new.root_id, new.version, new.status) == (old.pk, old.pk, 2, "published")
        assert new.correction_reason
    money = disclosures.filter(amount__isnull=False)
    assert money.count() > 300 and not money.filter(amount__lte=0).exists()
    assert all(d.period_start <= d.period_end for d in disclosures)
    year = first_full_year()
    figures = selectors.disclosure_figures(county, year=year)
    published = disclosures.filter(status=DisclosureStatus.PUBLISHED, period_start__year=year)
    assert figures.disclosures.current == published.count() > 200
    assert figures.amount.current > 5_000_000


def test_every_objection_is_on_an_agenda(county):
    objections = Feedback.objects.filter(disclosure__unit__path__startswith=county.path, kind="objection")
    assert objections.count() > 30
    assert not objections.filter(agenda_item__isnull=True).exists()
    carried = AgendaItem.objects.filter(source=AgendaSource.CARRIED).select_related("carried_from", "meeting")
    assert carried.exists()
    for item in carried:
        assert item.carried_from.status == AgendaStatus.CARRIED and item.carried_from.meeting.month < item.meeting.month
    # The meetings still to come are prepared with what the last ones left open.
    waiting = MonthlyMeeting.objects.filter(status=MeetingStatus.PLANNED)
    assert not waiting.filter(month__lt=month_start(clock.today())).exists()
    assert AgendaItem.objects.filter(
        meeting__in=waiting, status=AgendaStatus.OPEN, source=AgendaSource.CARRIED
    ).exists()


def test_monthly_meetings_attendance_and_the_norm(county):
    first = anchor.lived_start(clock.today())  # the norm's first month
    meetings = MonthlyMeeting.objects.filter(
        unit__path__startswith=county.path, month__gte=first, month__lt=add_months(first, 7)
    )
    assert Counter(meetings.values_list("status", flat=True))[MeetingStatus.HELD] > 7 * 100  # its first seven months
    assert meetings.filter(status=MeetingStatus.CANCELLED).exists()
    held = meetings.filter(status=MeetingStatus.HELD)
    assert not held.filter(minutes="").exists() and not held.filter(held_on__isnull=True).exists()
    present = Attendance.objects.filter(meeting__in=held, present=True)
    assert Counter(present.values_list("capacity", flat=True))["member"] > 450
    with clock.frozen(date(first.year + 1, 1, 1)):
        status = selectors.norm_status(county, year=first.year)
    months = 13 - first.month
    assert status.villages == 108 and status.expected == 108 * months  # the norm applies from its first month
    assert len(status.behind) < 40 and status.percent > 90
    assert status.behind or months < 6


def test_disputes_and_petitions_fall_year_on_year(county):
    assert Dispute.objects.filter(unit__path__startswith=county.path).count() > 200
    f = selectors.case_figures(county, year=first_full_year())  # with the meetings, against the year before
    assert f.disputes.change < 0 and f.petitions.change < 0
    assert f.disputes_resolved.current >= 0.7 * f.disputes.current
    assert Petition.objects.filter(unit__path__startswith=county.path, collective=True).exists()


def first_full_year() -> int:
    """The first calendar year the village affairs (and the monthly meetings) cover from its first month."""
    first = anchor.lived_start(clock.today())
    return first.year if first.month == 1 else first.year + 1


def test_pages_for_the_demo_accounts(county):
    town = Unit.objects.get(name="绥阳镇")
    village = Unit.objects.filter(path__startswith=town.path, kind=UnitKind.VILLAGE).order_by("path").first()
    users = {u.username: u for u in User.objects.filter(username__in=["demo_staff", "demo_convenor", "demo_member"])}
    meeting = MonthlyMeeting.objects.filter(unit=village, status=MeetingStatus.HELD).order_by("-month").first()
    disclosure = Disclosure.objects.filter(unit=village, status=DisclosureStatus.PUBLISHED).first()
    pages = {
        "demo_staff": [
            reverse("villageaffairs:overview", args=[county.pk]) + "?year=2025",
            reverse("villageaffairs:meetings", args=[county.pk]) + "?year=2025",
            reverse("villageaffairs:disputes", args=[county.pk]),
        ],
        "demo_convenor": [
            reverse("villageaffairs:overview", args=[town.pk]) + "?year=2025",
            reverse("villageaffairs:overview", args=[village.pk]),
            reverse("villageaffairs:disclosures", args=[village.pk]),
            reverse("villageaffairs:meeting", args=[meeting.pk]),
            reverse("villageaffairs:disclosure", args=[disclosure.pk]),
        ],
        "demo_member": [reverse("villageaffairs:meetings", args=[village.pk])],
    }
    for username, urls in pages.items():
        client = Client()
        client.force_login(users[username])
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)
    public = Client()
    assert public.get(reverse("villageaffairs:public_village", args=[village.pk])).status_code == 200
    assert public.get(reverse("villageaffairs:public_disclosure", args=[disclosure.pk])).status_code == 200
    assert disclosure.title in public.get(reverse("public:unit", args=[village.pk])).content.decode()

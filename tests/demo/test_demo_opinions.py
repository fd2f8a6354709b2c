"""The demo county's public-opinion reports: every stage, adoptions at every level, endorsements, the demo member's
and the demo department's reports, counts per person; pages render for the demo accounts."""

from collections import Counter
from datetime import timedelta

from django.test import Client
from django.urls import reverse

from shangliang.demo import anchor
from shangliang.demo import opinions as demo_opinions
from shangliang.opinions import selectors
from shangliang.opinions.models import Adoption, AdoptionLevel, Endorsement, OpinionReport, ReportStatus
from shangliang.people.models import User


def test_reports_at_every_stage(county):
    reports = OpinionReport.objects.filter(county=county)
    assert set(reports.values_list("status", flat=True)) == set(ReportStatus.values)
    assert {a.level for a in Adoption.objects.filter(report__county=county)} == set(AdoptionLevel.values)
    assert Endorsement.objects.filter(report__county=county).exists()
    assert Counter(reports.values_list("author_kind", flat=True))["informant"] >= 1
    merged = reports.filter(status=ReportStatus.MERGED).select_related("merged_into")
    assert merged.exists() and all(r.merged_into.contributors.filter(pk=r.author_id).exists() for r in merged)
    days = {r.submitted_at.date() for r in reports.exclude(submitted_at__isnull=True)}
    first, last = anchor.day(demo_opinions.FIRST), anchor.day(demo_opinions.LAST)  # 22 months before the story's today
    assert first <= min(days) and max(days) <= last + timedelta(days=2) and len({d.year for d in days}) >= 2
    closed = reports.filter(status=ReportStatus.CLOSED)
    assert all(r.answer and r.closed_at and r.department_id for r in closed)


def test_the_demo_accounts_have_work(county):
    member = User.objects.get(username="demo_member")
    department = User.objects.get(username="demo_department")
    assert OpinionReport.objects.filter(author=member).count() >= 3
    mine = selectors.reports_visible_to(department)
    assert mine.filter(status__in=[ReportStatus.HANDED, ReportStatus.SIGNED]).exists()
    figures = selectors.member_report_figures(member)
    assert figures.submitted >= 2
    year = middle_year()
    rows = selectors.figures_by_person(county, year=year)
    assert rows and sum(r.figures.submitted for r in rows) == selectors.unit_report_figures(county, year=year).submitted


def test_pages_for_the_demo_accounts(county):
    for username in ("demo_staff", "demo_member", "demo_department", "demo_convenor"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        page = client.get(reverse("opinions:index"))
        assert page.status_code == 200, username
        first = selectors.reports_visible_to(User.objects.get(username=username)).first()
        if first is not None:
            assert client.get(reverse("opinions:detail", args=[first.pk])).status_code == 200, username
    client = Client()
    client.force_login(User.objects.get(username="demo_staff"))
    assert client.get(reverse("opinions:figures", args=[county.pk])).status_code == 200
    assert client.get(reverse("opinions:figures", args=[county.pk]) + f"?year={middle_year()}").status_code == 200


def middle_year() -> int:
    """A year in the middle of the reports' months (demo.opinions FIRST to LAST, moved to the day of loading)."""
    return anchor.day(demo_opinions.FIRST + (demo_opinions.LAST - demo_opinions.FIRST) / 2).year

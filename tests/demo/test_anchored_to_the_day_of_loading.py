"""The demo county loaded on a later day looks as alive as today's (demo.anchor): every state of every workflow is
still there, the open examples' deadlines lie ahead (or a few weeks behind, for the overdue ones), about one unit in
ten is behind its norm, and the latest public-opinion report, village case and village-affairs disclosure are recent.

The later day is 2028-02-29: a leap day, in a year whose working-day calendar no maintained package knows yet (the
deadlines counted into it are provisional). One load of its own (a minute of CPU), so the module runs in the
PostgreSQL pass only (marker postgres_pass). It rolls back the shared demo county if that is loaded (the other
modules load it again); under xdist it is a scope of its own (tests/conftest.py), run beside the shared county's.

The same load is the one the determinism check compares with a load in another process."""

import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import TestCase

from shangliang.accountability.models import OPEN_STATUSES, ResponsibilityTask, TaskStatus
from shangliang.consultations import norms
from shangliang.consultations.models import Consultation, ConsultationStatus
from shangliang.core import clock
from shangliang.core.models import Event
from shangliang.demo import anchor, lived
from shangliang.demo.loader import fingerprint, load_demo
from shangliang.opinions.models import OpinionReport, ReportStatus
from shangliang.topics.models import Topic, TopicSource, TopicStatus
from shangliang.units.models import Unit, UnitKind
from shangliang.villageaffairs.models import (
    Disclosure,
    DisclosureStatus,
    Dispute,
    MeetingStatus,
    MonthlyMeeting,
    Petition,
)

pytestmark = pytest.mark.postgres_pass

LATER = "2028-02-29 10:00"
DAY = date(2028, 2, 29)


@pytest.fixture(scope="module")
def later(django_db_setup, django_db_blocker, demo_county):
    """The demo county loaded on the later day, in a transaction rolled back after the module."""
    demo_county.release()  # today's county would make this load add nothing
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with clock.frozen(LATER), TestCase.captureOnCommitCallbacks(execute=True):
                summary = load_demo()
            yield summary
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


@pytest.fixture
def county(later, db):
    with clock.frozen(LATER):
        yield Unit.objects.get(kind=UnitKind.COUNTY, code="231086")


def in_county(model, county, field="unit"):
    return model.objects.filter(**{f"{field}__path__startswith": county.path})


def test_every_state_of_every_workflow_is_still_there(county):
    assert clock.today() == DAY
    curated_topics = in_county(Topic, county).exclude(pk__in=lived.everyday_topics(county))
    assert set(curated_topics.values_list("status", flat=True)) == set(TopicStatus.values)
    assert set(in_county(Topic, county).values_list("source", flat=True)) == set(TopicSource.values)
    assert set(in_county(Consultation, county).values_list("status", flat=True)) == set(ConsultationStatus.values)
    assert set(in_county(ResponsibilityTask, county).values_list("status", flat=True)) == set(TaskStatus.values)
    reports = OpinionReport.objects.filter(county=county)
    assert set(reports.values_list("status", flat=True)) == set(ReportStatus.values)
    assert set(in_county(MonthlyMeeting, county).values_list("status", flat=True)) == set(MeetingStatus.values)
    disclosures = set(in_county(Disclosure, county).values_list("status", flat=True))
    assert {DisclosureStatus.PUBLISHED, DisclosureStatus.SUPERSEDED} <= disclosures
    assert not Event.objects.filter(created_at__gt=clock.now()).exists()  # nothing happens after the day of loading


def test_open_examples_are_due_ahead_or_overdue_by_weeks_not_a_year(county):
    today = clock.today()
    curated = in_county(ResponsibilityTask, county).exclude(consultation__title__startswith=lived.MARK)
    # Open, or reported done and waiting for the verification: their deadlines still count.
    open_tasks = list(curated.filter(status__in=[*OPEN_STATUSES, TaskStatus.COMPLETION_REPORTED]))
    assert len(open_tasks) >= 8
    for t in open_tasks:
        assert -60 <= (t.deadline - today).days <= 200, (t.action, t.deadline)
        assert t.created_at.date() < t.deadline, t.action
    overdue = [t for t in open_tasks if t.is_overdue(today)]
    assert 2 <= len(overdue) < len(open_tasks)
    ahead = Counter(t.status for t in open_tasks if t.deadline >= today)
    assert {TaskStatus.ASSIGNED, TaskStatus.COMPLETION_REPORTED, TaskStatus.HAND_BACK_REQUESTED} <= set(ahead)
    # A completion reported weeks ago, waiting for its verification; the task assigned days ago, not yet signed.
    reported = curated.filter(status=TaskStatus.COMPLETION_REPORTED)
    assert all(timedelta(days=7) <= today - t.reported_at.date() <= timedelta(days=60) for t in reported)
    assigned = curated.get(status=TaskStatus.ASSIGNED)
    assert today - assigned.created_at.date() <= timedelta(days=14) and assigned.sign_due > assigned.created_at.date()
    # The everyday tasks: the open ones were given their deadlines in the last weeks.
    everyday = in_county(ResponsibilityTask, county).filter(consultation__title__startswith=lived.MARK)
    assert not everyday.filter(status__in=OPEN_STATUSES, deadline__lt=today - timedelta(days=60)).exists()
    # Consultations still to come are planned ahead; held ones lie in the last year and a half.
    coming = in_county(Consultation, county).filter(status=ConsultationStatus.SCHEDULED, planned_start__isnull=False)
    assert coming.exists() and all(c.planned_start > clock.now() for c in coming)
    held = in_county(Consultation, county).filter(held_at__isnull=False)
    assert held.filter(held_at__gte=clock.now() - timedelta(days=31)).exists()
    assert not held.filter(held_at__lt=clock.at(today - timedelta(days=800))).exists()


def test_about_one_unit_in_ten_is_behind_its_norm(county):
    behind = norms.units_behind(county)
    with_norm = [u for u in Unit.objects.filter(path__startswith=county.path, is_active=True) if norms.spec_for(u)]
    assert 0.05 <= len(behind) / len(with_norm) <= 0.20


def test_the_latest_report_case_and_disclosure_are_recent(county):
    today = clock.today()
    recent = clock.at(today - timedelta(days=90))
    latest_report = OpinionReport.objects.filter(county=county).order_by("-created_at").first()
    assert latest_report.created_at >= recent
    for model in (Dispute, Petition):
        latest = in_county(model, county).order_by("-received_on").first()
        assert latest.received_on >= today - timedelta(days=90), model.__name__
    latest_disclosure = in_county(Disclosure, county).order_by("-published_at").first()
    assert latest_disclosure.published_at >= clock.at(today - timedelta(days=31))
    meetings = in_county(MonthlyMeeting, county)
    assert meetings.filter(month=date(2028, 3, 1), status=MeetingStatus.PLANNED).count() >= 100
    first = anchor.lived_start(today)
    assert first == date(2026, 8, 1)
    assert not in_county(Disclosure, county).filter(period_start__lt=first).exists()


def test_a_fresh_database_in_another_process_gets_the_same_names(county, tmp_path):
    """Determinism: another process, another hash seed, a new SQLite file: the same names, paths and phones as this
    module's load on PostgreSQL, on the same day.

    Compared with this module's load (not the shared county's), so that `make test` loads the demo three times, not
    four, and this module runs apart from the shared county's. The fresh file's tables come straight from the models
    (as pytest-django's --nomigrations): what is compared is the load, and both passes' own databases run the
    migrations; migrating the file cost half a minute of CPU."""
    script = (
        "import django; django.setup()\n"
        "from django.apps import apps\n"
        "from django.conf import settings\n"
        "settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', run_syncdb=True, verbosity=0)\n"
        "from shangliang.core import clock\n"
        "from shangliang.demo.loader import load_demo, fingerprint\n"
        f"with clock.frozen({LATER!r}):\n"
        "    load_demo(); print(fingerprint())\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "PYTHONHASHSEED": "4242",
        "DEBUG": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert clock.today() == DAY
    assert result.stdout.strip().splitlines()[-1] == fingerprint()

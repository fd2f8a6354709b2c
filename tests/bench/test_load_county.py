"""bench_load's county at work: made through the services, ready for every kind of page of the county mix, and made
once however often the benchmark runs."""

import pytest
from django.contrib.sessions.models import Session

from shangliang.accountability.models import ProgressReport, ResponsibilityTask, TaskStatus
from shangliang.bench.load.county import TITLE, at_work
from shangliang.bench.management.commands.bench_load import PASSWORD, Command
from shangliang.bench.sessions import forget_sessions
from shangliang.consultations.models import Consultation
from shangliang.core.models import Event
from shangliang.units.models import Unit

pytestmark = pytest.mark.django_db


def test_the_county_at_work_is_made_through_the_services_once():
    command = Command()
    plan = command.prepare(villages=4, accounts=2)
    county = Unit.objects.get(pk=plan["county"])
    towns = list(Unit.objects.filter(pk__in=plan["units"][1:]).order_by("pk"))

    work = at_work(county, towns, password=PASSWORD, people=2, residents=3)

    assert len(work["liaisons"]) == len(work["staff"]) == len(work["departments"]) == 2
    assert all(a["totp"] and a["password"] == PASSWORD for a in work["liaisons"] + work["staff"])
    assert len(work["tasks_in_progress"]) == 2 and len(work["tasks_done"]) == 2  # one per village room
    assert sorted(v for villages in work["villages_of"].values() for v in villages) == sorted(
        Unit.objects.filter(county=county, kind="village").values_list("pk", flat=True)
    )
    done = ResponsibilityTask.objects.get(pk=work["tasks_done"][0])
    assert done.status == TaskStatus.DONE and ProgressReport.objects.filter(task=done).exists()
    # each step of the loop left its event, as a county's own work does
    assert set(
        Event.objects.filter(object_id=done.pk, content_type__model="responsibilitytask").values_list(
            "to_state", flat=True
        )
    ) >= {"in_progress", "completion_reported", "done"}
    assert Session.objects.filter(session_key__in=work["resident_sessions"]).count() == 3

    again = at_work(county, towns, password=PASSWORD, people=2, residents=0)
    assert Consultation.objects.filter(unit__county=county, title=TITLE).count() == 4
    assert sorted(again["tasks_done"]) == sorted(work["tasks_done"])
    forget_sessions(work["resident_sessions"])
    assert not Session.objects.filter(session_key__in=work["resident_sessions"]).exists()

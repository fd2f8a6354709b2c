"""The lived year (demo.lived): its plan keeps the county's norms as the issue asks (towns twice a year, about one
village in ten behind, each for a reason), and one consultation of it runs through the services at the frozen times
of its steps — the times on the rows and events are those moments, not rewritten ones."""

from datetime import date, timedelta

from shangliang.consultations.models import Consultation, ConsultationStatus
from shangliang.core import clock
from shangliang.core.models import Event
from shangliang.demo import lived
from shangliang.units.models import UnitKind

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
    assert all(v.when.weekday() < 5 and date(2025, 6, 1) <= v.when.date() < TODAY for v in visits)
    assert 700 <= len(visits) <= 1200  # Dongning's 409 activities in three years, at the norms' pace


def test_one_consultation_runs_through_the_services_at_frozen_times(county):
    village = next(u for u in lived.lived_units(county) if u.kind == UnitKind.VILLAGE)
    people = lived._People()
    people.load(county)
    when = lived.at(date(2025, 9, 3), 9, 30)
    lived.consult_once(village, 0, when, people, None, TODAY)
    c = Consultation.objects.filter(unit=village, title__startswith=lived.MARK).get()
    assert c.status == ConsultationStatus.SUBMITTED
    assert clock.at(when) == c.held_at
    assert c.created_at == clock.at(lived.at(date(2025, 8, 25), 9))  # created nine days before, as it happened
    topic = c.topics.get()
    assert topic.created_at == clock.at(lived.at(date(2025, 8, 20), 10))
    times = list(
        Event.objects.filter(object_id=c.pk, content_type__model="consultation").values_list("created_at", flat=True)
    )
    assert min(times) == c.created_at and max(times) == clock.at(when + timedelta(hours=2))
    assert c.suggestions.exists() and c.participants.count() >= 3 and c.research.exists()
    task = c.tasks.get()  # every third consultation's first suggestion becomes a task (n = 0)
    assert task.status == "done" and task.completed_at.date() == date(2025, 9, 26)


def test_a_unit_behind_has_its_reason_on_record(county):
    village = [u for u in lived.lived_units(county) if u.kind == UnitKind.VILLAGE][7]
    people = lived._People()
    people.load(county)
    with clock.frozen(TODAY):
        lived.call_off(village, people, TODAY)
    c = Consultation.objects.filter(unit=village, title__startswith=lived.MARK).get()
    assert c.status == ConsultationStatus.CANCELLED
    note = Event.objects.filter(object_id=c.pk, content_type__model="consultation", action="cancel").get().note
    assert note in lived.BEHIND_REASONS

"""Every configuration change is an audit record (等保 2.0 安全审计: 'configuration change'), written by the service
that makes it, in its transaction: a refused change writes none."""

from datetime import date

import pytest

from shangliang.consultations.services import config as consultation_config
from shangliang.core import audit, calendars, clock
from shangliang.core.errors import NotAllowed
from shangliang.core.models import AuditRecord
from shangliang.units import services as unit_services
from shangliang.villageaffairs.services import meetings


def _configs(subject) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(action=audit.CONFIG_CHANGED, object_type=subject._meta.label_lower)
        .filter(object_id=str(subject.pk))
        .order_by("id")
    )


def test_each_configuration_service_writes_one_record_with_who_and_what(world):
    staff = world.users["staff"]
    NEXT = clock.today().year + 1  # noqa: N806
    changes = [
        lambda: calendars.calendar_year_save(actor=staff, county=world.a, year=NEXT, holidays=f"{NEXT}-10-01"),
        lambda: consultation_config.norm_save(
            actor=staff, county=world.a, level="village", min_count=1, period_months=2, effective_from=date(2026, 1, 1)
        ),
        lambda: meetings.norm_save(actor=staff, county=world.a, started_on=date(2026, 1, 1), interval_months=1),
        lambda: unit_services.standard_create(actor=staff, county=world.a, name="新标准", items=["有场所"]),
        lambda: unit_services.unit_update(actor=staff, unit=world.v1, name="一村（新）"),
    ]
    for change in changes:
        subject = change()
        [entry] = _configs(subject)
        assert entry.actor_id == staff.pk
        assert entry.detail["action"]
        assert entry.unit_id in (world.a.pk, world.v1.pk)


def test_a_refused_change_writes_no_record(world):
    before = AuditRecord.objects.filter(action=audit.CONFIG_CHANGED).count()
    with pytest.raises(NotAllowed):
        meetings.norm_save(
            actor=world.users["convenor"], county=world.a, started_on=date(2026, 1, 1), interval_months=1
        )
    assert AuditRecord.objects.filter(action=audit.CONFIG_CHANGED).count() == before

"""The audit administrator searches and exports the trail (no live formulas); the page shows the chain's state;
every kind of audit record is written by its action."""

import io
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from shangliang.core import audit
from shangliang.core.models import AuditRecord
from shangliang.people.services import assignment_create, assignment_end
from shangliang.security.models import Alert, AlertKind
from tests.conftest import fresh
from tests.security.conftest import sign_in, verified_login


def test_sign_in_failure_and_sign_out_are_recorded(client, world):
    sign_in(client, "staff", "wrong")
    sign_in(client, "staff")
    client.post("/accounts/logout/")
    actions = list(AuditRecord.objects.order_by("id").values_list("action", "outcome", "address"))
    assert actions[0] == (audit.LOGIN_FAILED, "failure", "127.0.0.1")
    assert (audit.LOGIN, "success", "127.0.0.1") in actions and (audit.LOGOUT, "success", "127.0.0.1") in actions


def test_role_changes_are_recorded(world):
    staff = fresh(world.users["staff"])
    a = assignment_create(
        actor=staff, user=world.users["stranger"], unit=world.v1, role="liaison", assumed_at=date(2026, 1, 1)
    )
    assignment_end(actor=staff, assignment=a, renounced_at=date(2026, 6, 1))
    assert AuditRecord.objects.filter(action=audit.ROLE_CHANGED, actor_id=staff.pk).count() == 2


def test_search_by_person_action_and_period(client, admins, world):
    audit.record(audit.DATA_EXPORT, actor=world.users["staff"], object_repr="tasks.xlsx")
    audit.record(audit.DATA_UNMASK, actor=world.users["convenor"], object_repr="13812345678 的主人")
    verified_login(client, admins.audit)
    page = client.get("/security/audit/", {"person": "staff", "action": audit.DATA_EXPORT})
    html = page.content.decode()
    assert "tasks.xlsx" in html and "的主人" not in html
    assert AuditRecord.objects.filter(action=audit.AUDIT_SEARCH, actor_id=admins.audit.pk).exists()
    assert client.get("/security/audit/", {"start": "9999-12-31"}).status_code == 200
    assert client.get("/security/audit/", {"start": "2026-02-30", "action": "<script>"}).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_escape_formulas_and_are_recorded(client, admins, fmt):
    audit.record(audit.CONFIG_CHANGED, object_repr='=HYPERLINK("http://evil","x")')
    verified_login(client, admins.audit)
    response = client.get(f"/security/audit/export.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        body = response.content.decode("utf-8-sig")
        assert "'=HYPERLINK" in body
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [c.value for row in sheet.iter_rows() for c in row]
        assert any(str(v).startswith("'=HYPERLINK") for v in values)
        assert not any(str(v).startswith("=") for v in values)
    assert AuditRecord.objects.filter(action=audit.AUDIT_EXPORT, actor_id=admins.audit.pk).exists()


def test_the_page_verifies_the_chain_and_shows_a_break(client, admins):
    ids = [audit.record(audit.CONFIG_CHANGED, object_repr=str(i)).pk for i in range(3)]
    audit.seal(ids)
    verified_login(client, admins.audit)
    client.post("/security/audit/verify/")
    assert "审计链完整" in client.get("/security/audit/").content.decode()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditrecord DISABLE TRIGGER USER")
        cursor.execute("UPDATE core_auditrecord SET object_repr = 'x' WHERE id = %s", [ids[1]])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditrecord ENABLE TRIGGER USER")
    client.post("/security/audit/verify/")
    assert "审计链不完整" in client.get("/security/audit/").content.decode()
    assert Alert.objects.filter(kind=AlertKind.BROKEN_CHAIN).exists()


def test_every_attachment_a_signed_in_account_downloads_is_recorded(client, world):
    verified_login(client, world.users["staff"])
    response = client.get(reverse("accountability:unit_tasks_xlsx", args=[world.a.pk]))
    assert response.status_code == 200
    entry = AuditRecord.objects.get(action=audit.DATA_EXPORT)
    assert entry.actor_id == world.users["staff"].pk and entry.object_repr == "工作责任清单-甲县.xlsx"
    assert entry.detail["path"] == reverse("accountability:unit_tasks_xlsx", args=[world.a.pk])
    client.get(f"/units/{world.a.pk}/")  # a page is not a download
    assert AuditRecord.objects.filter(action__in=(audit.DATA_EXPORT, audit.DATA_DOWNLOAD)).count() == 1


def test_full_phone_numbers_shown_are_recorded_never_the_numbers(client, world):
    liaison = world.users["liaison"]
    liaison.phone = "13812345678"
    liaison.save()
    verified_login(client, world.users["staff"])  # may change the town's people: sees numbers in full
    assert "13812345678" in client.get(reverse("people:unit_people", args=[world.t1.pk])).content.decode()
    entry = AuditRecord.objects.get(action=audit.DATA_UNMASK)
    assert entry.detail == {"field": "user.phone", "count": 1} and entry.object_id == str(world.t1.pk)
    assert "13812345678" not in str(entry.detail) + entry.object_repr
    verified_login(client, world.users["member"])  # sees them masked: nothing to record
    assert "138****5678" in client.get(reverse("people:unit_people", args=[world.t1.pk])).content.decode()
    assert AuditRecord.objects.filter(action=audit.DATA_UNMASK).count() == 1

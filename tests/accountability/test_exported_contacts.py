"""Personal data and money beyond need (issue 12, class 5): files that leave the system carry full mobile numbers only
for the county's CPPCC office; the convenor and the approver of the consultation's own unit read a number on the
task's page, and get it masked in tasks.xlsx and the loop report, like everyone else. The SMS log masks numbers."""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from shangliang.notifications.sms import ConsoleBackend, SmsMessage

FULL, MASKED = "13800001111", "138****1111"


def export_text(client, name, pk) -> str:
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200, name
    if name.endswith("_xlsx"):
        sheet = load_workbook(io.BytesIO(response.content)).active
        return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs) + "\n".join(
        c.text for t in Document(io.BytesIO(response.content)).tables for row in t.rows for c in row.cells
    )


@pytest.mark.parametrize(
    ("role", "full"), [("staff", True), ("convenor", False), ("approver", False), ("liaison", False)]
)
def test_task_ledgers_carry_full_numbers_only_for_the_office_of_the_county(
    client, world, consultation, task, role, full
):
    client.force_login(world.users[role])
    exports = [
        ("accountability:unit_tasks_xlsx", world.t1.pk),
        ("accountability:consultation_tasks_xlsx", consultation.pk),
        ("accountability:loop_report", consultation.pk),
    ]
    for name, pk in exports:
        text = export_text(client, name, pk)
        assert (FULL in text) == full, name
        assert (MASKED in text) == (not full), name


def test_the_convenor_still_reads_the_number_on_the_task_page(client, world, task):
    client.force_login(world.users["convenor"])
    assert FULL in client.get(reverse("accountability:task", args=[task.pk])).content.decode()


def test_the_sms_log_masks_numbers(caplog):
    out = io.StringIO()
    with caplog.at_level("INFO", logger="shangliang.sms"):
        ConsoleBackend(stream=out).send_messages([SmsMessage(to="13912345678", text="【有事好商量】测试")])
    assert "13912345678" not in out.getvalue() and "139****5678" in out.getvalue()
    assert "13912345678" not in caplog.text and "139****5678" in caplog.text

"""Downloads open in the tools people use: the Word report, the Excel suggestion list, the .ics invitation."""

import io

from django.urls import reverse
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook

from shangliang.consultations import services
from shangliang.consultations.exports import ics_bytes, report_docx, suggestions_xlsx
from shangliang.consultations.models import ConsultationForm, ConsultationStatus
from tests.conftest import fresh
from tests.consultations.conftest import convenor, row

S = ConsultationStatus


def _with_votes(world, people, make_consultation):
    c = make_consultation(S.IN_SESSION)
    actor = convenor(world)
    s1 = services.suggestion_add(actor=actor, consultation=c, text="在小区东侧划设 40 个停车位")
    s2 = services.suggestion_add(actor=actor, consultation=c, text='=HYPERLINK("http://x")夜间禁止外来车辆')
    for person in (people.alice, people.bob):
        services.sign_in_by_code(actor=fresh(person), code=c.signin_code)
    services.suggestion_vote(
        actor=fresh(people.alice),
        consultation=c,
        suggestion_id=s1.pk,
        participant_id=row(c, people.alice).pk,
        choice="agree",
    )
    services.suggestion_vote(
        actor=fresh(people.bob),
        consultation=c,
        suggestion_id=s1.pk,
        participant_id=row(c, people.bob).pk,
        choice="disagree",
        dissent="东侧是老人活动区，不能占用。",
    )
    services.suggestion_vote(
        actor=fresh(people.bob),
        consultation=c,
        suggestion_id=s2.pk,
        participant_id=row(c, people.bob).pk,
        choice="abstain",
    )
    services.minutes_save(actor=actor, consultation=c, text="会议讨论了停车位的位置。")
    return c


def test_suggestion_list_as_excel(world, people, make_consultation):
    c = _with_votes(world, people, make_consultation)
    wb = load_workbook(io.BytesIO(suggestions_xlsx(c)))
    ws = wb.active
    rows = [[cell.value for cell in r] for r in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    first, second = rows[header + 1], rows[header + 2]
    assert first[:6] == [1, "在小区东侧划设 40 个停车位", 1, 0, 1, 0]
    assert "王大伯（不同意）：东侧是老人活动区，不能占用。" in first[7]
    # A suggestion that looks like a formula stays text (Excel must not run it).
    assert second[1].startswith("'=HYPERLINK") and ws.cell(row=header + 3, column=2).data_type == "s"


def test_report_as_word(world, people, make_consultation):
    c = _with_votes(world, people, make_consultation)
    doc = Document(io.BytesIO(report_docx(c)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(cell.text for table in doc.tables for r in table.rows for cell in r.cells)
    assert "协商成果报告" in text
    assert "在小区东侧划设 40 个停车位" in cells and "李阿姨" in cells
    assert "东侧是老人活动区，不能占用。" in text
    assert "走访小区住户" in text and "会议讨论了停车位的位置。" in text


def test_ics_parses_with_icalendar(world, people, make_consultation):
    c = make_consultation(S.SCHEDULED)
    cal = Calendar.from_ical(ics_bytes(c))
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == f"协商：{c.title}"
    assert event.decoded("dtstart") == c.planned_start
    assert str(event["location"]) == c.room.name
    assert str(event["uid"]) == f"consultation-{c.pk}@shangliang"


def test_ics_of_a_written_consultation_is_its_deadline(world, people, make_consultation):
    c = make_consultation(S.SCHEDULED, form=ConsultationForm.WRITTEN)
    event = next(iter(Calendar.from_ical(ics_bytes(c)).walk("VEVENT")))
    assert "书面协商意见截止" in str(event["summary"]) and event.decoded("dtstart") == c.written_deadline


def test_downloads_over_http(client, world, people, make_consultation):
    c = _with_votes(world, people, make_consultation)
    client.force_login(world.users["convenor"])
    response = client.get(reverse("consultations:suggestions_xlsx", args=[c.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    load_workbook(io.BytesIO(response.content))
    response = client.get(reverse("consultations:report", args=[c.pk]))
    assert response.status_code == 200
    Document(io.BytesIO(response.content))
    # An invited participant gets the meeting's calendar entry, but not the record (issue 12, class 8: the documents
    # follow the consultation's page, which a participant from outside the unit's staff does not open).
    client.force_login(people.alice)
    response = client.get(reverse("consultations:ics", args=[c.pk]))
    Calendar.from_ical(response.content)
    assert client.get(reverse("consultations:report", args=[c.pk])).status_code == 403
    assert client.get(reverse("consultations:suggestions_xlsx", args=[c.pk])).status_code == 403
    client.force_login(world.users["stranger"])
    assert client.get(reverse("consultations:report", args=[c.pk])).status_code == 403
    assert client.get(reverse("consultations:suggestions_xlsx", args=[c.pk])).status_code == 403


def test_invitation_email_for_someone_without_an_account_carries_the_ics(
    world, people, make_consultation, mailoutbox, django_capture_on_commit_callbacks
):
    c = make_consultation(S.RESEARCH_RECORDED)
    services.participant_add(
        actor=convenor(world), consultation=c, kind="expert", name="钱教授", email="qian@example.edu.cn"
    )
    from tests.consultations.conftest import schedule

    with django_capture_on_commit_callbacks(execute=True):
        schedule(convenor(world), c)
    mail = next(m for m in mailoutbox if m.to == ["qian@example.edu.cn"])
    token = c.participants.get(name="钱教授").token
    assert token in mail.body
    name, content, mimetype = mail.attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    assert Calendar.from_ical(content).walk("VEVENT")

"""Downloads: the calendar invitation (.ics, icalendar), the results report (协商成果报告, python-docx) and the
suggestion list (协商意见建议清单, openpyxl). Each is built from the same selectors the pages use."""

from __future__ import annotations

import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from icalendar import Calendar, Event
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from shangliang.consultations import selectors
from shangliang.consultations.models import Consultation, ConsultationForm, InvitationStatus
from shangliang.core import clock, eventtypes
from shangliang.core.events import timeline
from shangliang.core.links import absolute_url
from shangliang.core.spreadsheets import cell as safe_cell

DEFAULT_LENGTH = timedelta(hours=2)


def _url(path: str) -> str:
    return absolute_url(path)


def ics_bytes(c: Consultation, *, participant=None) -> bytes:
    """One VEVENT: the meeting (or, for a written consultation, the deadline for opinions)."""

    cal = Calendar()
    cal.add("prodid", "-//Shangliang//有事好商量//ZH")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"consultation-{c.pk}@shangliang")
    event.add("dtstamp", clock.now())
    if c.form == ConsultationForm.WRITTEN:
        start = c.written_deadline
        end = start
        summary = _("书面协商意见截止：%(title)s") % {"title": c.title}
    elif c.form == ConsultationForm.ONLINE:
        start, end = c.online_opens_at, c.online_closes_at
        summary = _("网络协商：%(title)s") % {"title": c.title}
    else:
        start = c.planned_start
        end = c.planned_end or (start + DEFAULT_LENGTH if start else None)
        summary = _("协商：%(title)s") % {"title": c.title}
    if start is not None:
        event.add("dtstart", start)
        event.add("dtend", end or start)
    event.add("summary", summary)
    if c.place:
        event.add("location", c.place)
    link = (
        _url(reverse("consultations:invitation", args=[participant.token]))
        if participant is not None and participant.user_id is None
        else _url(reverse("consultations:take_part", args=[c.pk]))
    )
    topics = "；".join(t.title for t in c.topics.all())
    event.add("description", f"{c.unit.name} · {c.get_form_display()}\n{_('议题：')}{topics}\n{link}")
    event.add("url", link)
    event.add("status", "CANCELLED" if c.status == "cancelled" else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()


def suggestions_xlsx(c: Consultation) -> bytes:

    tallies = selectors.suggestion_tallies(c)
    wb = Workbook()
    ws = wb.active
    ws.title = _("建议清单")
    ws.append([safe_cell(_("协商意见建议清单"))])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([safe_cell(_("协商名称")), safe_cell(c.title)])
    ws.append([safe_cell(_("所属单元")), safe_cell(c.unit.name)])
    ws.append([safe_cell(_("协商形式")), safe_cell(c.get_form_display())])
    ws.append([safe_cell(_("协商结果")), safe_cell(c.get_outcome_display() if c.outcome else c.get_status_display())])
    ws.append([safe_cell(_("应表决人数")), selectors.eligible_voters(c)])
    ws.append([])
    header = [
        _("序号"),
        _("建议内容"),
        _("同意"),
        _("弃权"),
        _("不同意"),
        _("反对（阻止）"),
        _("状态"),
        _("不同意见（原文）"),
    ]
    ws.append([safe_cell(h) for h in header])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for t in tallies:
        dissent = "\n".join(f"{v.participant.name}（{v.get_choice_display()}）：{v.dissent}" for v in t.dissents)
        ws.append(
            [
                t.suggestion.order,
                safe_cell(t.suggestion.text),
                t.agree,
                t.abstain,
                t.disagree,
                t.block,
                safe_cell(t.suggestion.get_status_display()),
                safe_cell(dissent),
            ]
        )
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGH", (6, 50, 8, 8, 8, 12, 10, 60), strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_docx(c: Consultation) -> bytes:
    """协商成果报告: what was consulted, with whom, what research, what was said, what was agreed, where it went."""

    doc = Document()
    doc.add_heading(_("协商成果报告"), level=0)
    doc.add_paragraph(c.title)
    when = c.held_at or c.planned_start or c.written_deadline
    facts = [
        (_("所属单元"), c.unit.name),
        (_("协商形式"), c.get_form_display()),
        (_("时间"), timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "—"),
        (_("地点"), c.place or "—"),
        (_("状态"), c.get_status_display()),
        (_("协商结果"), c.get_outcome_display() if c.outcome else "—"),
    ]
    if c.reconvened_from_id:
        facts.append((_("再次协商"), _("第 %(n)d 次再议") % {"n": c.reconvene_count}))
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        row = table.add_row().cells
        row[0].text, row[1].text = str(label), str(value)

    doc.add_heading(_("一、议题"), level=1)
    for t in c.topics.all().order_by("pk"):
        doc.add_paragraph(f"{t.title}（{t.get_category_display() or '—'}）", style="List Bullet")

    doc.add_heading(_("二、参加人员"), level=1)
    participants = list(selectors.participants_of(c))
    ptable = doc.add_table(rows=1, cols=4)
    ptable.style = "Table Grid"
    for cell, text in zip(ptable.rows[0].cells, (_("姓名"), _("身份"), _("单位"), _("出席")), strict=True):
        cell.text = str(text)
    for p in participants:
        row = ptable.add_row().cells
        present = _("已签到") if p.signed_in_at else (_("婉拒") if p.status == InvitationStatus.DECLINED else "—")
        row[0].text, row[1].text, row[2].text, row[3].text = p.name, p.get_kind_display(), p.organisation, str(present)
    if c.representativeness_override_reason:
        doc.add_paragraph(_("代表性说明：") + c.representativeness_override_reason)

    doc.add_heading(_("三、商前调研"), level=1)
    for r in c.research.all():
        doc.add_paragraph(f"{r.done_on} {r.get_kind_display()}：{r.title}", style="List Bullet")
        doc.add_paragraph(r.text)
    for v in c.visits.all():
        doc.add_paragraph(
            _("上门协商 %(date)s：%(party)s") % {"date": v.visited_on, "party": v.party}, style="List Bullet"
        )
        doc.add_paragraph(_("对方意见：") + v.views)
        if v.agreed:
            doc.add_paragraph(_("达成的共识：") + v.agreed)

    doc.add_heading(_("四、协商过程"), level=1)
    for s in c.agenda.select_related("speaker"):
        speaker = f"（{s.speaker.name}）" if s.speaker_id else ""
        doc.add_paragraph(f"{s.order}. {s.get_kind_display()}：{s.title}{speaker}", style="List Number")
        if s.notes:
            doc.add_paragraph(s.notes)
    minutes = getattr(c, "minutes", None) if hasattr(c, "minutes") else None
    if minutes is not None:
        doc.add_heading(_("会议记录"), level=2)
        doc.add_paragraph(minutes.text)
    opinions = list(c.opinions.select_related("participant").order_by("id"))
    if opinions:
        doc.add_heading(_("参加人员意见"), level=2)
        for o in opinions:
            doc.add_paragraph(f"{o.participant.name}：{o.text}", style="List Bullet")

    doc.add_heading(_("五、协商意见建议清单"), level=1)
    tallies = selectors.suggestion_tallies(c, include_withdrawn=False)
    stable = doc.add_table(rows=1, cols=6)
    stable.style = "Table Grid"
    for cell, text in zip(
        stable.rows[0].cells, (_("序号"), _("建议"), _("同意"), _("弃权"), _("不同意"), _("反对")), strict=True
    ):
        cell.text = str(text)
    for t in tallies:
        row = stable.add_row().cells
        values = (t.suggestion.order, t.suggestion.text, t.agree, t.abstain, t.disagree, t.block)
        for cell, value in zip(row, values, strict=True):
            cell.text = str(value)
    for t in tallies:
        for v in t.dissents:
            doc.add_paragraph(
                _("第 %(n)d 条 · %(name)s（%(choice)s）：%(text)s")
                % {
                    "n": t.suggestion.order,
                    "name": v.participant.name,
                    "choice": v.get_choice_display(),
                    "text": v.dissent,
                },
                style="List Bullet",
            )
    if c.conclusion:
        doc.add_heading(_("协商结论"), level=2)
        doc.add_paragraph(c.conclusion)

    submission = getattr(c, "submission", None) if hasattr(c, "submission") else None
    if submission is not None:
        doc.add_heading(_("六、成果报送"), level=1)
        doc.add_paragraph(
            _("%(when)s 报送 %(to)s（%(level)s）")
            % {
                "when": timezone.localtime(submission.submitted_at).strftime("%Y-%m-%d"),
                "to": submission.recipients,
                "level": submission.get_level_display(),
            }
        )
        if submission.acknowledged_at:
            doc.add_paragraph(
                _("%(when)s 由 %(who)s 签收。%(note)s")
                % {
                    "when": timezone.localtime(submission.acknowledged_at).strftime("%Y-%m-%d"),
                    "who": submission.acknowledged_by.display_name if submission.acknowledged_by_id else "—",
                    "note": submission.acknowledgement,
                }
            )

    doc.add_heading(_("附：过程记录"), level=1)
    for e in timeline(c).order_by("created_at", "id")[:200]:
        label = eventtypes.label_of(e)
        doc.add_paragraph(
            f"{timezone.localtime(e.created_at).strftime('%Y-%m-%d %H:%M')} "
            f"{e.actor.display_name if e.actor_id else '—'} · {label}{(' · ' + e.note) if e.note else ''}"
        )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

"""Downloads: the responsibility list (工作责任清单) and the effect / feedback list (落实效果清单) as Excel ledgers
(台账, openpyxl), and a consultation's whole loop as a Word report (python-docx): the consultation's own results
report (consultations.exports) followed by the lists, residents' ratings, the quality score and the task timelines.

Phones are written in full only for those who may see them (`full_phones`); the others get 138****5678.
"""

from __future__ import annotations

import io

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from shangliang.accountability import selectors
from shangliang.accountability.models import FollowUpCheck, ResponsibilityTask, Supervision, TaskStatus
from shangliang.accountability.quality import FORMULA, consultation_quality
from shangliang.consultations.exports import report_docx
from shangliang.core import clock, eventtypes
from shangliang.core.models import Event
from shangliang.core.spreadsheets import cell as safe_cell
from shangliang.core.spreadsheets import row as row_cells


def _rows(tasks):
    """Tasks with the counts and related rows the lists need, in a fixed number of queries."""
    return list(
        tasks.select_related("consultation", "suggestion", "department", "owner_unit", "unit")
        .annotate(
            reminder_count=Count("reminders", distinct=True),
            notice_count=Count("notices", distinct=True),
            evidence_count=Count("evidence", distinct=True),
        )
        .prefetch_related(
            Prefetch("supervisions", queryset=Supervision.objects.select_related("member").order_by("id")),
            Prefetch("follow_ups", queryset=FollowUpCheck.objects.order_by("-round", "-id")),
        )
        .order_by("unit__path", "consultation_id", "suggestion__order", "deadline", "id")
    )


def _sheet(title: str, subtitle: str, header: list, rows: list[list], widths: list[int]) -> bytes:

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([safe_cell(title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([safe_cell(subtitle)])
    ws.append([])
    ws.append([safe_cell(h) for h in header])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row_cells(row))
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A5"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _d(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d")
    return value.isoformat()


def responsibility_xlsx(tasks, *, title_of: str, full_phones: bool) -> bytes:
    today = clock.today()
    rows = []
    for n, t in enumerate(_rows(tasks), start=1):
        rows.append(
            [
                n,
                t.consultation.title,
                t.suggestion.order,
                t.suggestion.text,
                t.action,
                t.body_name,
                t.owner_name,
                t.owner_phone if full_phones else t.masked_phone,
                _d(t.deadline),
                t.get_status_display(),
                t.percent,
                t.days_overdue(today),
                t.reminder_count,
                t.notice_count,
                "、".join(s.member.display_name for s in t.supervisions.all()),
                _d(t.signed_at),
            ]
        )
    header = [
        _("序号"),
        _("协商活动"),
        _("建议序号"),
        _("协商建议"),
        _("具体事项"),
        _("责任单位"),
        _("责任人"),
        _("联系电话"),
        _("完成时限"),
        _("状态"),
        _("进度（%）"),
        _("逾期天数"),
        _("催办次数"),
        _("通报次数"),
        _("督办委员"),
        _("签收时间"),
    ]
    subtitle = _("%(unit)s · 导出时间 %(when)s") % {"unit": title_of, "when": today.isoformat()}
    widths = [6, 24, 8, 40, 40, 16, 10, 14, 12, 10, 8, 8, 8, 8, 16, 12]
    return _sheet(str(_("工作责任清单")), subtitle, header, rows, widths)


def effects_xlsx(tasks, *, title_of: str) -> bytes:
    today = clock.today()
    tasks = _rows(tasks)
    ratings = selectors.rating_summary(tasks)
    rows = []
    for n, t in enumerate(tasks, start=1):
        r = ratings.get(t.pk)
        latest = next(iter(t.follow_ups.all()), None)
        on_time = ""
        if t.status == TaskStatus.DONE and t.completed_at:
            on_time = _("是") if timezone.localdate(t.completed_at) <= t.deadline else _("否")
        rows.append(
            [
                n,
                t.consultation.title,
                t.suggestion.text,
                t.action,
                t.body_name,
                t.get_status_display(),
                _d(t.completed_at),
                on_time,
                t.completion_note,
                t.evidence_count,
                r.count if r else 0,
                round(r.average, 2) if r and r.average is not None else "",
                f"{r.satisfied_percent:.0f}%" if r and r.satisfied_percent is not None else "",
                f"{latest.get_status_display()} {_d(latest.checked_at or latest.due_on)}" if latest else "",
                t.round,
            ]
        )
    header = [
        _("序号"),
        _("协商活动"),
        _("协商建议"),
        _("具体事项"),
        _("责任单位"),
        _("状态"),
        _("办结日期"),
        _("按时办结"),
        _("办理结果"),
        _("佐证材料（份）"),
        _("评价人数"),
        _("平均满意度"),
        _("满意率（4—5 分）"),
        _("回访"),
        _("重办次数"),
    ]
    subtitle = _("%(unit)s · 导出时间 %(when)s") % {"unit": title_of, "when": today.isoformat()}
    widths = [6, 24, 36, 36, 16, 10, 12, 8, 40, 10, 8, 10, 12, 20, 8]
    return _sheet(str(_("落实效果清单")), subtitle, header, rows, widths)


def loop_docx(consultation, *, full_phones: bool) -> bytes:
    """协商闭环报告: the consultation's results report, then what became of its results."""

    today = clock.today()
    doc = Document(io.BytesIO(report_docx(consultation)))
    tasks = _rows(ResponsibilityTask.objects.filter(consultation=consultation))
    ratings = selectors.rating_summary(tasks)

    doc.add_heading(_("七、工作责任清单"), level=1)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    header = (_("建议"), _("具体事项"), _("责任单位 / 责任人"), _("时限"), _("状态"), _("进度"))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
    for t in tasks:
        phone = t.owner_phone if full_phones else t.masked_phone
        cells = table.add_row().cells
        values = (
            f"{t.suggestion.order}",
            t.action,
            f"{t.body_name} / {t.owner_name}{(' ' + phone) if phone else ''}",
            _d(t.deadline),
            t.get_status_display()
            + (_("（逾期 %(d)d 天）") % {"d": t.days_overdue(today)} if t.is_overdue(today) else ""),
            f"{t.percent}%",
        )
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
    if not tasks:
        doc.add_paragraph(_("尚未交办。"))

    doc.add_heading(_("八、落实效果"), level=1)
    for t in tasks:
        r = ratings.get(t.pk)
        line = f"{t.suggestion.order}. {t.action} — {t.get_status_display()}"
        if t.completed_at:
            line += _("，%(d)s 验收办结") % {"d": _d(t.completed_at)}
        doc.add_paragraph(line, style="List Bullet")
        if t.completion_note:
            doc.add_paragraph(_("办理结果：") + t.completion_note)
        if r:
            doc.add_paragraph(
                _("群众评价 %(n)d 人，平均 %(avg).1f 分，满意率 %(pct).0f%%。")
                % {"n": r.count, "avg": r.average or 0, "pct": r.satisfied_percent or 0}
            )
        for check in t.follow_ups.all():
            doc.add_paragraph(
                _("回访（%(due)s）：%(status)s %(note)s")
                % {"due": _d(check.due_on), "status": check.get_status_display(), "note": check.note}
            )
        if t.round:
            doc.add_paragraph(_("已重办 %(n)d 次。") % {"n": t.round})

    doc.add_heading(_("九、协商质效评估"), level=1)
    quality = consultation_quality(consultation)
    doc.add_paragraph(_("综合得分：%(s)s") % {"s": quality.score if quality.score is not None else _("暂无法计算")})
    qtable = doc.add_table(rows=1, cols=3)
    qtable.style = "Table Grid"
    for cell, text in zip(qtable.rows[0].cells, (_("分项"), _("权重"), _("得分率")), strict=True):
        cell.text = str(text)
    for _key, label, weight, value in quality.rows:
        cells = qtable.add_row().cells
        cells[0].text, cells[1].text = label, str(weight)
        cells[2].text = f"{value * 100:.0f}%" if value is not None else str(_("未计入"))
    doc.add_paragraph(str(FORMULA))
    for response in consultation.evaluations.select_related("evaluator").order_by("id"):
        doc.add_paragraph(
            _("第三方评估：%(who)s %(org)s %(score)s 分。%(comment)s")
            % {
                "who": response.evaluator.display_name,
                "org": response.organisation,
                "score": response.score,
                "comment": response.comment,
            },
            style="List Bullet",
        )

    doc.add_heading(_("附：落实过程记录"), level=1)
    events: dict[int, list] = {}
    for e in (
        Event.objects.filter(content_type=ContentType.objects.get_for_model(ResponsibilityTask))
        .filter(object_id__in=[t.pk for t in tasks])
        .select_related("actor")
        .order_by("created_at", "id")
    ):
        events.setdefault(e.object_id, []).append(e)
    for t in tasks:
        doc.add_paragraph(f"{t.suggestion.order}. {t.action[:60]}", style="List Number")
        for e in events.get(t.pk, [])[:100]:
            doc.add_paragraph(
                f"{timezone.localtime(e.created_at).strftime('%Y-%m-%d %H:%M')} "
                f"{e.actor.display_name if e.actor_id else _('系统')} · "
                f"{eventtypes.label_of(e)}{(' · ' + e.note) if e.note else ''}"
            )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

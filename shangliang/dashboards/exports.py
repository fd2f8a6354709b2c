"""Downloads: every table to Excel (openpyxl), and a county's yearly summary to Word (python-docx). Both are filled
from the same metric functions the pages show."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from shangliang.core.spreadsheets import cell as safe_cell
from shangliang.dashboards import metrics  # noqa: F401 (registers every figure)
from shangliang.dashboards.metric_registry import METRICS, Table
from shangliang.dashboards.periods import custom
from shangliang.dashboards.scope import Scope
from shangliang.villageaffairs import selectors as va


@dataclass
class Sheet:
    title: str
    definition: str
    table: Table


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", title)[:28] or "Sheet"
    base, n = name, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def workbook(heading: str, sheets: list[Sheet], cards: list[tuple[str, Any, str, str]] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    if cards:
        ws = wb.create_sheet(_sheet_name(_("主要数字"), used))
        ws.append([safe_cell(heading)])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([_("指标"), _("数值"), _("单位"), _("口径")])
        for cell in ws[2]:
            cell.font = bold
        for label, value, unit, definition in cards:
            ws.append([safe_cell(label), safe_cell(value), safe_cell(unit), safe_cell(definition)])
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["D"].width = 80
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_name(sheet.title, used))
        ws.append([safe_cell(sheet.title)])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([safe_cell(heading)])
        ws.append([safe_cell(_("口径：") + sheet.definition)])
        ws["A3"].alignment = Alignment(wrap_text=False)
        ws.append([safe_cell(c) for c in sheet.table.columns])
        for cell in ws[4]:
            cell.font = bold
        for row in sheet.table.rows:
            ws.append([safe_cell(v) for v in row])
        ws.column_dimensions["A"].width = 24
        ws.freeze_panes = "B5"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def scope_heading(scope: Scope) -> str:
    return f"{scope.unit.name} · {scope.period.label}"


def metric_sheets(scope: Scope, keys: list[str]) -> list[Sheet]:
    return [Sheet(str(METRICS[k].title), str(METRICS[k].definition), METRICS[k](scope)) for k in keys]


def metric_cards(scope: Scope, keys: list[str]) -> list[tuple[str, Any, str, str]]:
    out = []
    for k in keys:
        m = METRICS[k]
        out.append((str(m.title), m(scope), str(m.unit), str(m.definition)))
    return out


# --- the yearly summary (Word) -------------------------------------------------------------------------------------


def _fmt(value, unit="") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}{unit}"
    return f"{value:,}{unit}" if isinstance(value, int) else f"{value}{unit}"


def summary_docx(scope: Scope, *, since: int | None = None) -> bytes:
    """The county's (or any unit's) yearly summary: the figures the offices report (rooms and coverage, activities,
    topics by source and category, consensus, suggestions, members' participation, village affairs), for the year
    and, when `since` is given, cumulated from that year."""
    m = METRICS
    unit, period = scope.unit, scope.period
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    doc.add_heading(
        _("%(unit)s%(period)s“有事好商量”协商议事工作统计") % {"unit": unit.name, "period": period.label}, 0
    )

    doc.add_heading(_("一、主要数字"), level=1)
    cov = m["coverage"](scope).rows
    lines = [
        _(
            "议事阵地 %(rooms)s 个；应建单元 %(units)s 个，有在用议事室 %(with_room)s 个，"
            "阵地达标 %(covered)s 个，覆盖率 %(rate)s。"
        )
        % {
            "rooms": _fmt(m["rooms"](scope)),
            "units": _fmt(cov[0][1]),
            "with_room": _fmt(cov[1][1]),
            "covered": _fmt(cov[2][1]),
            "rate": _fmt(m["coverage_rate"](scope), "%"),
        },
        _(
            "开展协商议事活动 %(held)s 次，其中达成共识 %(yes)s 次，共识率 %(rate)s；"
            "形成意见建议 %(sugg)s 条，向党委政府报送成果 %(sub)s 次。"
        )
        % {
            "held": _fmt(m["consultations_held"](scope)),
            "yes": _fmt(m["consensus_reached"](scope)),
            "rate": _fmt(m["consensus_rate"](scope), "%"),
            "sugg": _fmt(m["suggestions"](scope)),
            "sub": _fmt(m["results_submitted"](scope)),
        },
        _(
            "收集议题 %(topics)s 个，经审定后开展协商 %(consulted)s 个；"
            "参与协商 %(att)s 人次，其中政协委员 %(mem)s 人次。"
        )
        % {
            "topics": _fmt(m["topics_raised"](scope)),
            "consulted": _fmt(m["funnel"](scope).rows[3][1]),
            "att": _fmt(m["attendances"](scope)),
            "mem": _fmt(m["member_attendances"](scope)),
        },
        _(
            "协商成果有效落实 %(done)s 件，正在推进 %(progress)s 件；办结责任任务 %(tasks)s 项；"
            "群众满意度 %(sat)s（5分制），第三方评估平均 %(eva)s 分；"
            "委员督办 %(sup)s 人次；报送社情民意信息 %(op)s 篇。"
        )
        % {
            "done": _fmt(m["problems_solved"](scope)),
            "progress": _fmt(m["results"](scope).rows[1][1]),
            "tasks": _fmt(m["tasks_done"](scope)),
            "sat": _fmt(m["satisfaction"](scope)),
            "eva": _fmt(m["evaluation_score"](scope)),
            "sup": _fmt(m["supervisions"](scope)),
            "op": _fmt(m["opinion_reports"](scope)),
        },
    ]
    for line in lines:
        doc.add_paragraph(line, style="List Bullet")
    if since is not None and since < period.start.year:
        total = Scope(unit, custom(period.start.replace(year=since, month=1, day=1), period.end))
        doc.add_paragraph(
            _(
                "%(since)d年以来累计：开展协商议事活动 %(held)s 次，达成共识 %(yes)s 次，形成意见建议 %(sugg)s 条，"
                "解决群众关心的问题 %(solved)s 件。"
            )
            % {
                "since": since,
                "held": _fmt(m["consultations_held"](total)),
                "yes": _fmt(m["consensus_reached"](total)),
                "sugg": _fmt(m["suggestions"](total)),
                "solved": _fmt(m["problems_solved"](total)),
            },
            style="List Bullet",
        )

    for heading, key in [
        (_("二、议题来源"), "topics_by_source"),
        (_("三、议题类别（三议）"), "topics_by_category"),
        (_("四、协商形式"), "consultations_by_form"),
        (_("五、协商闭环"), "funnel"),
        (_("六、成果落实"), "results"),
        (_("七、下级单元"), "children"),
    ]:
        doc.add_heading(heading, level=1)
        doc.add_paragraph(str(m[key].definition))
        _table(doc, m[key](scope))

    year = period.end.year
    disc = va.disclosure_figures(unit, year=year)
    cases = va.case_figures(unit, year=year)
    meetings = va.meeting_figures(unit, year=year)
    doc.add_heading(_("八、村务民主协商监督"), level=1)
    doc.add_paragraph(
        _(
            "%(year)d年召开村务协商监督月例会 %(meetings)s 次；"
            "公示民生项目等事项 %(disclosures)s 项次，涉及资金 %(amount)s 元；"
            "化解矛盾纠纷 %(resolved)s 起（受理 %(disputes)s 起），受理信访 %(petitions)s 件。"
        )
        % {
            "year": year,
            "meetings": _fmt(meetings.held.current),
            "disclosures": _fmt(disc.disclosures.current),
            "amount": f"{disc.amount.current:,.2f}",
            "resolved": _fmt(cases.disputes_resolved.current),
            "disputes": _fmt(cases.disputes.current),
            "petitions": _fmt(cases.petitions.current),
        }
    )
    doc.add_paragraph(
        _("口径：各项数字按本系统“统计与考核”页面同一定义计算，统计范围为%(unit)s及其全部下级单元。")
        % {"unit": unit.name}
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _table(doc, table: Table) -> None:
    t = doc.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, table.columns, strict=True):
        cell.text = str(text)
    for row in table.rows:
        cells = t.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _fmt(value) if value is not None else "—"

"""Bulk entry of concerns collected in grid work from an Excel sheet (网格员批量录入).

The file is checked whole before anything is written: every bad cell is reported with its row and column, and one
bad cell rejects the file (nothing stored). A good file becomes one topic per row, in one transaction.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from shangliang.core.errors import InvalidInput
from shangliang.core.permissions import require_perm
from shangliang.core.spreadsheets import row as cells
from shangliang.core.validation import clean_key
from shangliang.topics.models import Topic, TopicSource
from shangliang.topics.services import intake
from shangliang.units.models import Unit

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
SHOWN_ERRORS = 100

# (header, required column, explanation for the instructions sheet)
COLUMNS = [
    ("标题", True, "必填，不超过 100 字"),
    ("详细描述", True, "必填，不超过 2000 字"),
    ("反映人姓名", True, "不匿名时必填"),
    ("是否匿名", False, "填“是”或“否”，空白视为“否”"),
    ("手机号", False, "选填，11 位中国大陆手机号"),
    ("是否紧急", False, "填“是”或“否”，空白视为“否”"),
    ("所属单元", False, "选填，空白为导入时选择的单元；也可填其下级村（社区）的名称"),
]
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}


class ImportRejected(InvalidInput):
    """The file was refused; `errors` lists every bad row and column."""

    def __init__(self, message, errors: list[str]):
        super().__init__(message, field="file")
        self.errors = errors


@dataclass
class Row:
    number: int
    unit: Unit
    fields: dict = field(default_factory=dict)


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "议题"
    ws.append(cells(name for name, _r, _h in COLUMNS))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FCE8E6")
    for i, (_name, required, _h) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        if required:
            cell.fill = fill
        ws.column_dimensions[cell.column_letter].width = 40 if i == 2 else 16
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(yes_no)
    yes_no.add("D2:D501")
    yes_no.add("F2:F501")
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(cells(["列", "说明"]))
    for name, _r, explanation in COLUMNS:
        notes.append(cells([name, explanation]))
    notes.append(cells(["", f"每个文件最多 {MAX_ROWS} 行；任何一行有误，整个文件都不会导入，请按提示改正后重新上传。"]))
    notes.column_dimensions["B"].width = 70
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _yes_no(value: str) -> bool | None:
    v = value.strip().lower()
    if v in YES:
        return True
    if v in NO:
        return False
    return None


def _open(upload):
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ImportRejected(_("上传的文件是空的。"), [])
    if size > MAX_BYTES:
        raise ImportRejected(_("文件过大，最大 %(mb)d MB。") % {"mb": MAX_BYTES // 1048576}, [])
    upload.seek(0)
    data = upload.read()
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportRejected(_("文件不是有效的 Excel 文件（.xlsx），请使用下载的模板。"), []) from exc


def parse(upload, *, unit: Unit, actor) -> list[Row]:
    """Read and check every row; raise ImportRejected naming each bad row and column, or return the rows."""
    wb = _open(upload)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [_cell_text(v) for v in next(rows, ())]
        index = {name: header.index(name) for name, _r, _h in COLUMNS if name in header}
        missing = [name for name, required, _h in COLUMNS if required and name not in index]
        if missing:
            raise ImportRejected(
                _("第 1 行缺少列：%(cols)s。请使用下载的模板。") % {"cols": "、".join(f"“{m}”" for m in missing)}, []
            )
        units = {u.name: u for u in Unit.objects.filter(path__startswith=unit.path, is_active=True)}
        duplicates = _duplicate_names(unit)
        errors: list[str] = []
        parsed: list[Row] = []
        for number, values in enumerate(rows, start=2):
            cells = {name: _cell_text(values[i]) if i < len(values) else "" for name, i in index.items()}
            if not any(cells.values()):
                continue
            if len(parsed) + 1 > MAX_ROWS:
                raise ImportRejected(_("每个文件最多 %(n)d 行议题，请分批导入。") % {"n": MAX_ROWS}, [])
            row = _check_row(number, cells, unit, units, duplicates, actor, errors)
            if row is not None:
                parsed.append(row)
    finally:
        wb.close()
    if errors:
        shown = errors[:SHOWN_ERRORS]
        more = len(errors) - len(shown)
        if more:
            shown.append(_("……另有 %(n)d 处错误未列出。") % {"n": more})
        raise ImportRejected(_("文件有 %(n)d 处错误，未导入任何议题。请改正后重新上传。") % {"n": len(errors)}, shown)
    if not parsed:
        raise ImportRejected(_("文件中没有议题数据（第 2 行起填写）。"), [])
    return parsed


def _duplicate_names(unit: Unit) -> set[str]:
    seen, dupes = set(), set()
    for name in Unit.objects.filter(path__startswith=unit.path, is_active=True).values_list("name", flat=True):
        (dupes if name in seen else seen).add(name)
    return dupes


def _check_row(number, cells, unit, units, duplicates, actor, errors) -> Row | None:
    bad_before = len(errors)

    def check(column, call):
        try:
            return call()
        except InvalidInput as exc:
            errors.append(_("第 %(row)d 行“%(col)s”列：%(msg)s") % {"row": number, "col": column, "msg": exc.message})
            return None

    def flag(column):
        value = _yes_no(cells.get(column, ""))
        if value is None:
            errors.append(
                _("第 %(row)d 行“%(col)s”列：请填写“是”或“否”（现为“%(v)s”）。")
                % {"row": number, "col": column, "v": cells[column]}
            )
        return bool(value)

    anonymous = flag("是否匿名") if "是否匿名" in cells else False
    urgent = flag("是否紧急") if "是否紧急" in cells else False
    title = check("标题", lambda: intake.clean_title(cells["标题"]))
    description = check("详细描述", lambda: intake.clean_description(cells["详细描述"]))
    name = "" if anonymous else check("反映人姓名", lambda: intake.clean_name(cells.get("反映人姓名"), required=True))
    mobile = check("手机号", lambda: intake.clean_mobile(cells.get("手机号", "")))
    row_unit = unit
    unit_name = cells.get("所属单元", "")
    if unit_name and unit_name != unit.name:
        if unit_name in duplicates:
            errors.append(
                _("第 %(row)d 行“所属单元”列：有多个名为“%(u)s”的单元，请在导入时直接选择该单元。")
                % {"row": number, "u": unit_name}
            )
        elif unit_name not in units:
            errors.append(
                _("第 %(row)d 行“所属单元”列：“%(parent)s”下没有名为“%(u)s”的单元。")
                % {"row": number, "parent": unit.name, "u": unit_name}
            )
        else:
            row_unit = units[unit_name]
    if len(errors) > bad_before:
        return None
    if not actor.has_perm("topics.enter_topic", row_unit):
        errors.append(_("第 %(row)d 行“所属单元”列：您无权为“%(u)s”录入议题。") % {"row": number, "u": row_unit.name})
        return None
    fields = {
        "title": title,
        "description": description,
        "anonymous": anonymous,
        "submitted_by_name": name,
        "mobile": mobile,
        "urgent": urgent,
    }
    return Row(number, row_unit, fields)


def topics_import(*, actor, unit: Unit, upload, idempotency_key: str = "") -> list[Topic]:
    """Create one topic (网格员收集) per row of the sheet, all or none. Sending the same form twice imports once."""
    require_perm(actor, "topics.enter_topic", unit, _("您无权为“%(unit)s”录入议题。") % {"unit": unit.name})
    key = clean_key(idempotency_key)
    if key:
        earlier = list(Topic.objects.filter(idempotency_key__startswith=f"{key}:").order_by("pk"))
        if earlier:
            if any(t.submitter_id != actor.pk for t in earlier):
                raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
            for t in earlier:
                t.replayed = True
            return earlier
    rows = parse(upload, unit=unit, actor=actor)
    created = []
    with transaction.atomic():
        for i, row in enumerate(rows):
            fields = {"unit": row.unit, "room": None, "source": TopicSource.GRID, **row.fields}
            event_data = {"import_row": row.number, "import_index": i, "import_size": len(rows)}
            created.append(
                intake.insert_topic(
                    actor=actor, fields=fields, photos=[], key=f"{key}:{i}" if key else "", event_data=event_data
                )
            )
    return created

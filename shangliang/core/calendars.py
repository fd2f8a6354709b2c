"""Every write on a county's working-day calendar (core.workdays reads it).

- `calendar_year_save`: the CPPCC office enters or corrects a year from the State Council's notice: a list of dates,
  or the notice's own lines pasted in ("二、春节：2月15日（…）至23日（…）放假调休，共9天。2月14日（周六）…上班。").
  Bad input (a date twice, a 调休 day that is not a weekend, a year far ahead, an unreadable line) is refused with
  a clear message and nothing is saved. Every change is an event (who, when, what changed).
- `time_limits_save`: per step, whether the county counts working or calendar days.
- Provisional deadlines: a service that counts working days across a year without an official calendar registers
  the deadline (`provisional_register`). When the year becomes official — the office enters it, or the package
  learns it (`reconcile` runs in the periodic job too) — each is counted again: the same day settles it; another day
  lists it for the office (`provisional_to_review`) to confirm or move (`provisional_resolve`). Nothing is moved
  silently. Moving goes through the owning app's own service, registered with `register_deadline_owner`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from shangliang.core import audit, clock
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.models import (
    CalendarDay,
    CalendarDayKind,
    CalendarYear,
    DayCount,
    ProvisionalDeadline,
    ProvisionalStatus,
    TimeLimitRule,
    TimeLimitStep,
)
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_text
from shangliang.core.workdays import Calendar

CHANGE = "units.change_calendar"
FIRST_YEAR = 2004  # the first year of the State Council's notices the package carries
MAX_TEXT = 5000
MAX_LINES = 200
MAX_DAYS_PER_YEAR = 80  # China's notices list about 30 days off and 6 worked weekends

# --- reading dates ------------------------------------------------------------------------------------------------

_ISO = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_ISO_RANGE = re.compile(rf"^{_ISO}\s*(?:至|到|to|-|—|~|～)\s*(?:{_ISO}|(\d{{1,2}})[-/.月](\d{{1,2}})日?)\s*(.*)$")
_ISO_ONE = re.compile(rf"^{_ISO}\s*(.*)$")
_CN_RANGE = re.compile(r"(\d{1,2})月(\d{1,2})日\s*至\s*(?:(\d{1,2})月)?(\d{1,2})日")
_CN_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|\d+[、.．])\s*")


@dataclass
class Parsed:
    holidays: dict[date, str]
    workdays: dict[date, str]


def _day(year: int, month: int, day: int, *, line_no: int, line: str, field: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise _unreadable(line_no, line, field) from exc


def _unreadable(line_no: int, line: str, field: str) -> InvalidInput:
    shown = line.strip()
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    return InvalidInput(
        _("第 %(n)d 行无法识别：“%(line)s”。请写成“2027-02-05 春节”或粘贴国务院通知中的原句。")
        % {"n": line_no, "line": shown},
        field=field,
    )


def _span(a: date, b: date, *, line_no: int, line: str, field: str) -> list[date]:
    if b < a or (b - a).days > 31:
        raise _unreadable(line_no, line, field)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def _add(target: dict[date, str], days: list[date], name: str, *, seen: dict[date, str], field: str) -> None:
    for d in days:
        if d in seen:
            raise InvalidInput(
                _("%(day)s 填了两次（%(first)s、%(second)s）：同一天只能是放假或调休上班之一，且只写一次。")
                % {"day": d.isoformat(), "first": seen[d], "second": name or d.isoformat()},
                field=field,
            )
        seen[d] = name or d.isoformat()
        target[d] = name


def _parse_list(text: str, *, year: int, field: str, into: dict[date, str], seen: dict[date, str]) -> None:
    """One date or range per line, optionally named: "2027-02-05 春节", "2027-02-05 至 2027-02-11 春节",
    "2027-02-05至02-11"."""
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("／", "/")
        if not line:
            continue
        m = _ISO_RANGE.match(line)
        if m:
            a = _day(int(m[1]), int(m[2]), int(m[3]), line_no=n, line=raw, field=field)
            if m[4]:
                b = _day(int(m[4]), int(m[5]), int(m[6]), line_no=n, line=raw, field=field)
            else:
                b = _day(a.year, int(m[7]), int(m[8]), line_no=n, line=raw, field=field)
            _add(into, _span(a, b, line_no=n, line=raw, field=field), m[9].strip()[:20], seen=seen, field=field)
            continue
        m = _ISO_ONE.match(line)
        if not m:
            raise _unreadable(n, raw, field)
        d = _day(int(m[1]), int(m[2]), int(m[3]), line_no=n, line=raw, field=field)
        _add(into, [d], m[4].strip()[:20], seen=seen, field=field)


def _parse_notice(text: str, *, year: int, parsed: Parsed, seen: dict[date, str]) -> None:
    """The notice's lines, e.g. "二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）上班。"."""
    field = "notice"
    for n, raw in enumerate(text.splitlines(), start=1):
        line = _NUMBERING.sub("", raw.strip())
        if not line:
            continue
        if not _CN_DAY.search(line):
            if _is_preamble(line):  # the heading and closing sentences: no dates
                continue
            raise _unreadable(n, raw, field)
        name = ""
        for sep in ("：", ":"):
            if sep in line:
                name, line = line.split(sep, 1)
                name = name.strip()[:20]
                break
        line = _BRACKETS.sub("", line)
        found = False
        for sentence in re.split(r"[。；;]", line):
            if not _CN_DAY.search(sentence):
                continue
            if "上班" in sentence:
                days = [
                    _day(year, int(m), int(d), line_no=n, line=raw, field=field) for m, d in _CN_DAY.findall(sentence)
                ]
                _add(parsed.workdays, days, name, seen=seen, field=field)
                found = True
            elif "放假" in sentence or "休息" in sentence:
                for r in _CN_RANGE.finditer(sentence):
                    a = _day(year, int(r[1]), int(r[2]), line_no=n, line=raw, field=field)
                    b = _day(year, int(r[3] or r[1]), int(r[4]), line_no=n, line=raw, field=field)
                    _add(parsed.holidays, _span(a, b, line_no=n, line=raw, field=field), name, seen=seen, field=field)
                rest = _CN_RANGE.sub("", sentence)
                days = [_day(year, int(m), int(d), line_no=n, line=raw, field=field) for m, d in _CN_DAY.findall(rest)]
                _add(parsed.holidays, days, name, seen=seen, field=field)
                found = True
            else:
                raise _unreadable(n, raw, field)
        if not found:
            raise _unreadable(n, raw, field)


def _is_preamble(line: str) -> bool:
    """The notice's heading and closing sentences carry no dates and may be pasted along."""
    return any(w in line for w in ("通知", "安排", "各省", "国务院", "办公厅", "节假日期间", "值班", "安全"))


def parse_year(*, year: int, holidays: str = "", workdays: str = "", notice: str = "") -> Parsed:
    """The dates of a year from the form's lists and the pasted notice. Raises InvalidInput naming the field."""
    for value, name, label in ((holidays, "holidays", _("放假日期")), (workdays, "workdays", _("调休上班日期"))):
        clean_text(value, label=label, field=name, max_length=MAX_TEXT, required=False)
    clean_text(notice, label=_("通知原文"), field="notice", max_length=MAX_TEXT, required=False)
    if sum(len(v.splitlines()) for v in (holidays or "", workdays or "", notice or "")) > MAX_LINES:
        raise InvalidInput(_("内容过长：最多 %(n)d 行。") % {"n": MAX_LINES}, field="notice")
    parsed = Parsed({}, {})
    seen: dict[date, str] = {}
    _parse_list(holidays or "", year=year, field="holidays", into=parsed.holidays, seen=seen)
    _parse_list(workdays or "", year=year, field="workdays", into=parsed.workdays, seen=seen)
    _parse_notice(notice or "", year=year, parsed=parsed, seen=seen)
    for days, field in ((parsed.holidays, "holidays"), (parsed.workdays, "workdays")):
        for d in days:
            if d.year != year:
                raise InvalidInput(
                    _("%(day)s 不在 %(year)d 年内。") % {"day": d.isoformat(), "year": year}, field=field
                )
    for d in parsed.workdays:
        if d.weekday() < 5:
            raise InvalidInput(
                _("%(day)s 是工作日（星期%(wd)s），不需要调休上班：调休上班日应为周六或周日。")
                % {"day": d.isoformat(), "wd": "一二三四五"[d.weekday()]},
                field="workdays",
            )
    if not parsed.holidays:
        raise InvalidInput(_("请至少填写一个放假日期（或粘贴国务院通知的放假安排）。"), field="holidays")
    if len(parsed.holidays) + len(parsed.workdays) > MAX_DAYS_PER_YEAR:
        raise InvalidInput(
            _("一年的节假日和调休不会超过 %(n)d 天，请检查。") % {"n": MAX_DAYS_PER_YEAR}, field="holidays"
        )
    return parsed


def clean_calendar_year(value) -> int:
    today = clock.today()
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("年份应为数字。"), field="year") from exc
    if year < FIRST_YEAR:
        raise InvalidInput(_("只能录入 %(y)d 年以后的日历。") % {"y": FIRST_YEAR}, field="year")
    if year > today.year + 1:
        raise InvalidInput(
            _("%(year)d 年太远：国务院通知一般在上一年年底发布，目前只能录入到 %(max)d 年。")
            % {"year": year, "max": today.year + 1},
            field="year",
        )
    return year


# --- writes --------------------------------------------------------------------------------------------------------


def calendar_year_save(
    *, actor, county, year, holidays: str = "", workdays: str = "", notice: str = "", source: str = ""
) -> CalendarYear:
    """Enter or correct a year of the county's calendar (official from now on). Returns the year."""
    require_perm(actor, CHANGE, county, _("只有本县政协机关工作人员可以修改本县的工作日历。"))
    year = clean_calendar_year(year)
    source = clean_text(source, label=_("依据"), field="source", max_length=200, required=False)
    parsed = parse_year(year=year, holidays=holidays, workdays=workdays, notice=notice)
    with transaction.atomic():
        entry = CalendarYear.objects.select_for_update().filter(county=county, year=year).first()
        before: dict[date, str] = {}
        if entry is None:
            entry = CalendarYear.objects.create(county=county, year=year, source=source, updated_by=actor)
            action = "calendar_enter"
        else:
            before = dict(entry.days.values_list("day", "kind"))
            entry.source, entry.updated_by = source, actor
            entry.save(update_fields=["source", "updated_by", "updated_at"])
            entry.days.all().delete()
            action = "calendar_correct"
        rows = [
            CalendarDay(calendar=entry, day=d, kind=CalendarDayKind.HOLIDAY, name=n) for d, n in parsed.holidays.items()
        ]
        rows += [
            CalendarDay(calendar=entry, day=d, kind=CalendarDayKind.WORKDAY, name=n) for d, n in parsed.workdays.items()
        ]
        CalendarDay.objects.bulk_create(sorted(rows, key=lambda r: r.day))
        after = {r.day: r.kind for r in rows}
        changed = sorted(d for d in set(before) | set(after) if before.get(d) != after.get(d))
        record_event(
            entry,
            actor=actor,
            action=action,
            unit=county,
            note=source,
            data={
                "year": year,
                "holidays": len(parsed.holidays),
                "workdays": len(parsed.workdays),
                "changed": [d.isoformat() for d in changed][:100],
            },
        )
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=entry, unit=county, detail={"action": action})
        reconcile(county=county)
    return entry


def time_limits_save(*, actor, county, counts: dict[str, str]) -> dict[str, str]:
    """Per step, count working or calendar days. Unknown steps or counts are refused."""
    require_perm(actor, CHANGE, county, _("只有本县政协机关工作人员可以修改本县的时限计日方式。"))
    if not isinstance(counts, dict):
        raise InvalidInput(_("计日方式格式不正确。"))
    for step, count in counts.items():
        if step not in TimeLimitStep.values:
            raise InvalidInput(_("没有这个环节：%(s)s。") % {"s": str(step)[:20]}, field="step")
        if count not in DayCount.values:
            raise InvalidInput(_("计日方式应为工作日或自然日。"), field=step)
    with transaction.atomic():
        rows = {r.step: r for r in TimeLimitRule.objects.select_for_update().filter(county=county)}
        changed = {s: c for s, c in counts.items() if getattr(rows.get(s), "count", None) != c}
        for step in changed.keys() & rows.keys():
            rows[step].count = changed[step]
        TimeLimitRule.objects.bulk_update([rows[s] for s in changed.keys() & rows.keys()], ["count"])
        TimeLimitRule.objects.bulk_create(
            [TimeLimitRule(county=county, step=s, count=c) for s, c in changed.items() if s not in rows]
        )
        if changed:
            record_event(county, actor=actor, action="time_limits", unit=county, data={"counts": changed})
            audit.record(
                audit.CONFIG_CHANGED, actor=actor, subject=county, unit=county, detail={"action": "time_limits"}
            )
    return changed


# --- provisional deadlines -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineOwner:
    """How the app that owns a deadline takes the office's decision: `settle(obj, field)` drops the provisional
    mark; `move(obj, field, day, actor)` sets the official day (through its own service, with its own event)."""

    settle: Callable
    move: Callable


_owners: dict[str, DeadlineOwner] = {}


def register_deadline_owner(model_label: str, *, settle: Callable, move: Callable) -> None:
    _owners[model_label] = DeadlineOwner(settle, move)


def _owner(obj: models.Model) -> DeadlineOwner | None:
    return _owners.get(obj._meta.label_lower)


def provisional_register(
    *, county, subject: models.Model, start: date, working_days: int, computed: date, field: str = "deadline", label=""
) -> ProvisionalDeadline:
    """Remember a deadline counted across a provisional year (call it in the transaction that stores the deadline).
    Any earlier registration of the same deadline is withdrawn."""
    provisional_withdraw(subject=subject, field=field)
    return ProvisionalDeadline.objects.create(
        county_id=county if isinstance(county, int) else county.pk,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        field=field,
        label=str(label)[:200],
        start=start,
        working_days=working_days,
        computed=computed,
    )


def provisional_withdraw(*, subject: models.Model, field: str = "deadline") -> int:
    """The deadline was set again by other means (reassigned, extended, reopened): nothing left to check."""
    return ProvisionalDeadline.objects.filter(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        field=field,
        status__in=[ProvisionalStatus.OPEN, ProvisionalStatus.DIFFERS],
    ).update(status=ProvisionalStatus.WITHDRAWN, resolved_at=clock.now())


def reconcile(*, county=None) -> int:
    """Count every open provisional deadline again on the current calendars (one county's, or all). Those whose years
    are official now either settle (same day) or wait for the office (another day). Returns how many now differ."""
    qs = ProvisionalDeadline.objects.filter(status=ProvisionalStatus.OPEN).select_related("content_type")
    if county is not None:
        qs = qs.filter(county=county)
    calendars: dict[int, Calendar] = {}
    differs = 0
    for row in qs.order_by("county_id", "pk"):
        cal = calendars.setdefault(row.county_id, Calendar(row.county_id))
        again = cal.add_working_days(row.start, row.working_days)
        if again.provisional:
            continue
        with transaction.atomic():
            if again.day == row.computed:
                row.status, row.official, row.resolved_at = ProvisionalStatus.SETTLED, again.day, clock.now()
                row.save(update_fields=["status", "official", "resolved_at"])
                subject = row.subject
                owner = subject is not None and _owner(subject)
                if owner:
                    owner.settle(subject, row.field)
            else:
                row.status, row.official = ProvisionalStatus.DIFFERS, again.day
                row.save(update_fields=["status", "official"])
                differs += 1
    return differs


def reconcile_line(today: date) -> str:
    """The periodic job (core.periodic): every county's provisional deadlines against the calendars of today."""
    return _("工作日历：%(n)d 个暂定期限在正式日历下不同，待政协机关核对。") % {"n": reconcile()}


def provisional_to_review(county):
    """The deadlines counted provisionally that come out differently on the official calendar: the office decides."""
    return ProvisionalDeadline.objects.filter(county=county, status=ProvisionalStatus.DIFFERS).order_by(
        "computed", "pk"
    )


def provisional_resolve(*, actor, deadline: ProvisionalDeadline, move: bool) -> ProvisionalDeadline:
    """Keep the provisional day (confirm) or move the deadline to the official one."""
    require_perm(actor, CHANGE, deadline.county, _("只有本县政协机关工作人员可以核对本县的期限。"))
    with transaction.atomic():
        row = locked(deadline)
        if row.status != ProvisionalStatus.DIFFERS:
            raise NotPossible(_("这个期限已经处理过了。"))
        subject = row.subject
        owner = subject is not None and _owner(subject)
        if not owner:
            raise NotPossible(_("这个期限所属的事项已不存在。"))
        if move:
            owner.move(subject, row.field, row.official, actor)
        else:
            owner.settle(subject, row.field)
        row.status = ProvisionalStatus.MOVED if move else ProvisionalStatus.CONFIRMED
        row.resolved_by, row.resolved_at = actor, clock.now()
        row.save(update_fields=["status", "resolved_by", "resolved_at"])
        record_event(
            row,
            actor=actor,
            action="deadline_moved" if move else "deadline_confirmed",
            unit=row.county,
            data={"from": row.computed.isoformat(), "to": row.official.isoformat(), "label": row.label},
        )
        audit.record(
            audit.CONFIG_CHANGED,
            actor=actor,
            subject=row,
            unit=row.county,
            detail={"action": "deadline_moved" if move else "deadline_confirmed"},
        )
    return row


def years_overview(county) -> list:
    """The years the calendar page shows: last year to next year, each with where it comes from."""
    today = clock.today()
    cal = Calendar(county)
    return [cal.year(y) for y in range(today.year - 1, today.year + 2)]

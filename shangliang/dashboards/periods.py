"""Periods the figures are computed for: a year, a quarter, a month or a custom range of days (local dates)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.months import month_end, month_start, months_between, next_month

FIRST_YEAR = 2015


def aware_start(d: date) -> datetime:
    """The first instant of a local day (timestamps are compared against it)."""
    return timezone.make_aware(datetime.combine(d, time.min))


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    kind: str  # year, quarter, month, range
    value: str  # what the picker sends back: "2025", "2025-Q2", "2025-03", "2025-01-15~2025-03-10"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("%(y)d年") % {"y": self.start.year}
        if self.kind == "quarter":
            return _("%(y)d年第%(q)d季度") % {"y": self.start.year, "q": (self.start.month - 1) // 3 + 1}
        if self.kind == "month":
            return _("%(y)d年%(m)d月") % {"y": self.start.year, "m": self.start.month}
        return f"{self.start.isoformat()} — {self.end.isoformat()}"

    def whole_months(self) -> list[date]:
        """Months lying entirely inside the period (their cells can be summed)."""
        return [m for m in months_between(self.start, self.end) if m >= self.start and month_end(m) <= self.end]

    def edges(self) -> list[tuple[date, date]]:
        """The days of the period outside its whole months (a custom range's partial first and last months)."""
        whole = self.whole_months()
        if not whole:
            return [(self.start, self.end)]
        out = []
        if self.start < whole[0]:
            out.append((self.start, whole[0] - timedelta(days=1)))
        last_end = month_end(whole[-1])
        if last_end < self.end:
            out.append((last_end + timedelta(days=1), self.end))
        return out

    @property
    def coverage_year(self) -> int | None:
        """Rooms and coverage are counted at the end of the period's year, or now for the current year."""
        return None if self.end.year >= clock.today().year else self.end.year

    def trend_months(self) -> list[date]:
        """The months the trend chart shows: the year's twelve, or the twelve ending with the period's last month."""
        if self.kind == "year":
            return months_between(self.start, self.end)
        last = month_start(self.end)
        first = date(last.year - 1, last.month, 1)
        return months_between(next_month(first), last)

    def previous(self) -> Period:
        if self.kind == "year":
            return year(self.start.year - 1)
        if self.kind == "quarter":
            d = self.start - timedelta(days=1)
            return quarter(d.year, (d.month - 1) // 3 + 1)
        if self.kind == "month":
            d = self.start - timedelta(days=1)
            return month(d.year, d.month)
        length = self.end - self.start
        return custom(self.start - length - timedelta(days=1), self.start - timedelta(days=1))


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), "year", str(y))


def quarter(y: int, q: int) -> Period:
    first = date(y, 3 * q - 2, 1)
    return Period(first, month_end(date(y, 3 * q, 1)), "quarter", f"{y}-Q{q}")


def month(y: int, m: int) -> Period:
    first = date(y, m, 1)
    return Period(first, month_end(first), "month", f"{y}-{m:02d}")


def custom(start: date, end: date) -> Period:
    if end < start:
        start, end = end, start
    return Period(start, end, "range", f"{start.isoformat()}~{end.isoformat()}")


class BadPeriod(ValueError):
    pass


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
MAX_RANGE_DAYS = 366 * 10


def _check_year(y: int, today: date) -> int:
    if not FIRST_YEAR <= y <= today.year + 1:
        raise BadPeriod(_("年份须在 %(a)d 至 %(b)d 之间。") % {"a": FIRST_YEAR, "b": today.year + 1})
    return y


def parse(value: str | None = None, start: str | None = None, end: str | None = None) -> Period:
    """`value` is "2025", "2025-Q2" or "2025-03"; a custom range comes as `start`/`end` (ISO dates). Nothing given:
    the current year. Raises BadPeriod with a message for the user."""
    today = clock.today()
    if start or end:
        try:
            a = date.fromisoformat((start or end or "").strip())
            b = date.fromisoformat((end or start or "").strip())
        except ValueError as exc:
            raise BadPeriod(_("日期格式应为 2025-01-31。")) from exc
        _check_year(a.year, today)
        _check_year(b.year, today)
        p = custom(a, b)
        if (p.end - p.start).days > MAX_RANGE_DAYS:
            raise BadPeriod(_("自定义区间最长十年。"))
        return p
    value = (value or "").strip()
    if not value:
        return year(today.year)
    if m := _YEAR.match(value):
        return year(_check_year(int(m[1]), today))
    if m := _QUARTER.match(value):
        return quarter(_check_year(int(m[1]), today), int(m[2]))
    if (m := _MONTH.match(value)) and 1 <= int(m[2]) <= 12:
        return month(_check_year(int(m[1]), today), int(m[2]))
    raise BadPeriod(_("统计区间应为年（2025）、季度（2025-Q2）或月份（2025-03）。"))


def from_request(request) -> Period:
    get = request.GET
    if get.get("kind") == "range" or (get.get("start") and get.get("end")):
        return parse(start=get.get("start"), end=get.get("end"))
    return parse(get.get("period"))


def choices() -> list[tuple[int, list[tuple[str, str]]]]:
    """What the period picker offers: for each recent year, the year, its quarters and its months."""
    today = clock.today()
    out = []
    for y in range(today.year, max(FIRST_YEAR, today.year - 6) - 1, -1):
        options = [(year(y).value, _("%(y)d年全年") % {"y": y})]
        options += [(quarter(y, q).value, quarter(y, q).label) for q in range(1, 5)]
        options += [(month(y, m).value, month(y, m).label) for m in range(1, 13)]
        out.append((y, options))
    return out

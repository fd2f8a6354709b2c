"""Helpers shared by the accountability services: settings and input checks."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from shangliang.accountability.models import AccountabilitySettings
from shangliang.core import clock
from shangliang.core.errors import InvalidInput
from shangliang.core.workdays import MAX_WORKING_DAYS, add_working_days

# Files of one piece of evidence (a progress report, a completion, a follow-up check).
MAX_EVIDENCE_FILES = 5
# A deadline more than three years away is a typo, not a plan.
MAX_AHEAD = timedelta(days=3 * 366)


def settings_for(county) -> AccountabilitySettings:
    """The county's settings, or the defaults (unsaved) when it has not configured any."""
    if county is None:
        return AccountabilitySettings()
    found = AccountabilitySettings.objects.filter(county=county).first()
    return found or AccountabilitySettings(county=county)


def clean_percent(value, *, field: str = "percent") -> int:
    try:
        percent = int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("进度应为 0—100 之间的整数。"), field=field) from exc
    if isinstance(value, float) and value != percent:
        raise InvalidInput(_("进度应为 0—100 之间的整数。"), field=field)
    if not 0 <= percent <= 100:
        raise InvalidInput(_("进度应在 0—100 之间（填写的是 %(n)d）。") % {"n": percent}, field=field)
    return percent


def resolve_deadline(
    *, deadline: date | None, working_days, county, field: str = "deadline"
) -> tuple[date, int | None, bool]:
    """A deadline given as a date, or as N working days from today on the county's calendar. Not before today.
    Returns (deadline, working days or None, whether a provisional year was counted to reach it)."""
    today = clock.today()
    if working_days not in (None, ""):
        try:
            n = int(working_days)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(_("工作日数应为正整数。"), field="working_days") from exc
        if n < 1:
            raise InvalidInput(_("工作日数应为正整数。"), field="working_days")
        if n > MAX_WORKING_DAYS:
            raise InvalidInput(_("工作日数不能超过 %(max)d 天。") % {"max": MAX_WORKING_DAYS}, field="working_days")
        due = add_working_days(today, n, county=county, field="working_days")
        return due.day, n, due.provisional
    if deadline is None:
        raise InvalidInput(_("请填写完成时限（日期或工作日数）。"), field=field)
    if not isinstance(deadline, date):
        raise InvalidInput(_("完成时限格式不正确。"), field=field)
    if deadline < today:
        raise InvalidInput(
            _("完成时限不能早于今天（%(today)s）。") % {"today": today.isoformat()},
            field=field,
        )
    if deadline > today + MAX_AHEAD:
        raise InvalidInput(_("完成时限不能晚于三年以后。"), field=field)
    return deadline, None, False

"""Small input checks shared by services: each raises InvalidInput with a clear Chinese message."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.errors import InvalidInput

# What forms send as their idempotency key (a random token rendered into the form).
_KEY = re.compile(r"^[A-Za-z0-9_:-]{16,80}$")


def clean_key(value) -> str:
    """An idempotency key from a form: sending the same form twice stores one row. Empty when none was sent."""
    value = (value or "").strip() if isinstance(value, str) else ""
    if value and not _KEY.match(value):
        raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
    return value


def clean_text(value, *, label: str, field: str, max_length: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("%(label)s格式不正确。") % {"label": label}, field=field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(value) > max_length:
        raise InvalidInput(
            _("%(label)s不能超过 %(max)d 个字（现有 %(n)d 个）。")
            % {"label": label, "max": max_length, "n": len(value)},
            field=field,
        )
    if "\x00" in value:
        raise InvalidInput(_("%(label)s含有无效字符。") % {"label": label}, field=field)
    return value


def clean_year(value, *, label: str, field: str, low: int = 2000, high: int | None = None) -> int:
    high = high or clock.today().year + 5
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("%(label)s应为年份数字。") % {"label": label}, field=field) from exc
    if not low <= year <= high:
        raise InvalidInput(
            _("%(label)s应在 %(low)d 至 %(high)d 之间。") % {"label": label, "low": low, "high": high}, field=field
        )
    return year


def clean_amount(value, *, label: str, field: str, maximum: Decimal = Decimal("1000000000")) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidInput(_("%(label)s应为数字。") % {"label": label}, field=field) from exc
    if not amount.is_finite():
        raise InvalidInput(_("%(label)s应为数字。") % {"label": label}, field=field)
    if amount <= 0:
        raise InvalidInput(_("%(label)s必须大于零。") % {"label": label}, field=field)
    if amount >= maximum:
        raise InvalidInput(_("%(label)s过大。") % {"label": label}, field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(_("%(label)s最多保留两位小数。") % {"label": label}, field=field)
    return amount.quantize(Decimal("0.01"))


def clean_period(start: date | None, end: date | None, *, field: str = "end") -> None:
    if start is None:
        raise InvalidInput(_("请填写起始日期。"), field="start")
    if end is not None and end < start:
        raise InvalidInput(_("终止日期不能早于起始日期。"), field=field)


def clean_date(value, *, label: str, field: str, required: bool = True, not_after: date | None = None) -> date | None:
    """A date from a form (ISO text) or from code; with `not_after`, a later date is refused ("not after today")."""
    if value in (None, ""):
        if required:
            raise InvalidInput(_("请填写%(label)s。") % {"label": label}, field=field)
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise InvalidInput(_("%(label)s格式不正确。") % {"label": label}, field=field) from exc
    if not isinstance(value, date):
        raise InvalidInput(_("%(label)s格式不正确。") % {"label": label}, field=field)
    if not_after is not None and value > not_after:
        raise InvalidInput(_("%(label)s不能晚于今天。") % {"label": label}, field=field)
    return value

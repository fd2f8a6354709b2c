"""Small input checks shared by services: each raises InvalidInput with a clear Chinese message.

The range every reader assumes: a stored date lies in [DATE_MIN, DATE_MAX] and a stored number within its field's
bounds, so that a page adding months, days or years to it never leaves what Python's `date` can hold. `InRange` is the
one validator for both; forms use it (core.forms) and every model date and number field carries it, with the same
range as a database CHECK constraint (`guard_model_ranges`, connected for every model of the project in core.apps),
so that no path — form, admin, import, API — stores a value that takes a page down.
"""

import hashlib
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.errors import InvalidInput

# Dates: a unit founded a century ago, a deadline decades ahead; far enough from date.min/date.max for any reader's
# arithmetic (a norm period, a follow-up, a calendar year) to stay representable.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2099, 12, 31)
YEAR_MIN, YEAR_MAX = DATE_MIN.year, DATE_MAX.year
# What each integer column holds on PostgreSQL; SQLite holds more, so the constraint keeps both databases alike.
INTEGER_RANGES = {
    "SmallIntegerField": (-32768, 32767),
    "PositiveSmallIntegerField": (0, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "PositiveIntegerField": (0, 2147483647),
}


@deconstructible
class InRange:
    """The one range check for dates and numbers (form fields, model fields, services): None passes (required is a
    separate check); a datetime is compared by its date against date bounds."""

    def __init__(self, low=None, high=None, label=None):
        self.low = low
        self.high = high
        self.label = label  # a form field's label, so that a message flashed away from its field still names it

    def __call__(self, value) -> None:
        if value is None or value == "":
            return
        if not self.contains(value):
            # The codes of Django's own bounds, so a form field's error_messages can word them.
            code = "max_value" if self.low is None or self._above_low(value) else "min_value"
            raise ValidationError(self.message(), code=code)

    def _above_low(self, value) -> bool:
        if isinstance(value, datetime) and not isinstance(self.low, datetime):
            value = value.date()
        try:
            return value >= self.low
        except TypeError:
            return False

    def contains(self, value) -> bool:
        if isinstance(value, datetime) and not isinstance(self.low or self.high, datetime):
            value = value.date()
        try:
            return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)
        except TypeError:
            return False

    def message(self) -> str:
        low, high = _shown(self.low), _shown(self.high)
        if self.low is not None and self.high is not None:
            text = _("应在 %(low)s 至 %(high)s 之间。") % {"low": low, "high": high}
        elif self.low is not None:
            text = _("不能小于 %(low)s。") % {"low": low}
        else:
            text = _("不能大于 %(high)s。") % {"high": high}
        return f"{self.label}{text}" if self.label else text.strip()

    def __eq__(self, other) -> bool:
        return isinstance(other, InRange) and (self.low, self.high) == (other.low, other.high)

    def __hash__(self) -> int:
        return hash((self.low, self.high))


def _shown(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


DATES = InRange(DATE_MIN, DATE_MAX)
YEARS = InRange(YEAR_MIN, YEAR_MAX)


def check_range(value, *, label: str, field: str, low=None, high=None):
    """A service's range check: InvalidInput with the label (same bounds and wording as InRange)."""
    bounds = InRange(low, high) if (low is not None or high is not None) else DATES
    if value is not None and not bounds.contains(value):
        raise InvalidInput(f"{label}{bounds.message()}", field=field)
    return value


def clean_number(value, *, label: str, field: str, low: int, high: int, required: bool = True) -> int | None:
    """A whole number from a form or code, within [low, high]."""
    if value in (None, ""):
        if required:
            raise InvalidInput(_("请填写%(label)s。") % {"label": label}, field=field)
        return None
    if isinstance(value, bool):
        raise InvalidInput(_("%(label)s应为整数。") % {"label": label}, field=field)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("%(label)s应为整数。") % {"label": label}, field=field) from exc
    return check_range(number, label=label, field=field, low=low, high=high)


# ---- model guards: every date and number field of the project's models -------------------------------------------

_DATETIME_MIN = datetime(DATE_MIN.year, 1, 1, tzinfo=UTC)
_DATETIME_MAX = datetime(DATE_MAX.year, 12, 31, 23, 59, 59, tzinfo=UTC)


def field_bounds(field) -> tuple | None:
    """The range a model field's values must stay in, or None for a field without one (text, keys, big integers)."""
    if isinstance(field, models.DateTimeField):
        return (_DATETIME_MIN, _DATETIME_MAX)
    if isinstance(field, models.DateField):
        return (DATE_MIN, DATE_MAX)
    if isinstance(field, models.DecimalField):
        limit = Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(10) ** -field.decimal_places
        low, high = -limit, limit
    elif isinstance(field, models.AutoField | models.BigIntegerField) or not isinstance(field, models.IntegerField):
        return None
    else:
        low, high = INTEGER_RANGES.get(field.get_internal_type(), (None, None))
    for validator in field._validators:
        if isinstance(validator, InRange):
            low = validator.low if validator.low is not None else low
            high = validator.high if validator.high is not None else high
        elif isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    if low is None and high is None:
        return None
    return (low, high)


def range_constraint_name(model, field) -> str:
    name = f"{model._meta.db_table}_{field.column}_range"
    if len(name) > 60:
        digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()[:8]
        name = f"{name[:45]}_{digest}_range"
    return name


def guard_model_ranges(sender, **kwargs) -> None:
    """class_prepared: give each date and number field of a project model its range, as the field's validator (the
    admin and model forms show it on the field) and as a CHECK constraint (imports, the API and raw saves meet it in
    the database). Historical models of migrations are left as the migrations made them."""
    meta = sender._meta
    if (
        meta.abstract
        or meta.proxy
        or not meta.managed
        or meta.apps is not global_apps
        or not sender.__module__.startswith("shangliang.")
    ):
        return
    constraints = list(meta.constraints)
    names = {c.name for c in constraints}
    for field in meta.local_fields:
        if not field.concrete or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue  # written by the clock, never by input
        bounds = field_bounds(field)
        if bounds is None:
            continue
        low, high = bounds
        guard = InRange(low, high)
        if guard not in field._validators:
            # Kept out of _validators: the guard is the project's rule, not the field's declaration (no migration
            # churn); it replaces the database backend's own integer range (the same or wider).
            field.__dict__["validators"] = [*field.default_validators, *field._validators, guard]
        name = range_constraint_name(sender, field)
        if name in names:
            continue
        condition = Q(**{f"{field.name}__gte": low, f"{field.name}__lte": high})
        if field.null:
            condition = Q(**{f"{field.name}__isnull": True}) | condition
        constraints.append(models.CheckConstraint(condition=condition, name=name))
        names.add(name)
    # A list of its own (an abstract parent's Meta may share one), seen by migrations through original_attrs.
    meta.constraints = constraints
    meta.original_attrs["constraints"] = constraints


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
    return check_range(value, label=label, field=field)

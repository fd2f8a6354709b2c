"""Form helpers shared by every app: calling a service from a form (and the small POST action on a bigger page), and
the date and number fields.

Every date and number a form accepts goes through core.validation.InRange (the range every reader assumes), so that a
value which would take a page down later is refused here with a clear message; tests/core/test_ranges.py checks that
no form of the project declares a bare Django date or number field.
"""

import re
from uuid import uuid4

from django import forms
from django.contrib import messages

from shangliang.core.errors import InvalidInput
from shangliang.core.validation import DATES, INTEGER_RANGES, InRange


def run_service(form, call):
    """Call a service; an InvalidInput becomes an error on the form's field (or the form). Returns result or None."""
    try:
        return call()
    except InvalidInput as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return None


def flash_errors(request, form) -> None:
    """Each of the form's errors as an error message: a small form on a bigger page has no place of its own to show
    them, the page it sends the browser back to shows the messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def form_action(request, form, fn, success: str | None = None):
    """The small POST action on a bigger page (a note, a decision, a line added), one shape for every app: a valid
    form's cleaned data goes to `fn` (the service call); the form's errors, or the InvalidInput the service raises,
    become error messages, else `success` becomes the success message. The view then redirects back to its page.
    Returns `fn`'s result, or None when the input was refused. A refusal for the actor or the state (NotAllowed,
    NotPossible) is not caught: core.middleware answers it as everywhere else."""
    if not form.is_valid():
        flash_errors(request, form)
        return None
    try:
        result = fn(form.cleaned_data)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return None
    if success:
        messages.success(request, success)
    return result


_ID = re.compile(r"[0-9]{1,10}")


def id_from(data, name: str) -> int:
    """The id a page sent as `data[name]` (request.POST or request.GET), read as an IdField reads it: 0 (no row's id)
    when it is missing, not a whole number or beyond an id's range, so that `filter(pk=…)` finds nothing instead of
    the database refusing the number (a 500)."""
    value = data.get(name)
    if not isinstance(value, str) or not _ID.fullmatch(value.strip()):
        return 0
    number = int(value.strip())
    return number if number <= INTEGER_RANGES["IntegerField"][1] else 0


def ids_from(data, name: str) -> list[int]:
    """Every id sent as `name` (a multiple choice), the invalid ones left out."""
    return [n for n in (id_from({name: v}, name) for v in data.getlist(name)) if n]


class _DateRange:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.append(InRange(DATES.low, DATES.high, label=self.label))


class DateField(_DateRange, forms.DateField):
    pass


class DateTimeField(_DateRange, forms.DateTimeField):
    pass


class _Bounded:
    """min_value/max_value checked by InRange (with the field's own messages for 'min_value'/'max_value'), and shown
    to the browser as the input's min/max."""

    def _bound(self, min_value, max_value) -> None:
        self.min_value, self.max_value = min_value, max_value
        self.validators.append(InRange(min_value, max_value, label=self.label))
        self.widget.attrs.update(self.widget_attrs(self.widget))


class IntegerField(_Bounded, forms.IntegerField):
    """A whole number; without bounds, what the smallest integer column holds (0 … 32767)."""

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        super().__init__(**kwargs)
        low, high = INTEGER_RANGES["PositiveSmallIntegerField"]
        self._bound(low if min_value is None else min_value, high if max_value is None else max_value)


class IdField(IntegerField):
    """The id of a row chosen on the page (checked against what the user may see by the view or service)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=INTEGER_RANGES["IntegerField"][1], **kwargs)


class DecimalField(_Bounded, forms.DecimalField):
    """A decimal number; bounds are required (an amount has a ceiling every reader can sum)."""

    def __init__(self, *, min_value, max_value, **kwargs):
        super().__init__(**kwargs)
        self._bound(min_value, max_value)


class SubmitOnce(forms.Form):
    """A create form sent twice stores one row: a random key rendered as a hidden field (core/_form_fields.html
    renders hidden fields), which the view hands to the service as `idempotency_key` (core.db.insert_once)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid4().hex)

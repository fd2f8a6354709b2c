"""Helpers shared by the accountability views: loading with a permission, the body choices, small POST forms."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from shangliang.accountability.selectors import TASKS
from shangliang.core.access import get_for
from shangliang.core.errors import InvalidInput
from shangliang.people.models import Department
from shangliang.people.selectors import find_people
from shangliang.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def load_task(request, pk, perm: str = "accountability.view_task"):
    return get_for(request, TASKS, perm, pk=pk)


def status_of(*forms) -> int:
    return 400 if any(f.is_bound and f.errors for f in forms) else 200


def bodies_for(unit: Unit) -> tuple[list, dict[str, object]]:
    """Choices for the responsible body, grouped: the county's departments, and the units from the county down to
    the consultation's unit and its children. Returns (choices, {value: object})."""
    county = unit.county
    departments = list(Department.objects.filter(county=county, is_active=True).order_by("kind", "id"))
    units = list(
        Unit.objects.filter(path__in=unit.ancestor_paths(), is_active=True).order_by("depth")
        if county is not None
        else []
    )
    units = [u for u in units if county is None or u.path.startswith(county.path)]
    units += list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True).order_by("path")
    )
    objects = {f"d{d.pk}": d for d in departments} | {f"u{u.pk}": u for u in units}
    choices = [
        (_("职能部门"), [(f"d{d.pk}", d.name) for d in departments]),
        (
            _("基层单元"),
            [(f"u{u.pk}", "\u3000" * max(0, u.depth - (county.depth if county else 1)) + u.name) for u in units],
        ),
    ]
    return choices, objects


def body_kwargs(value: str, objects: dict) -> dict:
    obj = objects.get(value)
    if obj is None:
        raise InvalidInput(_("请选择责任单位。"), field="body")
    return {"department": obj, "owner_unit": None} if value.startswith("d") else {"department": None, "owner_unit": obj}


def owner_account(text: str, unit: Unit):
    """The account named by username or mobile, within the unit's county; None when the field is empty."""
    text = (text or "").strip()
    if not text:
        return None
    found = find_people(unit, text, limit=2)
    if not found:
        raise InvalidInput(_("本县（区）没有找到用户名或手机号为“%(t)s”的账号。") % {"t": text}, field="owner_account")
    if len(found) > 1:
        raise InvalidInput(_("“%(t)s”对应多个账号，请填写用户名。") % {"t": text}, field="owner_account")
    return found[0]


def form_errors_to_messages(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def call(request, form, fn, success: str | None = None):
    """Run a service for a small POST form on the task page: errors become messages, the caller redirects back."""
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return None
    try:
        result = fn(form.cleaned_data)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return None
    if success:
        messages.success(request, success)
    return result


def back(task, anchor: str = ""):
    response = redirect("accountability:task", task.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response

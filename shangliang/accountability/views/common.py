"""Helpers shared by the accountability views: loading with a permission, the body and owner pickers, small POST
forms."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.translation import gettext as _

from shangliang.accountability import selectors
from shangliang.accountability.selectors import TASKS
from shangliang.core.access import get_for
from shangliang.core.errors import InvalidInput
from shangliang.core.picker import PICKER_PAGE, Option, Picker, clean_query, picker, picker_response, search
from shangliang.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def load_task(request, pk, perm: str = "accountability.view_task"):
    return get_for(request, TASKS, perm, pk=pk)


def status_of(*forms) -> int:
    return 400 if any(f.is_bound and f.errors for f in forms) else 200


def body_of(value, unit: Unit) -> dict:
    """The responsible body picked in the form ("d<id>" a department, "u<id>" a unit), looked up among those a
    task of `unit` may be given to (never in the list the page showed): {"department": …, "owner_unit": …}."""
    value = str(value or "")
    kind, pk = value[:1], value[1:]
    found = None
    if pk.isdigit() and kind == "d":
        found = selectors.body_departments(unit).filter(pk=pk).first()
    elif pk.isdigit() and kind == "u":
        found = selectors.body_units(unit).filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("请从查找结果中选择本县（区）的职能部门或基层单元作为责任单位。"), field="body")
    return {"department": found, "owner_unit": None} if kind == "d" else {"department": None, "owner_unit": found}


def owner_of(pk, unit: Unit, body: dict):
    """The responsible person's account picked in the form, looked up among the accounts of the chosen body;
    None when none was picked (the account is optional)."""
    if pk in (None, ""):
        return None
    found = selectors.body_accounts(unit, **body).filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("所选账号不属于所选责任单位，请从查找结果中选择。"), field="owner")
    return found


def body_value(task) -> str:
    """The picker's value of a task's current body."""
    if task.department_id:
        return f"d{task.department_id}"
    return f"u{task.owner_unit_id}" if task.owner_unit_id else ""


def body_picker(unit: Unit, search_url: str, *, query: str = "", chosen=None, errors=()) -> Picker:
    """The county's departments and the units above and just below `unit`, searched by name (a county has dozens
    of departments): departments first, then units in tree order."""
    query = clean_query(query)
    departments = search(selectors.body_departments(unit), query, ("name",))
    units = search(selectors.body_units(unit), query, ("name",))
    options = [Option(f"d{d.pk}", d.name, d.get_kind_display()) for d in departments[:PICKER_PAGE]]
    options += [Option(f"u{u.pk}", u.name, u.get_kind_display()) for u in units[: PICKER_PAGE - len(options)]]
    chosen = str(chosen or "")
    if chosen and all(o.pk != chosen for o in options):
        try:  # the choice stays offered when the form comes back with errors
            kept = body_of(chosen, unit)
        except InvalidInput:
            kept = None
        if kept:
            obj = kept["department"] or kept["owner_unit"]
            options.insert(0, Option(chosen, obj.name, obj.get_kind_display()))
    return Picker(
        "body",
        _("责任单位"),
        search_url,
        options,
        departments.count() + units.count(),
        query,
        chosen or None,
        placeholder=_("输入部门或村、社区、镇街名称查找"),
        help_text=_("职能部门或基层单元"),
        errors=list(errors),
    )


def owner_picker(unit: Unit, search_url: str, *, body="", query: str = "", chosen=None, errors=()) -> Picker:
    """Accounts of the chosen body (of every body on offer while none is chosen), with their masked mobile."""
    try:
        chosen_body = body_of(body, unit) if body else {}
    except InvalidInput:
        chosen_body = {}
    return picker(
        name="owner",
        label=_("责任人账号（选填）"),
        search_url=search_url,
        queryset=selectors.body_accounts(unit, query=query, **chosen_body),
        fields=(),  # narrowed by body_accounts, which also matches a whole mobile number
        option=lambda u: Option(u.pk, u.display_name, " · ".join(filter(None, [u.username, u.masked_phone]))),
        query=query,
        chosen=chosen,
        required=False,
        placeholder=_("输入姓名、用户名或手机号查找"),
        help_text=_("责任单位的账号；有账号的责任人可在平台上签收和报告"),
        errors=list(errors),
        follows="body",
    )


def body_pickers(form, unit: Unit, search_url: str) -> dict:
    """The body and owner pickers of an assign or reassign form, keeping what was chosen."""
    body = form["body"].value()
    return {
        "body_picker": body_picker(unit, search_url, chosen=body, errors=form.errors.get("body", [])),
        "owner_picker": owner_picker(
            unit, search_url, body=body, chosen=form["owner"].value(), errors=form.errors.get("owner", [])
        ),
    }


def body_search(request, unit: Unit, search_url: str):
    """htmx: the options of the body or owner picker (the `field` the search box names)."""
    if request.GET.get("field") == "owner":
        found = owner_picker(unit, search_url, body=request.GET.get("body", ""), query=request.GET.get("owner_q", ""))
    else:
        found = body_picker(unit, search_url, query=request.GET.get("body_q", ""))
    return picker_response(request, found)


def back(task, anchor: str = ""):
    response = redirect("accountability:task", task.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response

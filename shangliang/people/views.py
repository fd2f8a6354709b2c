"""People of a unit, member links and the talent pool inside the app. Thin: parse, call, render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shangliang.core import audit, clock
from shangliang.core.access import LoginRequired, check_perm, get_for
from shangliang.core.errors import NotAllowed
from shangliang.core.forms import run_service
from shangliang.core.pagination import paginate
from shangliang.core.picker import Option, picker, picker_response
from shangliang.people import selectors, services
from shangliang.people.forms import (
    AssignForm,
    AssignmentFilterForm,
    EndAssignmentForm,
    EndLinkForm,
    MemberLinkFilterForm,
    MemberLinkForm,
    PersonForm,
    TalentFilterForm,
    TalentForm,
)
from shangliang.people.models import MemberLink, RoleAssignment, Talent
from shangliang.units.models import Unit, UnitKind
from shangliang.units.selectors import ancestors

COUNTIES = Unit.objects.filter(kind=UnitKind.COUNTY)


# --- role assignments of a unit ------------------------------------------------------------------------------------


def unit_people(request, pk):
    unit = get_for(request, Unit.objects.select_related("county"), "people.view_assignments", pk=pk)
    filters = AssignmentFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    assignments = selectors.unit_assignments(
        unit, status=data.get("status") or selectors.AssignmentStatus.CURRENT, role=data.get("role", "")
    )
    page = paginate(request, assignments)
    # Full phone numbers only for those who may change this unit's assignments; everyone else sees them masked.
    can_change = request.user.has_perm("people.change_assignments", unit)
    audit.record_unmasking(request, unit, field="user.phone", count=sum(1 for a in page if can_change and a.user.phone))
    return render(
        request,
        "people/unit_people.html",
        {
            "unit": unit,
            "ancestors": ancestors(unit),
            "filters": filters,
            "page": page,
            "today": clock.today(),
            "can_change": can_change,
            # The roles whose appointments this user may end here: the ones they may appoint.
            "endable_roles": selectors.assignable_roles(request.user, unit) if can_change else frozenset(),
        },
    )


@require_http_methods(["GET", "POST"])
def person_add(request, pk):
    unit = get_for(request, Unit.objects.select_related("county"), "people.change_assignments", pk=pk)
    form = PersonForm(request.POST or None, county=unit.county, roles=selectors.assignable_roles(request.user, unit))
    if request.method == "POST" and form.is_valid():
        assignment = _run(form, lambda: services.person_add(actor=request.user, unit=unit, **form.cleaned_data))
        if assignment:
            messages.success(
                request,
                _("已新增“%(name)s”，任%(role)s。")
                % {"name": assignment.user.display_name, "role": assignment.get_role_display()},
            )
            return redirect("people:unit_people", unit.pk)
    return _form_page(request, unit, form, _("新增人员"), reverse("people:unit_people", args=[unit.pk]))


@require_http_methods(["GET", "POST"])
def assign(request, pk):
    unit = get_for(request, Unit.objects.select_related("county"), "people.change_assignments", pk=pk)
    form = AssignForm(request.POST or None, county=unit.county, roles=selectors.assignable_roles(request.user, unit))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = selectors.county_people(unit).filter(pk=data.pop("person")).first()
        if person is None:
            form.add_error("person", _("请选择本区县的人员。"))
        else:
            assignment = _run(
                form, lambda: services.assignment_create(actor=request.user, unit=unit, user=person, **data)
            )
            if assignment:
                messages.success(
                    request,
                    _("已任命“%(name)s”为%(role)s。")
                    % {"name": person.display_name, "role": assignment.get_role_display()},
                )
                return redirect("people:unit_people", unit.pk)
    return render(
        request,
        "people/form.html",
        {
            "unit": unit,
            "ancestors": ancestors(unit),
            "form": form,
            "title": _("任命已有人员"),
            "cancel_url": reverse("people:unit_people", args=[unit.pk]),
            "pickers": [_person_picker(unit, chosen=form["person"].value(), errors=form.errors.get("person", []))],
        },
        status=_status(form),
    )


def _person_picker(unit, *, query: str = "", chosen=None, errors=()):
    """The county's people, searched by name, username or mobile (a county has hundreds)."""
    return picker(
        name="person",
        label=_("人员"),
        search_url=reverse("people:person_search", args=[unit.pk]),
        queryset=selectors.county_people(unit, query),
        fields=(),  # narrowed by county_people, which also matches a whole mobile number
        option=lambda u: Option(u.pk, u.display_name, u.username),
        query=query,
        chosen=chosen,
        placeholder=_("输入姓名、用户名或手机号查找"),
        help_text=_("本区县已有的人员；新来的人请用“新增人员”。"),
        errors=list(errors),
    )


@require_GET
def person_search(request, pk):
    """htmx: the county's people matching what is typed in the assignment form's person picker."""
    unit = get_for(request, Unit.objects.select_related("county"), "people.change_assignments", pk=pk)
    return picker_response(request, _person_picker(unit, query=request.GET.get("person_q", "")))


@require_http_methods(["GET", "POST"])
def assignment_end(request, pk):
    assignment = get_for(
        request,
        RoleAssignment.objects.select_related("unit", "unit__county", "user"),
        "people.end_assignment",
        pk=pk,
    )
    unit = assignment.unit
    form = EndAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda: services.assignment_end(actor=request.user, assignment=assignment, **form.cleaned_data)):
            messages.success(request, _("已终止“%(name)s”的任职。") % {"name": assignment.user.display_name})
            return redirect("people:unit_people", unit.pk)
    title = _("终止任职：%(name)s · %(role)s") % {
        "name": assignment.user.display_name,
        "role": assignment.get_role_display(),
    }
    return _form_page(request, unit, form, title, reverse("people:unit_people", args=[unit.pk]))


# --- member links (委员联系) ----------------------------------------------------------------------------------------


def member_links(request, pk):
    county = get_for(request, COUNTIES, "people.view_member_links", pk=pk)
    filters = MemberLinkFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    unit = selectors.link_target_units(county).filter(pk=data["unit"]).first() if data.get("unit") else None
    if data.get("unit") and unit is None:
        filters.add_error("unit", _("所选单元不是本区县的镇（街道）、村或社区，未按单元筛选。"))
    links = selectors.member_links_of_county(
        county,
        kind=data.get("kind", ""),
        member=data.get("member", ""),
        unit=unit,
        status=data.get("status") or selectors.LinkStatus.CURRENT,
    )
    return render(
        request,
        "people/member_links.html",
        {
            "unit": county,
            "ancestors": ancestors(county),
            "filters": filters,
            "unit_picker": _link_unit_picker(
                county,
                search_url=reverse("people:link_filter_units", args=[county.pk]),
                chosen=unit.pk if unit else None,
                errors=filters.errors.get("unit", []),
                required=False,
                help_text="",
            ),
            "page": paginate(request, links),
            "can_change": request.user.has_perm("people.change_member_links", county),
        },
    )


@require_GET
def link_filter_units(request, pk):
    """htmx: the county's towns and villages matching what is typed in the member links list's unit filter."""
    county = get_for(request, COUNTIES, "people.view_member_links", pk=pk)
    search_url = reverse("people:link_filter_units", args=[county.pk])
    found = _link_unit_picker(
        county, search_url=search_url, query=request.GET.get("unit_q", ""), required=False, help_text=""
    )
    return picker_response(request, found)


@require_http_methods(["GET", "POST"])
def member_link_add(request, pk):
    county = get_for(request, COUNTIES, "people.change_member_links", pk=pk)
    form = MemberLinkForm(request.POST or None, county=county)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = selectors.county_members(county).filter(pk=data.pop("member")).first()
        unit = selectors.link_target_units(county).filter(pk=data.pop("unit")).first()
        if member is None:
            form.add_error("member", _("所选人员不是本区县的政协委员。"))
        if unit is None:
            form.add_error("unit", _("请选择本区县的镇（街道）、村或社区。"))
        if member is not None and unit is not None:
            link = _run(form, lambda: services.member_link_create(actor=request.user, member=member, unit=unit, **data))
            if link:
                messages.success(
                    request, _("已登记“%(name)s”联系%(unit)s。") % {"name": member.display_name, "unit": link.unit.name}
                )
                return redirect("people:member_links", county.pk)
    return render(
        request,
        "people/form.html",
        {
            "unit": county,
            "ancestors": ancestors(county),
            "form": form,
            "title": _("新增委员联系"),
            "cancel_url": reverse("people:member_links", args=[county.pk]),
            "pickers": [
                _member_picker(county, chosen=form["member"].value(), errors=form.errors.get("member", [])),
                _link_unit_picker(county, chosen=form["unit"].value(), errors=form.errors.get("unit", [])),
            ],
        },
        status=_status(form),
    )


def _member_picker(county, *, query: str = "", chosen=None, errors=()):
    """The county's members, searched by name (a county has hundreds: none is left out of the search)."""
    return picker(
        name="member",
        label=_("委员"),
        search_url=reverse("people:link_member_search", args=[county.pk]),
        queryset=selectors.county_members(county),
        fields=("full_name", "username"),
        option=lambda m: Option(m.pk, m.display_name),
        query=query,
        chosen=chosen,
        placeholder=_("输入委员姓名查找"),
        errors=list(errors),
    )


def _link_unit_picker(county, *, search_url: str = "", query: str = "", chosen=None, errors=(), **extra):
    """The county's towns and villages, each with the unit above it (two towns may each have a 一村)."""
    extra.setdefault("help_text", _("一对一联系选村/社区；联片和界别工作室选镇/街道"))
    return picker(
        name="unit",
        label=_("联系单元") if extra.get("required", True) else _("单元"),
        search_url=search_url or reverse("people:link_unit_search", args=[county.pk]),
        queryset=selectors.link_target_units(county),
        fields=("name",),
        option=lambda u: Option(u.pk, u.name, " · ".join(filter(None, [u.get_kind_display(), u.parent_name]))),
        query=query,
        chosen=chosen,
        placeholder=_("输入村、社区或镇街名称查找"),
        errors=list(errors),
        **extra,
    )


@require_GET
def link_member_search(request, pk):
    """htmx: the county's members matching what is typed in the member link form's member picker."""
    county = get_for(request, COUNTIES, "people.change_member_links", pk=pk)
    return picker_response(request, _member_picker(county, query=request.GET.get("member_q", "")))


@require_GET
def link_unit_search(request, pk):
    """htmx: the county's towns and villages matching what is typed in the member link form's unit picker."""
    county = get_for(request, COUNTIES, "people.change_member_links", pk=pk)
    return picker_response(request, _link_unit_picker(county, query=request.GET.get("unit_q", "")))


@require_http_methods(["GET", "POST"])
def member_link_end(request, pk):
    link = get_for(
        request,
        MemberLink.objects.select_related("unit", "unit__county", "member"),
        "people.change_member_links",
        pk=pk,
    )
    county = link.unit.county
    form = EndLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda: services.member_link_end(actor=request.user, link=link, **form.cleaned_data)):
            messages.success(request, _("已终止该联系。"))
            return redirect("people:member_links", county.pk)
    title = _("终止联系：%(name)s → %(unit)s") % {"name": link.member.display_name, "unit": link.unit.name}
    return _form_page(request, county, form, title, reverse("people:member_links", args=[county.pk]))


# --- talent pool (人才库/智囊团) ------------------------------------------------------------------------------------


def talent_list(request, pk):
    county = get_for(request, COUNTIES, "people.view_talent", pk=pk)
    can_change = request.user.has_perm("people.change_talent", county)
    filters = TalentFilterForm(request.GET, expertise=selectors.expertise_of_county(county))
    data = filters.cleaned_data if filters.is_valid() else {}
    field = data.get("field")
    talents = selectors.talent_pool(
        county,
        kind=data.get("kind", ""),
        field_id=field.pk if field else None,
        query=data.get("q", ""),
        # Keepers of the pool also see entries taken out of it, so they can bring them back.
        active_only=not can_change,
    )
    page = paginate(request, talents)
    audit.record_unmasking(request, county, field="talent.phone", count=sum(1 for t in page if can_change and t.phone))
    return render(
        request,
        "people/talent_list.html",
        {"unit": county, "ancestors": ancestors(county), "filters": filters, "page": page, "can_change": can_change},
    )


@require_http_methods(["GET", "POST"])
def talent_add(request, pk):
    county = get_for(request, COUNTIES, "people.change_talent", pk=pk)
    form = TalentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        talent = _run(form, lambda: services.talent_save(actor=request.user, county=county, **form.cleaned_data))
        if talent:
            messages.success(request, _("已加入人才库：%(name)s。") % {"name": talent.name})
            return redirect("people:talent_list", county.pk)
    return _form_page(request, county, form, _("加入人才库"), reverse("people:talent_list", args=[county.pk]))


@require_http_methods(["GET", "POST"])
def talent_edit(request, pk):
    talent = _talent_for(request, pk)
    county = talent.county
    initial = {
        "name": talent.name,
        "kind": talent.kind,
        "organisation": talent.organisation,
        "title": talent.title,
        "fields": "、".join(f.name for f in talent.fields.all()),
        "phone": talent.phone,
        "bio": talent.bio,
        "is_active": talent.is_active,
    }
    form = TalentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _run(
            form,
            lambda: services.talent_save(
                actor=request.user, county=county, talent=talent, user=talent.user, **form.cleaned_data
            ),
        )
        if saved:
            messages.success(request, _("已保存。"))
            return redirect("people:talent_list", county.pk)
    title = _("编辑人才：%(name)s") % {"name": talent.name}
    return _form_page(request, county, form, title, reverse("people:talent_list", args=[county.pk]))


def _talent_for(request, pk) -> Talent:
    """get_for, with the permission checked on the talent's county (a talent is not a unit)."""
    if not request.user.is_authenticated:
        raise LoginRequired
    talent = get_object_or_404(Talent.objects.select_related("county", "user"), pk=pk)
    check_perm(request, "people.change_talent", talent.county)
    return talent


# --- helpers -------------------------------------------------------------------------------------------------------


def _run(form, call):
    """run_service, and a refusal for this actor (NotAllowed) shown on the form too, with status 403."""
    try:
        return run_service(form, call)
    except NotAllowed as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        form.refused = True
        return None


def _form_page(request, unit, form, title, cancel_url):
    return render(
        request,
        "people/form.html",
        {"unit": unit, "ancestors": ancestors(unit), "form": form, "title": title, "cancel_url": cancel_url},
        status=_status(form),
    )


def _status(form) -> int:
    if getattr(form, "refused", False):
        return 403
    return 400 if form.is_bound and form.errors else 200

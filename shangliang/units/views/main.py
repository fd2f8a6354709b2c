"""Unit tree, rooms, standards, assessments and subsidies inside the app. Thin: parse, call, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shangliang.core.access import LoginRequired, check_perm, get_for
from shangliang.core.events import timeline
from shangliang.core.forms import flash_errors, form_action, id_from, run_service
from shangliang.core.pagination import paginate
from shangliang.people import selectors as people_selectors
from shangliang.units import selectors, services
from shangliang.units.forms import (
    AssessmentForm,
    ChildUnitForm,
    MoveUnitForm,
    NewRoomForm,
    NewStandardForm,
    RoomForm,
    StageForm,
    StandardItemForm,
    SubsidyForm,
    UnitForm,
)
from shangliang.units.models import (
    ALLOWED_PARENT_KINDS,
    Assessment,
    AssessmentResult,
    Room,
    StandardItem,
    Unit,
    UnitKind,
)


def index(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    tops = list(people_selectors.top_units_for(request.user)[:100])
    if len(tops) == 1:
        return redirect("units:detail", tops[0].pk)
    return render(request, "units/index.html", {"units": tops})


def detail(request, pk):
    unit = get_for(request, Unit.objects.select_related("county"), "units.view_unit", pk=pk)
    user = request.user
    figures = selectors.page_figures(unit)  # the dashboards' figure cache, for counties and above
    children = selectors.children_with_figures(unit, figures)
    county = unit.county
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "ancestors": selectors.ancestors(unit),
            "children_page": paginate(request, children, per_page=60),
            "rooms": selectors.rooms_of_unit(unit),
            "coverage_now": figures.now if figures else selectors.coverage(unit),
            "coverage_years": figures.years if figures else selectors.coverage_by_year(unit),
            "stages": selectors.rooms_by_stage(unit),
            "standard": services.active_standard(county) if county else None,
            "can_change": user.has_perm("units.change_unit", unit),
            "can_move": unit.depth > 1 and user.has_perm("units.move_unit", unit),
            "can_people": user.has_perm("people.view_assignments", unit),
            "can_standard": county is not None and user.has_perm("units.configure_standard", county),
            "child_kinds": [k for k, parents in ALLOWED_PARENT_KINDS.items() if unit.kind in parents],
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    unit = get_for(request, Unit, "units.change_unit", pk=pk)
    initial = {k: getattr(unit, k) for k in ("name", "code", "established_on", "description")}
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)):
            messages.success(request, _("已保存。"))
            return redirect("units:detail", unit.pk)
    return render(
        request, "units/form.html", {"unit": unit, "form": form, "title": _("编辑单元")}, status=_status(form)
    )


@require_http_methods(["GET", "POST"])
def add_child(request, pk):
    parent = get_for(request, Unit, "units.change_unit", pk=pk)
    kinds = [UnitKind(k) for k, parents in ALLOWED_PARENT_KINDS.items() if parent.kind in parents]
    form = ChildUnitForm(request.POST or None, allowed_kinds=kinds)
    if request.method == "POST" and form.is_valid():
        child = run_service(form, lambda: services.unit_create(actor=request.user, parent=parent, **form.cleaned_data))
        if child:
            messages.success(request, _("已新增“%(name)s”。") % {"name": child.name})
            return redirect("units:detail", child.pk)
    return render(
        request, "units/form.html", {"unit": parent, "form": form, "title": _("新增下级单元")}, status=_status(form)
    )


@require_http_methods(["GET", "POST"])
def move(request, pk):
    unit = get_for(request, Unit.objects.select_related("county"), "units.move_unit", pk=pk)
    # Candidate parents: units of the kinds allowed above this one, within the actor's county reach.
    allowed = [k for k in ALLOWED_PARENT_KINDS[UnitKind(unit.kind)] if k]
    scope = unit.county.path if unit.county_id else unit.path[: unit.steplen]
    parents = Unit.objects.filter(path__startswith=scope, kind__in=allowed).order_by("path")[:500]
    form = MoveUnitForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        new_parent = Unit.objects.filter(pk=form.cleaned_data["new_parent"]).first()
        if new_parent is None:
            form.add_error("new_parent", _("所选的上级单元不存在。"))
        elif run_service(form, lambda: services.unit_move(actor=request.user, unit=unit, new_parent=new_parent)):
            messages.success(request, _("已移动。"))
            return redirect("units:detail", unit.pk)
    return render(
        request, "units/form.html", {"unit": unit, "form": form, "title": _("移动单元")}, status=_status(form)
    )


@require_http_methods(["GET", "POST"])
def room_add(request, pk):
    unit = get_for(request, Unit, "units.change_room", pk=pk)
    form = NewRoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        room = run_service(form, lambda: services.room_create(actor=request.user, unit=unit, **form.cleaned_data))
        if room:
            messages.success(request, _("已新增议事室。"))
            return redirect("units:room", room.pk)
    return render(
        request, "units/form.html", {"unit": unit, "form": form, "title": _("新增议事室")}, status=_status(form)
    )


def _room_timeline(room, can_money: bool):
    """The room's activity log; its subsidy entries (money) only for those who may see the subsidies."""
    events = timeline(room).order_by("-created_at", "-id")
    return events if can_money else events.exclude(action="subsidy")


def room_detail(request, pk):
    room = get_for(request, Room.objects.select_related("unit", "unit__county"), "units.view_room", pk=pk)
    user = request.user
    assessments = (
        Assessment.objects.filter(room=room)
        .select_related("assessor", "standard")
        .prefetch_related("results__item")
        .order_by("-assessed_on", "-id")
    )
    can_money = user.has_perm("units.view_subsidy", room)
    return render(
        request,
        "units/room.html",
        {
            "room": room,
            "unit": room.unit,
            "ancestors": selectors.ancestors(room.unit),
            "assessments": paginate(request, assessments, per_page=10),
            "stage_records": room.stage_records.select_related("recorded_by").order_by("year", "id"),
            "subsidies": room.subsidies.order_by("-year", "-id")[:100] if can_money else None,
            "timeline": _room_timeline(room, can_money)[:30],
            "can_change": user.has_perm("units.change_room", room),
            "can_assess": user.has_perm("units.assess_room", room),
            "can_subsidy": user.has_perm("units.add_subsidy", room),
            "stage_form": StageForm(initial={"stage": room.stage}),
            "subsidy_form": SubsidyForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def room_edit(request, pk):
    room = get_for(request, Room.objects.select_related("unit"), "units.change_room", pk=pk)
    form = RoomForm(
        request.POST or None, initial={k: getattr(room, k) for k in ("name", "kind", "address", "description")}
    )
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.room_update(actor=request.user, room=room, **form.cleaned_data)):
            messages.success(request, _("已保存。"))
            return redirect("units:room", room.pk)
    return render(
        request,
        "units/form.html",
        {"unit": room.unit, "room": room, "form": form, "title": _("编辑议事室")},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def room_stage(request, pk):
    room = get_for(request, Room.objects.select_related("unit"), "units.change_room", pk=pk)
    form = StageForm(request.POST or None, initial={"stage": room.stage})
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.room_set_stage(actor=request.user, room=room, **form.cleaned_data)):
            messages.success(request, _("已更新建设阶段。"))
            return redirect("units:room", room.pk)
    return render(
        request,
        "units/form.html",
        {"unit": room.unit, "room": room, "form": form, "title": _("更新建设阶段")},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def room_assess(request, pk):
    room = get_for(request, Room.objects.select_related("unit", "unit__county"), "units.assess_room", pk=pk)
    standard = services.active_standard(room.unit.county) if room.unit.county_id else None
    items = list(standard.items.filter(is_active=True)) if standard else []
    form = AssessmentForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        results = [
            services.ItemResult(
                item_id=item.pk,
                passed=data[f"passed_{item.pk}"],
                note=data[f"note_{item.pk}"],
                evidence_date=data[f"date_{item.pk}"],
                photo=data[f"photo_{item.pk}"],
            )
            for item in items
        ]
        assessment = run_service(
            form,
            lambda: services.room_assess(
                actor=request.user,
                room=room,
                assessed_on=data["assessed_on"],
                note=data["note"],
                results=results,
                idempotency_key=data["idempotency_key"],
            ),
        )
        if assessment:
            messages.success(
                request, _("评估已保存：%(result)s。") % {"result": _("达标") if assessment.passed else _("未达标")}
            )
            return redirect("units:room", room.pk)
    return render(
        request,
        "units/assess.html",
        {"room": room, "unit": room.unit, "standard": standard, "form": form},
        status=_status(form),
    )


@require_http_methods(["POST"])
def subsidy_add(request, pk):
    room = get_for(request, Room.objects.select_related("unit"), "units.add_subsidy", pk=pk)
    form = SubsidyForm(request.POST)
    form_action(request, form, lambda d: services.subsidy_record(actor=request.user, room=room, **d), _("已记录补贴。"))
    return redirect("units:room", room.pk)


def evidence_photo(request, pk):
    result = get_object_or_404(AssessmentResult.objects.select_related("assessment__room__unit"), pk=pk, photo__gt="")
    check_perm(request, "units.view_assessment", result.assessment)
    try:
        handle = result.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def standard(request, pk):
    county = get_for(request, Unit, "units.configure_standard", pk=pk)
    if county.kind != UnitKind.COUNTY:
        raise Http404
    current = services.active_standard(county)
    item_form = StandardItemForm(prefix="item")
    new_form = NewStandardForm(prefix="new")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add_item" and current:
            item_form = StandardItemForm(request.POST, prefix="item")
            if item_form.is_valid() and run_service(
                item_form,
                lambda: services.standard_item_save(actor=request.user, standard=current, **item_form.cleaned_data),
            ):
                messages.success(request, _("已新增条目。"))
                return redirect("units:standard", county.pk)
        elif action == "edit_item" and current:
            item = get_object_or_404(StandardItem, pk=id_from(request.POST, "item_id"), standard=current)
            edit_form = StandardItemForm(request.POST, prefix=f"edit{item.pk}")
            if edit_form.is_valid() and run_service(
                edit_form,
                lambda: services.standard_item_save(
                    actor=request.user, standard=current, item=item, **edit_form.cleaned_data
                ),
            ):
                messages.success(request, _("已保存条目。"))
                return redirect("units:standard", county.pk)
            flash_errors(request, edit_form)
        elif action == "new_standard":
            new_form = NewStandardForm(request.POST, prefix="new")
            if new_form.is_valid() and run_service(
                new_form,
                lambda: services.standard_create(
                    actor=request.user,
                    county=county,
                    name=new_form.cleaned_data["name"],
                    items=new_form.cleaned_data["items"].splitlines(),
                    description=new_form.cleaned_data["description"],
                ),
            ):
                messages.success(request, _("已启用新标准。"))
                return redirect("units:standard", county.pk)
        else:
            raise PermissionDenied
    items = list(current.items.all()) if current else []
    edit_forms = [
        (
            i,
            StandardItemForm(
                prefix=f"edit{i.pk}",
                initial={"name": i.name, "description": i.description, "order": i.order, "is_active": i.is_active},
            ),
        )
        for i in items
    ]
    return render(
        request,
        "units/standard.html",
        {
            "county": county,
            "unit": county,
            "standard": current,
            "edit_forms": edit_forms,
            "item_form": item_form,
            "new_form": new_form,
        },
        status=200 if not (item_form.errors or new_form.errors) else 400,
    )


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200

"""Village affairs inside the app: a unit's overview with its figures, the micro-power list, the county's meeting norm.
Thin: parse, call a service or selector, render. Disclosures, meetings and cases have their own view modules."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shangliang.core import clock
from shangliang.core.access import get_for
from shangliang.core.forms import run_service
from shangliang.units.models import Unit, UnitKind
from shangliang.units.selectors import ancestors
from shangliang.villageaffairs import selectors, services
from shangliang.villageaffairs.forms import NormForm, PowerItemForm, YearForm
from shangliang.villageaffairs.models import MeetingNorm, PowerItem
from shangliang.villageaffairs.services import meetings

UNITS = Unit.objects.select_related("county")


def form_status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def chosen_year(request, unit=None) -> int:
    """?year=, or the latest year with meetings or disclosures in the unit's subtree."""
    form = YearForm(request.GET)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    if year:
        return year
    return selectors.latest_year(unit) if unit is not None else clock.today().year


def overview(request, pk):
    """A village's village-affairs page, or a town's/county's figures over its villages."""
    unit = get_for(request, UNITS, "villageaffairs.view_village", pk=pk)
    user = request.user
    year = chosen_year(request, unit)
    context = {
        "unit": unit,
        "ancestors": ancestors(unit),
        "year": year,
        "is_village": selectors.is_village(unit),
        "can_manage": user.has_perm("villageaffairs.manage_village", unit),
        "can_cases": user.has_perm("villageaffairs.view_cases", unit),
        "disclosure_figures": selectors.disclosure_figures(unit, year=year),
        "meeting_figures": selectors.meeting_figures(unit, year=year),
    }
    if context["can_cases"]:
        context["case_figures"] = selectors.case_figures(unit, year=year)
    if context["is_village"]:
        context["upcoming"] = selectors.upcoming_meeting(unit)
        context["recent"] = list(selectors.disclosures_of_unit(unit)[:5])
    else:
        norm = selectors.norm_status(unit, year=year)
        context["norm"] = norm
        context["behind"] = norm.behind[:30]
        if context["can_cases"]:
            context["children_cases"] = selectors.case_figures_by_child(unit, year=year)
    return render(request, "villageaffairs/overview.html", context)


# --- the micro-power list ----------------------------------------------------------------------------------------


def power_list(request, pk):
    unit = get_for(request, UNITS, "villageaffairs.view_village", pk=pk)
    return render(
        request,
        "villageaffairs/powers.html",
        {
            "unit": unit,
            "ancestors": ancestors(unit),
            "categories": selectors.power_list_by_category(unit, active_only=False),
            "can_change": request.user.has_perm("villageaffairs.change_power_list", unit),
        },
    )


@require_http_methods(["GET", "POST"])
def power_add(request, pk):
    unit = get_for(request, UNITS, "villageaffairs.change_power_list", pk=pk)
    form = PowerItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = run_service(form, lambda: services.power_item_save(actor=request.user, unit=unit, **form.cleaned_data))
        if item:
            messages.success(request, _("已新增权力事项“%(name)s”。") % {"name": item.name})
            return redirect("villageaffairs:powers", unit.pk)
    return render(
        request,
        "villageaffairs/form.html",
        {"unit": unit, "ancestors": ancestors(unit), "form": form, "title": _("新增小微权力事项")},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def power_edit(request, pk):
    item = get_for(request, PowerItem.objects.select_related("unit"), "villageaffairs.change_power_list", pk=pk)
    fields = ("category", "name", "procedure", "basis", "order", "is_active")
    form = PowerItemForm(request.POST or None, initial={f: getattr(item, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.power_item_save(actor=request.user, unit=item.unit, item=item, **form.cleaned_data)
        ):
            messages.success(request, _("已保存。"))
            return redirect("villageaffairs:powers", item.unit_id)
    return render(
        request,
        "villageaffairs/form.html",
        {"unit": item.unit, "ancestors": ancestors(item.unit), "form": form, "title": _("编辑小微权力事项")},
        status=form_status(form),
    )


# --- the county's norm -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def norm(request, pk):
    county = get_for(request, UNITS, "villageaffairs.configure_norm", pk=pk)
    if county.kind != UnitKind.COUNTY:
        raise Http404
    current = MeetingNorm.objects.filter(county=county).first()
    fields = ("started_on", "interval_months", "note")
    form = NormForm(request.POST or None, initial={f: getattr(current, f) for f in fields} if current else None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: meetings.norm_save(actor=request.user, county=county, **form.cleaned_data)):
            messages.success(request, _("已保存月例会制度。"))
            return redirect("villageaffairs:overview", county.pk)
    return render(
        request,
        "villageaffairs/form.html",
        {"unit": county, "ancestors": ancestors(county), "form": form, "title": _("月例会制度")},
        status=form_status(form),
    )

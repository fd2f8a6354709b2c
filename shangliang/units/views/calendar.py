"""The county's working-day calendar page (工作日历), in the CPPCC office's menu: the years and where each comes from,
entering or correcting a year, how each step counts its days, and the provisional deadlines to check. Thin: the
writes are core.calendars' services, which check permission themselves."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.core import calendars, clock
from shangliang.core.access import get_for
from shangliang.core.errors import DomainError
from shangliang.core.forms import run_service
from shangliang.core.models import CalendarYear, Event, ProvisionalDeadline, ProvisionalStatus
from shangliang.core.workdays import Calendar, step_counts
from shangliang.units.forms import CalendarYearForm, TimeLimitsForm
from shangliang.units.models import Unit, UnitKind


def _county(request, pk, perm: str = "units.view_calendar") -> Unit:
    county = get_for(request, Unit, perm, pk=pk)
    if county.kind != UnitKind.COUNTY:
        raise Http404
    return county


def _lines(days: dict) -> str:
    return "\n".join(f"{d.isoformat()} {name}".rstrip() for d, name in sorted(days.items()))


@require_http_methods(["GET", "POST"])
def calendar(request, pk):
    county = _county(request, pk, "units.change_calendar" if request.method == "POST" else "units.view_calendar")
    can_change = request.user.has_perm("units.change_calendar", county)
    cal = Calendar(county)
    try:
        shown = int(request.GET.get("year") or clock.today().year + 1)
    except ValueError:
        shown = clock.today().year + 1
    shown = min(max(shown, calendars.FIRST_YEAR), clock.today().year + 1)
    year = cal.year(shown)
    form = CalendarYearForm(
        request.POST or None,
        initial={"year": shown, "holidays": _lines(year.holidays), "workdays": _lines(year.workdays)},
    )
    limits = TimeLimitsForm(counts=step_counts(county))
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            entry = run_service(
                form,
                lambda: calendars.calendar_year_save(
                    actor=request.user,
                    county=county,
                    year=d["year"],
                    holidays=d["holidays"],
                    workdays=d["workdays"],
                    notice=d["notice"],
                    source=d["source"],
                ),
            )
            if entry is not None:
                messages.success(request, _("已保存 %(y)d 年的工作日历。") % {"y": entry.year})
                return redirect(f"{request.path}?year={entry.year}")
    entries = CalendarYear.objects.filter(county=county).select_related("updated_by").order_by("-year")
    return render(
        request,
        "units/calendar.html",
        {
            "county": county,
            "years": calendars.years_overview(county),
            "shown": year,
            "form": form,
            "limits": limits,
            "entries": entries,
            "review": calendars.provisional_to_review(county),
            "open_count": ProvisionalDeadline.objects.filter(county=county, status=ProvisionalStatus.OPEN).count(),
            "history": Event.objects.filter(content_type=ContentType.objects.get_for_model(CalendarYear), unit=county)
            .select_related("actor")
            .order_by("-created_at", "-id")[:20],
            "can_change": can_change,
        },
    )


@require_POST
def calendar_limits(request, pk):
    county = _county(request, pk, "units.change_calendar")
    form = TimeLimitsForm(request.POST, counts=step_counts(county))
    if form.is_valid():
        try:
            changed = calendars.time_limits_save(actor=request.user, county=county, counts=form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存计日方式。") if changed else _("计日方式没有变化。"))
    else:
        messages.error(request, _("请为每个环节选择工作日或自然日。"))
    return redirect("units:calendar", county.pk)


@require_POST
def calendar_resolve(request, pk, deadline_pk):
    county = _county(request, pk, "units.change_calendar")
    row = get_object_or_404(ProvisionalDeadline, pk=deadline_pk, county=county)
    move = request.POST.get("action") == "move"
    try:
        calendars.provisional_resolve(actor=request.user, deadline=row, move=move)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已改为正式日历的日期。") if move else _("已确认保留原期限。"))
    return redirect("units:calendar", county.pk)

"""Dashboards inside the app and the public aggregate dashboard. Thin: parse the period, build a Scope, render the
metrics (each chart's numbers also as a table), or export them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.access import LoginRequired, get_for
from shangliang.dashboards import exports, periods
from shangliang.dashboards.db import without_jit
from shangliang.dashboards.metric_registry import METRICS, Metric, Table
from shangliang.dashboards.metrics import CARDS, PUBLIC_CARDS, PUBLIC_SECTIONS, SECTIONS
from shangliang.dashboards.scope import Scope
from shangliang.people import selectors as people_selectors
from shangliang.people.models import Role
from shangliang.people.selectors import county_ids
from shangliang.units import selectors as unit_selectors
from shangliang.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Figure:
    metric: Metric
    value: Any
    chart: dict | None = None
    links: list[str | None] | None = None

    @property
    def is_table(self) -> bool:
        return isinstance(self.value, Table)

    @property
    def chart_id(self) -> str:
        return f"chart-{self.metric.key}"

    @property
    def rows(self):
        """(url or None, row) pairs for the template."""
        links = self.links or [None] * len(self.value.rows)
        return list(zip(links, self.value.rows, strict=True))


def period_query(period: periods.Period) -> str:
    if period.kind == "range":
        return urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    return urlencode({"period": period.value})


def build(scope: Scope, key: str, *, drill: str | None = None) -> Figure:
    m = METRICS[key]
    value = m(scope)
    fig = Figure(m, value)
    if not isinstance(value, Table):
        return fig
    if drill and value.links:
        q = period_query(scope.period)
        fig.links = [f"{reverse(drill, args=[pk])}?{q}" if pk else None for pk in value.links]
    if m.chart:
        fig.chart = {
            "kind": m.chart,
            "title": str(m.title),
            "labels": [str(r[0]) for r in value.rows],
            "series": [
                {"name": value.columns[i], "data": [r[i] if r[i] is not None else 0 for r in value.rows]}
                for i in value.chart_columns
            ],
            "links": fig.links or [],
        }
    return fig


def chosen_period(request):
    try:
        return periods.from_request(request), ""
    except periods.BadPeriod as exc:
        return periods.year(clock.today().year), str(exc)


def _page_context(scope: Scope, *, cards, sections, drill: str, public: bool, error: str = "") -> dict:
    children_key = "children_public" if public else "children"
    return {
        "unit": scope.unit,
        "period": scope.period,
        "period_error": error,
        "period_query": period_query(scope.period),
        "choices": periods.choices(),
        "cards": [build(scope, k) for k in cards],
        "sections": [(title, [build(scope, k) for k in keys]) for title, keys in sections],
        "children": build(scope, children_key, drill=drill) if scope.children else None,
        "public": public,
    }


def index(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    user = request.user
    tops = list(people_selectors.top_units_for(user)[:100])
    member_of = list(Unit.objects.filter(pk__in=county_ids(user, {Role.MEMBER})).order_by("path"))
    if len(tops) == 1 and not member_of:
        return redirect("dashboards:unit", tops[0].pk)
    return render(request, "dashboards/index.html", {"units": tops, "member_of": member_of})


@without_jit
def dashboard(request, pk):
    unit = get_for(request, Unit.objects.select_related("county"), "dashboards.view_dashboard", pk=pk)
    period, error = chosen_period(request)
    scope = Scope(unit, period)
    ctx = _page_context(scope, cards=CARDS, sections=SECTIONS, drill="dashboards:unit", public=False, error=error)
    user = request.user
    county = unit.county
    ctx.update(
        {
            "ancestors": [a for a in unit_selectors.ancestors(unit) if user.has_perm("dashboards.view_dashboard", a)],
            "county": county,
            "can_assess": county is not None and user.has_perm("dashboards.view_assessment", county),
        }
    )
    return render(request, "dashboards/dashboard.html", ctx)


def _export_keys(request, allowed: list[str]) -> list[str]:
    key = request.GET.get("table", "")
    if key and key != "all":
        return [key] if key in allowed else []
    return allowed


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}.xlsx"
    return response


def _quote(name: str) -> str:
    return quote(name, safe="")


def _tables(sections, children_key: str) -> list[str]:
    keys = [k for _t, ks in sections for k in ks]
    return [*keys, children_key]


@without_jit
def export(request, pk):
    unit = get_for(request, Unit.objects.select_related("county"), "dashboards.view_dashboard", pk=pk)
    return _export(request, unit, cards=CARDS, sections=SECTIONS, children_key="children")


@without_jit
def public_export(request, pk):
    unit = get_object_or_404(Unit, pk=pk, is_active=True)
    return _export(request, unit, cards=PUBLIC_CARDS, sections=PUBLIC_SECTIONS, children_key="children_public")


def _export(request, unit, *, cards, sections, children_key):
    period, _error = chosen_period(request)
    scope = Scope(unit, period)
    keys = _export_keys(request, _tables(sections, children_key))
    if not keys:
        return HttpResponse(_("没有这张表。"), status=404, content_type="text/plain; charset=utf-8")
    whole = len(keys) > 1
    content = exports.workbook(
        exports.scope_heading(scope),
        exports.metric_sheets(scope, keys),
        exports.metric_cards(scope, cards) if whole else None,
    )
    title = _("统计") if whole else str(METRICS[keys[0]].title)
    return xlsx_response(content, f"{unit.name}-{period.value}-{title}")


@without_jit
def public(request, pk):
    unit = get_object_or_404(Unit, pk=pk, is_active=True)
    period, error = chosen_period(request)
    scope = Scope(unit, period)
    ctx = _page_context(
        scope, cards=PUBLIC_CARDS, sections=PUBLIC_SECTIONS, drill="dashboards:public", public=True, error=error
    )
    ctx["ancestors"] = list(unit_selectors.ancestors(unit).filter(is_active=True))
    return render(request, "dashboards/public.html", ctx)


@without_jit
def summary(request, pk):
    """The yearly summary in Word (年度工作统计), for the year of the chosen period."""
    unit = get_for(request, Unit.objects.select_related("county"), "dashboards.view_dashboard", pk=pk)
    period, _error = chosen_period(request)
    year = periods.year(period.end.year)
    since = request.GET.get("since", "")
    since_year = int(since) if since.isdigit() and periods.FIRST_YEAR <= int(since) < year.start.year else None
    content = exports.summary_docx(Scope(unit, year), since=since_year)
    response = HttpResponse(content, content_type=DOCX)
    name = f"{unit.name}-{year.value}-{_('年度统计')}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}.docx"
    return response

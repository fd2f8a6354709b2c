"""Norms, members' duty records, units' assessment and the county's scoring formula. Thin, like views.py."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from shangliang.core import forms as core_forms
from shangliang.core.access import LoginRequired, get_for
from shangliang.core.forms import run_service
from shangliang.core.pagination import paginate
from shangliang.dashboards import assessment, exports, periods, services
from shangliang.dashboards.db import without_jit
from shangliang.dashboards.metric_registry import Table, rate
from shangliang.dashboards.models import CoverageTarget, ScoreSubject
from shangliang.dashboards.scope import Scope
from shangliang.dashboards.views import chosen_period, period_query, xlsx_response
from shangliang.people.models import User
from shangliang.units import selectors as unit_selectors
from shangliang.units.models import Unit, UnitKind, UnitLevel


def _county(request, pk, perm="dashboards.view_assessment") -> Unit:
    county = get_for(request, Unit, perm, pk=pk)
    if county.kind != UnitKind.COUNTY:
        raise Http404
    return county


# --- norms and coverage against plan -------------------------------------------------------------------------------


class TargetForm(forms.Form):
    year = core_forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    percent = core_forms.IntegerField(label=gettext_lazy("计划覆盖率（%）"), min_value=0, max_value=100, required=False)


def coverage_plan(scope: Scope, county: Unit | None) -> Table:
    """Coverage at the end of each year since the first room was in use, against the county's plan."""
    years = scope.coverage_years()
    targets = dict(CoverageTarget.objects.filter(county=county).values_list("year", "percent")) if county else {}
    rows = []
    for year, c in years:
        pct = rate(c.get("covered", 0), c.get("units", 0))
        target = targets.get(year)
        met = None if target is None or pct is None else (_("是") if pct >= target else _("否"))
        rows.append([str(year), c.get("units", 0), c.get("with_room", 0), c.get("covered", 0), pct, target, met])
    columns = [
        _("年度"),
        _("应建单元"),
        _("有在用议事室"),
        _("阵地达标"),
        _("覆盖率 %"),
        _("计划覆盖率 %"),
        _("达到计划"),
    ]
    return Table([str(c) for c in columns], rows, chart_columns=[4, 5])


@require_http_methods(["GET", "POST"])
@without_jit
def norms(request, pk):
    unit = get_for(request, Unit.objects.select_related("county"), "dashboards.view_dashboard", pk=pk)
    period, _error = chosen_period(request)
    scope = Scope(unit, period)
    county = unit if unit.kind == UnitKind.COUNTY else None
    can_plan = county is not None and request.user.has_perm("dashboards.configure", county)
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            run_service(
                form,
                lambda: services.coverage_target_save(
                    actor=request.user, county=county, year=data["year"], percent=data["percent"]
                ),
            )
            if not form.errors:
                messages.success(request, _("已保存。"))
                return redirect("dashboards:norms", unit.pk)
    behind, by_child = None, None
    if unit.county_id is not None:
        rows = [(u, st) for u, st in scope.norm_statuses if st.behind]
        rows.sort(key=lambda r: (-r[1].days_behind, r[0].path))
        behind = paginate(request, rows, per_page=50)
    else:
        by_child = [
            (child, scope.norms_by_child.get(child.path))
            for child in scope.children
            if scope.norms_by_child.get(child.path)
        ]
    plan = coverage_plan(scope, county)
    if request.GET.get("format") == "xlsx":
        sheets = [exports.Sheet(_("阵地覆盖与计划"), _("每年年底的阵地覆盖与本县计划。"), plan)]
        if behind is not None:
            sheets.append(
                exports.Sheet(_("未达协商频次的单元"), _("截至今天落后于协商频次要求的单元。"), _behind_table(rows))
            )
        return xlsx_response(exports.workbook(unit.name, sheets), f"{unit.name}-{_('协商频次与阵地覆盖')}")
    return render(
        request,
        "dashboards/norms.html",
        {
            "unit": unit,
            "period": period,
            "period_query": period_query(period),
            "choices": periods.choices(),
            "ancestors": unit_selectors.ancestors(unit),
            "behind": behind,
            "by_child": by_child,
            "norms": scope.norms,
            "plan": plan,
            "form": form if can_plan else None,
            "today": scope.today,
        },
    )


def _behind_table(rows) -> Table:
    columns = [_("单元"), _("频次要求"), _("最近一次协商"), _("应开展日期"), _("落后起始"), _("落后天数")]
    out = []
    for u, st in rows:
        norm = _("%(n)d次/%(p)d个月") % {"n": st.spec.min_count, "p": st.spec.period_months}
        out.append([u.name, norm, st.last_held, st.due_on, st.behind_since, st.days_behind])
    return Table([str(c) for c in columns], out)


# --- members' duty records -----------------------------------------------------------------------------------------


@without_jit
def members(request, pk):
    county = _county(request, pk)
    period, _error = chosen_period(request)
    records = assessment.member_records(county, period)
    rules = assessment.rules_for(county, ScoreSubject.MEMBER)
    if request.GET.get("format") == "xlsx":
        table = _member_table(records, rules)
        sheet = exports.Sheet(_("委员履职考核"), _formula_text(rules), table)
        return xlsx_response(
            exports.workbook(f"{county.name} · {period.label}", [sheet]),
            f"{county.name}-{period.value}-{_('委员履职')}",
        )
    return render(
        request,
        "dashboards/members.html",
        {
            "county": county,
            "unit": county,
            "period": period,
            "period_query": period_query(period),
            "choices": periods.choices(),
            "records": paginate(request, records, per_page=100),
            "rules": rules,
        },
    )


def _formula_text(rules) -> str:
    parts = [f"{r.item.label}×{r.points}（≤{r.cap}）" for r in rules]
    return _("得分 = ") + " + ".join(parts)


def _member_table(records, rules) -> Table:
    columns = [_("排名"), _("委员"), *(r.item.label for r in rules), _("得分"), _("满分"), _("得分率 %")]
    rows = [
        [
            rec.rank,
            rec.member.display_name,
            *(m for _r, m, _p in rec.score.parts),
            rec.score.total,
            rec.score.maximum,
            rec.score.percent,
        ]
        for rec in records
    ]
    return Table([str(c) for c in columns], [[_plain(v) for v in row] for row in rows])


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


@without_jit
def member(request, pk, user_pk):
    if not request.user.is_authenticated:
        raise LoginRequired
    county = get_object_or_404(Unit, pk=pk, kind=UnitKind.COUNTY)
    person = get_object_or_404(User, pk=user_pk)
    if not (request.user.pk == person.pk or request.user.has_perm("dashboards.view_assessment", county)):
        raise PermissionDenied
    period, _error = chosen_period(request)
    if not assessment.members_of(county, period).filter(pk=person.pk).exists():
        raise Http404
    rules = assessment.rules_for(county, ScoreSubject.MEMBER)
    measures = assessment.member_measures(county, period, [person.pk])[person.pk]
    score = assessment.score(measures, rules)
    if request.GET.get("format") == "xlsx":
        columns = [_("项目"), _("数量"), _("每项得分"), _("最高得分"), _("得分"), _("口径")]
        rows = [
            [str(r.item.label), m, _plain(r.points), _plain(r.cap), _plain(p), str(r.item.definition)]
            for r, m, p in score.parts
        ]
        rows.append([str(_("合计")), None, None, _plain(score.maximum), _plain(score.total), _formula_text(rules)])
        sheet = exports.Sheet(_("履职档案"), _formula_text(rules), Table([str(c) for c in columns], rows))
        heading = f"{person.display_name} · {county.name} · {period.label}"
        return xlsx_response(
            exports.workbook(heading, [sheet]), f"{person.display_name}-{period.value}-{_('履职档案')}"
        )
    return render(
        request,
        "dashboards/member.html",
        {
            "county": county,
            "unit": county,
            "person": person,
            "period": period,
            "period_query": period_query(period),
            "choices": periods.choices(),
            "score": score,
            "details": assessment.member_details(county, period, person),
        },
    )


# --- units' assessment ---------------------------------------------------------------------------------------------

LEVELS = [UnitLevel.VILLAGE, UnitLevel.TOWN, UnitLevel.SPECIAL]


@without_jit
def units(request, pk):
    county = _county(request, pk)
    period, _error = chosen_period(request)
    level = request.GET.get("level", UnitLevel.VILLAGE)
    if level not in LEVELS:
        level = UnitLevel.VILLAGE
    rows = assessment.unit_assessments(county, period, level=level)
    rules = assessment.rules_for(county, ScoreSubject.UNIT)
    if request.GET.get("format") == "xlsx":
        columns = [_("排名"), _("单元"), *(r.item.label for r in rules), _("得分"), _("满分"), _("落后频次天数")]
        table = Table(
            [str(c) for c in columns],
            [
                [
                    r.rank,
                    r.unit.name,
                    *(m for _r, m, _p in r.score.parts),
                    _plain(r.score.total),
                    _plain(r.score.maximum),
                    r.behind_days,
                ]
                for r in rows
            ],
        )
        sheet = exports.Sheet(_("单元工作考核"), _formula_text(rules), table)
        return xlsx_response(
            exports.workbook(f"{county.name} · {period.label}", [sheet]),
            f"{county.name}-{period.value}-{_('单元考核')}",
        )
    return render(
        request,
        "dashboards/units.html",
        {
            "county": county,
            "unit": county,
            "period": period,
            "period_query": period_query(period),
            "choices": periods.choices(),
            "rows": paginate(request, rows, per_page=100),
            "rules": rules,
            "level": level,
            "levels": [(lv, UnitLevel(lv).label) for lv in LEVELS],
        },
    )


# --- the formula ---------------------------------------------------------------------------------------------------


class RuleForm(forms.Form):
    subject = forms.ChoiceField(choices=ScoreSubject.choices, widget=forms.HiddenInput)
    item = forms.CharField(widget=forms.HiddenInput, max_length=40)
    points = core_forms.DecimalField(label=gettext_lazy("每项得分"), min_value=0, max_value=1000, decimal_places=2)
    cap = core_forms.DecimalField(label=gettext_lazy("最高得分"), min_value=0, max_value=1000, decimal_places=2)


@require_http_methods(["GET", "POST"])
def scoring(request, pk):
    county = _county(request, pk)
    can_change = request.user.has_perm("dashboards.configure", county)
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if request.POST.get("reset") in ScoreSubject.values:
            services.scoring_rule_reset(actor=request.user, county=county, subject=request.POST["reset"])
            messages.success(request, _("已恢复默认。"))
            return redirect("dashboards:scoring", county.pk)
        if form.is_valid():
            saved = run_service(
                form, lambda: services.scoring_rule_save(actor=request.user, county=county, **form.cleaned_data)
            )
            if saved:
                messages.success(request, _("已保存。"))
                return redirect("dashboards:scoring", county.pk)
    return render(
        request,
        "dashboards/scoring.html",
        {
            "county": county,
            "unit": county,
            "can_change": can_change,
            "form": form,
            "subjects": [
                (ScoreSubject.MEMBER, ScoreSubject.MEMBER.label, assessment.rules_for(county, ScoreSubject.MEMBER)),
                (ScoreSubject.UNIT, ScoreSubject.UNIT.label, assessment.rules_for(county, ScoreSubject.UNIT)),
            ],
        },
        status=400 if form.errors else 200,
    )

"""A county's consultation rules: representativeness thresholds, frequency norms per unit level, who is behind."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shangliang.consultations import norms, services
from shangliang.consultations.forms import NormForm, RuleForm
from shangliang.consultations.models import FrequencyNorm
from shangliang.consultations.representation import rule_for
from shangliang.consultations.views.common import status_of
from shangliang.core.access import get_for
from shangliang.core.forms import run_service
from shangliang.units.models import Unit, UnitKind, UnitLevel
from shangliang.units.selectors import ancestors


@require_http_methods(["GET", "POST"])
def county_rules(request, pk):
    county = get_for(request, Unit, "consultations.view_norms", pk=pk)
    if county.kind != UnitKind.COUNTY:
        raise Http404
    can_configure = request.user.has_perm("consultations.configure_norms", county)
    rule = rule_for(county)
    rule_form = RuleForm(
        prefix="rule",
        initial={
            k: getattr(rule, k)
            for k in ("min_participants", "min_stakeholders", "min_resident_reps", "max_official_percent")
        },
    )
    norm_form = NormForm(prefix="norm")
    if request.method == "POST":
        if not can_configure:
            raise PermissionDenied
        if request.POST.get("what") == "norm":
            norm_form = NormForm(request.POST, prefix="norm")
            if norm_form.is_valid() and run_service(
                norm_form, lambda: services.norm_save(actor=request.user, county=county, **norm_form.cleaned_data)
            ):
                messages.success(request, _("已保存协商频次要求。"))
                return redirect("consultations:rules", county.pk)
        else:
            rule_form = RuleForm(request.POST, prefix="rule")
            if rule_form.is_valid() and run_service(
                rule_form, lambda: services.rule_save(actor=request.user, county=county, **rule_form.cleaned_data)
            ):
                messages.success(request, _("已保存代表性规则。"))
                return redirect("consultations:rules", county.pk)
    configured = {n.level: n for n in FrequencyNorm.objects.filter(county=county)}
    levels = []
    for level in (UnitLevel.TOWN, UnitLevel.VILLAGE, UnitLevel.SPECIAL):
        norm = configured.get(level)
        default = norms.DEFAULT_NORMS.get(level)
        levels.append((level.label, norm, default))
    return render(
        request,
        "consultations/rules.html",
        {
            "county": county,
            "unit": county,
            "ancestors": ancestors(county),
            "rule": rule,
            "rule_form": rule_form,
            "norm_form": norm_form,
            "levels": levels,
            "behind": norms.units_behind(county)[:200],
            "can_configure": can_configure,
        },
        status=status_of(rule_form, norm_form),
    )

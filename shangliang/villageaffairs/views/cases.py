"""Disputes mediated (矛盾纠纷化解) and petitions (信访) inside the app: a unit's list (its subtree), recording a case
in a village, recording its outcome. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.core.access import check_action, check_perm, get_for
from shangliang.core.forms import form_action, run_service
from shangliang.core.pagination import paginate
from shangliang.units.selectors import ancestors
from shangliang.villageaffairs import selectors
from shangliang.villageaffairs.forms import (
    DisputeDecideForm,
    DisputeForm,
    PetitionDecideForm,
    PetitionForm,
    dispute_filter,
    petition_filter,
)
from shangliang.villageaffairs.models import Dispute, Petition
from shangliang.villageaffairs.services import cases
from shangliang.villageaffairs.views.main import UNITS, form_status
from shangliang.villageaffairs.workflow import DISPUTE_WORKFLOW, PETITION_WORKFLOW


def _cases_page(request, pk, *, kind: str):
    unit = get_for(request, UNITS, "villageaffairs.view_cases", pk=pk)
    is_disputes = kind == "disputes"
    can_record = selectors.is_village(unit) and request.user.has_perm("villageaffairs.record_cases", unit)
    form_class = DisputeForm if is_disputes else PetitionForm
    form = form_class(request.POST or None) if can_record else None
    if request.method == "POST":
        if form is None:
            check_perm(request, "villageaffairs.record_cases", unit)
            return redirect(f"villageaffairs:{kind}", unit.pk)
        record = cases.dispute_record if is_disputes else cases.petition_record
        if form.is_valid() and run_service(form, lambda: record(actor=request.user, unit=unit, **form.cleaned_data)):
            messages.success(request, _("已登记。"))
            return redirect(f"villageaffairs:{kind}", unit.pk)
    filters = (dispute_filter if is_disputes else petition_filter)(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    select = selectors.disputes_of if is_disputes else selectors.petitions_of
    rows = select(unit, status=data.get("status") or "", year=data.get("year"))
    return render(
        request,
        "villageaffairs/cases.html",
        {
            "unit": unit,
            "ancestors": ancestors(unit),
            "kind": kind,
            "title": _("矛盾纠纷化解") if is_disputes else _("信访事项"),
            "filters": filters,
            "page": paginate(request, rows),
            "form": form,
            "decide_form": DisputeDecideForm() if is_disputes else PetitionDecideForm(),
            "can_decide": request.user.has_perm("villageaffairs.record_cases", unit),
        },
        status=form_status(form) if form is not None else 200,
    )


@require_http_methods(["GET", "POST"])
def disputes(request, pk):
    return _cases_page(request, pk, kind="disputes")


@require_http_methods(["GET", "POST"])
def petitions(request, pk):
    return _cases_page(request, pk, kind="petitions")


@require_POST
def dispute_decide(request, pk):
    dispute = get_object_or_404(Dispute.objects.select_related("unit"), pk=pk)
    check_action(request, dispute, DISPUTE_WORKFLOW, ("resolve", "fail", "refer"))
    form = DisputeDecideForm(request.POST)
    form_action(
        request, form, lambda d: cases.dispute_decide(actor=request.user, dispute=dispute, **d), _("已记录化解结果。")
    )
    return redirect("villageaffairs:disputes", dispute.unit_id)


@require_POST
def petition_decide(request, pk):
    petition = get_object_or_404(Petition.objects.select_related("unit"), pk=pk)
    check_action(request, petition, PETITION_WORKFLOW, ("conclude", "refer"))
    form = PetitionDecideForm(request.POST)
    form_action(
        request,
        form,
        lambda d: cases.petition_decide(actor=request.user, petition=petition, **d),
        _("已记录办理结果。"),
    )
    return redirect("villageaffairs:petitions", petition.unit_id)

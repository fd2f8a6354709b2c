"""Closing (with or without consensus), submitting the results (报送成果), acknowledging them (签收), downloads."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.consultations import exports, services
from shangliang.consultations.forms import CloseForm, NoteForm, SubmitForm
from shangliang.consultations.models import SubmissionLevel
from shangliang.consultations.views.common import load, status_of
from shangliang.core.forms import form_action, run_service
from shangliang.units.models import Unit
from shangliang.units.selectors import ancestors

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_POST
def close(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    form = CloseForm(request.POST)
    done = form_action(
        request,
        form,
        lambda d: services.consultation_close(
            actor=request.user, consultation=c, consensus=d["consensus"], conclusion=d["conclusion"]
        ),
    )
    if done:
        messages.success(
            request,
            _("协商结束：达成共识。下一步：报送成果。")
            if done.outcome == "consensus"
            else _("协商结束：议而不决。可发起再次协商。"),
        )
        return redirect("consultations:detail", c.pk)
    return redirect("consultations:meeting", c.pk)


def _default_recipients(unit, level: str) -> str:
    target = unit if level == SubmissionLevel.SAME else (Unit.objects.get_parent(unit) or unit)
    return _("%(unit)s党组织、%(unit)s政府（村/居委会）") % {"unit": target.name}


@require_http_methods(["GET", "POST"])
def submit(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    form = SubmitForm(
        request.POST or None,
        initial={"level": SubmissionLevel.SAME, "recipients": _default_recipients(c.unit, SubmissionLevel.SAME)},
    )
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.consultation_submit(actor=request.user, consultation=c, **form.cleaned_data)
        ):
            messages.success(request, _("成果已报送，等待接收单位签收。"))
            return redirect("consultations:detail", c.pk)
    parent = Unit.objects.get_parent(c.unit)
    return render(
        request,
        "consultations/submit.html",
        {"c": c, "unit": c.unit, "ancestors": ancestors(c.unit), "form": form, "parent": parent},
        status=status_of(form),
    )


@require_POST
def acknowledge(request, pk):
    c = load(request, pk, "consultations.acknowledge_results")
    if form_action(
        request,
        NoteForm(request.POST),
        lambda d: services.results_acknowledge(actor=request.user, consultation=c, note=d["note"]),
    ):
        messages.success(request, _("已签收协商成果。"))
    return redirect("consultations:detail", c.pk)


@require_GET
def report(request, pk):
    c = load(request, pk, "consultations.view_record")
    response = HttpResponse(exports.report_docx(c), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"协商成果报告-{c.pk}.docx"
    )
    return response


@require_GET
def suggestions_excel(request, pk):
    c = load(request, pk, "consultations.view_record")
    response = HttpResponse(exports.suggestions_xlsx(c), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"协商意见建议清单-{c.pk}.xlsx"
    )
    return response

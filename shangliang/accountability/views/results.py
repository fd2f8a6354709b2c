"""A consultation's results inside the app (suggestions → tasks, the quality score, evaluations), assigning tasks,
the evaluator's form, the three failures of a unit, the county's settings, and the downloads."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shangliang.accountability import exports, failures, selectors, services
from shangliang.accountability.forms import AssignForm, EvaluateForm, EvaluationConfigForm, SettingsForm
from shangliang.accountability.models import EvaluationResponse
from shangliang.accountability.quality import FORMULA, OUTCOME, PROCESS, consultation_quality
from shangliang.accountability.services.common import settings_for
from shangliang.accountability.services.feedback import active_form
from shangliang.accountability.services.tasks import ASSIGNABLE
from shangliang.accountability.views.common import (
    DOCX,
    XLSX,
    body_of,
    body_pickers,
    body_search,
    owner_of,
    status_of,
)
from shangliang.consultations.models import Consultation, Suggestion, SuggestionStatus
from shangliang.core import clock
from shangliang.core.access import get_for
from shangliang.core.forms import id_from, run_service
from shangliang.core.pagination import paginate
from shangliang.residents.unmasking import record_unmasking
from shangliang.units.models import Unit, UnitKind
from shangliang.units.selectors import ancestors

CONSULTATIONS = Consultation.objects.select_related("unit", "unit__county", "room")


def _consultation(request, pk, perm="accountability.view_results") -> Consultation:
    return get_for(request, CONSULTATIONS, perm, pk=pk)


@require_GET
def consultation(request, pk):
    c = _consultation(request, pk)
    user = request.user
    suggestions = selectors.suggestions_with_tasks(c)
    tasks = [t for s in suggestions for t in s.tasks.all()]
    quality = consultation_quality(c)
    my_evaluation = EvaluationResponse.objects.filter(consultation=c, evaluator=user).first()
    return render(
        request,
        "accountability/consultation.html",
        {
            "c": c,
            "unit": c.unit,
            "ancestors": ancestors(c.unit),
            "suggestions": suggestions,
            "ratings": selectors.rating_summary(tasks),
            "quality": quality,
            "process_score": quality.group(PROCESS),
            "outcome_score": quality.group(OUTCOME),
            "formula": FORMULA,
            "evaluations": list(c.evaluations.select_related("evaluator").order_by("id")),
            "can_assign": c.status in ASSIGNABLE and user.has_perm("accountability.assign_tasks", c),
            "can_evaluate": my_evaluation is None and user.has_perm("accountability.evaluate", c),
            "today": clock.today(),
        },
    )


@require_http_methods(["GET", "POST"])
def assign(request, pk):
    c = _consultation(request, pk, "accountability.assign_tasks")
    suggestions = list(Suggestion.objects.filter(consultation=c, status=SuggestionStatus.ACTIVE).order_by("order"))
    initial = {}
    if id_from(request.GET, "suggestion"):
        initial["suggestion"] = id_from(request.GET, "suggestion")
    form = AssignForm(request.POST or None, suggestions=suggestions, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def run():
            body = body_of(d["body"], c.unit)
            return services.task_assign(
                actor=request.user,
                suggestion=next(s for s in suggestions if s.pk == d["suggestion"]),
                owner_name=d["owner_name"],
                owner=owner_of(d["owner"], c.unit, body),
                owner_phone=d["owner_phone"],
                action=d["action"],
                deadline=d["deadline"],
                working_days=d["working_days"],
                idempotency_key=d["idempotency_key"],
                **body,
            )

        task = run_service(form, run)
        if task:
            messages.success(request, _("已交办，截止 %(d)s。") % {"d": task.deadline.isoformat()})
            return redirect("accountability:consultation", c.pk)
    search_url = reverse("accountability:assign_search", args=[c.pk])
    return render(
        request,
        "accountability/assign.html",
        {
            "c": c,
            "unit": c.unit,
            "ancestors": ancestors(c.unit),
            "form": form,
            "ready": c.status in ASSIGNABLE,
            **body_pickers(form, c.unit, search_url),
        },
        status=status_of(form),
    )


@require_GET
def assign_search(request, pk):
    """htmx: the bodies, or the chosen body's accounts, matching what is typed in the assign form's pickers."""
    c = _consultation(request, pk, "accountability.assign_tasks")
    return body_search(request, c.unit, reverse("accountability:assign_search", args=[c.pk]))


@require_http_methods(["GET", "POST"])
def evaluate(request, pk):
    c = _consultation(request, pk, "accountability.evaluate")
    form_def = active_form(c.unit.county)
    items = [i for i in form_def.items.all() if i.is_active] if form_def else []
    form = EvaluateForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_service(
            form,
            lambda: services.evaluation_submit(
                actor=request.user,
                consultation=c,
                answers=form.answers(),
                comment=d["comment"],
                organisation=d["organisation"],
            ),
        )
        if done:
            messages.success(request, _("已提交评估，得分 %(s)s。") % {"s": done.score})
            return redirect("accountability:consultation", c.pk)
    return render(
        request,
        "accountability/evaluate.html",
        {"c": c, "unit": c.unit, "ancestors": ancestors(c.unit), "form": form, "form_def": form_def},
        status=status_of(form),
    )


@require_GET
def failures_page(request, pk):
    """The three failures (议而不决、决而不行、行而不久) of a unit's subtree; one list at a time, paginated."""
    unit = get_for(request, Unit.objects.select_related("county"), "accountability.view_lists", pk=pk)
    today = clock.today()
    show = request.GET.get("show", "overdue")
    lists = {
        "undecided": failures.undecided(unit),
        "unassigned": failures.unassigned_suggestions(unit),
        "overdue": failures.overdue_tasks(unit),
        "not_lasting": failures.not_lasting(unit),
    }
    if show not in lists:
        show = "overdue"
    return render(
        request,
        "accountability/failures.html",
        {
            "unit": unit,
            "ancestors": ancestors(unit),
            "counts": failures.failure_counts(unit),
            "show": show,
            "page": paginate(request, lists[show]),
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def county_settings(request, pk):
    county = get_for(request, Unit.objects.filter(kind=UnitKind.COUNTY), "accountability.configure", pk=pk)
    current = settings_for(county)
    fields = list(SettingsForm.base_fields)
    settings_form = SettingsForm(
        request.POST if request.POST.get("what") == "settings" else None,
        initial={f: getattr(current, f) for f in fields},
        prefix="s",
    )
    form_def = active_form(county)
    lines = "\n".join(
        f"{'过程' if i.kind == 'process' else '结果'} | {i.weight} | {i.text}"
        for i in (form_def.items.all() if form_def else [])
        if i.is_active
    )
    eval_form = EvaluationConfigForm(
        request.POST if request.POST.get("what") == "form" else None,
        initial={"name": form_def.name if form_def else _("协商质效第三方评估表"), "items": lines},
        prefix="f",
    )
    if request.method == "POST":
        if settings_form.is_bound and settings_form.is_valid():
            if run_service(
                settings_form,
                lambda: services.settings_save(actor=request.user, county=county, **settings_form.cleaned_data),
            ):
                messages.success(request, _("已保存设置。"))
                return redirect("accountability:settings", county.pk)
        elif eval_form.is_bound and eval_form.is_valid():
            d = eval_form.cleaned_data
            if run_service(
                eval_form,
                lambda: services.evaluation_form_save(
                    actor=request.user, county=county, name=d["name"], items=d["items"]
                ),
            ):
                messages.success(request, _("已保存新的评估表。"))
                return redirect("accountability:settings", county.pk)
    return render(
        request,
        "accountability/settings.html",
        {
            "unit": county,
            "ancestors": ancestors(county),
            "settings_form": settings_form,
            "eval_form": eval_form,
            "form_def": form_def,
        },
        status=status_of(settings_form, eval_form),
    )


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@require_GET
def unit_tasks_xlsx(request, pk):
    unit = get_for(request, Unit, "accountability.view_lists", pk=pk)
    full = request.user.has_perm("accountability.export_contacts", unit)
    if full:
        record_unmasking(request, unit, field="task.owner_phone", count=selectors.unit_tasks(unit).count())
    data = exports.responsibility_xlsx(selectors.unit_tasks(unit), title_of=unit.name, full_phones=full)
    return _download(data, XLSX, f"工作责任清单-{unit.name}.xlsx")


@require_GET
def unit_effects_xlsx(request, pk):
    unit = get_for(request, Unit, "accountability.view_lists", pk=pk)
    return _download(
        exports.effects_xlsx(selectors.unit_tasks(unit), title_of=unit.name), XLSX, f"落实效果清单-{unit.name}.xlsx"
    )


@require_GET
def consultation_tasks_xlsx(request, pk):
    c = _consultation(request, pk)
    full = request.user.has_perm("accountability.export_contacts", c)
    if full:
        record_unmasking(request, c, field="task.owner_phone", count=c.tasks.count())
    data = exports.responsibility_xlsx(c.tasks.all(), title_of=c.title, full_phones=full)
    return _download(data, XLSX, f"工作责任清单-{c.pk}.xlsx")


@require_GET
def consultation_effects_xlsx(request, pk):
    c = _consultation(request, pk)
    return _download(exports.effects_xlsx(c.tasks.all(), title_of=c.title), XLSX, f"落实效果清单-{c.pk}.xlsx")


@require_GET
def loop_report(request, pk):
    c = _consultation(request, pk)
    full = request.user.has_perm("accountability.export_contacts", c)
    if full:
        record_unmasking(request, c, field="task.owner_phone", count=c.tasks.count())
    data = exports.loop_docx(c, full_phones=full)
    return _download(data, DOCX, f"协商闭环报告-{c.pk}.docx")

"""Public-opinion reports inside the app: the list (what the user may see), writing one, its page with the steps the
user may take, and the figures of a unit. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.core import clock
from shangliang.core.access import LoginRequired, get_for, get_for_action
from shangliang.core.events import timeline
from shangliang.core.forms import form_action, id_from, run_service
from shangliang.core.pagination import paginate
from shangliang.core.picker import Option, picker, picker_response
from shangliang.opinions import selectors, services
from shangliang.opinions.forms import (
    AdoptForm,
    AnswerForm,
    EndorseForm,
    FilterForm,
    HandForm,
    MergeForm,
    NoteForm,
    OfficeEditForm,
    ReportForm,
    YearForm,
)
from shangliang.opinions.models import ADOPTED_STATES, AUTHOR_EDITABLE, OpinionReport, ReportStatus
from shangliang.opinions.workflow import NOTE_ACTIONS, OFFICE, REPORT_WORKFLOW
from shangliang.people.models import Department
from shangliang.units.models import Unit, UnitKind
from shangliang.units.selectors import ancestors


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _year(request) -> int | None:
    form = YearForm(request.GET)
    return form.cleaned_data.get("year") if form.is_valid() else None


def index(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    filters = FilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    reports = selectors.report_list(
        request.user,
        status=data.get("status") or "",
        level=data.get("level") or "",
        query=(data.get("q") or "").strip(),
        mine=bool(data.get("mine")),
    )
    year = _year(request) or clock.today().year
    can_write = selectors.may_write(request.user)
    return render(
        request,
        "opinions/index.html",
        {
            "filters": filters,
            "page": paginate(request, reports),
            "can_write": can_write,
            "year": year,
            "my_figures": selectors.member_report_figures(request.user, year=year) if can_write else None,
        },
    )


def _report_form(request, data=None, *, initial=None, with_unit=True):
    user = request.user
    return ReportForm(
        data,
        initial=initial,
        topics=list(selectors.linkable_topics(user)),
        consultations=list(selectors.linkable_consultations(user)),
        with_unit=with_unit,
    )


@require_http_methods(["GET", "POST"])
def new(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    if not selectors.may_write(request.user):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("unit", "topic", "consultation") if id_from(request.GET, k)}
    form = _report_form(request, request.POST or None, initial=initial)
    units = selectors.writable_units(request.user)
    if request.method == "POST" and form.is_valid():
        unit = units.filter(pk=form.cleaned_data["unit"]).first()
        if unit is None:
            form.add_error("unit", _("请从查找结果中选择您可以反映的单元。"))
        else:
            report = run_service(
                form,
                lambda: services.report_create(
                    actor=request.user,
                    unit=unit,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    **form.service_fields(),
                ),
            )
            if report:
                messages.success(request, _("已保存草稿，核对后报送政协机关。"))
                return redirect("opinions:detail", report.pk)
    unit_picker = _unit_picker(units, chosen=form["unit"].value(), errors=form.errors.get("unit", []))
    return render(
        request,
        "opinions/form.html",
        {"form": form, "title": _("撰写社情民意信息"), "unit_picker": unit_picker},
        status=_status(form),
    )


def _unit_picker(units, *, query: str = "", chosen=None, errors=()):
    return picker(
        name="unit",
        label=_("反映地"),
        search_url=reverse("opinions:units"),
        queryset=units,
        fields=("name",),
        option=lambda u: Option(u.pk, u.name, u.get_kind_display()),
        query=query,
        chosen=chosen,
        help_text=_("信息反映的是哪里的情况"),
        placeholder=_("输入村、社区或镇街名称查找"),
        errors=list(errors),
    )


@require_GET
def units(request):
    """htmx: the units matching what is typed in the report form's unit picker."""
    if not request.user.is_authenticated:
        raise LoginRequired
    found = _unit_picker(selectors.writable_units(request.user), query=request.GET.get("unit_q", ""))
    return picker_response(request, found)


def _load(request, pk, perm="opinions.view_report") -> OpinionReport:
    return get_for(request, selectors.REPORTS, perm, pk=pk)


def _load_for(request, pk, action: str) -> OpinionReport:
    """A report for a workflow action: refused before the form is read when the action is not the user's."""
    return get_for_action(request, selectors.REPORTS, REPORT_WORKFLOW, action, pk=pk)


def detail(request, pk):
    report = _load(request, pk)
    user = request.user
    office = user.has_perm("opinions.process_report", report)
    available = {t.action for t in REPORT_WORKFLOW.available(report, user)}
    return render(
        request,
        "opinions/detail.html",
        {
            "report": report,
            "adoptions": list(report.adoptions.select_related("recorded_by")),
            "endorsements": list(report.endorsements.all()),
            "contributors": list(report.contributors.all()),
            "merged": list(report.merged_reports.select_related("author")),
            "timeline": timeline(report).order_by("-created_at", "-id")[:40],
            "actions": [a for a in NOTE_ACTIONS if a in available],
            "labels": REPORT_WORKFLOW.action_labels,
            "can_edit": user.has_perm("opinions.author_report", report) and report.status in AUTHOR_EDITABLE,
            "office": office,
            "can_office_edit": office and report.status == ReportStatus.SUBMITTED,
            "can_adopt": office and (report.status == ReportStatus.SUBMITTED or report.status in ADOPTED_STATES),
            "can_endorse": office and report.status in ADOPTED_STATES,
            "can_hand": "hand" in available,
            "can_answer": "answer" in available,
            "can_merge": office and (report.status == ReportStatus.SUBMITTED or report.status in ADOPTED_STATES),
            "note_form": NoteForm(),
            "adopt_form": AdoptForm(),
            "endorse_form": EndorseForm(),
            "hand_form": HandForm(departments=_departments(report)) if "hand" in available else None,
            "answer_form": AnswerForm(),
            "merge_form": MergeForm(candidates=list(selectors.merge_candidates(report))) if office else None,
        },
    )


def _departments(report):
    return list(Department.objects.filter(county_id=report.county_id, is_active=True).order_by("id"))


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    report = _load(request, pk)
    user = request.user
    if user.has_perm("opinions.author_report", report) and report.status in AUTHOR_EDITABLE:
        initial = {
            "title": report.title,
            "body": report.body,
            "source": report.source,
            "topic": report.topic_id,
            "consultation": report.consultation_id,
        }
        form = _report_form(request, request.POST or None, initial=initial, with_unit=False)
        call = lambda: services.report_update(actor=user, report=report, **form.service_fields())  # noqa: E731
    elif user.has_perm("opinions.process_report", report):
        form = OfficeEditForm(request.POST or None, initial={"title": report.title, "body": report.body})
        call = lambda: services.report_edit(actor=user, report=report, **form.cleaned_data)  # noqa: E731
    else:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid() and run_service(form, call):
        messages.success(request, _("已保存。"))
        return redirect("opinions:detail", report.pk)
    return render(
        request, "opinions/form.html", {"form": form, "report": report, "title": _("修改信息")}, status=_status(form)
    )


@require_POST
def act(request, pk, action):
    if action not in NOTE_ACTIONS:
        raise Http404
    report = _load_for(request, pk, action)

    def step(d):
        if action in ("submit", "resubmit"):
            return services.report_submit(actor=request.user, report=report, note=d["note"])
        return services.report_transition(actor=request.user, report=report, action=action, note=d["note"])

    success = _("已%(action)s。") % {"action": REPORT_WORKFLOW.action_labels[action]}
    form_action(request, NoteForm(request.POST), step, success)
    return redirect("opinions:detail", report.pk)


@require_POST
def adopt(request, pk):
    report = _load_for(request, pk, "adopt")
    form = AdoptForm(request.POST)
    form_action(
        request, form, lambda d: services.report_adopt(actor=request.user, report=report, **d), _("已记录采用。")
    )
    return redirect("opinions:detail", report.pk)


@require_POST
def endorse(request, pk):
    report = _load(request, pk, OFFICE)
    form = EndorseForm(request.POST)
    form_action(
        request, form, lambda d: services.report_endorse(actor=request.user, report=report, **d), _("已记录领导批示。")
    )
    return redirect("opinions:detail", report.pk)


@require_POST
def hand(request, pk):
    report = _load_for(request, pk, "hand")
    form = HandForm(request.POST, departments=_departments(report))
    form_action(
        request,
        form,
        lambda d: services.report_hand(
            actor=request.user,
            report=report,
            department=form.departments.get(d["department"]),
            answer_due=d["answer_due"],
            note=d["note"],
        ),
        _("已交办。"),
    )
    return redirect("opinions:detail", report.pk)


@require_POST
def answer(request, pk):
    report = _load_for(request, pk, "answer")
    form = AnswerForm(request.POST)
    form_action(
        request,
        form,
        lambda d: services.report_answer(actor=request.user, report=report, **d),
        _("已答复，等待政协机关审核。"),
    )
    return redirect("opinions:detail", report.pk)


@require_POST
def merge(request, pk):
    report = _load_for(request, pk, "merge")
    form = MergeForm(request.POST, candidates=list(selectors.merge_candidates(report)))
    form_action(
        request,
        form,
        lambda d: services.report_merge(
            actor=request.user,
            target=report,
            sources=[form.candidates[pk] for pk in d["sources"]],
            note=d["note"],
        ),
        _("已合并。"),
    )
    return redirect("opinions:detail", report.pk)


def figures(request, pk):
    """Counts for a unit's subtree and, for a county, per member and informant (duty records)."""
    unit = get_for(request, Unit.objects.select_related("county"), "opinions.view_figures", pk=pk)
    year = _year(request)
    rows = selectors.figures_by_person(unit, year=year) if unit.kind == UnitKind.COUNTY else []
    return render(
        request,
        "opinions/figures.html",
        {
            "unit": unit,
            "ancestors": ancestors(unit),
            "year": year,
            "figures": selectors.unit_report_figures(unit, year=year),
            "rows_page": paginate(request, rows, per_page=50),
        },
    )

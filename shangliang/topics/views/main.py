"""Topics inside the app: the list, entering topics (liaisons, members, party bodies), the Excel import, the topic
page with screening, approval, timeline and similar topics. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.core import eventtypes
from shangliang.core.access import LoginRequired, get_for, get_for_action
from shangliang.core.errors import InvalidInput
from shangliang.core.forms import id_from, run_service
from shangliang.core.pagination import paginate
from shangliang.core.picker import Option, picker, picker_response
from shangliang.residents.unmasking import record_unmasking
from shangliang.topics import selectors, services
from shangliang.topics.forms import (
    ENTRY_FORMS,
    SCREEN_FORMS,
    DecideForm,
    ImportForm,
    MergeForm,
    PublicityForm,
    ReferForm,
    ResubmitForm,
    TopicFilterForm,
    UrgentForm,
)
from shangliang.topics.models import Topic, TopicPhoto, TopicSource, TopicStatus
from shangliang.topics.services import importing, screening
from shangliang.topics.story import standings
from shangliang.topics.views.public import photo_response
from shangliang.topics.workflow import TOPIC_WORKFLOW
from shangliang.units.models import Unit, UnitKind

DETAIL = Topic.objects.select_related("unit", "unit__county", "room", "submitter", "merged_into", "referred_department")


def _login(request) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@require_GET
def topic_list(request):
    _login(request)
    units = selectors.filter_units(request.user)
    filters = TopicFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    unit = units.filter(pk=data["unit"]).first() if data.get("unit") else None
    if data.get("unit") and unit is None:
        filters.add_error("unit", _("所选单元不在您可查看的范围内。"))
    topics = selectors.topic_list(
        request.user,
        selectors.TopicFilters(
            status=data.get("status", ""),
            source=data.get("source", ""),
            category=data.get("category", ""),
            unit=unit,
            start=data.get("start"),
            end=data.get("end"),
            query=data.get("q", ""),
            urgent_only=data.get("urgent", False),
        ),
    )
    return render(
        request,
        "topics/list.html",
        {
            "filters": filters,
            "page": paginate(request, topics),
            "more_filters": any(k != "q" and k != "page" and v for k, v in request.GET.items()),
            "sources": selectors.sources_for(request.user),
            "can_import": TopicSource.GRID in selectors.sources_for(request.user),
            "unit_picker": _filter_unit_picker(
                units, chosen=unit.pk if unit else None, errors=filters.errors.get("unit", [])
            ),
        },
    )


def _filter_unit_picker(units, *, query: str = "", chosen=None, errors=()):
    return picker(
        name="unit",
        label=_("单元"),
        search_url=reverse("topics:filter_units"),
        queryset=units,
        fields=("name",),
        option=lambda u: Option(u.pk, u.name, u.get_kind_display()),
        query=query,
        chosen=chosen,
        required=False,
        placeholder=_("输入村、社区或镇街名称查找"),
        errors=list(errors),
    )


@require_GET
def filter_units(request):
    """htmx: the units matching what is typed in the list filter's unit picker."""
    _login(request)
    units = selectors.filter_units(request.user)
    return picker_response(request, _filter_unit_picker(units, query=request.GET.get("unit_q", "")))


@require_http_methods(["GET", "POST"])
def enter(request, source):
    _login(request)
    if source not in ENTRY_FORMS:
        raise Http404
    units = selectors.enterable_units(request.user, source)
    if not units.exists():
        raise PermissionDenied
    form = ENTRY_FORMS[source](request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = units.filter(pk=data.pop("unit")).first()
        if unit is None:
            form.add_error("unit", _("请从查找结果中选择可以录入议题的单元。"))
        else:
            topic = run_service(
                form, lambda: services.topic_enter(actor=request.user, unit=unit, source=source, **data)
            )
            if topic:
                messages.success(request, _("议题已录入，查询码 %(code)s。") % {"code": topic.tracking_code})
                return redirect("topics:detail", topic.pk)
    title = {
        TopicSource.GRID: _("代群众录入议题"),
        TopicSource.MEMBER: _("委员荐题"),
        TopicSource.ASSIGNED: _("党政点题"),
    }[source]
    unit_picker = _unit_picker(units, source, chosen=form["unit"].value(), errors=form.errors.get("unit", []))
    return render(
        request,
        "topics/enter.html",
        {"form": form, "title": title, "source": source, "unit_picker": unit_picker},
        status=_status(form),
    )


def _unit_picker(units, source: str, *, query: str = "", chosen=None, errors=()):
    return picker(
        name="unit",
        label=_("所属单元"),
        search_url=reverse("topics:unit_search", args=[source]),
        queryset=units,
        fields=("name",),
        option=lambda u: Option(u.pk, u.name, u.get_kind_display()),
        query=query,
        chosen=chosen,
        placeholder=_("输入村、社区或镇街名称查找"),
        errors=list(errors),
    )


@require_GET
def unit_search(request, source):
    """htmx: the units matching what is typed in the entry form's unit picker."""
    _login(request)
    if source not in ENTRY_FORMS:
        raise Http404
    units = selectors.enterable_units(request.user, source)
    return picker_response(request, _unit_picker(units, source, query=request.GET.get("unit_q", "")))


@require_GET
def similar(request):
    """htmx fragment on the entry form: topics like the one being written, in the chosen unit's subtree."""
    _login(request)
    unit = Unit.objects.filter(pk=id_from(request.GET, "unit")).first()
    title = (request.GET.get("title") or "")[:100]
    found = []
    if unit is not None and request.user.has_perm("units.view_unit", unit) and len(title.strip()) >= 2:
        found = selectors.similar_topics(unit=unit, title=title, visible_to=request.user, limit=5)
    return render(request, "topics/_similar.html", {"similar": found})


def _screen_forms(topic, user, bound=None):
    """The five screening forms, one per decision; `bound` replaces the one that was sent."""
    candidates = selectors.merge_candidates(topic, user)
    # Five forms on one page: each gets its own id prefix so that every label points at its own field.
    forms = {
        "accept": SCREEN_FORMS["accept"](initial={"urgent": topic.urgent}, auto_id="accept_%s"),
        "reject": SCREEN_FORMS["reject"](auto_id="reject_%s"),
        "return": SCREEN_FORMS["return"](auto_id="return_%s"),
        "merge": MergeForm(candidates=candidates, auto_id="merge_%s"),
        "refer": ReferForm(county=topic.unit.county, auto_id="refer_%s"),
    }
    if bound is not None:
        forms[bound[0]] = bound[1]
    return forms, candidates


def detail(request, pk):
    return _detail(request, get_for(request, DETAIL, "topics.view_topic", pk=pk))


def _detail(request, topic, *, screen_form=None, decide_form=None, status=200):
    """The topic page; after a refused form, that form (bound, with its errors) replaces the blank one."""
    user = request.user
    available = {t.action for t in TOPIC_WORKFLOW.available(topic, user)}
    can_screen = bool(available & set(SCREEN_FORMS))
    forms, candidates = _screen_forms(topic, user, screen_form) if can_screen else ({}, [])
    can_contact = user.has_perm("topics.view_contact", topic)
    if can_contact and topic.mobile:
        record_unmasking(request, topic, field="mobile")
    return render(
        request,
        "topics/detail.html",
        {
            "topic": topic,
            "photos": list(topic.photos.all()),
            "timeline": selectors.topic_timeline(topic, public_only=False),
            "statuses": dict(TopicStatus.choices),
            "can_contact": can_contact,
            "can_urgent": user.has_perm("topics.set_urgent", topic),
            "screen_forms": forms,
            "can_decide": bool(available & {"approve", "decline"}),
            "approve_form": decide_form if _sent(decide_form, "approve") else DecideForm(auto_id="approve_%s"),
            "decline_form": decide_form
            if _sent(decide_form, "decline")
            else DecideForm(decision="decline", auto_id="decline_%s"),
            "can_resubmit": "resubmit" in available,
            # Screeners see the open topics this one could be merged into; the others see similar topics.
            "similar": candidates
            if can_screen
            else selectors.similar_topics(
                unit=topic.unit, title=topic.title, description=topic.description, exclude=topic, visible_to=user
            ),
            "merged_from": list(topic.merged_topics.order_by("pk")[:20]),
            "urgent_form": UrgentForm(initial={"urgent": not topic.urgent}),
        },
        status=status,
    )


def _sent(form, decision: str) -> bool:
    return form is not None and form.data.get("decision") == decision


@require_POST
def screen(request, pk):
    topic = get_for_action(request, DETAIL, TOPIC_WORKFLOW, SCREEN_FORMS, pk=pk)
    decision = request.POST.get("decision", "")
    if decision not in SCREEN_FORMS:
        messages.error(request, _("请选择筛选结果。"))
        return redirect("topics:detail", topic.pk)
    auto_id = f"{decision}_%s"
    if decision == "merge":
        form = MergeForm(request.POST, candidates=selectors.merge_candidates(topic, request.user), auto_id=auto_id)
    elif decision == "refer":
        form = ReferForm(request.POST, county=topic.unit.county, auto_id=auto_id)
    else:
        form = SCREEN_FORMS[decision](request.POST, auto_id=auto_id)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("decision")
        if decision == "merge":
            target_id = form.target_id()
            data = {"note": data["note"], "merge_into": DETAIL.filter(pk=target_id).first() if target_id else None}
            if target_id and data["merge_into"] is None:
                form.add_error("merge_into_id", _("编号为 %(id)s 的议题不存在。") % {"id": target_id})
        if not form.errors and run_service(
            form, lambda: screening.topic_screen(topic=topic, actor=request.user, decision=decision, **data)
        ):
            messages.success(request, _("已%(action)s。") % {"action": eventtypes.label("topics", decision)})
            return redirect("topics:detail", topic.pk)
    return _detail(request, topic, screen_form=(decision, form), status=400)


@require_POST
def decide(request, pk):
    topic = get_for_action(request, DETAIL, TOPIC_WORKFLOW, ("approve", "decline"), pk=pk)
    decision = request.POST.get("decision", "")
    form = DecideForm(request.POST, decision=decision, auto_id=f"{decision}_%s")
    if form.is_valid() and run_service(
        form, lambda: screening.topic_decide(topic=topic, actor=request.user, **form.cleaned_data)
    ):
        messages.success(
            request, _("已%(action)s。") % {"action": eventtypes.label("topics", form.cleaned_data["decision"])}
        )
        return redirect("topics:detail", topic.pk)
    return _detail(request, topic, decide_form=form, status=400)


@require_POST
def urgent(request, pk):
    topic = get_for(request, DETAIL, "topics.set_urgent", pk=pk)
    form = UrgentForm(request.POST)
    form.is_valid()
    services.topic_set_urgent(
        topic=topic,
        actor=request.user,
        urgent=form.cleaned_data.get("urgent", False),
        note=form.cleaned_data.get("note", ""),
    )
    messages.success(request, _("已标记为急需协商。") if topic.urgent else _("已取消急需协商标记。"))
    return redirect("topics:detail", topic.pk)


@require_http_methods(["GET", "POST"])
def resubmit(request, pk):
    topic = get_for_action(request, DETAIL, TOPIC_WORKFLOW, "resubmit", pk=pk)
    initial = {"title": topic.title, "description": topic.description}
    form = ResubmitForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.topic_resubmit(topic=topic, actor=request.user, **form.cleaned_data)):
            messages.success(request, _("已补充并重新提交。"))
            return redirect("topics:detail", topic.pk)
    return render(request, "topics/resubmit.html", {"topic": topic, "form": form}, status=_status(form))


@require_GET
def photo(request, pk, photo):
    topic = get_for(request, Topic.objects.select_related("unit"), "topics.view_topic", pk=pk)
    return photo_response(get_object_or_404(TopicPhoto, pk=photo, topic=topic))


@require_http_methods(["GET", "POST"])
def import_sheet(request):
    _login(request)
    units = selectors.enterable_units(request.user, TopicSource.GRID)
    if not units.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    unit = units.filter(pk=form.cleaned_data["unit"]).first() if form.is_bound and form.is_valid() else None
    if form.is_bound and form.is_valid() and unit is None:
        form.add_error("unit", _("请从查找结果中选择可以录入议题的单元。"))
    if request.method == "POST" and form.is_valid():
        try:
            created = importing.topics_import(
                actor=request.user,
                unit=unit,
                upload=form.cleaned_data["file"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except importing.ImportRejected as exc:
            form.add_error("file", exc.message)
            errors = exc.errors
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已导入 %(n)d 个议题。") % {"n": len(created)})
            return redirect(reverse("topics:list") + "?source=grid")
    return render(
        request,
        "topics/import.html",
        {
            "form": form,
            "errors": errors,
            "columns": importing.COLUMNS,
            "max_rows": importing.MAX_ROWS,
            "unit_picker": _unit_picker(
                units, TopicSource.GRID, chosen=form["unit"].value(), errors=form.errors.get("unit", [])
            ),
        },
        status=_status(form),
    )


@require_GET
def import_template(request):
    _login(request)
    response = HttpResponse(
        importing.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, "议题批量录入模板.xlsx")
    return response


@require_GET
def mine(request):
    """The topics a person raised (a resident's 我的议题), newest first; each opens its whole story."""
    _login(request)
    page = paginate(request, selectors.topics_raised_by(request.user).select_related("merged_into"))
    stand = standings(page)  # one telling for the whole page
    for topic in page:
        topic.standing = stand[topic.pk]
    return render(request, "topics/mine.html", {"page": page})


@require_http_methods(["GET", "POST"])
def publicity(request, pk):
    """The county's office chooses which sources' open topics its public pages list."""
    county = get_for(request, Unit.objects.filter(kind=UnitKind.COUNTY), "topics.configure_publicity", pk=pk)
    current = selectors.publicity_of(county)
    form = PublicityForm(request.POST or None, initial={"shown": [s for s in TopicSource.values if current.shows(s)]})
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.publicity_save(actor=request.user, county=county, **form.cleaned_data)):
            messages.success(request, _("已保存议题公开范围。"))
            return redirect("topics:publicity", county.pk)
    return render(
        request,
        "topics/publicity.html",
        {"unit": county, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )

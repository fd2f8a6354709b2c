"""Disclosures (公示) inside the app: record an exercise, attach documents, publish, correct by a new version,
answer residents' comments. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.core.access import check_perm, get_for, get_for_action
from shangliang.core.events import timeline
from shangliang.core.forms import flash_errors, form_action, run_service
from shangliang.core.pagination import paginate
from shangliang.residents.unmasking import record_unmasking
from shangliang.units.selectors import ancestors
from shangliang.villageaffairs import selectors, services
from shangliang.villageaffairs.forms import (
    CorrectionForm,
    DisclosureEditForm,
    DisclosureForm,
    DocumentsForm,
    NoteForm,
    ReplyForm,
)
from shangliang.villageaffairs.models import (
    PUBLISHED_IS_FINAL,
    Disclosure,
    DisclosureDocument,
    DisclosureStatus,
    Feedback,
)
from shangliang.villageaffairs.views.main import UNITS, form_status
from shangliang.villageaffairs.workflow import DISCLOSURE_WORKFLOW

DISCLOSURES = Disclosure.objects.select_related("unit", "unit__county", "power_item", "created_by", "published_by")
FIELDS = ("power_item", "kind", "title", "content", "amount", "decided_on", "period_start", "period_end")


def disclosure_list(request, pk):
    unit = get_for(request, UNITS, "villageaffairs.view_village", pk=pk)
    status = request.GET.get("status", "")
    status = status if status in DisclosureStatus.values else ""
    query = (request.GET.get("q") or "").strip()[:50]
    return render(
        request,
        "villageaffairs/disclosure_list.html",
        {
            "unit": unit,
            "ancestors": ancestors(unit),
            "page": paginate(request, selectors.disclosures_of_unit(unit, status=status, query=query)),
            "statuses": DisclosureStatus.choices,
            "status": status,
            "query": query,
            "can_manage": selectors.is_village(unit) and request.user.has_perm("villageaffairs.manage_village", unit),
        },
    )


@require_http_methods(["GET", "POST"])
def disclosure_new(request, pk):
    unit = get_for(request, UNITS, "villageaffairs.manage_village", pk=pk)
    if not selectors.is_village(unit):
        raise Http404
    items = list(selectors.power_list_for(unit))
    form = DisclosureForm(request.POST or None, request.FILES or None, power_items=items)
    if request.method == "POST" and form.is_valid():
        disclosure = run_service(
            form,
            lambda: services.disclosure_create(
                actor=request.user,
                unit=unit,
                documents=form.cleaned_data["documents"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                **form.service_fields(),
            ),
        )
        if disclosure:
            messages.success(request, _("已保存为草稿，核对无误后发布公示。"))
            return redirect("villageaffairs:disclosure", disclosure.pk)
    return render(
        request,
        "villageaffairs/disclosure_form.html",
        {"unit": unit, "ancestors": ancestors(unit), "form": form, "title": _("登记权力事项并公示")},
        status=form_status(form),
    )


def disclosure_detail(request, pk):
    disclosure = get_for(request, DISCLOSURES, "villageaffairs.view_village", pk=pk)
    user = request.user
    can_manage = user.has_perm("villageaffairs.manage_village", disclosure)
    can_contact = user.has_perm("villageaffairs.view_contact", disclosure)
    feedback_page = paginate(request, selectors.feedback_of(disclosure), per_page=20)
    if can_contact:
        shown = sum(1 for f in feedback_page.object_list if f.mobile and not f.author_id)
        record_unmasking(request, disclosure, field="feedback.mobile", count=shown)
    return render(
        request,
        "villageaffairs/disclosure_detail.html",
        {
            "disclosure": disclosure,
            "unit": disclosure.unit,
            "ancestors": ancestors(disclosure.unit),
            "documents": list(disclosure.documents.all()),
            "versions": selectors.version_chain(disclosure),
            "feedback_page": feedback_page,
            "counts": selectors.feedback_counts(disclosure),
            "timeline": timeline(disclosure).order_by("-created_at", "-id")[:30],
            "can_manage": can_manage,
            "can_contact": can_contact,
            "actions": {t.action for t in DISCLOSURE_WORKFLOW.available(disclosure, user)},
            "documents_form": DocumentsForm(),
            "discard_form": NoteForm(),
            "reply_form": ReplyForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def disclosure_edit(request, pk):
    disclosure = get_for(request, DISCLOSURES, "villageaffairs.manage_village", pk=pk)
    if disclosure.status != DisclosureStatus.DRAFT:
        # Refused, whatever was posted: the published text stays as it is; a correction is a new version.
        return render(
            request,
            "villageaffairs/edit_refused.html",
            {
                "disclosure": disclosure,
                "unit": disclosure.unit,
                "ancestors": ancestors(disclosure.unit),
                "message": PUBLISHED_IS_FINAL,
            },
            status=409,
        )
    items = list(selectors.power_list_for(disclosure.unit))
    initial = {f: getattr(disclosure, f) for f in FIELDS}
    initial["power_item"] = disclosure.power_item_id
    form = DisclosureEditForm(request.POST or None, initial=initial, power_items=items)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.disclosure_update(actor=request.user, disclosure=disclosure, **form.service_fields()),
        ):
            messages.success(request, _("已保存。"))
            return redirect("villageaffairs:disclosure", disclosure.pk)
    return render(
        request,
        "villageaffairs/disclosure_form.html",
        {
            "unit": disclosure.unit,
            "ancestors": ancestors(disclosure.unit),
            "disclosure": disclosure,
            "form": form,
            "title": _("修改公示草稿"),
        },
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def disclosure_correct(request, pk):
    original = get_for(request, DISCLOSURES, "villageaffairs.manage_village", pk=pk)
    items = list(selectors.power_list_for(original.unit))
    initial = {f: getattr(original, f) for f in FIELDS}
    initial["power_item"] = original.power_item_id
    form = CorrectionForm(request.POST or None, request.FILES or None, initial=initial, power_items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        correction = run_service(
            form,
            lambda: services.disclosure_correct(
                actor=request.user,
                original=original,
                correction_reason=data["correction_reason"],
                documents=data["documents"],
                keep_documents=data["keep_documents"],
                **form.service_fields(),
            ),
        )
        if correction:
            messages.success(
                request, _("已起草第 %(n)d 版（更正），发布后原公示将标注为“已被更正”。") % {"n": correction.version}
            )
            return redirect("villageaffairs:disclosure", correction.pk)
    return render(
        request,
        "villageaffairs/disclosure_form.html",
        {
            "unit": original.unit,
            "ancestors": ancestors(original.unit),
            "disclosure": original,
            "form": form,
            "title": _("发布更正版本"),
            "correcting": True,
        },
        status=form_status(form),
    )


@require_POST
def disclosure_publish(request, pk):
    disclosure = get_for_action(request, DISCLOSURES, DISCLOSURE_WORKFLOW, "publish", pk=pk)
    services.disclosure_publish(actor=request.user, disclosure=disclosure)
    messages.success(request, _("已发布公示。"))
    return redirect("villageaffairs:disclosure", disclosure.pk)


@require_POST
def disclosure_discard(request, pk):
    disclosure = get_for_action(request, DISCLOSURES, DISCLOSURE_WORKFLOW, "discard", pk=pk)
    form = NoteForm(request.POST)
    form_action(
        request,
        form,
        lambda d: services.disclosure_discard(actor=request.user, disclosure=disclosure, **d),
        _("已作废该草稿。"),
    )
    return redirect("villageaffairs:disclosure", disclosure.pk)


@require_POST
def documents_add(request, pk):
    disclosure = get_for(request, DISCLOSURES, "villageaffairs.manage_village", pk=pk)
    form = DocumentsForm(request.POST, request.FILES)
    if form.is_valid():
        count = run_service(
            form,
            lambda: services.disclosure_attach(
                actor=request.user, disclosure=disclosure, documents=form.cleaned_data["documents"]
            ),
        )
        if count:
            messages.success(request, _("已上传 %(n)d 个附件。") % {"n": count})
    flash_errors(request, form)
    return redirect("villageaffairs:disclosure", disclosure.pk)


@require_POST
def document_delete(request, pk):
    document = get_object_or_404(DisclosureDocument.objects.select_related("disclosure__unit"), pk=pk)
    check_perm(request, "villageaffairs.manage_village", document.disclosure)
    services.disclosure_detach(actor=request.user, document=document)
    messages.success(request, _("已删除附件。"))
    return redirect("villageaffairs:disclosure", document.disclosure_id)


def document_download(request, pk):
    """A document of a published disclosure is public; of a draft, only for those who see the village."""
    document = get_object_or_404(DisclosureDocument.objects.select_related("disclosure__unit"), pk=pk)
    if not document.disclosure.is_public:
        check_perm(request, "villageaffairs.view_village", document.disclosure)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=document.kind != "image", filename=document.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def feedback_reply(request, pk):
    feedback = get_object_or_404(Feedback.objects.select_related("disclosure__unit"), pk=pk)
    check_perm(request, "villageaffairs.manage_village", feedback.disclosure)
    form = ReplyForm(request.POST)
    form_action(
        request, form, lambda d: services.feedback_reply(actor=request.user, feedback=feedback, **d), _("已答复。")
    )
    return redirect("villageaffairs:disclosure", feedback.disclosure_id)

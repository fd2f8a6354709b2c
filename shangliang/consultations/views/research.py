"""Research before consulting (商前调研) and door-to-door pre-consultation (上门协商), with their attachments."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shangliang.consultations import selectors, services
from shangliang.consultations.forms import ResearchForm, VisitForm
from shangliang.consultations.models import Attachment
from shangliang.consultations.views.common import load, status_of
from shangliang.core.access import check_perm
from shangliang.core.forms import run_service
from shangliang.units.selectors import ancestors


@require_http_methods(["GET", "POST"])
def research(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    participants = list(selectors.participants_of(c))
    research_form = ResearchForm(prefix="research")
    visit_form = VisitForm(prefix="visit", participants=participants)
    if request.method == "POST":
        if request.POST.get("what") == "visit":
            visit_form = VisitForm(request.POST, request.FILES, prefix="visit", participants=participants)
            if visit_form.is_valid():
                d = visit_form.cleaned_data
                if run_service(
                    visit_form,
                    lambda: services.visit_add(
                        actor=request.user,
                        consultation=c,
                        party=d["party"],
                        visited_on=d["visited_on"],
                        views=d["views"],
                        agreed=d["agreed"],
                        participant_id=d["participant"],
                        files=d["files"],
                    ),
                ):
                    messages.success(request, _("已记录上门协商。"))
                    return redirect("consultations:research", c.pk)
        else:
            research_form = ResearchForm(request.POST, request.FILES, prefix="research")
            if research_form.is_valid():
                d = research_form.cleaned_data
                if run_service(
                    research_form,
                    lambda: services.research_add(
                        actor=request.user,
                        consultation=c,
                        kind=d["kind"],
                        title=d["title"],
                        text=d["text"],
                        done_on=d["done_on"],
                        files=d["files"],
                    ),
                ):
                    messages.success(request, _("已记录商前调研。"))
                    return redirect("consultations:research", c.pk)
    return render(
        request,
        "consultations/research.html",
        {
            "c": c,
            "unit": c.unit,
            "ancestors": ancestors(c.unit),
            "research": list(c.research.select_related("recorded_by").prefetch_related("attachments")),
            "visits": list(c.visits.select_related("participant").prefetch_related("attachments")),
            "research_form": research_form,
            "visit_form": visit_form,
        },
        status=status_of(research_form, visit_form),
    )


@require_GET
def attachment(request, pk):
    item = get_object_or_404(Attachment.objects.select_related("consultation__unit"), pk=pk)
    check_perm(request, "consultations.view_record", item.consultation)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not item.content_type.startswith("image/"), filename=item.original_name
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response

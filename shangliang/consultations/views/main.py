"""The list, opening a consultation on approved topics, its page (steps, timeline), editing, opening, cancelling,
reconvening."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.consultations import selectors, services
from shangliang.consultations.forms import EditForm, FilterForm, NoteForm
from shangliang.consultations.models import ConsultationStatus, InvitationStatus
from shangliang.consultations.representation import composition
from shangliang.consultations.views.common import load, status_of
from shangliang.consultations.workflow import CONSULTATION_WORKFLOW
from shangliang.core.access import LoginRequired, get_for
from shangliang.core.events import timeline
from shangliang.core.forms import form_action, id_from, ids_from, run_service
from shangliang.core.pagination import paginate
from shangliang.topics.models import Topic
from shangliang.units.models import Room, Unit
from shangliang.units.selectors import ancestors

S = ConsultationStatus


@require_GET
def index(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    filters = FilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    unit = None
    if request.GET.get("unit"):
        unit = get_for(request, Unit, "units.view_unit", pk=id_from(request.GET, "unit"))
    rows = selectors.consultation_list(
        request.user, unit=unit, status=data.get("status", ""), form=data.get("form", "")
    )
    invitations = list(selectors.my_invitations(request.user)[:5])
    return render(
        request,
        "consultations/index.html",
        {"page": paginate(request, rows), "filters": filters, "unit": unit, "invitations": invitations},
    )


@require_GET
def mine(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    return render(
        request, "consultations/mine.html", {"page": paginate(request, selectors.my_invitations(request.user))}
    )


def _topics_and_rooms(unit, include=()):
    return list(selectors.approved_topics_for(unit, include=include)[:100]), list(Room.objects.filter(unit=unit))


@require_http_methods(["GET", "POST"])
def create(request, unit_pk):
    unit = get_for(request, Unit.objects.select_related("county"), "consultations.create_consultation", pk=unit_pk)
    topics, rooms = _topics_and_rooms(unit)
    initial = {"topics": ids_from(request.GET, "topic")}
    form = EditForm(request.POST or None, topics=topics, rooms=rooms, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(Topic.objects.filter(pk__in=data["topics"]))
        room = next((r for r in rooms if r.pk == data["room"]), None)
        c = run_service(
            form,
            lambda: services.consultation_create(
                actor=request.user,
                unit=unit,
                topics=chosen,
                form=data["form"],
                title=data["title"],
                room=room,
                location=data["location"],
            ),
        )
        if c:
            messages.success(request, _("已创建协商，下一步：挑选参加人员。"))
            return redirect("consultations:participants", c.pk)
    return render(
        request,
        "consultations/edit.html",
        {"form": form, "unit": unit, "ancestors": ancestors(unit), "title": _("发起协商"), "has_topics": bool(topics)},
        status=status_of(form),
    )


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    current = list(c.topics.all())
    topics, rooms = _topics_and_rooms(c.unit, include=current)
    form = EditForm(
        request.POST or None,
        topics=topics,
        rooms=rooms,
        initial={
            "topics": [t.pk for t in current],
            "form": c.form,
            "title": c.title,
            "room": c.room_id,
            "location": c.location,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(Topic.objects.filter(pk__in=data["topics"]))
        room = next((r for r in rooms if r.pk == data["room"]), None)
        if run_service(
            form,
            lambda: services.consultation_update(
                actor=request.user,
                consultation=c,
                topics=chosen,
                form=data["form"],
                title=data["title"] or c.title,
                room=room,
                location=data["location"],
            ),
        ):
            messages.success(request, _("已保存。"))
            return redirect("consultations:detail", c.pk)
    return render(
        request,
        "consultations/edit.html",
        {
            "form": form,
            "unit": c.unit,
            "consultation": c,
            "ancestors": ancestors(c.unit),
            "title": _("修改协商信息"),
            "has_topics": True,
        },
        status=status_of(form),
    )


@require_GET
def detail(request, pk):
    c = load(request, pk)
    user = request.user
    can_run = user.has_perm("consultations.run_consultation", c)
    if not user.has_perm("consultations.view_record", c):
        return redirect("consultations:take_part", c.pk)  # a participant from elsewhere: their own page
    participants = list(selectors.participants_of(c))
    comp = composition(c)
    events = timeline(c).order_by("-created_at", "-id")[:50]
    return render(
        request,
        "consultations/detail.html",
        {
            "c": c,
            "unit": c.unit,
            "ancestors": ancestors(c.unit),
            "topics": list(c.topics.all()),
            "participants": participants,
            "declined": sum(p.status == InvitationStatus.DECLINED for p in participants),
            "present": sum(p.signed_in_at is not None for p in participants),
            "comp": comp,
            "research": list(c.research.prefetch_related("attachments")),
            "visits": list(c.visits.prefetch_related("attachments")),
            "tallies": selectors.suggestion_tallies(c, include_withdrawn=False),
            "submission": getattr(c, "submission", None) if hasattr(c, "submission") else None,
            "reconvened_as": getattr(c, "reconvened_as", None) if hasattr(c, "reconvened_as") else None,
            "can_run": can_run,
            "can_ack": user.has_perm("consultations.acknowledge_results", c),
            "is_participant": user.has_perm("consultations.take_part", c),
            "actions": {t.action for t in CONSULTATION_WORKFLOW.available(c, user)},
            "timeline": events,
            "note_form": NoteForm(),
        },
    )


@require_POST
def open_session(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    services.consultation_open(actor=request.user, consultation=c)
    messages.success(request, _("协商已开始。") if c.in_person else _("已开始征求意见。"))
    return redirect("consultations:meeting", c.pk)


@require_POST
def cancel(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    form = NoteForm(request.POST)
    if form_action(
        request, form, lambda d: services.consultation_cancel(actor=request.user, consultation=c, note=d["note"])
    ):
        messages.success(request, _("协商已取消。"))
    return redirect("consultations:detail", c.pk)


@require_POST
def reconvene(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    new = services.consultation_reconvene(actor=request.user, consultation=c)
    messages.success(
        request, _("已发起再次协商（第 %(n)d 次再议），参加人员名单已沿用，请核对。") % {"n": new.reconvene_count}
    )
    return redirect("consultations:participants", new.pk)

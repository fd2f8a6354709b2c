"""The convenor's and staff's pages of an online room: open one for a consultation, its settings, opening and
closing, seeding and moderating statements, pulling a statement into the suggestion list, asking for a new analysis,
import and export in the Pol.is CSV format. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.consultations.models import Consultation
from shangliang.core import clock, eventtypes
from shangliang.core.access import check_action, get_for, get_for_action
from shangliang.core.errors import DomainError
from shangliang.core.forms import flash_errors, run_service
from shangliang.online import selectors, services
from shangliang.online.forms import ImportForm, ModerateForm, RoomForm, SeedForm
from shangliang.online.models import OnlineRoom, RoomStatus, Statement, StatementStatus
from shangliang.online.services import polis
from shangliang.online.workflow import ROOM_WORKFLOW, STATEMENT_WORKFLOW
from shangliang.units.selectors import ancestors

ROOM = selectors.ROOMS


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _manage(room: OnlineRoom, anchor: str = ""):
    response = redirect("online:manage", room.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _attempt(request, fn, success: str | None = None) -> bool:
    """Run a service for a small POST on the room's page: a refusal becomes an error message."""
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


def _room_fields(data: dict) -> dict:
    return {k: data[k] for k in ("question", "description", "moderation", "allow_statements", "opens_at", "closes_at")}


@require_http_methods(["GET", "POST"])
def create(request, consultation_pk):
    c = get_for(request, Consultation.objects.select_related("unit"), "online.create_room", pk=consultation_pk)
    existing = OnlineRoom.objects.filter(consultation=c).first()
    if existing is not None:
        return _manage(existing)
    form = RoomForm(
        request.POST or None,
        initial={
            "question": c.title,
            "opens_at": c.online_opens_at and timezone.localtime(c.online_opens_at),
            "closes_at": c.online_closes_at and timezone.localtime(c.online_closes_at),
        },
    )
    if request.method == "POST" and form.is_valid():
        room = run_service(
            form, lambda: services.room_create(actor=request.user, consultation=c, **_room_fields(form.cleaned_data))
        )
        if room:
            messages.success(request, _("已开设网上协商议事室，下一步：预设观点，然后开放。"))
            return _manage(room, "seed")
    return render(
        request,
        "online/edit.html",
        {"form": form, "c": c, "unit": c.unit, "ancestors": ancestors(c.unit), "title": _("开设网上协商议事室")},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    room = get_for(request, ROOM, "online.run_room", pk=pk)
    c = room.consultation
    initial = {
        "question": room.question,
        "description": room.description,
        "moderation": room.moderation,
        "allow_statements": room.allow_statements,
        "opens_at": room.opens_at and timezone.localtime(room.opens_at),
        "closes_at": room.closes_at and timezone.localtime(room.closes_at),
    }
    form = RoomForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: services.room_update(actor=request.user, room=room, **_room_fields(form.cleaned_data))
        )
        if done:
            messages.success(request, _("已保存。"))
            return _manage(room)
    return render(
        request,
        "online/edit.html",
        {
            "form": form,
            "c": c,
            "room": room,
            "unit": c.unit,
            "ancestors": ancestors(c.unit),
            "title": _("修改网上协商议事室"),
        },
        status=_status(form),
    )


@require_GET
def manage(request, pk):
    room = get_for(request, ROOM, "online.view_room", pk=pk)
    user = request.user
    can_run = user.has_perm("online.run_room", room)
    can_moderate = user.has_perm("online.moderate_statement", room)
    statements = list(selectors.statements_for_moderation(room))
    for s in statements:
        s.room = room  # the moderation buttons' permission checks need the room, not a query per row
        s.actions = [t.action for t in STATEMENT_WORKFLOW.available(s, user)] if can_moderate else []
    return render(
        request,
        "online/manage.html",
        {
            "room": room,
            "c": room.consultation,
            "unit": room.unit,
            "ancestors": ancestors(room.unit),
            "counts": selectors.room_counts(room),
            "run": selectors.latest_run(
                room, "created_at", "n_votes", "n_participants", "n_analysed", "n_statements", "k", "seconds"
            ),
            "statements": statements,
            "pending": [s for s in statements if s.status == StatementStatus.PENDING],
            "can_run": can_run,
            "can_moderate": can_moderate,
            "can_export": user.has_perm("online.export_room", room),
            "actions": {t.action for t in ROOM_WORKFLOW.available(room, user)},
            "seed_form": SeedForm(auto_id="seed_%s"),
            "timeline": selectors.room_timeline(room),
            "statuses": dict(StatementStatus.choices),
            "is_draft": room.status == RoomStatus.DRAFT,
            "live_marker": selectors.live_marker(room),
        },
    )


@require_POST
def transition(request, pk):
    room = get_for_action(request, ROOM, ROOM_WORKFLOW, ("open", "close"), pk=pk)
    action = request.POST.get("action", "")
    if action == "open":
        _attempt(request, lambda: services.room_open(actor=request.user, room=room), _("网上协商已开放。"))
    elif action == "close":
        _attempt(request, lambda: services.room_close(actor=request.user, room=room), _("网上协商已结束。"))
    else:
        messages.error(request, _("未知操作。"))
    return _manage(room)


@require_POST
def seed(request, pk):
    room = get_for(request, ROOM, "online.run_room", pk=pk)
    form = SeedForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form)
    else:
        _attempt(
            request,
            lambda: services.statement_seed(
                actor=request.user,
                room=room,
                text=form.cleaned_data["text"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            ),
            _("已预设观点。"),
        )
    return _manage(room, "seed")


def _statement(room: OnlineRoom, statement_pk) -> Statement:
    """A statement of this room (a forged id of another room's statement is a 404)."""
    statement = get_object_or_404(Statement, pk=statement_pk, room=room)
    statement.room = room
    return statement


@require_POST
def moderate(request, pk, statement_pk):
    room = get_for(request, ROOM, "online.view_room", pk=pk)
    statement = _statement(room, statement_pk)
    check_action(request, statement, STATEMENT_WORKFLOW, STATEMENT_WORKFLOW.actions())
    form = ModerateForm(request.POST)
    form.is_valid()
    action = form.cleaned_data.get("action", "")
    _attempt(
        request,
        lambda: services.statement_moderate(
            actor=request.user, statement=statement, action=action, note=form.cleaned_data.get("note", "")
        ),
        _("已%(action)s：%(text)s") % {"action": eventtypes.label("online", action), "text": statement.text[:30]},
    )
    return _manage(room, "statements")


@require_POST
def pull(request, pk, statement_pk):
    room = get_for(request, ROOM, "online.run_room", pk=pk)
    statement = _statement(room, statement_pk)
    _attempt(
        request,
        lambda: services.statement_pull(actor=request.user, statement=statement),
        _("已纳入协商意见建议清单：%(text)s") % {"text": statement.text[:30]},
    )
    back = request.POST.get("back", "")
    if back == "results":
        return redirect(reverse("online:results", args=[room.pk]) + "#common-ground")
    return _manage(room, "statements")


@require_POST
def reanalyse(request, pk):
    room = get_for(request, ROOM, "online.run_room", pk=pk)
    _attempt(
        request,
        lambda: services.analysis_request(actor=request.user, room=room),
        _("已请求重新分析，结果将在后台算好后更新。"),
    )
    return _manage(room)


@require_GET
def export(request, pk):
    room = get_for(request, ROOM, "online.export_room", pk=pk)
    response = HttpResponse(polis.export_zip(room), content_type="application/zip")
    filename = f"online-room-{room.pk}-polis-{clock.today():%Y%m%d}.zip"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_http_methods(["GET", "POST"])
def import_view(request, pk):
    """Upload an export; the answer is the import report (what came in, and every line left out or corrected)."""
    room = get_for(request, ROOM, "online.run_room", pk=pk)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    errors: list[str] = []
    summary = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with tempfile.TemporaryDirectory() as folder:
                polis.unpack_upload(
                    Path(folder),
                    archive=data["archive"],
                    votes=data["votes"],
                    comments=data["comments"],
                    wide=data["wide"],
                )
                checked = polis.read_export(folder)
            summary = polis.import_into_room(actor=request.user, room=room, export=checked)
        except polis.ImportRejected as exc:
            form.add_error(None, exc.message)
            errors = exc.errors
            status = 400
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            if not summary.warning_count:
                messages.success(request, _import_message(summary))
                return _manage(room)
    return render(
        request,
        "online/import.html",
        {
            "form": form,
            "room": room,
            "c": room.consultation,
            "unit": room.unit,
            "errors": errors,
            "summary": summary,
            "imported": _import_message(summary) if summary else "",
        },
        status=status,
    )


def _import_message(summary: polis.ImportSummary) -> str:
    return _("已导入 %(s)d 条观点、%(p)d 位参与者、%(v)d 次表态；分析将在后台完成。") % {
        "s": summary.statements,
        "p": summary.participants,
        "v": summary.votes,
    }

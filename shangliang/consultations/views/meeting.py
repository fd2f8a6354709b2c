"""Scheduling (invitations, .ics), the meeting's QR code, and the meeting page the convenor runs: sign-in list,
agenda segments, minutes, opinions and the suggestion list."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.consultations import exports, selectors, services
from shangliang.consultations.forms import (
    MinutesForm,
    NotesForm,
    OpinionForm,
    ScheduleForm,
    SegmentForm,
    SuggestionForm,
    VoteForm,
)
from shangliang.consultations.models import ConsultationStatus, InvitationStatus
from shangliang.consultations.views.common import DETAIL, acting_participant, back, load, status_of
from shangliang.core.access import check_perm
from shangliang.core.forms import form_action, run_service
from shangliang.core.links import absolute_url
from shangliang.units.models import Room
from shangliang.units.selectors import ancestors

S = ConsultationStatus


@require_http_methods(["GET", "POST"])
def schedule(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    rescheduling = c.status == S.SCHEDULED
    rooms = list(Room.objects.filter(unit=c.unit))
    initial = {
        k: getattr(c, k)
        for k in ("planned_start", "planned_end", "written_deadline", "online_opens_at", "online_closes_at", "location")
    }
    initial["room"] = c.room_id
    form = ScheduleForm(request.POST or None, consultation=c, rooms=rooms, rescheduling=rescheduling, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d["room"] = next((r for r in rooms if r.pk == d.get("room")), None)
        if rescheduling:
            done = run_service(form, lambda: services.consultation_reschedule(actor=request.user, consultation=c, **d))
            text = _("已调整时间地点，并通知了参加人员。")
        else:
            done = run_service(form, lambda: services.consultation_schedule(actor=request.user, consultation=c, **d))
            text = _("已安排协商，邀请已发出。")
        if done:
            messages.success(request, text)
            return redirect("consultations:detail", c.pk)
    return render(
        request,
        "consultations/schedule.html",
        {"c": c, "unit": c.unit, "ancestors": ancestors(c.unit), "form": form, "rescheduling": rescheduling},
        status=status_of(form),
    )


@require_GET
def ics(request, pk):
    """The calendar file: for those who may see the consultation, and for a participant on their own link."""
    c = get_object_or_404(DETAIL, pk=pk)
    participant, _token = acting_participant(request, c)
    if participant is None:
        check_perm(request, "consultations.view_consultation", c)
    response = HttpResponse(exports.ics_bytes(c, participant=participant), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"协商-{c.pk}.ics")
    return response


def signin_url(request, c) -> str:
    return absolute_url(reverse("consultations:signin", args=[c.signin_code]), request)


@require_GET
def qr(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    out = io.BytesIO()
    # A standalone SVG document (with its namespace): an <img> does not render segno's inline fragment.
    segno.make(signin_url(request, c), error="m").save(out, kind="svg", scale=6, border=2, dark="#1f1f1f")
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _meeting_context(request, c):
    participants = list(selectors.participants_of(c))
    present = [p for p in participants if p.signed_in_at]
    voters = (
        present
        if c.in_person
        else [p for p in participants if p.status in (InvitationStatus.INVITED, InvitationStatus.CONFIRMED)]
    )
    return {
        "c": c,
        "unit": c.unit,
        "ancestors": ancestors(c.unit),
        "participants": participants,
        "counts": selectors.sign_in_counts(c),
        "agenda": list(c.agenda.select_related("speaker")),
        "minutes": getattr(c, "minutes", None) if hasattr(c, "minutes") else None,
        "opinions": list(c.opinions.select_related("participant", "recorded_by").order_by("id")),
        "tallies": selectors.suggestion_tallies(c),
        "signin_url": signin_url(request, c),
        "segment_form": SegmentForm(participants=participants),
        "minutes_form": MinutesForm(initial={"text": c.minutes.text} if hasattr(c, "minutes") else None),
        "opinion_form": OpinionForm(participants=voters),
        "suggestion_form": SuggestionForm(),
        "vote_form": VoteForm(),
        "voters": voters,
        "live": c.status == S.IN_SESSION,
    }


@require_GET
def meeting(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    return render(request, "consultations/meeting.html", _meeting_context(request, c))


@require_GET
def signin_list(request, pk):
    """htmx: the sign-in list refreshes itself while participants scan the code (two queries)."""
    c = load(request, pk, "consultations.run_consultation")
    context = {
        "c": c,
        "participants": list(selectors.participants_of(c)),
        "counts": selectors.sign_in_counts(c),
        "live": c.status == S.IN_SESSION,
    }
    return render(request, "consultations/_signin_list.html", context)


@require_POST
def tick(request, pk, participant_pk):
    c = load(request, pk, "consultations.run_consultation")
    p, already = services.sign_in_by_convenor(actor=request.user, consultation=c, participant_id=participant_pk)
    if already:
        messages.info(request, _("%(name)s 已签到，无需重复签到。") % {"name": p.name})
    else:
        messages.success(request, _("%(name)s 已签到。") % {"name": p.name})
    return back(c, "consultations:meeting", "signin")


@require_POST
def segment_add(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    form = SegmentForm(request.POST, participants=list(selectors.participants_of(c)))
    form_action(
        request,
        form,
        lambda d: services.segment_add(
            actor=request.user,
            consultation=c,
            kind=d["kind"],
            title=d["title"],
            speaker_id=d["speaker"],
            idempotency_key=d["idempotency_key"],
        ),
        _("已增加议程。"),
    )
    return back(c, "consultations:meeting", "agenda")


@require_POST
def segment_start(request, pk, segment_pk):
    c = load(request, pk, "consultations.run_consultation")
    services.segment_start(actor=request.user, consultation=c, segment_id=segment_pk)
    return back(c, "consultations:meeting", "agenda")


@require_POST
def segment_notes(request, pk, segment_pk):
    c = load(request, pk, "consultations.run_consultation")
    form_action(
        request,
        NotesForm(request.POST),
        lambda d: services.segment_notes(actor=request.user, consultation=c, segment_id=segment_pk, notes=d["notes"]),
        _("已保存议程记录。"),
    )
    return back(c, "consultations:meeting", "agenda")


@require_POST
def minutes(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    form_action(
        request,
        MinutesForm(request.POST),
        lambda d: services.minutes_save(actor=request.user, consultation=c, text=d["text"]),
        _("已保存会议记录。"),
    )
    return back(c, "consultations:meeting", "minutes")


@require_POST
def opinion(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    form = OpinionForm(request.POST, participants=list(selectors.participants_of(c)))
    form_action(
        request,
        form,
        lambda d: services.opinion_record(
            actor=request.user, consultation=c, participant_id=d["participant"], text=d["text"]
        ),
        _("已记录意见。"),
    )
    return back(c, "consultations:meeting", "opinions")


@require_POST
def suggestion_add(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    form_action(
        request,
        SuggestionForm(request.POST),
        lambda d: services.suggestion_add(actor=request.user, consultation=c, text=d["text"]),
        _("已加入建议清单。"),
    )
    return back(c, "consultations:meeting", "suggestions")


@require_POST
def suggestion_withdraw(request, pk, suggestion_pk):
    c = load(request, pk, "consultations.run_consultation")
    services.suggestion_withdraw(actor=request.user, consultation=c, suggestion_id=suggestion_pk)
    messages.success(request, _("已撤回该建议。"))
    return back(c, "consultations:meeting", "suggestions")


@require_POST
def vote_for(request, pk, suggestion_pk):
    """The convenor records a present participant's position (a show of hands, someone without a phone)."""
    c = load(request, pk, "consultations.run_consultation")
    form = VoteForm(request.POST)
    participant_id = request.POST.get("participant")
    form_action(
        request,
        form,
        lambda d: services.suggestion_vote(
            actor=request.user,
            consultation=c,
            suggestion_id=suggestion_pk,
            participant_id=participant_id,
            choice=d["choice"],
            dissent=d["dissent"],
        ),
        _("已记录表决。"),
    )
    return back(c, "consultations:meeting", "suggestions")

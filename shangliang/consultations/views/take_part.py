"""A participant's own pages (phone first): the invitation, confirm or decline, sign in by the meeting's QR code,
their opinion and their votes on the suggestion list. Only their own row, ever."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.consultations import selectors, services
from shangliang.consultations.forms import OwnOpinionForm, RespondForm, VoteForm
from shangliang.consultations.models import Consultation, ConsultationStatus, Opinion, Participant
from shangliang.consultations.views.common import DETAIL, acting_participant, remember_token
from shangliang.core import clock
from shangliang.core.forms import form_action

S = ConsultationStatus


def _participant_or_403(request, pk):
    c = get_object_or_404(DETAIL, pk=pk)
    participant, token = acting_participant(request, c)
    if participant is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path()), None, None
        raise PermissionDenied
    return c, participant, token


def take_part(request, pk):
    c, participant, token = _participant_or_403(request, pk)
    if participant is None:
        return c  # the login redirect
    tallies = selectors.suggestion_tallies(c, include_withdrawn=False) if c.status == S.IN_SESSION else []
    mine = selectors.my_votes(participant)
    opinion = Opinion.objects.filter(participant=participant).first()
    close = c.contributions_close_at
    deadline_passed = close is not None and clock.now() > close
    return render(
        request,
        "consultations/take_part.html",
        {
            "c": c,
            "p": participant,
            "topics": list(c.topics.all()),
            "agenda": list(c.agenda.select_related("speaker")) if c.in_person else [],
            "rows": [(t, mine.get(t.suggestion.pk)) for t in tallies],
            "opinion": opinion,
            "opinion_form": OwnOpinionForm(initial={"text": opinion.text} if opinion else None),
            "respond_form": RespondForm(),
            "vote_form": VoteForm(),
            "can_contribute": c.status == S.IN_SESSION
            and (participant.signed_in_at or not c.in_person)
            and not deadline_passed,
            "deadline_passed": deadline_passed,
            "now": clock.now(),
        },
    )


@require_POST
def respond(request, pk):
    c, participant, token = _participant_or_403(request, pk)
    if participant is None:
        return c
    accept = request.POST.get("answer") == "confirm"
    if form_action(
        request,
        RespondForm(request.POST),
        lambda d: services.participant_respond(
            actor=request.user, participant=participant, accept=accept, reason=d["reason"], token=token
        ),
    ):
        messages.success(request, _("已确认参加，谢谢。") if accept else _("已婉拒，召集人会收到通知。"))
    return redirect("consultations:take_part", c.pk)


@require_POST
def own_opinion(request, pk):
    c, participant, token = _participant_or_403(request, pk)
    if participant is None:
        return c
    form_action(
        request,
        OwnOpinionForm(request.POST),
        lambda d: services.opinion_record(
            actor=request.user, consultation=c, participant_id=participant.pk, text=d["text"], token=token
        ),
        _("您的意见已记录。"),
    )
    return redirect("consultations:take_part", c.pk)


@require_POST
def own_vote(request, pk, suggestion_pk):
    c, participant, token = _participant_or_403(request, pk)
    if participant is None:
        return c
    form_action(
        request,
        VoteForm(request.POST),
        lambda d: services.suggestion_vote(
            actor=request.user,
            consultation=c,
            suggestion_id=suggestion_pk,
            participant_id=participant.pk,
            choice=d["choice"],
            dissent=d["dissent"],
            token=token,
        ),
        _("已记录您的表决。"),
    )
    response = redirect("consultations:take_part", c.pk)
    response["Location"] += f"#suggestion-{suggestion_pk}"
    return response


@require_http_methods(["GET", "POST"])
def signin(request, code):
    """The meeting's QR code lands here. GET shows who would sign in; POST signs in (idempotent)."""
    c = Consultation.objects.select_related("unit", "room").filter(signin_code=code).first()
    if c is None:
        raise Http404
    participant, token = acting_participant(request, c)
    if participant is None and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        p, already = services.sign_in_by_code(actor=request.user, code=code, token=token)
        when = timezone.localtime(p.signed_in_at).strftime("%H:%M")
        if already:
            messages.info(request, _("您已于 %(when)s 签到，无需重复签到。") % {"when": when})
        else:
            messages.success(request, _("签到成功（%(when)s），欢迎参加。") % {"when": when})
        return redirect("consultations:take_part", c.pk)
    return render(request, "consultations/signin.html", {"c": c, "p": participant})


def invitation(request, token):
    """The personal link of someone without an account: this browser may act for them on this consultation."""
    participant = Participant.objects.select_related("consultation").filter(token=token).first()
    if participant is None:
        raise Http404
    if participant.user_id is not None:
        # People with an account use it: the link only takes them to their page (after logging in).
        return redirect("consultations:take_part", participant.consultation_id)
    remember_token(request, participant)
    return redirect("consultations:take_part", participant.consultation_id)

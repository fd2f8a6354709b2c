"""The meeting on paper and on the wall: the A4 sign-in sheet and agenda (each with a QR code back to the live page)
and the projection view of the sign-in QR code, with the number signed in so far."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shangliang.consultations import selectors
from shangliang.consultations.models import ConsultationStatus, InvitationStatus
from shangliang.consultations.views.common import load
from shangliang.core.links import absolute_url
from shangliang.core.printing import print_context

RUN = "consultations.run_consultation"


def _signin_path(c) -> str:
    return reverse("consultations:signin", args=[c.signin_code])


@require_GET
def signin_sheet(request, pk):
    """签到表: every invited participant with a column to sign by hand; the QR code signs in from a phone."""
    c = load(request, pk, RUN)
    participants = [p for p in selectors.participants_of(c) if p.status != InvitationStatus.DECLINED]
    return render(
        request,
        "consultations/print_signin.html",
        print_context(
            request,
            unit=c.unit,
            live_path=_signin_path(c),
            back_path=reverse("consultations:meeting", args=[c.pk]),
            qr_title=str(_("签到二维码")),
            c=c,
            participants=participants,
            blank_rows=range(max(3, 12 - len(participants) % 12)),
        ),
    )


@require_GET
def agenda_sheet(request, pk):
    """议程: the segments in order with their speakers; the QR code opens a participant's page (agenda, opinion,
    votes)."""
    c = load(request, pk, RUN)
    return render(
        request,
        "consultations/print_agenda.html",
        print_context(
            request,
            unit=c.unit,
            live_path=reverse("consultations:take_part", args=[c.pk]),
            back_path=reverse("consultations:meeting", args=[c.pk]),
            qr_title=str(_("参加人员页面")),
            c=c,
            topics=list(c.topics.all()),
            agenda=list(c.agenda.select_related("speaker")),
        ),
    )


@require_GET
def projection(request, pk):
    """The sign-in QR code full screen, for the projector in the meeting room; the count refreshes itself."""
    c = load(request, pk, RUN)
    return render(
        request,
        "consultations/projection.html",
        {
            "c": c,
            "unit": c.unit,
            "url": absolute_url(_signin_path(c), request),
            "counts": selectors.sign_in_counts(c),
            "live": c.status == ConsultationStatus.IN_SESSION,
        },
    )


@require_GET
def projection_count(request, pk):
    c = load(request, pk, RUN)
    return render(
        request,
        "consultations/_projection_count.html",
        {"c": c, "counts": selectors.sign_in_counts(c), "live": c.status == ConsultationStatus.IN_SESSION},
    )

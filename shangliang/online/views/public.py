"""The participants' pages, phone first, no account needed: the room with its vote card (one statement at a time,
as the engine's priority picks it), adding a statement, proving a mobile number by SMS code, and the results.

A participant is the logged-in account, or the mobile number verified in this browser's session. Nothing here runs
the analysis: results come from the latest stored run.
"""

from __future__ import annotations

import io
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shangliang.core.errors import DomainError
from shangliang.core.links import absolute_url, local_next
from shangliang.core.ratelimit import RateLimited
from shangliang.online import selectors, services
from shangliang.online.forms import StatementForm, VoteForm
from shangliang.online.models import ModerationMode, OnlineParticipant, OnlineRoom, RoomStatus
from shangliang.residents.views import verify_url
from shangliang.residents.visitor import VerifiedMobile

LIVE_POLL_SECONDS = 60  # the fallback poll where server-sent events do not get through


def _room(request, pk, *, rooms=selectors.ROOMS) -> OnlineRoom:
    """A room anyone may open (open or closed); one being prepared only for who sees it inside the app.

    The vote card's requests (`card`, `vote`) read the room alone (`rooms=OnlineRoom.objects`): the card shows
    nothing of its consultation or unit, and these are a busy room's most frequent requests."""
    room = get_object_or_404(rooms, pk=pk)
    if not room.is_public and not request.user.has_perm("online.view_room", room):
        raise Http404(_("该网上协商议事室尚未开放。"))
    return room


def _mobile(request) -> VerifiedMobile | None:
    return request.visitor.mobile


def _identified(request) -> bool:
    return request.user.is_authenticated or _mobile(request) is not None


def _participant(request, room: OnlineRoom) -> OnlineParticipant | None:
    """The visitor's participant row in this room (written with their first vote or statement), if any."""
    if request.user.is_authenticated:
        lookup = {"user": request.user}
    else:
        mobile = _mobile(request)
        if mobile is None:
            return None
        lookup = {"mobile_hash": mobile.mobile_hash}
    found = OnlineParticipant.objects.filter(room=room, **lookup).first()
    if found is not None:
        found.room = room
    return found


def _who(request) -> str:
    if request.user.is_authenticated:
        return request.user.display_name
    mobile = _mobile(request)
    return mobile.masked if mobile else ""


def _card_context(request, room, participant, *, error: str = "") -> dict:
    return {
        "room": room,
        "card": selectors.next_card(room, participant),
        "identified": _identified(request),
        "accepting": room.accepting(),
        "error": error,
    }


def _page(request, room, *, participant=None, statement_form=None, error: str = "", status: int = 200):
    context = _card_context(request, room, participant, error=error)
    context.update(
        {
            "c": room.consultation,
            "unit": room.unit,
            "statement_form": statement_form or StatementForm(),
            "who": _who(request),
            "can_manage": request.user.has_perm("online.view_room", room),
        }
    )
    return render(request, "online/room.html", context, status=status)


@require_GET
def room_page(request, pk):
    room = _room(request, pk)
    return _page(request, room, participant=_participant(request, room))


@require_GET
def card(request, pk):
    """htmx: the next vote card."""
    room = _room(request, pk, rooms=OnlineRoom.objects)
    return render(request, "online/_card.html", _card_context(request, room, _participant(request, room)))


def _verify_url(room: OnlineRoom) -> str:
    return reverse("online:verify", args=[room.pk]) + "?next=" + reverse("online:room", args=[room.pk])


@require_POST
def vote(request, pk):
    room = _room(request, pk, rooms=OnlineRoom.objects)
    if not _identified(request):
        messages.info(request, _("请先验证手机号（或登录），再参与表态。"))
        return redirect(_verify_url(room))
    form = VoteForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        # the participant row is written with the vote: a refused vote leaves none behind
        cast = services.vote_by(
            room=room,
            user=request.user,
            mobile=_mobile(request),
            statement_id=data.get("statement"),
            value=data.get("value"),
        )
    except RateLimited:
        if not request.htmx:  # the one "too many" page; htmx swaps only 2xx answers, so the card says it
            raise
        context = _card_context(request, room, _participant(request, room), error=_("表态过于频繁，请稍后再试。"))
        return render(request, "online/_card.html", context)
    except DomainError as exc:
        if request.htmx:  # htmx swaps only 2xx answers: the card comes back with the message in it
            context = _card_context(request, room, _participant(request, room), error=exc.message)
            return render(request, "online/_card.html", context)
        return _page(request, room, participant=_participant(request, room), error=exc.message, status=exc.status_code)
    # the participant sees their own vote counted at once; the groups follow with the next analysis
    if request.htmx:
        context = _card_context(request, room, cast.participant)
        context["counted"] = cast
        return render(request, "online/_card.html", context)
    messages.success(request, _counted_message(cast))
    return redirect("online:room", room.pk)


def _counted_message(vote) -> str:
    return _("已记下您的表态：%(value)s「%(text)s」") % {
        "value": vote.get_value_display(),
        "text": Truncator(vote.statement.text).chars(30),
    }


@require_POST
def add_statement(request, pk):
    room = _room(request, pk)
    if not _identified(request):
        messages.info(request, _("请先验证手机号（或登录），再发表观点。"))
        return redirect(_verify_url(room))
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            # the participant row is written with the statement: a refused statement leaves none behind
            services.statement_add_by(
                room=room,
                user=request.user,
                mobile=_mobile(request),
                text=form.cleaned_data["text"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except RateLimited:
            raise
        except DomainError as exc:
            form.add_error("text" if exc.field == "text" else None, exc.message)
            participant = _participant(request, room)
            return _page(request, room, participant=participant, statement_form=form, status=exc.status_code)
        if room.moderation == ModerationMode.POST:
            messages.success(request, _("观点已发布，大家可以对它表态了。"))
        else:
            messages.success(request, _("观点已提交，经召集人审核通过后显示。"))
        return redirect("online:room", room.pk)
    return _page(request, room, participant=_participant(request, room), statement_form=form, status=400)


def _next_url(request, room) -> str:
    return local_next(request, reverse("online:room", args=[room.pk]))


@require_GET
def verify(request, pk):
    """The room's old verification address: the one verification page (residents), then back to the room."""
    room = _room(request, pk)
    return redirect(verify_url(_next_url(request, room), room.unit.county))


@require_GET
def results(request, pk):
    room = _room(request, pk)
    if not request.user.has_perm("online.view_results", room):
        raise Http404
    since = request.GET.get("since", "")
    if request.htmx and since:
        # The live page polls every few seconds: answer "nothing new" from the latest run's id alone, before
        # loading and decoding the analysis.
        latest = selectors.latest_run(room, "pk")
        if latest is not None and since == str(latest.pk):
            return HttpResponse(status=204)  # nothing new, nothing to swap
    participant = _participant(request, room)
    found = selectors.room_results(room, participant=participant)
    context = {
        "room": room,
        "c": room.consultation,
        "unit": room.unit,
        "results": found,
        "can_pull": request.user.has_perm("online.run_room", room),
        "can_manage": request.user.has_perm("online.view_room", room),
        "poll_seconds": LIVE_POLL_SECONDS,
        "live_marker": selectors.live_marker(room),
    }
    template = "online/_results.html" if request.htmx else "online/results.html"
    return render(request, template, context)


# --- the room's QR poster -------------------------------------------------------------------------------------------


def room_url(room: OnlineRoom, request=None) -> str:
    """The absolute address printed in the room's QR code, on the address the site is served on (core.links)."""
    return absolute_url(reverse("online:room", args=[room.pk]), request)


@require_GET
def poster(request, pk):
    """A page to print and put up at the pavilion or the village board: scan to take part in the online room."""
    room = _room(request, pk)
    return render(request, "online/poster.html", {"room": room, "unit": room.unit, "url": room_url(room, request)})


def _qr_file(request, room: OnlineRoom, kind: str) -> HttpResponse:
    out = io.BytesIO()
    code = segno.make(room_url(room, request), error="m")
    if kind == "svg":
        code.save(out, kind="svg", scale=12, border=4, title=room.question)
        content_type = "image/svg+xml"
    else:
        code.save(out, kind="png", scale=12, border=4)
        content_type = "image/png"
    response = HttpResponse(out.getvalue(), content_type=content_type)
    filename = f"{_('网上协商议事室')}-{room.pk}-{_('二维码')}.{kind}"
    response["Content-Disposition"] = content_disposition_header(request.GET.get("download") == "1", filename)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def qr_svg(request, pk):
    return _qr_file(request, _room(request, pk), "svg")


@require_GET
def qr_png(request, pk):
    return _qr_file(request, _room(request, pk), "png")


# --- live updates (server-sent events) ------------------------------------------------------------------------------
#
# The results page and the convenor's page follow /public/online/<pk>/events/ with an EventSource (htmx's SSE
# extension). The design, and why: the app runs under gunicorn's sync workers, where a streaming response occupies a
# whole worker for as long as it is open, so a stream per open browser would let a few dozen watchers starve the
# voters. Each answer is therefore short: it says what the page has not seen yet (a new analysis run, a change in the
# moderation queue) as one event, plus `retry:`, and ends; the browser's EventSource reconnects by itself after the
# retry time, sending the last event id back. A worker is held for a few milliseconds per reconnect, not per browser.
# The retry time is the server's to set: sooner while an analysis is queued or running (results are about to
# change), later for a closed room. ONLINE_LIVE_HOLD_SECONDS > 0 keeps each answer open that long, polling once a
# second, for deployments whose workers are threads or greenlets (gunicorn gthread, gevent), where holding is cheap.
# Pages also poll slowly (LIVE_POLL_SECONDS) as the fallback where EventSource is missing or blocked.


def _retry_ms(room: OnlineRoom) -> int:
    if room.status == RoomStatus.CLOSED:
        return 60_000
    busy = room.recompute_queued_at is not None
    return int(1000 * (settings.ONLINE_LIVE_BUSY_RETRY_SECONDS if busy else settings.ONLINE_LIVE_RETRY_SECONDS))


@require_GET
def events(request, pk):
    room = _room(request, pk)
    if not request.user.has_perm("online.view_results", room):
        raise Http404
    seen = request.headers.get("Last-Event-ID") or request.GET.get("last", "")
    hold = settings.ONLINE_LIVE_HOLD_SECONDS
    room_id = room.pk

    def stream():
        current = room
        yield f"retry: {_retry_ms(current)}\n\n"
        deadline = time.monotonic() + hold
        while True:
            marker = selectors.live_marker(current)
            if marker != seen:
                run, queue = marker.split("-", 1)
                seen_run = seen.split("-", 1)[0]
                yield f"id: {marker}\nevent: {'run' if run != seen_run else 'queue'}\ndata: {marker}\n\n"
                return
            if time.monotonic() >= deadline:
                return
            time.sleep(1)
            current = OnlineRoom.objects.filter(pk=room_id).only("status", "recompute_queued_at").first() or current

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response

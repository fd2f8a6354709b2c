"""Public pages, no account needed, phone first: a room's submission form (its QR code opens it), the tracking page,
the open topics of a room with their support (附议) buttons, and the room's QR poster."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.core.errors import DomainError
from shangliang.core.forms import id_from, run_service
from shangliang.core.links import absolute_url, local_next
from shangliang.core.pagination import paginate
from shangliang.core.ratelimit import RateLimited
from shangliang.topics import selectors, services
from shangliang.topics.forms import PublicSubmitForm, ResubmitForm, TrackForm
from shangliang.topics.models import Topic, TopicPhoto, TopicStatus, normalise_code
from shangliang.topics.story import story_of
from shangliang.units.models import Room, Unit

ROOMS = Room.objects.select_related("unit").filter(unit__is_active=True)


def _room(pk) -> Room:
    return get_object_or_404(ROOMS, pk=pk)


def submission_url(room: Room, request=None) -> str:
    """The absolute URL printed in the room's QR code, on the address the site is served on (core.links)."""
    return absolute_url(reverse("topics:submit", args=[room.pk]), request)


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@require_http_methods(["GET", "POST"])
def submit(request, pk):
    room = _room(pk)
    form = PublicSubmitForm(request.POST or None, request.FILES or None)
    status = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = request.user if request.user.is_authenticated else services.TrackingCodeHolder("")
        try:
            topic = services.topic_submit(
                actor=actor,
                room=room,
                title=data["title"],
                description=data["description"],
                anonymous=data["anonymous"],
                name=data["name"],
                mobile=data["mobile"],
                photos=data["photos"],
                idempotency_key=data["idempotency_key"],
                visitor=request.visitor,
                contact_consent=data["contact_consent"],
                publish_name=data["publish_name"],
            )
        except RateLimited:
            raise
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status_code
        else:
            return redirect("topics:thanks", topic.tracking_code)
    return render(
        request,
        "topics/public/submit.html",
        {"room": room, "unit": room.unit, "form": form},
        status=status or _status(form),
    )


@require_GET
def similar(request):
    """The htmx fragment under the title field: open topics like the one being written, to support instead."""
    room = ROOMS.filter(pk=id_from(request.GET, "room")).first()
    title = (request.GET.get("title") or "")[:100]
    found = []
    if room is not None and len(title.strip()) >= 2:
        found = selectors.similar_topics(unit=room.unit, title=title, public_only=True, limit=3)
    return render(request, "topics/public/_similar.html", {"similar": found})


@require_GET
def thanks(request, code):
    topic = get_object_or_404(Topic.objects.select_related("unit", "room"), tracking_code=normalise_code(code))
    return render(request, "topics/public/thanks.html", {"topic": topic})


@require_GET
def track_form(request):
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = normalise_code(form.cleaned_data["code"])
        if Topic.objects.filter(tracking_code=code).exists():
            return redirect("topics:track", code)
        form.add_error("code", _("没有找到该查询码对应的议题，请核对后重试。"))
    return render(request, "topics/public/track_form.html", {"form": form}, status=_status(form))


def _by_code(code) -> Topic:
    return get_object_or_404(
        Topic.objects.select_related("unit", "room", "merged_into"), tracking_code=normalise_code(code)
    )


@require_GET
def track(request, code):
    topic = _by_code(code)
    return render(
        request,
        "topics/public/track.html",
        {
            "topic": topic,
            "timeline": selectors.topic_timeline(topic, public_only=True),
            "photos": list(topic.photos.all()),
            "resubmit_form": _resubmit_form(topic) if topic.status == TopicStatus.RETURNED else None,
            "story": story_of(topic),
        },
    )


def _resubmit_form(topic, data=None, files=None):
    return ResubmitForm(data, files, initial={"title": topic.title, "description": topic.description})


@require_POST
def track_resubmit(request, code):
    topic = _by_code(code)
    form = _resubmit_form(topic, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.topic_resubmit(
                topic=topic,
                actor=services.TrackingCodeHolder(topic.tracking_code),
                title=data["title"],
                description=data["description"],
                note=data["note"],
                photos=data["photos"],
            ),
        )
        if done:
            messages.success(request, _("已补充并重新提交，请等待筛选。"))
            return redirect("topics:track", topic.tracking_code)
    return render(
        request,
        "topics/public/track.html",
        {
            "topic": topic,
            "timeline": selectors.topic_timeline(topic, public_only=True),
            "photos": list(topic.photos.all()),
            "resubmit_form": form,
            "story": story_of(topic),
        },
        status=400,
    )


@require_GET
def track_photo(request, code, photo):
    topic = _by_code(code)
    return photo_response(get_object_or_404(TopicPhoto, pk=photo, topic=topic))


def photo_response(photo: TopicPhoto):
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def room_topics(request, pk):
    room = _room(pk)
    return render(
        request,
        "topics/public/room.html",
        {"room": room, "unit": room.unit, "page": paginate(request, selectors.room_public_topics(room))},
    )


@require_GET
def unit_topics(request, pk):
    """Every open topic of a unit, from every source the county makes public, paginated."""
    unit = get_object_or_404(Unit.objects.filter(is_active=True), pk=pk)
    return render(
        request,
        "topics/public/unit_topics.html",
        {
            "unit": unit,
            "rooms": list(unit.rooms.order_by("id")),
            "page": paginate(request, selectors.unit_public_topics(unit)),
        },
    )


@require_GET
def public_topic(request, pk):
    topic = get_object_or_404(selectors.public_topics().select_related("unit", "room"), pk=pk)
    return render(
        request,
        "topics/public/topic.html",
        {"topic": topic, "timeline": selectors.topic_timeline(topic, public_only=True)},
    )


@require_POST
def support(request, pk):
    topic = selectors.public_topics().select_related("unit").filter(pk=pk).first()
    if topic is None:
        raise Http404(_("议题不存在或未公开。"))
    try:
        services.topic_support(topic=topic, actor=request.user, visitor=request.visitor)
        messages.success(request, _("附议成功，感谢您的参与。"))
    except RateLimited:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(local_next(request, reverse("topics:public_topic", args=[topic.pk])))


@require_GET
def poster(request, pk):
    room = _room(pk)
    return render(
        request, "topics/public/poster.html", {"room": room, "unit": room.unit, "url": submission_url(room, request)}
    )


def _qr(room: Room, request):
    return segno.make(submission_url(room, request), error="m")


@require_GET
def qr_png(request, pk):
    room = _room(pk)
    out = io.BytesIO()
    _qr(room, request).save(out, kind="png", scale=12, border=4)
    return _download(out.getvalue(), "image/png", f"{room.name}-二维码.png", request)


@require_GET
def qr_svg(request, pk):
    room = _room(pk)
    out = io.BytesIO()
    _qr(room, request).save(out, kind="svg", scale=12, border=4, title=room.name)
    return _download(out.getvalue(), "image/svg+xml", f"{room.name}-二维码.svg", request)


def _download(data: bytes, content_type: str, filename: str, request) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    as_attachment = request.GET.get("download") == "1"
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Cache-Control"] = "public, max-age=3600"
    return response

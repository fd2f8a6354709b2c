"""The inbox: a person's notifications, newest first; opening one marks it read."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shangliang.core.access import LoginRequired
from shangliang.core.pagination import paginate
from shangliang.notifications import selectors, services
from shangliang.notifications.models import Notification


@require_GET
def inbox(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    unread_only = request.GET.get("show") == "unread"
    return render(
        request,
        "notifications/inbox.html",
        {"page": paginate(request, selectors.inbox(request.user, unread_only=unread_only)), "unread_only": unread_only},
    )


@require_POST
def open_notification(request, pk):
    if not request.user.is_authenticated:
        raise LoginRequired
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_read(actor=request.user, notification=notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@require_POST
def read_all(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    n = services.notifications_read_all(actor=request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": n})
    return redirect("notifications:inbox")

"""The system administrator's pages for the API's clients: list, register (the key shown once), change, rotate the
key (shown once), revoke. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.api import selectors, services
from shangliang.api.forms import ClientForm, RevokeForm, WebhookForm
from shangliang.api.models import ApiClient, WebhookDelivery, WebhookSubscription
from shangliang.core.access import check_perm
from shangliang.core.forms import flash_errors, run_service
from shangliang.core.pagination import paginate
from shangliang.core.picker import Option, picker, picker_response

PERM = "api.manage_clients"


def _key_page(request, client, key):
    response = render(request, "api/client_key.html", {"client": client, "key": key})
    response["Cache-Control"] = "no-store"
    return response


def _unit_picker(*, query: str = "", chosen=None, errors=()):
    """Every active unit, searched by name or code (a province has thousands: none is left out of the search)."""
    return picker(
        name="unit",
        label=_("服务范围（单元及其下级）"),
        search_url=reverse("api:client_unit_search"),
        queryset=selectors.client_units(),
        fields=("name", "code"),
        option=lambda u: Option(u.pk, u.name, " · ".join(filter(None, [u.get_kind_display(), u.parent_name]))),
        query=query,
        chosen=chosen,
        placeholder=_("输入县、镇街、村社区名称或编码查找"),
        help_text=_("客户端只能读写这个单元及其下级单元的信息。"),
        errors=list(errors),
    )


def _valid(form) -> dict | None:
    """The form's data with the picked unit looked up among the units a client may serve, or None (errors on it)."""
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    data["unit"] = selectors.client_units().filter(pk=data["unit"]).first()
    if data["unit"] is None:
        form.add_error("unit", _("请选择有效的服务范围（单元）。"))
        return None
    return data


def _form_context(form) -> dict:
    return {"form": form, "unit_picker": _unit_picker(chosen=form["unit"].value(), errors=form.errors.get("unit", []))}


@require_GET
def client_unit_search(request):
    """htmx: the units matching what is typed in the client form's unit picker."""
    check_perm(request, PERM, None)
    return picker_response(request, _unit_picker(query=request.GET.get("unit_q", "")))


@require_GET
def client_list(request):
    check_perm(request, PERM, None)
    return render(request, "api/client_list.html", {"page": paginate(request, selectors.clients())})


@never_cache
@require_http_methods(["GET", "POST"])
def client_new(request):
    check_perm(request, PERM, None)
    form = ClientForm(request.POST or None)
    data = _valid(form) if request.method == "POST" else None
    if data is not None:
        created = run_service(form, lambda: services.client_register(actor=request.user, **data))
        if created:
            client, key = created
            return _key_page(request, client, key)
    return render(request, "api/client_form.html", _form_context(form), status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def client_detail(request, pk):
    check_perm(request, PERM, None)
    client = get_object_or_404(selectors.clients(), pk=pk)
    initial = {
        "name": client.name,
        "unit": client.unit_id,
        "scopes": client.scopes,
        "topic_source": client.topic_source,
        "account": client.account.username if client.account else "",
        "rate_limit": client.rate_limit,
        "contact": client.contact,
    }
    form = ClientForm(request.POST or None, initial=initial)
    data = _valid(form) if request.method == "POST" else None
    if data is not None:
        if run_service(form, lambda: services.client_change(actor=request.user, client=client, **data)):
            messages.success(request, _("接口客户端已保存。"))
            return redirect("api:client_detail", pk=client.pk)
    context = {
        "client": client,
        **_form_context(form),
        "revoke_form": RevokeForm(),
        "webhook_form": WebhookForm(),
        "calls": selectors.recent_calls(client),
        "webhooks": selectors.webhooks(client),
        "deliveries": selectors.recent_deliveries(client),
    }
    return render(request, "api/client_detail.html", context, status=400 if form.errors else 200)


@never_cache
@require_POST
def client_rotate(request, pk):
    check_perm(request, PERM, None)
    client = get_object_or_404(ApiClient, pk=pk)
    key = services.client_rotate_key(actor=request.user, client=client)
    return _key_page(request, client, key)


@require_POST
def client_revoke(request, pk):
    check_perm(request, PERM, None)
    client = get_object_or_404(ApiClient, pk=pk)
    form = RevokeForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: services.client_revoke(actor=request.user, client=client, reason=form.cleaned_data["reason"])
    ):
        messages.success(request, _("接口客户端已停用，其密钥不再有效。"))
    else:
        messages.error(request, _("请填写停用原因。"))
    return redirect("api:client_detail", pk=client.pk)


@never_cache
@require_POST
def webhook_add(request, pk):
    check_perm(request, PERM, None)
    client = get_object_or_404(ApiClient, pk=pk)
    form = WebhookForm(request.POST)
    if form.is_valid():
        created = run_service(
            form, lambda: services.webhook_subscribe(actor=request.user, client=client, **form.cleaned_data)
        )
        if created:
            subscription, secret = created
            response = render(
                request, "api/webhook_secret.html", {"client": client, "subscription": subscription, "secret": secret}
            )
            response["Cache-Control"] = "no-store"
            return response
    flash_errors(request, form)
    return redirect("api:client_detail", pk=client.pk)


@require_POST
def webhook_end(request, pk):
    check_perm(request, PERM, None)
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    services.webhook_end(actor=request.user, subscription=subscription)
    messages.success(request, _("推送地址已停止。"))
    return redirect("api:client_detail", pk=subscription.client_id)


@require_POST
def webhook_replay(request, pk):
    check_perm(request, PERM, None)
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("subscription", "event"), pk=pk)
    attempt = services.webhook_replay(actor=request.user, delivery=delivery)
    if attempt.succeeded:
        messages.success(request, _("已重新推送，对方返回 %(status)s。") % {"status": attempt.status_code})
    else:
        messages.error(request, _("重新推送未成功：%(why)s") % {"why": attempt.status_code or attempt.error})
    return redirect("api:client_detail", pk=delivery.subscription.client_id)

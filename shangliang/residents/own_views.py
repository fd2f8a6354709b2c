"""A resident's own data page (by account or a number verified this session) and the office's page of requests."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.core.access import check_perm
from shangliang.core.errors import DomainError
from shangliang.core.forms import id_from
from shangliang.core.pagination import paginate
from shangliang.core.picker import Option, picker, picker_response
from shangliang.core.ratelimit import RateLimited
from shangliang.residents import own_data, services
from shangliang.residents.models import Consent, DataRequest, RequestKind, RequestStatus
from shangliang.residents.personal_data import counties_of
from shangliang.residents.views import verify_url
from shangliang.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _counties(mine=()):
    """The counties a request may go to; those where the person's data lies first, the one holding most first."""
    counties = Unit.objects.filter(kind="county", is_active=True)
    if not mine:  # (a Case without a When is the constant 0, which PostgreSQL reads as ORDER BY column 0)
        return counties.order_by("name", "pk")
    ranked = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(mine)], default=Value(len(mine)))
    return counties.order_by(ranked, "name", "pk")


def _county_picker(mine, *, query: str = "", chosen=None, errors=()):
    """受理的县（区）: the county of the person's data is chosen; a search finds any other (a province has many)."""
    if len(mine) > 1:
        help_text = _("您的信息分布在 %(n)d 个县（区），排在前面；请选择受理申请的县（区）。") % {"n": len(mine)}
    elif mine:
        help_text = _("已选中您的信息所在的县（区）；如需向其他县（区）申请，请查找。")
    else:
        help_text = _("本平台未找到与您关联的县（区），请查找并选择。")
    return picker(
        name="county",
        label=_("受理的县（区）"),
        search_url=reverse("residents:ask_counties"),
        queryset=_counties(mine),
        fields=("name",),
        option=lambda u: Option(u.pk, u.name, _("您的信息所在") if u.pk in mine else ""),
        query=query,
        chosen=chosen if chosen is not None else (mine[0] if mine else None),
        limit=10,
        placeholder=_("输入县（区）名称查找"),
        help_text=help_text,
        errors=list(errors),
    )


@require_GET
def mine(request):
    visitor = request.visitor
    if not visitor.trusted:
        return render(request, "residents/mine.html", {"verify": verify_url(request.path)})
    person = own_data.person_of(visitor)
    mine = counties_of(person)
    return render(
        request,
        "residents/mine.html",
        {
            "sections": own_data.readable_sections(own_data.my_data(visitor)),
            "consents": Consent.objects.filter(person.q(), withdrawn_at__isnull=True).order_by("-given_at")[:50],
            "requests": DataRequest.objects.filter(person.q()).select_related("county").order_by("-created_at")[:20],
            "county_picker": _county_picker(mine),
            "kinds": RequestKind.choices,
        },
    )


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def mine_json(request):
    return _download(own_data.as_json(own_data.my_data(request.visitor)), "application/json", "我的个人信息.json")


@require_GET
def mine_xlsx(request):
    return _download(own_data.as_xlsx(own_data.my_data(request.visitor)), XLSX, "我的个人信息.xlsx")


@require_POST
def withdraw(request, pk):
    consent = get_object_or_404(Consent, pk=pk)
    services.consent_withdraw(visitor=request.visitor, consent=consent)
    messages.success(request, _("已撤回该同意。"))
    return redirect("residents:mine")


@require_GET
def ask_counties(request):
    """htmx: the counties matching what is typed in the request form's 受理的县（区） picker."""
    visitor = request.visitor
    mine = counties_of(own_data.person_of(visitor)) if visitor.trusted else []
    return picker_response(request, _county_picker(mine, query=request.GET.get("county_q", "")))


@require_POST
def ask(request):
    county = _counties().filter(pk=id_from(request.POST, "county")).first()
    try:
        own_data.data_request_create(
            visitor=request.visitor, county=county, kind=request.POST.get("kind", ""), text=request.POST.get("text", "")
        )
    except RateLimited:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申请已提交，县（区）政协机关将在期限内答复。"))
    return redirect("residents:mine")


@require_http_methods(["GET", "POST"])
def requests_page(request, county):
    unit = get_object_or_404(Unit, pk=county, kind="county")
    check_perm(request, "residents.handle_requests", unit)
    if request.method == "POST":
        try:
            if request.POST.get("settings"):
                own_data.privacy_settings_set(
                    actor=request.user,
                    county=unit,
                    **{
                        k: request.POST.get(k)
                        for k in ("contact_days", "verification_days", "photo_days", "answer_days")
                    },
                )
                messages.success(request, _("保存期限已更新。"))
            else:
                item = get_object_or_404(DataRequest, pk=id_from(request.POST, "request"), county=unit)
                own_data.data_request_answer(
                    actor=request.user,
                    request=item,
                    decision=request.POST.get("decision", ""),
                    answer=request.POST.get("answer", ""),
                )
                messages.success(request, _("已答复。"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(reverse("residents:requests", args=[unit.pk]))
    rows = DataRequest.objects.filter(county=unit).select_related("user")
    return render(
        request,
        "residents/requests.html",
        {
            "county": unit,
            "page": paginate(request, rows),
            "settings": own_data.settings_for(unit),
            "statuses": RequestStatus,
        },
    )

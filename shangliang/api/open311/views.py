"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/: discovery, services, a service
definition, requests (POST and GET), a request by id, tokens; `.json` or `.xml`; errors as the specification lists
them (`[{"code": 400, "description": "…"}]`), each also naming its field in Chinese and English.

A service is a topic category (三议) or "unspecified" (the convenor decides when screening); a request is a topic,
identified by its tracking code (the code residents use on the public tracking page).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from shangliang.api import raising
from shangliang.api.auth import ClientRequired, client_of
from shangliang.api.base import ApiView, WriteView
from shangliang.api.errors import exception_handler
from shangliang.api.models import Open311Request, Scope
from shangliang.api.open311.renderers import Open311JSONRenderer, Open311XMLRenderer
from shangliang.api.progress import progress_of, with_progress
from shangliang.core import clock
from shangliang.core.errors import InvalidInput
from shangliang.topics.models import Topic, TopicCategory, normalise_code

UNSPECIFIED = "unspecified"
SERVICE_CODES = [*TopicCategory.values, UNSPECIFIED]
MAX_REQUESTS = 1000
DEFAULT_DAYS = 90
# Our fields' names in Open311's vocabulary (a service's InvalidInput names its own).
FIELD_NAMES = {
    "title": "description",
    "name": "first_name",
    "mobile": "phone",
    "photos": "media",
    "unit": "jurisdiction_id",
    "room": "jurisdiction_id",
}
LABELS = {
    "service_code": gettext_lazy("服务代码"),
    "description": gettext_lazy("详细描述"),
    "first_name": gettext_lazy("反映人姓名"),
    "last_name": gettext_lazy("反映人姓氏"),
    "phone": gettext_lazy("联系手机"),
    "media": gettext_lazy("照片"),
    "jurisdiction_id": gettext_lazy("所属单元"),
    "lat": gettext_lazy("纬度"),
    "long": gettext_lazy("经度"),
    "address_string": gettext_lazy("地址"),
    "location": gettext_lazy("地点"),
    "contact_consent": gettext_lazy("同意联系"),
    "service_request_id": gettext_lazy("请求编号"),
    "start_date": gettext_lazy("开始时间"),
    "end_date": gettext_lazy("结束时间"),
    "status": gettext_lazy("状态"),
    "Idempotency-Key": gettext_lazy("幂等键"),
}


def service_names() -> dict[str, str]:
    return {**{c.value: str(c.label) for c in TopicCategory}, UNSPECIFIED: _("其他（由召集人筛选时确定类别）")}


class Open311View(ApiView):
    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    field_labels = LABELS

    def get_exception_handler(self):
        def handler(exc, context):
            response = exception_handler(exc, context)
            if response is None:
                return None
            response.data = [
                {
                    "code": response.status_code,
                    "description": (f"{e['field']}: " if e.get("field") else "") + e["message"],
                    **{k: e[k] for k in ("field", "field_zh", "field_en") if k in e},
                }
                for e in response.data["errors"]
            ]
            return response

        return handler

    def handle_exception(self, exc):
        if isinstance(exc, InvalidInput) and exc.field in FIELD_NAMES:
            exc.field = FIELD_NAMES[exc.field]
        return super().handle_exception(exc)


class Discovery(Open311View):
    permission_classes = [AllowAny]
    xml_root = "discovery"

    @extend_schema(exclude=True)
    def get(self, request, format=None):
        base = request.build_absolute_uri("/open311/v2/")
        return Response(
            {
                "changeset": "2026-12-05T00:00:00Z",
                "contact": settings.OPEN311_CONTACT,
                "key_service": _("接口密钥由县（区）政协机关的系统管理员登记发放。"),
                "endpoints": [
                    {
                        "specification": "http://wiki.open311.org/GeoReport_v2",
                        "url": base,
                        "changeset": "2026-12-05T00:00:00Z",
                        "type": "production",
                        "formats": ["application/json", "text/xml"],
                    }
                ],
            }
        )


def service_entry(code: str, names: dict[str, str], client) -> dict:
    source = client.get_topic_source_display() if client is not None else ""
    return {
        "service_code": code,
        "service_name": names[code],
        "description": names[code],
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": source or _("议题"),
    }


class Services(Open311View):
    permission_classes = [AllowAny]
    xml_root = "services"

    @extend_schema(exclude=True)
    def get(self, request, format=None):
        names = service_names()
        client = client_of(request)
        return Response([service_entry(code, names, client) for code in SERVICE_CODES])


class ServiceDefinition(Open311View):
    permission_classes = [AllowAny]
    xml_root = "service_definition"

    @extend_schema(exclude=True)
    def get(self, request, code, format=None):
        if code not in SERVICE_CODES:
            raise InvalidInput(_("未知的服务代码：%(code)s。") % {"code": code[:40]}, field="service_code")
        return Response({"service_code": code, "attributes": []})


class RequestInput(serializers.Serializer):
    service_code = serializers.ChoiceField(choices=SERVICE_CODES, label=LABELS["service_code"])
    description = serializers.CharField(max_length=2000, label=LABELS["description"])
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, label=LABELS["lat"]
    )
    long = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, label=LABELS["long"]
    )
    address_string = serializers.CharField(
        max_length=200, required=False, allow_blank=True, label=LABELS["address_string"]
    )
    address_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    jurisdiction_id = serializers.CharField(
        max_length=20, required=False, allow_blank=True, label=LABELS["jurisdiction_id"]
    )
    first_name = serializers.CharField(max_length=25, required=False, allow_blank=True, label=LABELS["first_name"])
    last_name = serializers.CharField(max_length=25, required=False, allow_blank=True, label=LABELS["last_name"])
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, label=LABELS["phone"])
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    device_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    account_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    media_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    media = serializers.ImageField(required=False, label=LABELS["media"])
    contact_consent = serializers.BooleanField(required=False, default=False, label=LABELS["contact_consent"])

    def validate(self, data):
        has_point = data.get("lat") is not None and data.get("long") is not None
        if (data.get("lat") is None) != (data.get("long") is None):
            raise serializers.ValidationError({"long": _("纬度和经度须同时提供。")})
        if not (has_point or data.get("address_string") or data.get("address_id")):
            raise serializers.ValidationError(
                {"location": _("请提供地点：经纬度（lat、long）或地址（address_string）。")}
            )
        return data


def request_entry(record: Open311Request, progress, names: dict[str, str]) -> dict:
    topic = record.topic
    return {
        "service_request_id": topic.tracking_code,
        "status": "open" if progress.open else "closed",
        "status_notes": progress.note,
        "detailed_status": progress.stage,
        "detailed_status_label": progress.label,
        "service_name": names.get(record.service_code, record.service_code),
        "service_code": record.service_code,
        "description": topic.description,
        "agency_responsible": "；".join(progress.responsible) or topic.unit.name,
        "service_notice": "",
        "requested_datetime": iso(topic.created_at),
        "updated_datetime": iso(progress.updated),
        "expected_datetime": progress.expected.isoformat() if progress.expected else None,
        "address": record.address_string,
        "address_id": None,
        "zipcode": None,
        "lat": float(record.lat) if record.lat is not None else None,
        "long": float(record.long) if record.long is not None else None,
        "media_url": None,
        "jurisdiction_id": str(topic.unit_id),
    }


def iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def client_requests(client):
    return Open311Request.objects.filter(client=client).select_related("topic")


def entries(records) -> list[dict]:
    records = list(records)
    topics = with_progress(Topic.objects.filter(pk__in=[r.topic_id for r in records])) if records else []
    by_id = {t.pk: t for t in topics}
    for r in records:
        r.topic = by_id[r.topic_id]
    progress = progress_of(by_id.values())
    names = service_names()
    return [request_entry(r, progress[r.topic_id], names) for r in records]


def parse_moment(value: str, field: str) -> datetime:
    moment = parse_datetime(value.replace(" ", "+")) if value else None
    if moment is None:
        raise InvalidInput(_("时间格式应为 W3C（如 2026-01-31T08:00:00+08:00）。"), field=field)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Requests(WriteView, Open311View):
    xml_root = "service_requests"

    def get_permissions(self):
        if self.request.method == "POST":
            self.required_scope = Scope.RAISE_TOPICS
        return [ClientRequired()]

    @extend_schema(exclude=True)
    def get(self, request, format=None):
        client = client_of(request)
        qs = client_requests(client)
        ids = request.query_params.get("service_request_id", "")
        if ids:
            codes = [normalise_code(c) for c in ids.split(",")[:MAX_REQUESTS]]
            qs = qs.filter(topic__tracking_code__in=codes)
        else:
            end = (
                parse_moment(request.query_params["end_date"], "end_date")
                if "end_date" in request.query_params
                else None
            )
            start = (
                parse_moment(request.query_params["start_date"], "start_date")
                if "start_date" in request.query_params
                else (end or clock.now()) - timedelta(days=DEFAULT_DAYS)
            )
            qs = qs.filter(created_at__gte=start)
            if end is not None:
                qs = qs.filter(created_at__lte=end)
            code = request.query_params.get("service_code", "")
            if code:
                qs = qs.filter(service_code__in=code.split(","))
        status = request.query_params.get("status", "")
        if status and status not in ("open", "closed"):
            raise InvalidInput(_("状态只能是 open 或 closed。"), field="status")
        found = entries(qs.order_by("-created_at", "-id")[:MAX_REQUESTS])
        if status:
            found = [e for e in found if e["status"] == status]
        return Response(found)

    def create(self, request, format=None):
        client = client_of(request)
        data = RequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = raising.unit_for(client, v.get("jurisdiction_id"))
        name = (v.get("last_name", "") + v.get("first_name", "")).strip()
        concern = raising.Concern(
            description=v["description"],
            name=name,
            mobile=v.get("phone", ""),
            contact_consent=v.get("contact_consent", False),
            address=v.get("address_string", ""),
            photos=(v["media"],) if v.get("media") else (),
        )
        topic = raising.raise_topic(client=client, account=client.account, unit=unit, concern=concern)
        record = Open311Request.objects.filter(topic=topic).first()
        if record is None:
            record = Open311Request.objects.create(
                client=client,
                topic=topic,
                service_code=v["service_code"],
                lat=v.get("lat"),
                long=v.get("long"),
                address_string=v.get("address_string", ""),
                created_at=clock.now(),
            )
        notice = _("已受理，查询码 %(code)s，召集人筛选后进入协商。") % {"code": topic.tracking_code}
        return Response(
            [
                {
                    "service_request_id": topic.tracking_code,
                    "token": record.token,
                    "service_notice": notice,
                    "account_id": None,
                }
            ],
            status=201,
        )


class RequestDetail(Open311View):
    xml_root = "service_requests"

    @extend_schema(exclude=True)
    def get(self, request, code, format=None):
        record = client_requests(client_of(request)).filter(topic__tracking_code=normalise_code(code)).first()
        if record is None:
            raise NotFound(_("没有这个请求编号（只能查询本客户端提交的请求）。"))
        return Response(entries([record]))


class Token(Open311View):
    xml_root = "service_requests"

    @extend_schema(exclude=True)
    def get(self, request, token, format=None):
        record = client_requests(client_of(request)).filter(token=token[:40]).first()
        if record is None:
            raise NotFound(_("没有这个凭证。"))
        return Response([{"service_request_id": record.topic.tracking_code, "token": record.token}])

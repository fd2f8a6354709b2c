"""The audit administrator's pages: search the audit trail by person, unit, action, outcome and period; export what
was found (CSV, Excel; every export is itself an audit record); the chain's state from the latest verification."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from shangliang.core import audit
from shangliang.core.access import LoginRequired, check_perm
from shangliang.core.models import AuditRecord
from shangliang.core.pagination import paginate
from shangliang.core.spreadsheets import cell
from shangliang.security.forms import AuditSearchForm
from shangliang.security.tasks import verify_audit_chain
from shangliang.units.models import Unit

EXPORT_LIMIT = 50_000


def _perm(request, perm: str) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired
    check_perm(request, perm, None)


def _search(request):
    form = AuditSearchForm(request.GET or None, actions=audit.action_choices())
    records = AuditRecord.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            records = records.filter(actor_name=data["person"].strip())
        if data["unit"]:
            units = Unit.objects.filter(name__icontains=data["unit"].strip()).values_list("path", flat=True)[:20]
            unit_ids = Unit.objects.none()
            for path in units:
                unit_ids = unit_ids | Unit.objects.filter(path__startswith=path)
            records = records.filter(unit_id__in=unit_ids.values("pk"))
        if data["action"]:
            records = records.filter(action=data["action"])
        if data["outcome"]:
            records = records.filter(outcome=data["outcome"])
        if data["start"]:
            records = records.filter(created_at__gte=timezone.make_aware(datetime.combine(data["start"], time.min)))
        if data["end"]:
            end = timezone.make_aware(datetime.combine(data["end"] + timedelta(days=1), time.min))
            records = records.filter(created_at__lt=end)
    return form, records.order_by("-created_at", "-id")


@require_GET
def audit_search(request):
    _perm(request, "security.view_audit")
    form, records = _search(request)
    page = paginate(request, records)
    if request.GET:
        audit.record(audit.AUDIT_SEARCH, request=request, detail={"query": request.GET.urlencode()[:500]})
    last_check = AuditRecord.objects.filter(action=audit.AUDIT_VERIFY).order_by("-created_at", "-id").first()
    return render(
        request,
        "security/audit.html",
        {
            "form": form,
            "page": page,
            "rows": [(r, audit.action_label(r.action)) for r in page],
            "last_check": last_check,
            "query": request.GET.urlencode(),
            "retention_days": audit.retention_days(),
        },
    )


@require_POST
def audit_verify_now(request):
    """Verify the chain in the background (the worker, or at once with the immediate backend)."""
    _perm(request, "security.view_audit")
    verify_audit_chain.enqueue()
    messages.info(request, _("已开始校验审计链，结果见本页“最近一次校验”。"))
    return redirect("security:audit")


COLUMNS = (
    _l("时间"),
    _l("操作人"),
    _l("来源地址"),
    _l("事件类型"),
    _l("对象类型"),
    _l("对象编号"),
    _l("对象"),
    _l("单元编号"),
    _l("结果"),
    _l("详情"),
)


def _rows(records):
    for r in records.iterator(chunk_size=2000):
        yield [
            timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            r.actor_name,
            r.address or "",
            audit.action_label(r.action),
            r.object_type,
            r.object_id,
            r.object_repr,
            r.unit_id or "",
            r.get_outcome_display(),
            str(r.detail) if r.detail else "",
        ]


@require_GET
def audit_export(request, fmt):
    _perm(request, "security.export_audit")
    form, records = _search(request)
    records = records[:EXPORT_LIMIT]
    audit.record(audit.AUDIT_EXPORT, request=request, detail={"format": fmt, "query": request.GET.urlencode()[:500]})
    header = [str(c) for c in COLUMNS]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in _rows(records):
            writer.writerow([cell(v) for v in row])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("审计记录"))
    sheet.append(header)
    for row in _rows(records):
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response

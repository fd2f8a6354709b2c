"""A resident's own data: see it, download it (JSON, Excel), withdraw consent, ask for correction or deletion; the
office answers within the county's time; retention run by `run_periodic` (PIPL arts. 19, 44–47, 50)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shangliang.core import clock
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.spreadsheets import cell
from shangliang.core.validation import clean_text
from shangliang.residents.models import (
    Consent,
    CountyPrivacySettings,
    DataRequest,
    RequestKind,
    RequestStatus,
    SmsCode,
)
from shangliang.residents.personal_data import (
    Person,
    Provider,
    collect_all,
    erase_all,
    providers,
    register_provider,
    unlinkable,
)
from shangliang.residents.visitor import Visitor

DEFAULTS = CountyPrivacySettings(county=None)


def person_of(visitor: Visitor) -> Person:
    return Person(user_id=visitor.user.pk if visitor.user else None, mobile_hash=visitor.mobile_hash)


def settings_for(county) -> CountyPrivacySettings:
    found = CountyPrivacySettings.objects.filter(county=county).first() if county is not None else None
    return found or DEFAULTS


def privacy_settings_set(*, actor, county, contact_days, verification_days, photo_days, answer_days):
    require_perm(actor, "residents.handle_requests", county, _("只有本县（区）政协机关可以设置保存期限。"))
    values = {}
    for name, value, top in (
        ("contact_days", contact_days, 3650),
        ("verification_days", verification_days, 365),
        ("photo_days", photo_days, 3650),
        ("answer_days", answer_days, 30),
    ):
        try:
            number = int(value)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(_("请填写 1—%(top)d 的整数天数。") % {"top": top}, field=name) from exc
        if not 1 <= number <= top:
            raise InvalidInput(_("请填写 1—%(top)d 的整数天数。") % {"top": top}, field=name)
        values[name] = number
    row, _created = CountyPrivacySettings.objects.update_or_create(county=county, defaults=values)
    return row


# ---- see and download -------------------------------------------------------------------------------------------


def _consents(person: Person) -> list[dict]:
    rows = Consent.objects.filter(person.q()).order_by("given_at", "id")
    return [
        {
            "编号": c.pk,
            "用途": str(c.get_purpose_display()),
            "告知版本": c.notice_version,
            "同意时间": c.given_at,
            "撤回时间": c.withdrawn_at,
        }
        for c in rows
    ]


def _erase_consents(person: Person) -> int:
    """The record that consent was given stays (the lawful basis of what was done), linked to nobody."""
    done = 0
    for pk in Consent.objects.filter(person.q()).values_list("pk", flat=True):
        Consent.objects.filter(pk=pk).update(user=None, mobile_hash=unlinkable(), browser="")
        done += 1
    return done


def _codes(person: Person) -> list[dict]:
    rows = SmsCode.objects.filter(person.q(None)).order_by("created_at")
    return [{"发送时间": c.created_at, "已使用": c.used_at is not None} for c in rows]


def _erase_codes(person: Person) -> int:
    deleted, _rows = SmsCode.objects.filter(person.q(None)).delete()
    return deleted


def register() -> None:
    register_provider("residents.consents", Provider(_("同意记录"), _consents, _erase_consents))
    register_provider("residents.codes", Provider(_("短信验证记录"), _codes, _erase_codes))


def my_data(visitor: Visitor) -> list[tuple[str, list[dict]]]:
    """Every section of what the site holds about the visitor, in registration order."""
    person = person_of(visitor)
    if person.empty:
        raise NotAllowed(_("请先用手机号验证或登录，再查看您的个人信息。"))
    labels = {key: str(p.label) for key, p in providers().items()}
    return [(labels[key], rows) for key, rows in collect_all(person).items()]


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def readable(value):
    """A value as a resident reads it on the page and in the Excel download: 是/否 rather than True/False."""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return _plain(value)


def readable_sections(sections) -> list[tuple[str, list[dict]]]:
    return [(title, [{k: readable(v) for k, v in row.items()} for row in rows]) for title, rows in sections]


def as_json(sections) -> bytes:
    data = {title: [{k: _plain(v) for k, v in row.items()} for row in rows] for title, rows in sections}
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _cell(value):
    """Text as text: a value starting like a formula is not a live formula in Excel."""
    value = readable(value)
    return cell(value) if isinstance(value, str) else value


def as_xlsx(sections) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for index, (title, rows) in enumerate(sections, start=1):
        sheet = book.create_sheet(title=f"{index}-{title}"[:31])
        if not rows:
            sheet.append([_("（无）")])
            continue
        headers = list(rows[0])
        sheet.append(headers)
        for row in rows:
            sheet.append([_cell(row.get(h)) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- requests ---------------------------------------------------------------------------------------------------


def data_request_create(*, visitor: Visitor, county, kind: str, text: str = "") -> DataRequest:
    person = person_of(visitor)
    if person.empty:
        raise NotAllowed(_("请先用手机号验证或登录，再提出申请。"))
    if county is None:
        raise InvalidInput(_("请选择受理申请的县（区）。"), field="county")
    if kind not in RequestKind.values:
        raise InvalidInput(_("请选择申请事项。"), field="kind")
    text = clean_text(text, label=_("说明"), field="text", max_length=1000, required=kind == RequestKind.CORRECT)
    visitor.hit("data_request")
    now = clock.now()
    with transaction.atomic():
        request = DataRequest.objects.create(
            county=county,
            kind=kind,
            text=text,
            user=visitor.user,
            mobile_hash=visitor.mobile_hash,
            mobile_masked=visitor.masked_mobile,
            created_at=now,
            due_on=clock.today() + timedelta(days=settings_for(county).answer_days),
        )
        record_event(request, actor=visitor.user, action="data_request", unit=county, data={"kind": kind})
    return request


def data_request_answer(*, actor, request: DataRequest, decision: str, answer: str = "") -> DataRequest:
    """The office answers: a deletion that is granted erases (anonymises) the person's data everywhere at once."""
    require_perm(actor, "residents.handle_requests", request.county, _("只有本县（区）政协机关可以答复该申请。"))
    if decision not in (RequestStatus.DONE, RequestStatus.REFUSED):
        raise InvalidInput(_("请选择办理结果。"), field="decision")
    answer = clean_text(
        answer, label=_("答复"), field="answer", max_length=1000, required=decision == RequestStatus.REFUSED
    )
    with transaction.atomic():
        row = locked(request)
        if row.status != RequestStatus.OPEN:
            raise NotPossible(_("该申请已答复。"))
        erased = {}
        if decision == RequestStatus.DONE and row.kind == RequestKind.DELETE:
            erased = erase_all(Person(user_id=row.user_id, mobile_hash=row.mobile_hash))
            row.mobile_hash, row.user = unlinkable(), None
        row.status, row.answer, row.answered_at, row.answered_by = decision, answer, clock.now(), actor
        row.save()
        record_event(
            row,
            actor=actor,
            action="data_request_answered",
            from_state=RequestStatus.OPEN,
            to_state=decision,
            unit=row.county,
            data={"erased": {k: v for k, v in erased.items() if v}},
        )
    return row


# ---- retention --------------------------------------------------------------------------------------------------


def retention_line(today: date) -> str:
    """Verification codes past the longest county's time are deleted (codes belong to no county); open requests
    past their time are counted for the office's attention."""
    keep = max([30, *CountyPrivacySettings.objects.values_list("verification_days", flat=True)])
    cutoff = clock.now() - timedelta(days=keep)
    deleted, _rows = SmsCode.objects.filter(created_at__lt=cutoff).delete()
    overdue = DataRequest.objects.filter(status=RequestStatus.OPEN, due_on__lt=today).count()
    return _("个人信息：删除过期验证记录 %(d)d 条；逾期未答复的个人信息申请 %(o)d 件。") % {"d": deleted, "o": overdue}

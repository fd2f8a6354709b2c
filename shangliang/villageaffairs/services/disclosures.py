"""Writes on the micro-power list, disclosures (公示) and residents' feedback. Keyword-only, permission checked,
Chinese messages, one transaction, event written. Meetings are in `meetings`, disputes and petitions in `cases`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shangliang.core import clock
from shangliang.core.db import insert_once, locked, sender_of
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.uploads import checked_document
from shangliang.core.validation import clean_amount, clean_date, clean_key, clean_text
from shangliang.residents.models import ConsentPurpose
from shangliang.residents.services import consent_record, mobile_hash
from shangliang.residents.visitor import Visitor
from shangliang.units.models import Unit, UnitKind
from shangliang.villageaffairs.models import (
    KINDS_WITH_AMOUNT,
    PUBLISHED_IS_FINAL,
    Disclosure,
    DisclosureDocument,
    DisclosureStatus,
    ExerciseKind,
    Feedback,
    FeedbackKind,
    PowerCategory,
    PowerItem,
)
from shangliang.villageaffairs.selectors import VILLAGE_KINDS
from shangliang.villageaffairs.services.common import require_village
from shangliang.villageaffairs.services.meetings import enqueue_objection
from shangliang.villageaffairs.workflow import DISCLOSURE_WORKFLOW, MANAGE

MAX_DOCUMENTS = 10
MAX_FEEDBACK_PER_PERSON = 3
MAX_PERIOD_DAYS = 366


# --- the micro-power list ----------------------------------------------------------------------------------------


def power_item_save(
    *,
    actor,
    unit: Unit,
    category: str,
    name: str,
    procedure: str,
    basis: str = "",
    order: int | None = 0,
    is_active: bool = True,
    item: PowerItem | None = None,
) -> PowerItem:
    """Add an item to a county's or a village's micro-power list, or change one (its exercises keep pointing to it)."""
    if item is not None:
        unit = item.unit
    require_perm(actor, "villageaffairs.change_power_list", unit)
    if unit.kind not in (UnitKind.COUNTY, *VILLAGE_KINDS):
        raise InvalidInput(_("小微权力清单由区县统一制定，或由村（社区）补充。"), field="unit")
    if category not in PowerCategory.values:
        raise InvalidInput(_("请选择权力类别。"), field="category")
    name = clean_text(name, label=_("权力事项"), field="name", max_length=100)
    procedure = clean_text(procedure, label=_("运行流程"), field="procedure", max_length=3000)
    procedure = "\n".join(line.strip() for line in procedure.splitlines() if line.strip())
    basis = clean_text(basis, label=_("依据"), field="basis", max_length=200, required=False)
    duplicate = PowerItem.objects.filter(unit=unit, category=category, name=name)
    if item is not None:
        duplicate = duplicate.exclude(pk=item.pk)
    if duplicate.exists():
        raise InvalidInput(_("该类别下已有同名事项“%(name)s”。") % {"name": name}, field="name")
    created = item is None
    item = item or PowerItem(unit=unit)
    item.category, item.name, item.procedure, item.basis = category, name, procedure, basis
    item.order, item.is_active = order or 0, bool(is_active)
    with transaction.atomic():
        item.save()
        record_event(item, actor=actor, action="create" if created else "edit", note=name, unit=unit)
    return item


def _check_power_item(unit: Unit, power_item: PowerItem | None) -> None:
    if power_item is None or not power_item.is_active or not unit.path.startswith(power_item.unit.path):
        raise InvalidInput(_("所选权力事项不在本村（社区）适用的小微权力清单中。"), field="power_item")


# --- disclosures ---------------------------------------------------------------------------------------------------


def _clean_fields(*, unit, power_item, kind, title, content, amount, decided_on, period_start, period_end) -> dict:
    require_village(unit)
    _check_power_item(unit, power_item)
    if kind not in ExerciseKind.values:
        raise InvalidInput(_("请选择事项类型。"), field="kind")
    fields = {
        "power_item": power_item,
        "kind": kind,
        "title": clean_text(title, label=_("公示标题"), field="title", max_length=100),
        "content": clean_text(content, label=_("公示内容"), field="content", max_length=5000),
    }
    if amount in (None, "") or (isinstance(amount, str) and not amount.strip()):
        if kind in KINDS_WITH_AMOUNT:
            raise InvalidInput(_("项目和资金支付须公示金额（元）。"), field="amount")
        fields["amount"] = None
    else:
        fields["amount"] = clean_amount(amount, label=_("金额"), field="amount")
    fields["decided_on"] = clean_date(decided_on, label=_("决策/发生日期"), field="decided_on")
    start = clean_date(period_start, label=_("公示开始日期"), field="period_start")
    end = clean_date(period_end, label=_("公示截止日期"), field="period_end")
    if end < start:
        raise InvalidInput(
            _("公示截止日期（%(end)s）不能早于开始日期（%(start)s）。") % {"end": end, "start": start},
            field="period_end",
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput(_("公示期不能超过一年。"), field="period_end")
    fields["period_start"], fields["period_end"] = start, end
    return fields


def _clean_documents(documents: Sequence, *, already: int = 0) -> list:
    documents = [d for d in (documents or []) if d]
    if len(documents) + already > MAX_DOCUMENTS:
        raise InvalidInput(_("每条公示最多 %(n)d 个附件。") % {"n": MAX_DOCUMENTS}, field="documents")
    return [checked_document(d, field="documents") for d in documents]


def _store_documents(disclosure: Disclosure, checked: list, actor) -> None:
    DisclosureDocument.objects.bulk_create(
        DisclosureDocument(
            disclosure=disclosure,
            file=c.content,
            name=c.name,
            kind=c.kind,
            size=c.size,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for c in checked
    )


def disclosure_create(
    *,
    actor,
    unit: Unit,
    power_item: PowerItem | None,
    kind: str,
    title: str,
    content: str,
    amount,
    decided_on,
    period_start,
    period_end,
    documents: Sequence = (),
    idempotency_key: str = "",
) -> Disclosure:
    """Record an exercise of a micro-power as a draft disclosure (nothing is public until it is published)."""
    require_perm(actor, MANAGE, unit)
    key = clean_key(idempotency_key)
    if key:
        earlier = Disclosure.objects.filter(idempotency_key=key).first()
        if earlier is not None:
            if earlier.unit_id != unit.pk:
                raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
            return earlier
    fields = _clean_fields(
        unit=unit,
        power_item=power_item,
        kind=kind,
        title=title,
        content=content,
        amount=amount,
        decided_on=decided_on,
        period_start=period_start,
        period_end=period_end,
    )
    checked = _clean_documents(documents)
    disclosure = Disclosure(unit=unit, created_by=actor, idempotency_key=key, **fields)
    try:
        with transaction.atomic():
            disclosure.save()
            _store_documents(disclosure, checked, actor)
            record_event(disclosure, actor=actor, action="create", to_state=disclosure.status)
    except IntegrityError:
        earlier = Disclosure.objects.filter(idempotency_key=key).first() if key else None
        if earlier is None:
            raise
        return earlier
    return disclosure


def _require_draft(disclosure: Disclosure) -> None:
    if disclosure.status != DisclosureStatus.DRAFT:
        raise NotPossible(PUBLISHED_IS_FINAL if disclosure.is_public else _("该公示已作废，不能修改。"))


def disclosure_update(
    *,
    actor,
    disclosure: Disclosure,
    power_item: PowerItem | None,
    kind: str,
    title: str,
    content: str,
    amount,
    decided_on,
    period_start,
    period_end,
    correction_reason: str | None = None,
) -> Disclosure:
    """Change a draft. A published disclosure is refused: it is corrected by a new version (`disclosure_correct`)."""
    require_perm(actor, MANAGE, disclosure)
    with transaction.atomic():
        current = locked(disclosure)
        _require_draft(current)
        fields = _clean_fields(
            unit=current.unit,
            power_item=power_item,
            kind=kind,
            title=title,
            content=content,
            amount=amount,
            decided_on=decided_on,
            period_start=period_start,
            period_end=period_end,
        )
        if current.previous_id is not None and correction_reason is not None:
            fields["correction_reason"] = clean_text(
                correction_reason, label=_("更正原因"), field="correction_reason", max_length=500
            )
        for name, value in fields.items():
            setattr(current, name, value)
        current.save()
        record_event(current, actor=actor, action="edit")
    return current


def disclosure_attach(*, actor, disclosure: Disclosure, documents: Sequence) -> int:
    require_perm(actor, MANAGE, disclosure)
    with transaction.atomic():
        current = locked(disclosure)
        _require_draft(current)
        checked = _clean_documents(documents, already=current.documents.count())
        if not checked:
            raise InvalidInput(_("请选择要上传的文件。"), field="documents")
        _store_documents(current, checked, actor)
        record_event(current, actor=actor, action="attach", note="、".join(c.name for c in checked))
    return len(checked)


def disclosure_detach(*, actor, document: DisclosureDocument) -> None:
    """Remove a document from a draft. The stored file stays: an earlier version may share it."""
    disclosure = document.disclosure
    require_perm(actor, MANAGE, disclosure)
    with transaction.atomic():
        _require_draft(locked(disclosure))
        DisclosureDocument.objects.filter(pk=document.pk).delete()
        record_event(disclosure, actor=actor, action="detach", note=document.name)


def disclosure_publish(*, actor, disclosure: Disclosure) -> Disclosure:
    """Publish a draft. A correction supersedes the version it corrects in the same transaction."""
    DISCLOSURE_WORKFLOW.check(disclosure, action="publish", actor=actor)
    with transaction.atomic():
        previous = None
        if disclosure.previous_id is not None:
            # Lock the corrected version first: two corrections published at once must not both supersede it.
            previous = locked(disclosure.previous)
            if previous.status != DisclosureStatus.PUBLISHED:
                raise NotPossible(_("被更正的公示已不是最新版本，不能再发布这份更正。"))
        disclosure.published_at = clock.now()
        disclosure.published_by = actor
        DISCLOSURE_WORKFLOW.apply(
            disclosure,
            action="publish",
            actor=actor,
            note=disclosure.correction_reason,
            data={"version": disclosure.version},
            extra_update_fields=["published_at", "published_by"],
        )
        if previous is not None:
            previous.superseded_by = disclosure
            DISCLOSURE_WORKFLOW.apply(
                previous,
                action="supersede",
                actor=actor,
                note=disclosure.correction_reason,
                data={"by": disclosure.pk, "version": disclosure.version},
                extra_update_fields=["superseded_by"],
            )
    return disclosure


def disclosure_discard(*, actor, disclosure: Disclosure, note: str) -> Disclosure:
    note = clean_text(note, label=_("作废原因"), field="note", max_length=500)
    DISCLOSURE_WORKFLOW.apply(disclosure, action="discard", actor=actor, note=note)
    return disclosure


def disclosure_correct(
    *,
    actor,
    original: Disclosure,
    correction_reason: str,
    power_item: PowerItem | None,
    kind: str,
    title: str,
    content: str,
    amount,
    decided_on,
    period_start,
    period_end,
    documents: Sequence = (),
    keep_documents: bool = True,
) -> Disclosure:
    """Draft a corrected version of a published disclosure. The original stays as it is, public, until the
    correction is published, and public afterwards too, marked as corrected."""
    require_perm(actor, MANAGE, original)
    _require_correctable(Disclosure.objects.get(pk=original.pk))
    reason = clean_text(correction_reason, label=_("更正原因"), field="correction_reason", max_length=500)
    fields = _clean_fields(
        unit=original.unit,
        power_item=power_item,
        kind=kind,
        title=title,
        content=content,
        amount=amount,
        decided_on=decided_on,
        period_start=period_start,
        period_end=period_end,
    )
    inherited = list(original.documents.all()) if keep_documents else []
    checked = _clean_documents(documents, already=len(inherited))
    correction = Disclosure(
        unit=original.unit,
        created_by=actor,
        version=original.version + 1,
        previous=original,
        root_id=original.series_id,
        correction_reason=reason,
        **fields,
    )
    try:
        with transaction.atomic():
            # Lock and re-read the original: the page it was corrected from may be out of date.
            _require_correctable(locked(original))
            correction.save()
            # The correction lists the original's documents too (the same stored files) unless told otherwise.
            DisclosureDocument.objects.bulk_create(
                DisclosureDocument(
                    disclosure=correction, file=d.file.name, name=d.name, kind=d.kind, size=d.size, uploaded_by=actor
                )
                for d in inherited
            )
            _store_documents(correction, checked, actor)
            record_event(correction, actor=actor, action="correct", note=reason, data={"corrects": original.pk})
    except IntegrityError as exc:
        raise NotPossible(PENDING_CORRECTION) from exc
    return correction


PENDING_CORRECTION = gettext_lazy("该公示已有一份待发布的更正草稿，请先发布或作废它。")


def _require_correctable(original: Disclosure) -> None:
    if original.status == DisclosureStatus.SUPERSEDED:
        raise NotPossible(_("该公示已有更正版本，请在最新版本上更正。"))
    if original.status != DisclosureStatus.PUBLISHED:
        raise NotPossible(_("只有已发布的公示需要更正；草稿可以直接修改。"))
    if original.corrections.filter(status=DisclosureStatus.DRAFT).exists():
        raise NotPossible(PENDING_CORRECTION)


# --- residents' comments and objections --------------------------------------------------------------------------


def _authenticated(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _require_open(disclosure: Disclosure, today: date) -> None:
    if disclosure.status == DisclosureStatus.SUPERSEDED:
        raise NotPossible(_("该公示已被更正，请对最新版本提出意见。"))
    if disclosure.status != DisclosureStatus.PUBLISHED:
        raise NotPossible(_("该公示未在公开中。"))
    if today < disclosure.period_start:
        raise NotPossible(_("公示期自 %(start)s 开始，届时才能提出意见。") % {"start": disclosure.period_start})
    if today > disclosure.period_end:
        raise NotPossible(
            _("公示期已于 %(end)s 结束，不能再在线提出意见；如有问题请向村（社区）或乡镇反映。")
            % {"end": disclosure.period_end}
        )


def feedback_submit(
    *,
    actor,
    disclosure: Disclosure,
    kind: str,
    text: str,
    visitor: Visitor | None = None,
    name: str = "",
    contact_consent: bool = False,
    idempotency_key: str = "",
) -> Feedback:
    """A resident comments on, or objects to, a disclosure during its period: with an account, or with a mainland
    mobile number verified this session (request.visitor) that is kept encrypted for the reply, after the resident
    agreed to that (a consent recorded with the feedback). An objection is queued on the agenda of the village's next
    monthly meeting, so nobody unidentified can put items there."""

    require_perm(actor, "villageaffairs.give_feedback", disclosure)
    today = clock.today()
    # The key is bound to the sender: resent by anyone else it is their own new submission, never this receipt.
    feedback = insert_once(
        key=idempotency_key,
        sender=sender_of(actor, visitor),
        model=Feedback,
        create=lambda: _feedback_create(
            actor=actor,
            disclosure=disclosure,
            kind=kind,
            text=text,
            visitor=visitor,
            name=name,
            contact_consent=contact_consent,
            today=today,
        ),
    )
    if feedback.disclosure_id != disclosure.pk:
        raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
    return feedback


def _feedback_create(*, actor, disclosure, kind, text, visitor, name, contact_consent, today) -> Feedback:
    _require_open(disclosure, today)
    if kind not in FeedbackKind.values:
        raise InvalidInput(_("请选择意见类型。"), field="kind")
    text = clean_text(text, label=_("意见内容"), field="text", max_length=1000)
    name = clean_text(name, label=_("姓名"), field="name", max_length=50, required=False)
    mobile = ""
    if _authenticated(actor):
        person = {"author": actor}
    elif visitor is not None and visitor.mobile is not None and (mobile := visitor.mobile.number()):
        person = {"author__isnull": True, "mobile_hash": visitor.mobile.mobile_hash}
    else:
        raise NotAllowed(_("请先用手机号验证或登录，再提出意见或异议（号码不公开，仅用于答复您）。"))
    if (mobile or name) and not contact_consent:
        raise InvalidInput(_("请勾选同意村（社区）工作人员用您的姓名和手机号联系答复。"), field="contact_consent")
    if Feedback.objects.filter(disclosure=disclosure, **person).count() >= MAX_FEEDBACK_PER_PERSON:
        raise InvalidInput(
            _("同一人对同一公示最多提出 %(n)d 条意见，请合并后再提交。") % {"n": MAX_FEEDBACK_PER_PERSON}, field="text"
        )
    if visitor is not None:
        visitor.hit("objection")
    feedback = Feedback(
        disclosure=disclosure,
        kind=kind,
        text=text,
        name=name,
        mobile=mobile,
        mobile_hash=mobile_hash(mobile) if mobile else "",
        author=actor if _authenticated(actor) else None,
    )
    with transaction.atomic():
        # Lock the disclosure: a correction published at this moment must not leave an objection on the old one.
        if locked(disclosure, fields=["status"]).status != DisclosureStatus.PUBLISHED:
            raise NotPossible(_("该公示刚刚被更正，请对最新版本提出意见。"))
        feedback.save()
        if (mobile or name) and visitor is not None:
            # In the same transaction: the contact details are kept only with the resident's agreement.
            consent_record(
                visitor=visitor, purpose=ConsentPurpose.CONTACT, county=disclosure.unit.county, subject=feedback
            )
        record_event(disclosure, actor=actor, action=kind, data={"feedback": feedback.pk})
        if kind == FeedbackKind.OBJECTION:
            enqueue_objection(feedback)
    return feedback


def feedback_reply(*, actor, feedback: Feedback, reply: str) -> Feedback:
    """The village answers a comment (an objection is answered by the meeting that settles it)."""
    require_perm(actor, MANAGE, feedback.disclosure)
    feedback.reply = clean_text(reply, label=_("答复"), field="reply", max_length=1000)
    feedback.replied_at = clock.now()
    with transaction.atomic():
        feedback.save(update_fields=["reply", "replied_at"])
        record_event(feedback.disclosure, actor=actor, action="reply", data={"feedback": feedback.pk})
    return feedback

"""Writes on the disputes mediated (矛盾纠纷化解) and petitions (信访) of a village, each with its outcome."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.errors import InvalidInput
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_date, clean_key, clean_text
from shangliang.units.models import Unit
from shangliang.villageaffairs.models import Dispute, DisputeKind, Petition, PetitionChannel
from shangliang.villageaffairs.services.common import require_village
from shangliang.villageaffairs.workflow import DISPUTE_WORKFLOW, PETITION_WORKFLOW, RECORD_CASES


def _received(value, *, label: str, today: date) -> date:
    received = clean_date(value, label=label, field="received_on")
    if received > today:
        raise InvalidInput(_("%(label)s不能晚于今天。") % {"label": label}, field="received_on")
    return received


def _insert(model, key: str, unit: Unit, row, actor):
    """Insert a case once per form: the same key twice (a double click, a reload) gives the first row back."""
    if key:
        earlier = model.objects.filter(idempotency_key=key).first()
        if earlier is not None:
            if earlier.unit_id != unit.pk:
                raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
            return earlier
    try:
        with transaction.atomic():
            row.save()
            record_event(row, actor=actor, action="create", to_state=row.status)
    except IntegrityError:
        earlier = model.objects.filter(idempotency_key=key).first() if key else None
        if earlier is None:
            raise
        return earlier
    return row


def dispute_record(
    *,
    actor,
    unit: Unit,
    received_on,
    kind: str,
    summary: str,
    parties: int = 2,
    mediator: str = "",
    idempotency_key: str = "",
) -> Dispute:
    require_perm(actor, RECORD_CASES, unit)
    require_village(unit)
    today = clock.today()
    key = clean_key(idempotency_key)
    if kind not in DisputeKind.values:
        raise InvalidInput(_("请选择纠纷类型。"), field="kind")
    try:
        parties = int(parties)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("当事人数应为整数。"), field="parties") from exc
    if not 1 <= parties <= 999:
        raise InvalidInput(_("当事人数应在 1 至 999 之间。"), field="parties")
    row = Dispute(
        unit=unit,
        received_on=_received(received_on, label=_("受理日期"), today=today),
        kind=kind,
        summary=clean_text(summary, label=_("纠纷概要"), field="summary", max_length=200),
        parties=parties,
        mediator=clean_text(mediator, label=_("调解人"), field="mediator", max_length=50, required=False),
        idempotency_key=key,
    )
    return _insert(Dispute, key, unit, row, actor)


def _closing_date(value, *, opened: date, today: date, field: str) -> date:
    closed = clean_date(value, label=_("办结日期"), field=field, required=False) or today
    if closed < opened:
        raise InvalidInput(_("办结日期不能早于受理日期（%(d)s）。") % {"d": opened}, field=field)
    if closed > today:
        raise InvalidInput(_("办结日期不能晚于今天。"), field=field)
    return closed


def dispute_decide(*, actor, dispute: Dispute, action: str, outcome: str, closed_on=None) -> Dispute:
    """Record how a dispute ended: mediated (resolve), mediation failed (fail), or handed on (refer)."""
    DISPUTE_WORKFLOW.check(dispute, action=action, actor=actor)
    today = clock.today()
    dispute.outcome = clean_text(outcome, label=_("化解结果"), field="outcome", max_length=2000)
    dispute.closed_on = _closing_date(closed_on, opened=dispute.received_on, today=today, field="closed_on")
    DISPUTE_WORKFLOW.apply(
        dispute, action=action, actor=actor, note=dispute.outcome, extra_update_fields=["outcome", "closed_on"]
    )
    return dispute


def petition_record(
    *,
    actor,
    unit: Unit,
    received_on,
    channel: str,
    subject: str,
    collective: bool = False,
    idempotency_key: str = "",
) -> Petition:
    require_perm(actor, RECORD_CASES, unit)
    require_village(unit)
    today = clock.today()
    key = clean_key(idempotency_key)
    if channel not in PetitionChannel.values:
        raise InvalidInput(_("请选择信访形式。"), field="channel")
    row = Petition(
        unit=unit,
        received_on=_received(received_on, label=_("登记日期"), today=today),
        channel=channel,
        collective=bool(collective),
        subject=clean_text(subject, label=_("信访事项"), field="subject", max_length=200),
        idempotency_key=key,
    )
    return _insert(Petition, key, unit, row, actor)


def petition_decide(*, actor, petition: Petition, action: str, outcome: str, concluded_on=None) -> Petition:
    PETITION_WORKFLOW.check(petition, action=action, actor=actor)
    today = clock.today()
    petition.outcome = clean_text(outcome, label=_("办理结果"), field="outcome", max_length=2000)
    petition.concluded_on = _closing_date(concluded_on, opened=petition.received_on, today=today, field="concluded_on")
    PETITION_WORKFLOW.apply(
        petition, action=action, actor=actor, note=petition.outcome, extra_update_fields=["outcome", "concluded_on"]
    )
    return petition

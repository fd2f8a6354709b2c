"""What a county's CPPCC office configures: chasing and reopening settings, and the third-party evaluation form."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.accountability.models import AccountabilitySettings, EvaluationForm, EvaluationItem, ItemKind
from shangliang.core import audit
from shangliang.core.errors import InvalidInput
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_text
from shangliang.units.models import Unit, UnitKind

# field: (label, low, high)
LIMITS = {
    "sign_days": (_("签收时限"), 1, 30),
    "hand_back_days": (_("申退时限"), 1, 30),
    "remind_before_days": (_("到期前提醒天数"), 0, 30),
    "notice_grace_days": (_("催办后通报宽限天数"), 1, 60),
    "dissatisfaction_percent": (_("不满意率重办阈值"), 1, 100),
    "min_ratings": (_("重办所需最少评价数"), 1, 1000),
    "reopen_days": (_("重办期限"), 1, 365),
    "follow_up_months": (_("回访间隔"), 1, 36),
}
MAX_ITEMS = 30


def _county(actor, county: Unit) -> None:
    if county.kind != UnitKind.COUNTY:
        raise InvalidInput(_("只能为县（区）设置。"))
    require_perm(actor, "accountability.configure", county, _("只有本县（区）政协机关可以修改设置。"))


def settings_save(*, actor, county: Unit, **values) -> AccountabilitySettings:
    _county(actor, county)
    unknown = set(values) - set(LIMITS)
    if unknown:
        raise InvalidInput(_("未知的设置项。"))
    cleaned = {}
    for field, (label, low, high) in LIMITS.items():
        if field not in values:
            continue
        try:
            value = int(values[field])
        except (TypeError, ValueError) as exc:
            raise InvalidInput(_("%(label)s应为整数。") % {"label": label}, field=field) from exc
        if not low <= value <= high:
            raise InvalidInput(
                _("%(label)s应在 %(low)d 至 %(high)d 之间。") % {"label": label, "low": low, "high": high},
                field=field,
            )
        cleaned[field] = value
    with transaction.atomic():
        row, _created = AccountabilitySettings.objects.select_for_update().get_or_create(county=county)
        for field, value in cleaned.items():
            setattr(row, field, value)
        row.updated_by = actor
        row.save()
        record_event(row, actor=actor, action="update_settings", unit=county, data=cleaned)
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=row, unit=county, detail={"action": "update_settings"})
    return row


def evaluation_form_save(*, actor, county: Unit, name: str, items: list[dict]) -> EvaluationForm:
    """A new version of the county's form (the old one is kept for the evaluations already made with it).

    `items`: [{"kind": "process" | "outcome", "text": str, "weight": 1–100}, …]; at least one of each kind.
    """
    _county(actor, county)
    name = clean_text(name, label=_("评估表名称"), field="name", max_length=100)
    rows = []
    for index, item in enumerate(items or [], start=1):
        text = (item.get("text") or "").strip()
        if not text:
            continue
        text = clean_text(text, label=_("评估内容"), field="items", max_length=200)
        if item.get("kind") not in ItemKind.values:
            raise InvalidInput(_("第 %(n)d 条的类别不正确。") % {"n": index}, field="items")
        try:
            weight = int(item.get("weight"))
        except (TypeError, ValueError) as exc:
            raise InvalidInput(_("第 %(n)d 条的权重应为 1—100 的整数。") % {"n": index}, field="items") from exc
        if not 1 <= weight <= 100:
            raise InvalidInput(_("第 %(n)d 条的权重应为 1—100 的整数。") % {"n": index}, field="items")
        rows.append((item["kind"], text, weight))
    if len(rows) > MAX_ITEMS:
        raise InvalidInput(_("评估条目不能超过 %(n)d 条。") % {"n": MAX_ITEMS}, field="items")
    kinds = {k for k, _t, _w in rows}
    if kinds != {ItemKind.PROCESS, ItemKind.OUTCOME}:
        raise InvalidInput(_("评估表须至少各有一条过程评估和结果评估条目。"), field="items")
    with transaction.atomic():
        EvaluationForm.objects.select_for_update().filter(county=county, is_active=True).update(is_active=False)
        form = EvaluationForm.objects.create(county=county, name=name)
        EvaluationItem.objects.bulk_create(
            EvaluationItem(form=form, kind=k, order=i, text=t, weight=w) for i, (k, t, w) in enumerate(rows, start=1)
        )
        record_event(form, actor=actor, action="update_form", unit=county, data={"items": len(rows)})
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=form, unit=county, detail={"action": "update_form"})
    return form

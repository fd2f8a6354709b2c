"""A county's configuration: the representativeness rule and the frequency norms per unit level."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.consultations.models import FrequencyNorm, RepresentativenessRule
from shangliang.core import audit
from shangliang.core.errors import InvalidInput
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_date, clean_number
from shangliang.units.models import Unit, UnitKind, UnitLevel

CONFIGURE = "consultations.configure_norms"
NORM_LEVELS = (UnitLevel.TOWN, UnitLevel.VILLAGE, UnitLevel.SPECIAL)


def _county(county: Unit) -> Unit:
    if county.kind != UnitKind.COUNTY:
        raise InvalidInput(_("规则按区县设置。"), field="county")
    return county


def rule_save(
    *, actor, county: Unit, min_participants, min_stakeholders, min_resident_reps, max_official_percent
) -> RepresentativenessRule:
    require_perm(actor, CONFIGURE, county, _("只有本县政协机关工作人员可以设置代表性规则。"))
    _county(county)
    values = {
        "min_participants": clean_number(
            min_participants, label=_("最少参加人数"), field="min_participants", low=1, high=500
        ),
        "min_stakeholders": clean_number(
            min_stakeholders, label=_("利益相关方至少"), field="min_stakeholders", low=0, high=500
        ),
        "min_resident_reps": clean_number(
            min_resident_reps, label=_("群众代表至少"), field="min_resident_reps", low=0, high=500
        ),
        "max_official_percent": clean_number(
            max_official_percent, label=_("党政人员占比上限"), field="max_official_percent", low=0, high=100
        ),
    }
    with transaction.atomic():
        rule, _created = RepresentativenessRule.objects.update_or_create(
            county=county, defaults={**values, "updated_by": actor}
        )
        record_event(rule, actor=actor, action="configure", data=values, unit=county)
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=rule, unit=county, detail={"action": "configure"})
    return rule


def norm_save(
    *, actor, county: Unit, level: str, min_count, period_months, effective_from: date | None
) -> FrequencyNorm:
    require_perm(actor, CONFIGURE, county, _("只有本县政协机关工作人员可以设置协商频次。"))
    _county(county)
    if level not in NORM_LEVELS:
        raise InvalidInput(_("请选择单元层级。"), field="level")
    values = {
        "min_count": clean_number(min_count, label=_("至少次数"), field="min_count", low=1, high=100),
        "period_months": clean_number(period_months, label=_("周期（月）"), field="period_months", low=1, high=24),
    }
    effective_from = clean_date(effective_from, label=_("起算日期"), field="effective_from")
    with transaction.atomic():
        norm, _created = FrequencyNorm.objects.update_or_create(
            county=county, level=level, defaults={**values, "effective_from": effective_from, "updated_by": actor}
        )
        record_event(
            norm,
            actor=actor,
            action="configure",
            data={**values, "level": level, "from": str(effective_from)},
            unit=county,
        )
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=norm, unit=county, detail={"action": "configure"})
    return norm

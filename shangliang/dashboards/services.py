"""The writes of the dashboards app: a county's assessment weights and its coverage plan. Each is checked, done in
one transaction and recorded as an event (who changed the formula, when, from what to what)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.core.errors import InvalidInput
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.dashboards.assessment import ITEMS
from shangliang.dashboards.models import CoverageTarget, ScoreSubject, ScoringRule
from shangliang.units.models import Unit, UnitKind

CONFIGURE = "dashboards.configure"


def _county(unit: Unit) -> Unit:
    if unit.kind != UnitKind.COUNTY:
        raise InvalidInput(_("只能为区县设置。"))
    return unit


def _decimal(value, *, label: str, field: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("%(label)s须是数字。") % {"label": label}, field=field) from exc
    if not d.is_finite() or d < 0 or d > 1000:
        raise InvalidInput(_("%(label)s须在 0 至 1000 之间。") % {"label": label}, field=field)
    return d.quantize(Decimal("0.01"))


def scoring_rule_save(*, actor, county: Unit, subject: str, item: str, points, cap) -> ScoringRule:
    require_perm(actor, CONFIGURE, county, _("只有本县政协机关工作人员可以设置考核计分规则。"))
    _county(county)
    if subject not in ScoreSubject.values:
        raise InvalidInput(_("考核对象不正确。"), field="subject")
    if item not in {i.key for i in ITEMS[subject]}:
        raise InvalidInput(_("考核项目不正确。"), field="item")
    values = {
        "points": _decimal(points, label=_("每项得分"), field="points"),
        "cap": _decimal(cap, label=_("最高得分"), field="cap"),
    }
    with transaction.atomic():
        rule, _created = ScoringRule.objects.update_or_create(
            county=county, subject=subject, item=item, defaults={**values, "updated_by": actor}
        )
        record_event(
            rule,
            actor=actor,
            action="configure",
            data={"subject": subject, "item": item, "points": str(values["points"]), "cap": str(values["cap"])},
            unit=county,
        )
    return rule


def scoring_rule_reset(*, actor, county: Unit, subject: str) -> int:
    """Back to the defaults for one subject (members or units)."""
    require_perm(actor, CONFIGURE, county, _("只有本县政协机关工作人员可以设置考核计分规则。"))
    _county(county)
    with transaction.atomic():
        rules = list(ScoringRule.objects.select_for_update().filter(county=county, subject=subject))
        for rule in rules:
            record_event(rule, actor=actor, action="reset", data={"subject": subject, "item": rule.item}, unit=county)
        ScoringRule.objects.filter(pk__in=[r.pk for r in rules]).delete()
    return len(rules)


def coverage_target_save(*, actor, county: Unit, year, percent) -> CoverageTarget | None:
    """Set (or, with an empty percent, remove) the coverage the county plans to reach by the end of `year`."""
    require_perm(actor, CONFIGURE, county, _("只有本县政协机关工作人员可以设置阵地覆盖计划。"))
    _county(county)
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("请填写年度。"), field="year") from exc
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("年度不正确。"), field="year")
    with transaction.atomic():
        if percent in (None, ""):
            target = CoverageTarget.objects.filter(county=county, year=year).first()
            if target is not None:
                record_event(target, actor=actor, action="remove", data={"year": year}, unit=county)
                target.delete()
            return None
        try:
            percent = int(percent)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(_("计划覆盖率须是 0 至 100 的整数。"), field="percent") from exc
        if not 0 <= percent <= 100:
            raise InvalidInput(_("计划覆盖率须是 0 至 100 的整数。"), field="percent")
        target, _created = CoverageTarget.objects.update_or_create(
            county=county, year=year, defaults={"percent": percent, "updated_by": actor}
        )
        record_event(target, actor=actor, action="configure", data={"year": year, "percent": percent}, unit=county)
    return target

"""Which sources' open topics a county shows on its public pages (set by the county's CPPCC office)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.core import audit
from shangliang.core.errors import InvalidInput
from shangliang.core.permissions import require_perm
from shangliang.topics.models import TopicPublicity, TopicSource
from shangliang.units.models import Unit, UnitKind

CONFIGURE = "topics.configure_publicity"


def publicity_save(*, actor, county: Unit, shown: list[str]) -> TopicPublicity:
    """`shown`: the sources (TopicSource values) whose open topics the public pages list."""
    require_perm(actor, CONFIGURE, county, _("只有本县政协机关工作人员可以设置议题公开范围。"))
    if county.kind != UnitKind.COUNTY:
        raise InvalidInput(_("议题公开范围按区县设置。"))
    unknown = set(shown) - set(TopicSource.values)
    if unknown:
        raise InvalidInput(_("未知的议题来源。"), field="shown")
    values = {source: source in shown for source in TopicSource.values}
    with transaction.atomic():
        row, _created = TopicPublicity.objects.update_or_create(county=county, defaults=values)
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=row, unit=county, detail={"action": "publicity"})
    return row

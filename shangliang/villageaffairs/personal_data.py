"""What village affairs keeps about a resident (residents.personal_data): comments and objections."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shangliang.core.periodic import register_periodic
from shangliang.residents.own_data import settings_for
from shangliang.residents.personal_data import Person, Provider, register_provider, unlinkable
from shangliang.units.models import Unit
from shangliang.villageaffairs.models import Feedback


def _feedback(person: Person) -> list[dict]:
    rows = Feedback.objects.filter(person.q("author")).select_related("disclosure").order_by("created_at", "id")
    return [
        {
            "公示": f.disclosure.title,
            "类型": str(f.get_kind_display()),
            "内容": f.text,
            "姓名": f.name,
            "手机号": f.masked_mobile,
            "答复": f.reply,
            "时间": f.created_at,
        }
        for f in rows
    ]


def _erase(person: Person) -> int:
    """The objection stays on its meeting's agenda and in the counts; the name and number go."""
    done = 0
    for pk in Feedback.objects.filter(person.q("author")).values_list("pk", flat=True):
        Feedback.objects.filter(pk=pk).update(author=None, name="", mobile="", mobile_hash=unlinkable())
        done += 1
    return done


def _counties(person: Person):
    return Feedback.objects.filter(person.q("author")).values_list("disclosure__unit__county_id", flat=True)


def register() -> None:
    register_periodic(f"{__package__}.retention", retention_line)
    register_provider(
        "villageaffairs.feedback",
        Provider(gettext_lazy("对公示的意见与异议"), _feedback, _erase, counties=_counties),
    )


def retention_line(today) -> str:
    """Residents' names and numbers on feedback to disclosures whose period ended longer ago than the county keeps
    contact data are erased; the feedback and its agenda item stay."""
    erased = 0
    counties = Unit.objects.filter(pk__in=Feedback.objects.values("disclosure__unit__county_id").distinct())
    for county in counties:
        cutoff = today - timedelta(days=settings_for(county).contact_days)
        stale = Feedback.objects.filter(disclosure__unit__county=county, disclosure__period_end__lt=cutoff)
        for pk in stale.exclude(mobile_hash__startswith="erased").values_list("pk", flat=True):
            Feedback.objects.filter(pk=pk).update(name="", mobile="", mobile_hash=unlinkable())
            erased += 1
    return _("村务：匿名化过期的群众联系方式 %(n)d 条。") % {"n": erased}

"""What topics keeps about a resident (residents.personal_data): topics raised with an account or with a number the
resident has verified, supports; retention erases contact details and photos after the matter has closed."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shangliang.core.periodic import register_periodic
from shangliang.residents.own_data import settings_for
from shangliang.residents.personal_data import (
    Person,
    Provider,
    register_provider,
    register_withdrawal,
    unlinkable,
)
from shangliang.topics.models import Support, Topic, TopicPhoto
from shangliang.units.models import Unit


def _topics(person: Person) -> list[dict]:
    rows = Topic.objects.filter(person.q("submitter", "mobile_hash")).order_by("created_at", "id")
    return [
        {
            "议题": t.title,
            "描述": t.description,
            "姓名": t.submitted_by_name,
            "联系手机": t.masked_mobile,
            "公开姓名": t.name_public,
            "查询码": t.tracking_code,
            "时间": t.created_at,
        }
        for t in rows
    ]


def _topic_counties(person: Person):
    return Topic.objects.filter(person.q("submitter", "mobile_hash")).values_list("unit__county_id", flat=True)


def _support_counties(person: Person):
    return Support.objects.filter(person.q("user", "client_key")).values_list("topic__unit__county_id", flat=True)


def _erase_topics(person: Person) -> int:
    """The topic stays (it may be on a consultation's agenda and in the figures); it becomes anonymous."""
    topics = Topic.objects.filter(person.q("submitter", "mobile_hash"))
    _delete_photos(TopicPhoto.objects.filter(topic__in=topics))
    return topics.update(
        submitter=None, submitted_by_name="", mobile="", mobile_hash="", anonymous=True, name_public=False
    )


def _delete_photos(photos) -> int:
    """Photos may show people: the files go with their rows (storage first, so no row points at a missing file)."""
    done = 0
    for photo in photos.order_by("id"):
        photo.image.delete(save=False)
        photo.delete()
        done += 1
    return done


def _supports(person: Person) -> list[dict]:
    rows = Support.objects.filter(person.q("user", "client_key")).select_related("topic").order_by("id")
    return [{"附议的议题": s.topic.title, "时间": s.created_at} for s in rows]


def _erase_supports(person: Person) -> int:
    done = 0
    for pk in Support.objects.filter(person.q("user", "client_key")).values_list("pk", flat=True):
        Support.objects.filter(pk=pk).update(user=None, client_key=unlinkable())
        done += 1
    return done


def _unpublish(consent) -> None:
    """The separate consent to publish the name is withdrawn: public pages show 张** again."""
    if consent.subject_type_id and consent.subject_type.model_class() is Topic:
        Topic.objects.filter(pk=consent.subject_id).update(name_public=False)


def register() -> None:
    register_withdrawal("publish", _unpublish)
    register_periodic(f"{__package__}.retention", retention_line)
    register_provider(
        "topics.topics", Provider(gettext_lazy("提出的议题"), _topics, _erase_topics, counties=_topic_counties)
    )
    register_provider(
        "topics.supports", Provider(gettext_lazy("附议"), _supports, _erase_supports, counties=_support_counties)
    )


CLOSED_STATUSES = ("rejected", "merged", "referred", "declined")


def retention_line(today) -> str:
    """Contact details of topics closed without a consultation (rejected, merged, referred, declined) longer ago
    than their county keeps contact data are erased, the topics staying, anonymous; their photos (which may show
    people) are deleted once they are older than the county keeps photos."""
    erased = photos = 0
    counties = Unit.objects.filter(pk__in=Topic.objects.values("unit__county_id").distinct())
    for county in counties:
        cutoff = today - timedelta(days=settings_for(county).contact_days)
        stale = Topic.objects.filter(unit__county=county, status__in=CLOSED_STATUSES, updated_at__date__lt=cutoff)
        stale = stale.exclude(mobile="", submitted_by_name="")
        erased += stale.update(mobile="", mobile_hash="", submitted_by_name="", anonymous=True, name_public=False)
        photo_cutoff = today - timedelta(days=settings_for(county).photo_days)
        old = Topic.objects.filter(unit__county=county, status__in=CLOSED_STATUSES, updated_at__date__lt=photo_cutoff)
        photos += _delete_photos(TopicPhoto.objects.filter(topic__in=old))
    return _("议题：匿名化过期联系方式 %(n)d 条，删除过期照片 %(p)d 张。") % {"n": erased, "p": photos}

"""Every write on topics except screening and approval (see `screening`): intake from the four sources, resubmission,
supports (附议), the urgent flag. Keyword-only, permission checked, Chinese messages, one transaction, event written.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shangliang.core.crypto import mobile_hash
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.uploads import checked_image
from shangliang.core.validation import clean_key, clean_text
from shangliang.people.services import clean_phone
from shangliang.residents.models import ConsentPurpose
from shangliang.residents.services import consent_record
from shangliang.residents.visitor import Visitor
from shangliang.topics.models import PUBLIC_STATUSES, Support, Topic, TopicPhoto, TopicSource
from shangliang.topics.text import search_terms
from shangliang.topics.workflow import TOPIC_WORKFLOW
from shangliang.units.models import Room, Unit

MAX_PHOTOS = 3
TITLE_MAX = 100
DESCRIPTION_MAX = 2000
NAME_MAX = 50

# Which permission lets an account enter a topic of each source (residents use the room's public form).
SOURCE_PERMISSIONS = {
    TopicSource.GRID: "topics.enter_topic",
    TopicSource.MEMBER: "topics.recommend_topic",
    TopicSource.ASSIGNED: "topics.assign_topic",
}


class TrackingCodeHolder(AnonymousUser):
    """A visitor without an account who holds a topic's tracking code (the rules grant them resubmission)."""

    def __init__(self, code: str):
        super().__init__()
        self.tracking_code = code


def _authenticated(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def clean_title(value) -> str:
    return clean_text(value, label=_("标题"), field="title", max_length=TITLE_MAX)


def clean_description(value) -> str:
    return clean_text(value, label=_("详细描述"), field="description", max_length=DESCRIPTION_MAX)


def clean_name(value, *, required: bool, label: str | None = None) -> str:
    return clean_text(value, label=label or _("反映人姓名"), field="name", max_length=NAME_MAX, required=required)


def clean_mobile(value) -> str:
    return clean_phone(value or "", field="mobile")


def clean_photos(photos: Sequence) -> list:
    photos = [p for p in (photos or []) if p]
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")
    return [checked_image(p, field="photos") for p in photos]


def _check_unit(unit: Unit, room: Room | None) -> None:
    if unit is None or not unit.is_active:
        raise InvalidInput(_("所选单元不存在或已撤销。"), field="unit")
    if room is not None and room.unit_id != unit.pk:
        raise InvalidInput(_("所选议事室不属于该单元。"), field="room")


def _replayed(key: str, *, unit: Unit, actor) -> Topic | None:
    """The topic an earlier send of the same form created, if any (a double click, a reload, a lost response)."""
    if not key:
        return None
    topic = Topic.objects.filter(idempotency_key=key).first()
    if topic is None:
        return None
    same_person = topic.submitter_id == (actor.pk if _authenticated(actor) else None)
    if topic.unit_id != unit.pk or not same_person:
        raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
    topic.replayed = True
    return topic


def insert_topic(*, actor, fields: dict, photos: list, key: str, event_data: dict | None = None) -> Topic:
    """Insert a checked topic, its photos and the "submit" event; the same key twice gives the first topic back.

    No checks here: the intake services (and the Excel import) check permission and input before calling it.
    """
    topic = Topic(
        **fields,
        mobile_hash=mobile_hash(fields["mobile"]) if fields.get("mobile") else "",
        submitter=actor if _authenticated(actor) else None,
        idempotency_key=key,
        search_terms=search_terms(fields["title"], fields["description"]),
    )
    try:
        with transaction.atomic():
            topic.save()
            # The insert writes each photo to storage under its generated name.
            TopicPhoto.objects.bulk_create(TopicPhoto(topic=topic, image=p) for p in photos)
            record_event(topic, actor=actor, action="submit", to_state=topic.status, public=True, data=event_data or {})
    except IntegrityError:
        # Two sends of the same form at the same moment: the other one won; answer with its topic.
        existing = Topic.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        existing.replayed = True
        return existing
    topic.replayed = False
    return topic


def topic_submit(
    *,
    actor,
    room: Room,
    title: str,
    description: str,
    anonymous: bool,
    name: str = "",
    mobile: str = "",
    photos: Sequence = (),
    idempotency_key: str = "",
    visitor: Visitor | None = None,
    contact_consent: bool = False,
    publish_name: bool = False,
) -> Topic:
    """A resident raises a concern at a room (群众出题), with or without an account.

    Anonymous: no name is kept. A name or a mobile number is kept only with the resident's consent to be contacted
    (recorded with the topic, in its transaction); the number encrypted, seen only by the unit's staff. The whole
    name shows on public pages only with a separate consent to that (PIPL art. 25), else masked (张*). Counted under
    the limit "topic_submit" (per browser and per network without an account or a verified number).
    """
    unit = room.unit
    _check_unit(unit, room)
    key = clean_key(idempotency_key)
    replay = _replayed(key, unit=unit, actor=actor)
    if replay is not None:
        return replay
    fields = {
        "unit": unit,
        "room": room,
        "source": TopicSource.RESIDENT,
        "title": clean_title(title),
        "description": clean_description(description),
        "anonymous": bool(anonymous),
        "submitted_by_name": "" if anonymous else clean_name(name, required=True),
        "mobile": clean_mobile(mobile),
    }
    personal = bool(fields["submitted_by_name"] or fields["mobile"])
    if personal and not contact_consent and not _authenticated(actor):
        raise InvalidInput(
            _("请勾选同意工作人员用您留下的姓名和手机号联系您，或选择匿名、不留手机号。"), field="contact_consent"
        )
    fields["name_public"] = bool(publish_name and fields["submitted_by_name"])
    prepared = clean_photos(photos)
    if visitor is not None:
        visitor.hit("topic_submit")
    county = unit.county or unit
    with transaction.atomic():
        topic = insert_topic(actor=actor, fields=fields, photos=prepared, key=key)
        if visitor is not None and not topic.replayed:
            if personal:
                consent_record(visitor=visitor, purpose=ConsentPurpose.CONTACT, county=county, subject=topic)
            if fields["name_public"]:
                consent_record(visitor=visitor, purpose=ConsentPurpose.PUBLISH, county=county, subject=topic)
    return topic


def topic_enter(
    *,
    actor,
    unit: Unit,
    source: str,
    title: str,
    description: str,
    name: str = "",
    anonymous: bool = False,
    mobile: str = "",
    urgent: bool = False,
    room: Room | None = None,
    photos: Sequence = (),
    idempotency_key: str = "",
) -> Topic:
    """Enter a topic from inside the app: a liaison on a resident's behalf (网格员收集), a member's recommendation
    (委员荐题), or a party/government assignment (党政点题, `name` is the assigning body)."""
    if source not in SOURCE_PERMISSIONS:
        raise InvalidInput(_("议题来源不正确。"), field="source")
    _check_unit(unit, room)
    require_perm(
        actor,
        SOURCE_PERMISSIONS[source],
        unit,
        _("您无权在“%(unit)s”以“%(source)s”方式提出议题。") % {"unit": unit.name, "source": TopicSource(source).label},
    )
    key = clean_key(idempotency_key)
    replay = _replayed(key, unit=unit, actor=actor)
    if replay is not None:
        return replay
    if source == TopicSource.MEMBER:
        anonymous, submitted_by = False, actor.display_name
    elif source == TopicSource.ASSIGNED:
        anonymous, submitted_by = False, clean_name(name, required=True, label=_("点题单位"))
    else:
        submitted_by = "" if anonymous else clean_name(name, required=True)
    fields = {
        "unit": unit,
        "room": room,
        "source": source,
        "title": clean_title(title),
        "description": clean_description(description),
        "anonymous": bool(anonymous),
        "submitted_by_name": submitted_by,
        "mobile": clean_mobile(mobile),
        "urgent": bool(urgent),
    }
    return insert_topic(actor=actor, fields=fields, photos=clean_photos(photos), key=key)


def topic_resubmit(
    *, topic: Topic, actor, title: str, description: str, note: str = "", photos: Sequence = ()
) -> Topic:
    """A returned topic, completed with the information asked for, goes back to screening."""
    TOPIC_WORKFLOW.check(topic, action="resubmit", actor=actor)
    topic.title = clean_title(title)
    topic.description = clean_description(description)
    note = clean_text(note, label=_("补充说明"), field="note", max_length=500, required=False)
    prepared = clean_photos(photos)
    if len(prepared) + topic.photos.count() > MAX_PHOTOS:
        raise InvalidInput(_("每个议题最多 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")
    topic.search_terms = search_terms(topic.title, topic.description)
    with transaction.atomic():
        TopicPhoto.objects.bulk_create(TopicPhoto(topic=topic, image=p) for p in prepared)
        TOPIC_WORKFLOW.apply(
            topic,
            action="resubmit",
            actor=actor,
            note=note,
            extra_update_fields=["title", "description", "search_terms"],
        )
    return topic


def topic_support(*, topic: Topic, actor, visitor: Visitor | None = None) -> Support:
    """One person supports (附议) an open topic, once: an account, else a verified number (its keyed hash), else
    the visitor's browser (the keyed hash of its random id). Counted under the limit "topic_support"."""
    require_perm(actor, "topics.support_topic", topic)
    if topic.status not in PUBLIC_STATUSES:
        raise NotPossible(_("该议题当前状态为“%(s)s”，不能附议。") % {"s": topic.get_status_display()})
    if _authenticated(actor):
        person = {"user": actor}
    elif visitor is not None and visitor.mobile is not None:
        person = {"client_key": visitor.mobile.mobile_hash}
    elif visitor is not None and (browser := visitor.browser_key()):
        person = {"client_key": browser}
    else:
        raise InvalidInput(_("请允许浏览器保存 Cookie 后再附议。"))
    if Support.objects.filter(topic=topic, **person).exists():
        raise InvalidInput(_("您已附议过该议题，每人只能附议一次。"))
    if visitor is not None:
        visitor.hit("topic_support")
    try:
        with transaction.atomic():
            # Lock the topic: the count moves with the row, and the state cannot change under us.
            gone = _("该议题的状态已变更，不能附议。")
            if locked(topic, fields=["status"], missing=gone).status not in PUBLIC_STATUSES:
                raise NotPossible(_("该议题的状态已变更，不能附议。"))
            support = Support.objects.create(topic=topic, **person)
            Topic.objects.filter(pk=topic.pk).update(supports_count=F("supports_count") + 1)
    except IntegrityError as exc:
        raise InvalidInput(_("您已附议过该议题，每人只能附议一次。")) from exc
    topic.refresh_from_db(fields=["supports_count"])
    return support


def topic_set_urgent(*, topic: Topic, actor, urgent: bool, note: str = "") -> Topic:
    """Flag a topic as urgent (急需协商: it may be convened at once and is listed first), or clear the flag."""
    require_perm(actor, "topics.set_urgent", topic)
    note = clean_text(note, label=_("说明"), field="note", max_length=500, required=False)
    urgent = bool(urgent)
    if topic.urgent == urgent:
        raise InvalidInput(_("议题已是该状态。"))
    with transaction.atomic():
        if locked(topic, fields=["urgent"]).urgent == urgent:  # the same flag sent twice
            raise InvalidInput(_("议题已是该状态。"))
        topic.urgent = urgent
        topic.save(update_fields=["urgent", "updated_at"])
        record_event(topic, actor=actor, action="set_urgent" if urgent else "unset_urgent", note=note)
    return topic

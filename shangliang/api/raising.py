"""A client raises a concern: the one path from the API into the topics services (Open311 POST and the REST API's
POST /topics/ both call `raise_topic`). Which service depends on the client's registered source:

- 群众出题 (a mini-program, a hotline passing on a resident's concern): `topic_submit` at a room of the unit, as the
  resident's own form does; a name or number only with the resident's consent to be contacted;
- 网格员收集 (a grid system): `topic_enter` as the client's account (a liaison), with exactly that account's
  permission in the unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from shangliang.api.models import ApiClient
from shangliang.core.errors import InvalidInput, NotAllowed
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic, TopicSource
from shangliang.units.models import OPERATIONAL_STAGES, Room, Unit

TITLE_LENGTH = 40


@dataclass
class Concern:
    description: str
    title: str = ""
    name: str = ""
    mobile: str = ""
    contact_consent: bool = False
    address: str = ""
    photos: tuple = ()


def unit_for(client: ApiClient, unit_id) -> Unit:
    """The unit a concern is for: the one named (inside the client's subtree), else the client's own."""
    if unit_id in (None, ""):
        return client.unit
    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        pk = None
    unit = (
        Unit.objects.filter(pk=pk, is_active=True, path__startswith=client.unit.path).first()
        if pk is not None and 0 < pk < 2**63
        else None
    )
    if unit is None:
        raise InvalidInput(_("单元不存在，或不在该客户端的服务范围内。"), field="unit")
    return unit


def room_of(unit: Unit) -> Room:
    room = (
        Room.objects.filter(unit=unit, stage__in=OPERATIONAL_STAGES).order_by("id").first()
        or Room.objects.filter(unit=unit).order_by("id").first()
    )
    if room is None:
        raise InvalidInput(_("“%(unit)s”还没有协商议事室，不能受理群众出题。") % {"unit": unit.name}, field="unit")
    return room


def title_from(description: str) -> str:
    first = (description or "").strip().splitlines()[0] if (description or "").strip() else ""
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"


def raise_topic(*, client: ApiClient, account, unit: Unit, concern: Concern, visitor=None) -> Topic:
    """Create the topic through the topics services (their checks, transaction and event). The caller holds the
    client's idempotency key (a retry gets the first answer without coming here). `visitor`: the resident a
    mini-program acts for (its token): their consent is recorded with the topic, their rate limit applies."""
    description = concern.description or ""
    if concern.address:
        description = f"{description}\n{_('地点')}：{concern.address}"
    title = concern.title or title_from(concern.description)
    name = (concern.name or "").strip()
    if client.topic_source == TopicSource.GRID:
        if account is None:
            raise NotAllowed(_("该客户端没有代为操作的账号，不能以“网格员收集”提交议题。"))
        return topic_services.topic_enter(
            actor=account,
            unit=unit,
            source=TopicSource.GRID,
            title=title,
            description=description,
            name=name,
            anonymous=not name,
            mobile=concern.mobile,
            photos=concern.photos,
        )
    return topic_services.topic_submit(
        actor=AnonymousUser(),
        room=room_of(unit),
        title=title,
        description=description,
        anonymous=not name,
        name=name,
        mobile=concern.mobile,
        photos=concern.photos,
        contact_consent=concern.contact_consent,
        visitor=visitor,
    )

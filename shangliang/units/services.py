"""Every write on units, rooms, standards, assessments and subsidies. Keyword-only, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from shangliang.core import audit, clock
from shangliang.core.db import insert_once, sender_of
from shangliang.core.errors import InvalidInput, NotAllowed
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm as _require
from shangliang.core.uploads import checked_image
from shangliang.core.validation import clean_amount, clean_date, clean_text, clean_year
from shangliang.units.models import (
    ALLOWED_PARENT_KINDS,
    OPERATIONAL_STAGES,
    Assessment,
    AssessmentResult,
    Room,
    RoomKind,
    RoomStage,
    RoomStageRecord,
    Standard,
    StandardItem,
    Subsidy,
    Unit,
    UnitKind,
)


def _kind(value: str) -> UnitKind:
    try:
        return UnitKind(value)
    except ValueError as exc:
        raise InvalidInput(_("单元类型不正确。"), field="kind") from exc


def _check_parent_kind(kind: UnitKind, parent: Unit | None) -> None:
    parent_kind = UnitKind(parent.kind) if parent else None
    if parent_kind not in ALLOWED_PARENT_KINDS[kind]:
        if parent is None:
            raise InvalidInput(_("“%(kind)s”必须设在上级单元之下。") % {"kind": kind.label}, field="parent")
        raise InvalidInput(
            _("“%(kind)s”不能设在“%(parent)s”（%(parent_kind)s）之下。")
            % {"kind": kind.label, "parent": parent.name, "parent_kind": parent_kind.label},
            field="parent",
        )


def _county_for(kind: UnitKind, parent: Unit | None) -> Unit | None:
    if kind == UnitKind.COUNTY:
        return None  # set to itself after creation
    return parent.county if parent is not None else None


def unit_create(
    *,
    actor,
    parent: Unit | None,
    name: str,
    kind: str,
    code: str = "",
    established_on: date | None = None,
    description: str = "",
) -> Unit:
    if parent is None:
        if not getattr(actor, "is_superuser", False):
            raise NotAllowed(_("只有系统管理员可以创建顶级单元。"))
    else:
        _require(actor, "units.change_unit", parent, _("您无权在“%(unit)s”下新增单元。") % {"unit": parent.name})
    unit_kind = _kind(kind)
    _check_parent_kind(unit_kind, parent)
    name = clean_text(name, label=_("单元名称"), field="name", max_length=100)
    code = clean_text(code, label=_("区划代码"), field="code", max_length=20, required=False)
    description = clean_text(description, label=_("简介"), field="description", max_length=2000, required=False)
    established_on = clean_date(established_on, label=_("设立日期"), field="established_on", required=False)
    with transaction.atomic():
        fields = {
            "name": name,
            "kind": unit_kind,
            "code": code,
            "established_on": established_on,
            "description": description,
            "county": _county_for(unit_kind, parent),
        }
        # treebeard locks the parent row and updates its numchild in SQL.
        unit = Unit.objects.add_root(fields) if parent is None else Unit.objects.add_child(parent, fields)
        if unit_kind == UnitKind.COUNTY:
            unit.county = unit
            unit.save(update_fields=["county"])
        record_event(unit, actor=actor, action="create", to_state="", note=name, unit=unit)
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=unit, unit=unit, detail={"action": "create"})
    return unit


def unit_update(
    *, actor, unit: Unit, name: str, code: str = "", established_on: date | None = None, description: str = ""
) -> Unit:
    _require(actor, "units.change_unit", unit)
    unit.name = clean_text(name, label=_("单元名称"), field="name", max_length=100)
    unit.code = clean_text(code, label=_("区划代码"), field="code", max_length=20, required=False)
    unit.description = clean_text(description, label=_("简介"), field="description", max_length=2000, required=False)
    unit.established_on = clean_date(established_on, label=_("设立日期"), field="established_on", required=False)
    with transaction.atomic():
        unit.save(update_fields=["name", "code", "description", "established_on"])
        record_event(unit, actor=actor, action="update", unit=unit)
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=unit, unit=unit, detail={"action": "update"})
    return unit


def unit_move(*, actor, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit (and its subtree) under another parent of the same county office's reach."""
    _require(actor, "units.move_unit", unit)
    _require(actor, "units.move_unit", new_parent, _("您无权把单元移到“%(unit)s”之下。") % {"unit": new_parent.name})
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise InvalidInput(_("不能把单元移到它自己或它的下级单元之下。"), field="parent")
    _check_parent_kind(UnitKind(unit.kind), new_parent)
    old_parent = Unit.objects.get_parent(unit)
    old_county = unit.county_id
    with transaction.atomic():
        try:
            Unit.objects.move(unit, new_parent, "last-child")
        except InvalidMoveToDescendant as exc:  # the check above catches it first; kept as a guard
            raise InvalidInput(_("不能把单元移到它自己或它的下级单元之下。"), field="parent") from exc
        unit.refresh_from_db()
        if unit.kind != UnitKind.COUNTY and unit.county_id != new_parent.county_id:
            Unit.objects.filter(path__startswith=unit.path).update(county_id=new_parent.county_id)
            unit.refresh_from_db()
        record_event(
            unit,
            actor=actor,
            action="move",
            note=f"{old_parent.name if old_parent else '—'} → {new_parent.name}",
            unit=unit,
            data={"from_parent": old_parent.pk if old_parent else None, "from_county": old_county},
        )
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=unit, unit=unit, detail={"action": "move"})
    return unit


def _room_kind(value: str) -> str:
    if value not in RoomKind.values:
        raise InvalidInput(_("议事室形式不正确。"), field="kind")
    return value


def _room_stage(value: str) -> str:
    if value not in RoomStage.values:
        raise InvalidInput(_("建设阶段不正确。"), field="stage")
    return value


def room_create(
    *,
    actor,
    unit: Unit,
    name: str,
    kind: str,
    stage: str,
    stage_year: int,
    address: str = "",
    description: str = "",
    idempotency_key: str = "",
) -> Room:
    _require(actor, "units.change_room", unit, _("您无权为“%(unit)s”新增议事室。") % {"unit": unit.name})
    if not unit.is_room_bearing:
        raise InvalidInput(_("“%(kind)s”不设协商议事室。") % {"kind": unit.get_kind_display()}, field="unit")
    room = Room(
        unit=unit,
        name=clean_text(name, label=_("议事室名称"), field="name", max_length=100),
        kind=_room_kind(kind),
        stage=_room_stage(stage),
        stage_year=clean_year(stage_year, label=_("阶段年份"), field="stage_year"),
        address=clean_text(address, label=_("地址"), field="address", max_length=200, required=False),
        description=clean_text(description, label=_("简介"), field="description", max_length=2000, required=False),
    )
    room.operational_since = room.stage_year if room.stage in OPERATIONAL_STAGES else None

    def create() -> Room:
        with transaction.atomic():
            room.save()
            RoomStageRecord.objects.create(room=room, stage=room.stage, year=room.stage_year, recorded_by=actor)
            record_event(room, actor=actor, action="create", to_state=room.stage, note=room.name)
        return room

    return insert_once(key=idempotency_key, sender=sender_of(actor), model=Room, create=create)


def room_update(*, actor, room: Room, name: str, kind: str, address: str = "", description: str = "") -> Room:
    _require(actor, "units.change_room", room)
    room.name = clean_text(name, label=_("议事室名称"), field="name", max_length=100)
    room.kind = _room_kind(kind)
    room.address = clean_text(address, label=_("地址"), field="address", max_length=200, required=False)
    room.description = clean_text(description, label=_("简介"), field="description", max_length=2000, required=False)
    with transaction.atomic():
        room.save(update_fields=["name", "kind", "address", "description", "updated_at"])
        record_event(room, actor=actor, action="update")
    return room


def room_set_stage(*, actor, room: Room, stage: str, year: int, note: str = "") -> Room:
    """Record that the room reached a rollout stage in a year; the history is kept."""
    _require(actor, "units.change_room", room)
    stage = _room_stage(stage)
    year = clean_year(year, label=_("年份"), field="year")
    note = clean_text(note, label=_("说明"), field="note", max_length=200, required=False)
    if stage == room.stage and year == room.stage_year:
        raise InvalidInput(_("议事室已处于该阶段。"), field="stage")
    if year < room.stage_year:
        raise InvalidInput(_("年份不能早于当前阶段的年份（%(year)d）。") % {"year": room.stage_year}, field="year")
    old = room.stage
    with transaction.atomic():
        room.stage, room.stage_year = stage, year
        if stage in OPERATIONAL_STAGES and (room.operational_since is None or year < room.operational_since):
            room.operational_since = year
        room.save(update_fields=["stage", "stage_year", "operational_since", "updated_at"])
        RoomStageRecord.objects.create(room=room, stage=stage, year=year, note=note, recorded_by=actor)
        record_event(room, actor=actor, action="set_stage", from_state=old, to_state=stage, note=note)
    return room


def standard_create(*, actor, county: Unit, name: str, items: list[str], description: str = "") -> Standard:
    """A new standard for the county; it replaces the current one (old assessments keep theirs)."""
    if county.kind != UnitKind.COUNTY:
        raise InvalidInput(_("阵地建设标准按区县设置。"), field="county")
    _require(actor, "units.configure_standard", county)
    name = clean_text(name, label=_("标准名称"), field="name", max_length=50)
    description = clean_text(description, label=_("说明"), field="description", max_length=2000, required=False)
    cleaned = [clean_text(i, label=_("条目"), field="items", max_length=50) for i in items if (i or "").strip()]
    if not cleaned:
        raise InvalidInput(_("标准至少需要一个条目。"), field="items")
    if len(set(cleaned)) != len(cleaned):
        raise InvalidInput(_("条目名称不能重复。"), field="items")
    with transaction.atomic():
        Standard.objects.select_for_update().filter(county=county, is_active=True).update(is_active=False)
        standard = Standard.objects.create(county=county, name=name, description=description)
        StandardItem.objects.bulk_create(
            StandardItem(standard=standard, order=i, name=item) for i, item in enumerate(cleaned, start=1)
        )
        record_event(standard, actor=actor, action="create", note=name, unit=county)
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=standard, unit=county, detail={"action": "create"})
    return standard


def standard_item_save(
    *,
    actor,
    standard: Standard,
    item: StandardItem | None = None,
    name: str,
    description: str = "",
    order: int | None = None,
    is_active: bool = True,
) -> StandardItem:
    _require(actor, "units.configure_standard", standard.county)
    if item is not None and item.standard_id != standard.pk:
        raise InvalidInput(_("条目不属于该标准。"), field="item")
    name = clean_text(name, label=_("条目"), field="name", max_length=50)
    description = clean_text(description, label=_("要求"), field="description", max_length=1000, required=False)
    clash = standard.items.filter(name=name)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise InvalidInput(_("条目名称不能重复。"), field="name")
    with transaction.atomic():
        if item is None:
            last = standard.items.order_by("-order").values_list("order", flat=True).first() or 0
            item = StandardItem(standard=standard, order=order if order is not None else last + 1)
        elif order is not None:
            item.order = order
        item.name, item.description, item.is_active = name, description, is_active
        item.save()
        record_event(standard, actor=actor, action="save_item", note=name, unit=standard.county)
        audit.record(
            audit.CONFIG_CHANGED, actor=actor, subject=standard, unit=standard.county, detail={"action": "save_item"}
        )
    return item


def active_standard(county: Unit) -> Standard | None:
    return Standard.objects.filter(county=county, is_active=True).first()


@dataclass
class ItemResult:
    item_id: int
    passed: bool
    note: str = ""
    evidence_date: date | None = None
    photo: object | None = None  # an UploadedFile


def room_assess(
    *, actor, room: Room, assessed_on: date, results: list[ItemResult], note: str = "", idempotency_key: str = ""
) -> Assessment:
    """Assess a room against its county's current standard, item by item; every item must be answered. The same form
    sent twice (one `idempotency_key`) stores one assessment."""
    _require(actor, "units.assess_room", room)
    standard = active_standard(room.unit.county) if room.unit.county_id else None
    if standard is None:
        raise InvalidInput(_("所属区县尚未设置阵地建设标准，请先由政协机关配置。"), field="standard")
    if not room.is_operational:
        raise InvalidInput(_("议事室尚在规划中，建成或试点后才能评估。"), field="room")
    if assessed_on is None:
        raise InvalidInput(_("请填写评估日期。"), field="assessed_on")
    if assessed_on > clock.today():
        raise InvalidInput(_("评估日期不能晚于今天。"), field="assessed_on")
    note = clean_text(note, label=_("总体说明"), field="note", max_length=2000, required=False)
    items = {i.pk: i for i in standard.items.filter(is_active=True)}
    given = [r.item_id for r in results]
    if len(set(given)) != len(given) or set(given) - set(items):
        raise InvalidInput(_("评估条目与现行标准不符，请刷新页面后重试。"), field="items")
    missing = [items[i].name for i in items if i not in given]
    if missing:
        raise InvalidInput(_("以下条目尚未评估：%(items)s。") % {"items": "、".join(missing)}, field="items")
    prepared = []
    for r in results:
        label = items[r.item_id].name
        if r.evidence_date and r.evidence_date > clock.today():
            raise InvalidInput(_("“%(item)s”的佐证日期不能晚于今天。") % {"item": label}, field=f"date_{r.item_id}")
        photo = checked_image(r.photo, field=f"photo_{r.item_id}") if r.photo else None
        prepared.append(
            AssessmentResult(
                item_id=r.item_id,
                passed=bool(r.passed),
                note=clean_text(r.note, label=_("说明"), field=f"note_{r.item_id}", max_length=500, required=False),
                evidence_date=r.evidence_date,
                photo=photo or "",
            )
        )

    def store() -> Assessment:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                room=room,
                standard=standard,
                assessed_on=assessed_on,
                assessor=actor,
                note=note,
                passed=all(r.passed for r in prepared),
            )
            for result in prepared:
                result.assessment = assessment
            # The insert commits each photo to storage under its generated name (FileField.pre_save).
            AssessmentResult.objects.bulk_create(prepared)
            record_event(
                room, actor=actor, action="assess", to_state="passed" if assessment.passed else "failed", note=note
            )
        return assessment

    return insert_once(key=idempotency_key, sender=sender_of(actor), model=Assessment, create=store)


def subsidy_record(*, actor, room: Room, amount, year, purpose: str) -> Subsidy:
    _require(actor, "units.add_subsidy", room)
    subsidy = Subsidy(
        room=room,
        amount=clean_amount(amount, label=_("补贴金额"), field="amount"),
        year=clean_year(year, label=_("年度"), field="year"),
        purpose=clean_text(purpose, label=_("用途"), field="purpose", max_length=200),
        recorded_by=actor,
    )
    with transaction.atomic():
        subsidy.save()
        # Amount and purpose stay in the subsidy row (seen by those who may see money), not in the room's timeline.
        record_event(room, actor=actor, action="subsidy", note=str(subsidy.year), data={"subsidy": subsidy.pk})
    return subsidy

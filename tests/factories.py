"""factory-boy factories. Units are created through treebeard so their paths are real."""

from datetime import date

import factory

from shangliang.people.models import Department, LinkKind, MemberLink, Role, RoleAssignment, Sector, Talent, User
from shangliang.units.models import Room, RoomStage, RoomStageRecord, Standard, StandardItem, Unit, UnitKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "test-password-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_unit(name: str, kind: str, parent: Unit | None = None, **extra) -> Unit:
    """A unit in the tree with the derived county field set as the service sets it."""
    fields = {"name": name, "kind": kind, **extra}
    if parent is None:
        unit = Unit.objects.add_root(fields)
    else:
        unit = Unit.objects.add_child(parent, {**fields, "county": parent.county})
    if kind == UnitKind.COUNTY:
        unit.county = unit
        unit.save(update_fields=["county"])
    return unit


def make_room(unit: Unit, *, stage: str = RoomStage.BUILT, year: int = 2022, **extra) -> Room:
    operational = stage != RoomStage.PLANNED
    room = Room.objects.create(
        unit=unit,
        name=extra.pop("name", f"{unit.name}协商议事室"),
        stage=stage,
        stage_year=year,
        operational_since=year if operational else None,
        **extra,
    )
    RoomStageRecord.objects.create(room=room, stage=stage, year=year)
    return room


def make_standard(county: Unit, items=("有组织", "有场所", "有制度", "有设施", "有标识"), name="五有") -> Standard:
    standard = Standard.objects.create(county=county, name=name)
    for i, item in enumerate(items, start=1):
        StandardItem.objects.create(standard=standard, order=i, name=item)
    return standard


def assign(user: User, role: str, unit: Unit, *, start=date(2020, 1, 1), end=None, **extra) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, unit=unit, assumed_at=start, renounced_at=end, **extra)


def link(member: User, unit: Unit, kind: str = LinkKind.ONE_TO_ONE, **extra) -> MemberLink:
    return MemberLink.objects.create(member=member, unit=unit, kind=kind, started_on=date(2020, 1, 1), **extra)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"界别{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"部门{n}")


class TalentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talent

    name = factory.Sequence(lambda n: f"专家{n}")
    kind = "expert"


__all__ = ["Role", "UnitKind", "RoomStage"]

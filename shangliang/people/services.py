"""Every write on people: accounts, role assignments, member links, the talent pool."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.core import audit
from shangliang.core.db import insert_once, sender_of
from shangliang.core.errors import InvalidInput, NotAllowed
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm as _require
from shangliang.core.validation import clean_period, clean_text
from shangliang.people.models import (
    Department,
    Expertise,
    LinkKind,
    MemberLink,
    Position,
    Role,
    RoleAssignment,
    Sector,
    Talent,
    TalentKind,
    User,
    mainland_mobile_validator,
)
from shangliang.people.selectors import may_appoint
from shangliang.units.models import LEVEL_OF_KIND, Unit, UnitKind, UnitLevel


def clean_phone(value: str, *, field: str = "phone") -> str:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if value.startswith("+86"):
        value = value[3:]
    if not value:
        return ""
    try:
        mainland_mobile_validator(value)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field=field) from exc
    return value


def user_create(
    *, actor, unit: Unit, username: str, full_name: str, phone: str = "", email: str = "", password: str | None = None
) -> User:
    """Create an account for a person of `unit` (who then gets roles). Without a password it cannot log in yet."""
    _require(actor, "people.manage_people", unit)
    username = clean_text(username, label=_("用户名"), field="username", max_length=150)
    if not User.username_validator.regex.match(username):
        raise InvalidInput(_("用户名只能包含字母、数字和 @/./+/-/_。"), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("用户名“%(name)s”已被使用。") % {"name": username}, field="username")
    user = User(
        username=username,
        full_name=clean_text(full_name, label=_("姓名"), field="full_name", max_length=50),
        phone=clean_phone(phone),
        email=clean_text(email, label=_("邮箱"), field="email", max_length=254, required=False),
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(" ".join(_password_messages(exc)), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        record_event(user, actor=actor, action="create", note=user.display_name, unit=unit)
        audit.record(audit.ACCOUNT_CHANGED, actor=actor, subject=user, unit=unit, detail={"created": True})
    return user


def _password_messages(exc: ValidationError) -> list[str]:
    # Django 5.2's "too short" message has no Chinese translation (its msgid changed): say it ourselves.
    return [
        _("密码太短，至少需要 %(min_length)d 个字符。") % error.params
        if error.code == "password_too_short"
        else " ".join(error.messages)
        for error in exc.error_list
    ]


def _check_role_fits(role: str, unit: Unit, position: str, sector: Sector | None, department: Department | None):
    if role not in Role.values:
        raise InvalidInput(_("角色不正确。"), field="role")
    if position not in Position.values:
        raise InvalidInput(_("职务不正确。"), field="position")
    if position in (Position.FIRST_CONVENOR, Position.SECOND_CONVENOR) and role != Role.CONVENOR:
        raise InvalidInput(_("第一/第二召集人只适用于召集人角色。"), field="position")
    if role == Role.CPPCC_STAFF and unit.kind != UnitKind.COUNTY:
        raise InvalidInput(_("政协机关工作人员只能在区县任职。"), field="unit")
    if role == Role.CONVENOR and LEVEL_OF_KIND[UnitKind(unit.kind)] in (UnitLevel.ABOVE_COUNTY,):
        raise InvalidInput(_("召集人设在区县及以下单元。"), field="unit")
    if role == Role.DEPARTMENT and department is None:
        raise InvalidInput(_("职能部门人员需要选择所属部门。"), field="department")
    county_id = unit.county_id
    if sector is not None and sector.county_id != county_id:
        raise InvalidInput(_("所选界别不属于该区县。"), field="sector")
    if department is not None and department.county_id != county_id:
        raise InvalidInput(_("所选部门不属于该区县。"), field="department")


def assignment_create(
    *,
    actor,
    user: User,
    unit: Unit,
    role: str,
    assumed_at: date | None,
    renounced_at: date | None = None,
    position: str = "",
    title: str = "",
    sector: Sector | None = None,
    department: Department | None = None,
) -> RoleAssignment:
    _require(actor, "people.change_assignments", unit, _("您无权在“%(unit)s”任命人员。") % {"unit": unit.name})
    if role in Role.values and not may_appoint(actor, unit, role):
        raise NotAllowed(_("“%(role)s”由政协机关任命。") % {"role": Role(role).label})
    _check_role_fits(role, unit, position, sector, department)
    clean_period(assumed_at, renounced_at, field="renounced_at")
    title = clean_text(title, label=_("身份说明"), field="title", max_length=100, required=False)
    with transaction.atomic():
        overlapping = RoleAssignment.objects.select_for_update().filter(user=user, unit=unit, role=role)
        for other in overlapping:
            if _overlaps(other.assumed_at, other.renounced_at, assumed_at, renounced_at):
                raise InvalidInput(_("该人员在此期间已担任该角色。"), field="role")
        assignment = RoleAssignment.objects.create(
            user=user,
            unit=unit,
            role=role,
            position=position,
            title=title,
            sector=sector,
            department=department,
            assumed_at=assumed_at,
            renounced_at=renounced_at,
            created_by=actor,
        )
        record_event(
            assignment, actor=actor, action="assign", to_state=role, note=f"{user.display_name} · {title}".strip(" ·")
        )
        audit.record(audit.ROLE_CHANGED, actor=actor, subject=assignment, detail={"assigned": role, "user": user.pk})
    return assignment


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start < a_end) and (b_end is None or a_start < b_end)


def assignment_end(*, actor, assignment: RoleAssignment, renounced_at: date | None) -> RoleAssignment:
    _require(
        actor,
        "people.end_assignment",
        assignment,
        _("“%(role)s”的任职只能由有权任命者终止。") % {"role": assignment.get_role_display()},
    )
    if renounced_at is None:
        raise InvalidInput(_("请填写终止日期。"), field="renounced_at")
    clean_period(assignment.assumed_at, renounced_at, field="renounced_at")
    if assignment.renounced_at is not None and assignment.renounced_at <= renounced_at:
        raise InvalidInput(_("该任职已于 %(date)s 终止。") % {"date": assignment.renounced_at}, field="renounced_at")
    with transaction.atomic():
        assignment.renounced_at = renounced_at
        assignment.save(update_fields=["renounced_at", "updated_at"])
        record_event(assignment, actor=actor, action="renounce", note=str(renounced_at))
        audit.record(
            audit.ROLE_CHANGED,
            actor=actor,
            subject=assignment,
            detail={"ended": assignment.role, "user": assignment.user_id, "on": str(renounced_at)},
        )
    return assignment


def member_link_create(
    *,
    actor,
    member: User,
    unit: Unit,
    kind: str,
    started_on: date | None,
    ended_on: date | None = None,
    sector: Sector | None = None,
    note: str = "",
) -> MemberLink:
    _require(actor, "people.change_member_links", unit)
    if kind not in LinkKind.values:
        raise InvalidInput(_("联系方式不正确。"), field="kind")
    level = LEVEL_OF_KIND[UnitKind(unit.kind)]
    if kind == LinkKind.ONE_TO_ONE and level != UnitLevel.VILLAGE:
        raise InvalidInput(_("一对一联系的对象应为村或社区。"), field="unit")
    if kind in (LinkKind.AREA, LinkKind.STUDIO) and level != UnitLevel.TOWN:
        raise InvalidInput(_("联片和界别工作室联系的对象应为镇/街道。"), field="unit")
    if kind == LinkKind.STUDIO and sector is None:
        raise InvalidInput(_("界别工作室联系需要选择界别。"), field="sector")
    if sector is not None and sector.county_id != unit.county_id:
        raise InvalidInput(_("所选界别不属于该区县。"), field="sector")
    county_path = unit.county.path if unit.county_id else unit.path
    is_member = RoleAssignment.objects.filter(user=member, role=Role.MEMBER, unit__path__startswith=county_path)
    if not is_member.exists():
        raise InvalidInput(_("“%(name)s”不是本区县的政协委员。") % {"name": member.display_name}, field="member")
    clean_period(started_on, ended_on, field="ended_on")
    with transaction.atomic():
        if MemberLink.objects.filter(member=member, unit=unit, kind=kind, ended_on__isnull=True).exists():
            raise InvalidInput(_("该委员已联系此单元。"), field="unit")
        link = MemberLink.objects.create(
            member=member,
            unit=unit,
            kind=kind,
            sector=sector,
            started_on=started_on,
            ended_on=ended_on,
            note=clean_text(note, label=_("备注"), field="note", max_length=200, required=False),
        )
        record_event(link, actor=actor, action="link", note=f"{member.display_name} → {unit.name}")
    return link


def member_link_end(*, actor, link: MemberLink, ended_on: date | None) -> MemberLink:
    _require(actor, "people.change_member_links", link.unit)
    if ended_on is None:
        raise InvalidInput(_("请填写终止日期。"), field="ended_on")
    clean_period(link.started_on, ended_on, field="ended_on")
    with transaction.atomic():
        link.ended_on = ended_on
        link.save(update_fields=["ended_on", "updated_at"])
        record_event(link, actor=actor, action="unlink", note=str(ended_on))
    return link


def talent_save(
    *,
    actor,
    county: Unit,
    talent: Talent | None = None,
    name: str,
    kind: str,
    organisation: str = "",
    title: str = "",
    fields: list[str] | None = None,
    phone: str = "",
    bio: str = "",
    user: User | None = None,
    is_active: bool = True,
    idempotency_key: str = "",
) -> Talent:
    if county.kind != UnitKind.COUNTY:
        raise InvalidInput(_("人才库按区县管理。"), field="county")
    _require(actor, "people.change_talent", county)
    if talent is not None and talent.county_id != county.pk:
        raise InvalidInput(_("该人才不属于本区县。"), field="talent")
    if kind not in TalentKind.values:
        raise InvalidInput(_("类别不正确。"), field="kind")
    names = [clean_text(f, label=_("专业领域"), field="fields", max_length=50) for f in (fields or []) if f.strip()]
    if len(names) > 10:
        raise InvalidInput(_("专业领域最多 10 个。"), field="fields")
    talent = talent or Talent(county=county)
    talent.name = clean_text(name, label=_("姓名"), field="name", max_length=50)
    talent.kind = kind
    talent.organisation = clean_text(
        organisation, label=_("工作单位"), field="organisation", max_length=100, required=False
    )
    talent.title = clean_text(title, label=_("职务/职称"), field="title", max_length=100, required=False)
    talent.phone = clean_phone(phone)
    talent.bio = clean_text(bio, label=_("简介"), field="bio", max_length=2000, required=False)
    talent.user = user
    talent.is_active = is_active

    def save() -> Talent:
        with transaction.atomic():
            talent.save()
            # Missing fields are created in one statement (ignore_conflicts: a concurrent save may add the same name).
            Expertise.objects.bulk_create([Expertise(name=n) for n in dict.fromkeys(names)], ignore_conflicts=True)
            talent.fields.set(Expertise.objects.filter(name__in=names))
            record_event(talent, actor=actor, action="save", note=talent.name, unit=county)
        return talent

    if talent.pk is not None:
        return save()  # an edit sent twice saves the same values twice
    return insert_once(key=idempotency_key, sender=sender_of(actor), model=Talent, create=save)


def person_add(
    *,
    actor,
    unit: Unit,
    username: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    password: str | None = None,
    role: str,
    assumed_at: date | None,
    renounced_at: date | None = None,
    position: str = "",
    title: str = "",
    sector: Sector | None = None,
    department: Department | None = None,
) -> RoleAssignment:
    """Add a person to a unit: their account and their first role there, both or neither.

    An account is always created with a role, so the person can later be found among the county's people.
    """
    # One query for both content types, which record_event would otherwise look up one at a time.
    ContentType.objects.get_for_models(User, RoleAssignment)
    with transaction.atomic():
        user = user_create(
            actor=actor, unit=unit, username=username, full_name=full_name, phone=phone, email=email, password=password
        )
        return assignment_create(
            actor=actor,
            user=user,
            unit=unit,
            role=role,
            assumed_at=assumed_at,
            renounced_at=renounced_at,
            position=position,
            title=title,
            sector=sector,
            department=department,
        )

"""People: users, time-bounded role assignments in units, sectors, departments, member links, the talent pool."""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shangliang.core import clock
from shangliang.core.crypto import EncryptedTextField, mobile_hash
from shangliang.core.models import TimeStamped

mainland_mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("请输入11位中国大陆手机号码，例如 13812345678。"), code="invalid_mobile"
)


def mask_phone(phone: str) -> str:
    """138****5678: personal data is masked for everyone who does not need it."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Encrypted at rest (SM4-GCM); found by its keyed hash (core.crypto.mobile_hash), kept in step by save().
    phone = EncryptedTextField(_("手机号"), blank=True, validators=[mainland_mobile_validator])
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    is_demo = models.BooleanField(_("演示账号"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.phone_hash = mobile_hash(self.phone or "")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_hash"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Role(models.TextChoices):
    CPPCC_STAFF = "cppcc_staff", _("政协机关工作人员")
    CONVENOR = "convenor", _("召集人")
    MEMBER = "member", _("政协委员")
    LIAISON = "liaison", _("民意联络员/网格员")
    APPROVER = "approver", _("同级党组织")
    DEPARTMENT = "department", _("职能部门")
    EXPERT = "expert", _("专家学者")
    RESIDENT = "resident", _("群众")
    EVALUATOR = "evaluator", _("第三方评估")


class Position(models.TextChoices):
    NONE = "", _("—")
    FIRST_CONVENOR = "first", _("第一召集人")
    SECOND_CONVENOR = "second", _("第二召集人")
    LEADER = "leader", _("委员会领导")


class Sector(models.Model):
    """A CPPCC sector (界别) of a county committee."""

    county = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="sectors", verbose_name=_("区县"))
    name = models.CharField(_("界别名称"), max_length=50)

    class Meta:
        verbose_name = _("界别")
        verbose_name_plural = _("界别")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="people_sector_unique_name")]

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    FUNCTIONAL = "functional", _("职能部门")
    TERRITORIAL = "territorial", _("属地单位")
    ENTERPRISE = "enterprise", _("企事业单位")


class Department(models.Model):
    """A functional department or territorial body that attends consultations and owns tasks."""

    county = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="departments", verbose_name=_("区县")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.FUNCTIONAL)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="people_department_unique_name")]

    def __str__(self) -> str:
        return self.name


def active_q(on: date, start: str = "assumed_at", end: str = "renounced_at") -> Q:
    """Active on `on`: started on or before it, and not yet ended (the end date is the first day off)."""
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": on}))


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on: date | None = None):
        """The assignments in force today (or on `on`)."""
        return self.filter(active_q(on or clock.today()))


class RoleAssignment(TimeStamped):
    """A person holds a role in a unit for a time (Dispatch's ParticipantRole): history stays true."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("人员")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("单元"))
    position = models.CharField(_("职务"), max_length=10, choices=Position.choices, blank=True, default="")
    title = models.CharField(_("身份说明"), max_length=100, blank=True)
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("界别")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name=_("部门")
    )
    assumed_at = models.DateField(_("起始日期"))
    renounced_at = models.DateField(_("终止日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色任职")
        verbose_name_plural = _("角色任职")
        ordering = ["unit_id", "role", "-assumed_at", "id"]
        indexes = [
            models.Index(fields=["user", "role"], name="people_assign_user_role_idx"),
            models.Index(fields=["unit", "role"], name="people_assign_unit_role_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(renounced_at__isnull=True) | Q(renounced_at__gte=F("assumed_at")),
                name="people_assignment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class LinkKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("一对一联系")
    AREA = "area", _("领导联片")
    STUDIO = "studio", _("界别工作室联系")


class MemberLink(TimeStamped):
    """A CPPCC member's contact with a village or town (双向联系)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_links", verbose_name=_("委员")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="member_links", verbose_name=_("联系单元")
    )
    kind = models.CharField(_("联系方式"), max_length=20, choices=LinkKind.choices)
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("界别工作室")
    )
    started_on = models.DateField(_("起始日期"))
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("委员联系")
        verbose_name_plural = _("委员联系")
        ordering = ["unit_id", "id"]
        indexes = [models.Index(fields=["member", "ended_on"], name="people_link_member_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="people_link_end_after_start",
            )
        ]


class Expertise(models.Model):
    name = models.CharField(_("领域"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("专业领域")
        verbose_name_plural = _("专业领域")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TalentKind(models.TextChoices):
    EXPERT = "expert", _("专家学者")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    LAWYER = "lawyer", _("律师")
    SKILLED = "skilled", _("乡贤能人")


class Talent(TimeStamped):
    """An entry of the county's talent pool (人才库/智囊团) that consultations draw on."""

    county = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="talents", verbose_name=_("区县"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talent_entries",
        verbose_name=_("关联账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=20, choices=TalentKind.choices)
    organisation = models.CharField(_("工作单位"), max_length=100, blank=True)
    title = models.CharField(_("职务/职称"), max_length=100, blank=True)
    fields = models.ManyToManyField(Expertise, blank=True, related_name="talents", verbose_name=_("专业领域"))
    phone = EncryptedTextField(_("手机号"), blank=True, validators=[mainland_mobile_validator])
    bio = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("人才库成员")
        verbose_name_plural = _("人才库")
        ordering = ["id"]
        indexes = [models.Index(fields=["county", "kind", "is_active"], name="people_talent_county_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

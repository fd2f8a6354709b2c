"""The unit tree (基层单元), rooms (协商议事室), the county's room standard and assessments, subsidies."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from shangliang.core.models import TimeStamped
from shangliang.core.validation import YEARS


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("区/县")
    TOWN = "town", _("镇/乡")
    SUBDISTRICT = "subdistrict", _("街道")
    URBAN_AREA = "urban_area", _("城区")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    SECTOR = "sector", _("界别")
    ENTERPRISE = "enterprise", _("企事业单位")


class UnitLevel(models.TextChoices):
    """The level a norm (frequency, coverage) applies to."""

    ABOVE_COUNTY = "above_county", _("县级以上")
    COUNTY = "county", _("县级")
    TOWN = "town", _("乡镇级")
    VILLAGE = "village", _("村/社区级")
    SPECIAL = "special", _("界别/企事业")


LEVEL_OF_KIND = {
    UnitKind.PROVINCE: UnitLevel.ABOVE_COUNTY,
    UnitKind.CITY: UnitLevel.ABOVE_COUNTY,
    UnitKind.COUNTY: UnitLevel.COUNTY,
    UnitKind.TOWN: UnitLevel.TOWN,
    UnitKind.SUBDISTRICT: UnitLevel.TOWN,
    UnitKind.URBAN_AREA: UnitLevel.TOWN,
    UnitKind.VILLAGE: UnitLevel.VILLAGE,
    UnitKind.COMMUNITY: UnitLevel.VILLAGE,
    UnitKind.SECTOR: UnitLevel.SPECIAL,
    UnitKind.ENTERPRISE: UnitLevel.SPECIAL,
}

# Which kinds may stand under which: the tree is county → town level → village level, sector/enterprise under county.
ALLOWED_PARENT_KINDS = {
    UnitKind.PROVINCE: {None},
    UnitKind.CITY: {None, UnitKind.PROVINCE},
    UnitKind.COUNTY: {None, UnitKind.PROVINCE, UnitKind.CITY},
    UnitKind.TOWN: {UnitKind.COUNTY},
    UnitKind.SUBDISTRICT: {UnitKind.COUNTY},
    UnitKind.URBAN_AREA: {UnitKind.COUNTY},
    UnitKind.VILLAGE: {UnitKind.TOWN, UnitKind.SUBDISTRICT, UnitKind.URBAN_AREA},
    UnitKind.COMMUNITY: {UnitKind.TOWN, UnitKind.SUBDISTRICT, UnitKind.URBAN_AREA},
    UnitKind.SECTOR: {UnitKind.COUNTY},
    UnitKind.ENTERPRISE: {UnitKind.COUNTY},
}

# Kinds whose units are expected to have a consultation room (they count in coverage).
ROOM_BEARING_KINDS = [
    UnitKind.TOWN,
    UnitKind.SUBDISTRICT,
    UnitKind.URBAN_AREA,
    UnitKind.VILLAGE,
    UnitKind.COMMUNITY,
    UnitKind.SECTOR,
    UnitKind.ENTERPRISE,
]


class Unit(MP_Node):
    """A node of the unit tree, stored as a materialised path (treebeard MP_Node, 4 characters a level).

    Subtree queries are `path__startswith=unit.path`; on PostgreSQL the unique path column also gets a
    varchar_pattern_ops index from Django, so they stay indexed at province scale.
    """

    steplen = 4

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    code = models.CharField(_("区划代码"), max_length=20, blank=True)
    # Nearest county at or above this unit (itself for a county); None above county level. Kept by services.
    county = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区县")
    )
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("基层单元")
        verbose_name_plural = _("基层单元")
        indexes = [models.Index(fields=["county", "kind"], name="units_unit_county_kind_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return LEVEL_OF_KIND[UnitKind(self.kind)]

    @property
    def is_room_bearing(self) -> bool:
        return self.kind in ROOM_BEARING_KINDS

    def subtree_q(self, prefix: str = "") -> Q:
        """Q for objects whose unit (reached via `prefix`, e.g. "unit__") lies in this unit's subtree."""
        return Q(**{f"{prefix}path__startswith": self.path})

    def ancestor_paths(self) -> list[str]:
        return [self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]


class Standard(TimeStamped):
    """A county's room standard (e.g. 五有 / 六有): a configurable checklist."""

    county = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="standards", verbose_name=_("区县"))
    name = models.CharField(_("标准名称"), max_length=50)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("现行"), default=True)

    class Meta:
        verbose_name = _("阵地建设标准")
        verbose_name_plural = _("阵地建设标准")
        constraints = [
            models.UniqueConstraint(
                fields=["county"], condition=Q(is_active=True), name="units_one_active_standard_per_county"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StandardItem(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="items", verbose_name=_("标准"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("条目"), max_length=50)
    description = models.TextField(_("要求"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("标准条目")
        verbose_name_plural = _("标准条目")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class RoomKind(models.TextChoices):
    ROOM = "room", _("议事室")
    PAVILION = "pavilion", _("议事亭")
    CORNER = "corner", _("议事角")
    CORRIDOR = "corridor", _("议事长廊")
    BENCH = "bench", _("板凳会")


class RoomStage(models.TextChoices):
    PLANNED = "planned", _("规划中")
    PILOT = "pilot", _("试点")
    BUILT = "built", _("已建成")
    DEMONSTRATION = "demonstration", _("示范")


OPERATIONAL_STAGES = [RoomStage.PILOT, RoomStage.BUILT, RoomStage.DEMONSTRATION]


class Room(TimeStamped):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("所属单元"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("形式"), max_length=20, choices=RoomKind.choices, default=RoomKind.ROOM)
    stage = models.CharField(_("建设阶段"), max_length=20, choices=RoomStage.choices, default=RoomStage.PLANNED)
    stage_year = models.PositiveSmallIntegerField(_("阶段年份"), validators=[YEARS])
    # First year the room was in use (pilot or later): coverage by year counts from here. Kept by services.
    operational_since = models.PositiveSmallIntegerField(_("启用年份"), null=True, blank=True, validators=[YEARS])
    address = models.CharField(_("地址"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)

    class Meta:
        verbose_name = _("协商议事室")
        verbose_name_plural = _("协商议事室")
        ordering = ["unit_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_operational(self) -> bool:
        return self.stage in OPERATIONAL_STAGES


class RoomStageRecord(models.Model):
    """History of a room's rollout: one row per stage it reached, with the year."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="stage_records", verbose_name=_("议事室"))
    stage = models.CharField(_("建设阶段"), max_length=20, choices=RoomStage.choices)
    year = models.PositiveSmallIntegerField(_("年份"), validators=[YEARS])
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("建设阶段记录")
        verbose_name_plural = _("建设阶段记录")
        ordering = ["year", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_stage_display()}"


class Assessment(models.Model):
    """An assessment of a room against its county's standard, item by item."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("议事室"))
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+", verbose_name=_("标准"))
    assessed_on = models.DateField(_("评估日期"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("评估人"),
    )
    note = models.TextField(_("总体说明"), blank=True)
    # True when every active item of the standard passed. Computed by the service from the results.
    passed = models.BooleanField(_("达标"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("达标评估")
        verbose_name_plural = _("达标评估")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["room", "-assessed_on", "-id"], name="units_assess_room_date_idx")]

    def __str__(self) -> str:
        return f"{self.room_id} {self.assessed_on}"

    @property
    def unit(self):
        return self.room.unit


def evidence_upload_to(instance, filename: str) -> str:
    # The stored name is never the user's: it is generated (see core.uploads).
    return f"evidence/assessments/{filename}"


class AssessmentResult(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results", verbose_name=_("评估"))
    item = models.ForeignKey(StandardItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("条目"))
    passed = models.BooleanField(_("达标"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    evidence_date = models.DateField(_("佐证日期"), null=True, blank=True)
    photo = models.ImageField(_("佐证照片"), upload_to=evidence_upload_to, blank=True)

    class Meta:
        verbose_name = _("评估条目结果")
        verbose_name_plural = _("评估条目结果")
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="units_one_result_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {'✓' if self.passed else '✗'}"


class Subsidy(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="subsidies", verbose_name=_("议事室"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[YEARS])
    purpose = models.CharField(_("用途"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("建设补贴")
        verbose_name_plural = _("建设补贴")
        ordering = ["-year", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="units_subsidy_positive")]

    def __str__(self) -> str:
        return f"{self.year} {self.amount}"

    @property
    def unit(self):
        return self.room.unit

"""The figures the dashboards read, and the counties' assessment weights.

Flows (topics raised, consultations held, tasks done, … per calendar month) are *counters* kept current by delta:
each change projects the records it touched (`counters`) in its own transaction and adds the difference to the
counters of their county (the *anchor*: a county's whole subtree, or an above-county unit's own records) and of the
county's child the records lie under. Each subject (a topic, consultation, task or report with the records hanging
from it) keeps what it last added in a `Contribution` row, so the next change adds only the difference and a unit
move shifts exactly the contributions of the moved subtree.

States at a moment (rooms and coverage at the end of a year, the norms' standing on a day) are *cells*: a
read-through cache per anchor, dropped by a change to their data and recomputed with the live functions.
`AnchorVersion` makes that safe against a read that computed from older data while the change was committing: a cell
is only stored if the anchor's version is still the one read before computing.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CellKind(models.TextChoices):
    COVERAGE = "coverage", _("阵地覆盖")
    NORMS = "norms", _("频次达标")
    # A county's figures broken down by its children (towns): what the county page's child table reads.
    COVERAGE_CHILDREN = "cover_ch", _("阵地覆盖（按下级）")
    NORMS_CHILDREN = "norms_ch", _("频次达标（按下级）")


class FigureCell(models.Model):
    anchor = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("统计单元"))
    kind = models.CharField(_("类别"), max_length=10, choices=CellKind.choices)
    # "2025-03" (month), "2025" or "now" (coverage), "2026-05-14" (norms)
    key = models.CharField(_("区间"), max_length=10)
    figures = models.JSONField(_("数据"), default=dict)
    version = models.PositiveBigIntegerField(_("版本"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计缓存")
        verbose_name_plural = _("统计缓存")
        constraints = [models.UniqueConstraint(fields=["anchor", "kind", "key"], name="dashboards_one_cell")]
        indexes = [models.Index(fields=["kind", "key"], name="dashboards_cell_kind_key_idx")]

    def __str__(self) -> str:
        return f"{self.anchor_id} {self.kind} {self.key}"


class CountKind(models.TextChoices):
    MONTH = "month", _("月度流量")
    # A county's flows by child: `part` is the child unit (or the county itself for its own records).
    MONTH_CHILDREN = "month_ch", _("月度流量（按下级）")
    # Each unit's own records (`part` is the unit): what the unit assessment ranks.
    MONTH_UNITS = "month_u", _("月度流量（按单元）")
    # Standing now: open tasks by deadline (key: the deadline; overdue are those before today), agreed suggestions
    # without a task and results that did not last (key "now").
    STANDING = "standing", _("当前状况")
    STANDING_CHILDREN = "stand_ch", _("当前状况（按下级）")


class FigureCount(models.Model):
    """One counter of one anchor and bucket, changed only by adding a difference (`value = value + d`), so that two
    transactions changing the same counter both count."""

    anchor = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("统计单元"))
    kind = models.CharField(_("类别"), max_length=10, choices=CountKind.choices)
    key = models.CharField(_("区间"), max_length=10)  # "2025-03"
    part = models.IntegerField(_("下级单元"), default=0)  # 0: the anchor's total
    name = models.CharField(_("计数项"), max_length=80)
    value = models.BigIntegerField(_("数值"), default=0)

    class Meta:
        verbose_name = _("统计计数")
        verbose_name_plural = _("统计计数")
        constraints = [
            models.UniqueConstraint(fields=["anchor", "kind", "key", "part", "name"], name="dashboards_one_count")
        ]
        indexes = [models.Index(fields=["kind", "part", "key"], name="dashboards_count_part_idx")]

    def __str__(self) -> str:
        return f"{self.anchor_id} {self.kind} {self.key} {self.part} {self.name}={self.value}"


class Contribution(models.Model):
    """What one subject (a topic, a consultation, a task or an opinion report, with the records hanging from it)
    adds to the counters now: {month: {counter: n}}, placed at its unit's anchor and part when last projected."""

    subject = models.CharField(_("对象类别"), max_length=40)  # the subject's model label, "topics.topic"
    subject_id = models.BigIntegerField(_("对象"))
    unit = models.ForeignKey(
        "units.Unit", null=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("所属单元")
    )
    anchor_id = models.IntegerField(_("统计单元"), null=True)
    part = models.IntegerField(_("下级单元"), default=0)
    figures = models.JSONField(_("数据"), default=dict)

    class Meta:
        verbose_name = _("统计贡献")
        verbose_name_plural = _("统计贡献")
        constraints = [models.UniqueConstraint(fields=["subject", "subject_id"], name="dashboards_one_contribution")]

    def __str__(self) -> str:
        return f"{self.subject} {self.subject_id}"


class AnchorVersion(models.Model):
    anchor = models.OneToOneField("units.Unit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("统计缓存版本")
        verbose_name_plural = _("统计缓存版本")

    def __str__(self) -> str:
        return f"{self.anchor_id}: {self.version}"


class Watermark(models.Model):
    """The highest id of a table the cache has accounted for: rows above it were written without an event (bulk
    loads) and make their anchors' cells be recomputed."""

    table = models.CharField(max_length=100, primary_key=True)
    max_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("统计缓存水位")
        verbose_name_plural = _("统计缓存水位")

    def __str__(self) -> str:
        return f"{self.table}: {self.max_id}"


class ScoreSubject(models.TextChoices):
    MEMBER = "member", _("委员履职")
    UNIT = "unit", _("单元工作")


class ScoringRule(models.Model):
    """One item of a county's assessment formula: `points` for each counted occurrence (or each point of a rate),
    at most `cap` points. A county without its own rules uses the defaults in `assessment.DEFAULT_RULES`."""

    county = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="scoring_rules", verbose_name=_("区县")
    )
    subject = models.CharField(_("考核对象"), max_length=10, choices=ScoreSubject.choices)
    item = models.CharField(_("考核项目"), max_length=40)
    points = models.DecimalField(
        _("每项得分"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    cap = models.DecimalField(
        _("最高得分"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核计分规则")
        verbose_name_plural = _("考核计分规则")
        ordering = ["county_id", "subject", "item"]
        constraints = [
            models.UniqueConstraint(fields=["county", "subject", "item"], name="dashboards_one_rule_per_item"),
            models.CheckConstraint(condition=models.Q(points__gte=0, cap__gte=0), name="dashboards_rule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.subject}.{self.item}: {self.points}/{self.cap}"


class CoverageTarget(models.Model):
    """A county's rollout plan: the coverage it means to reach by the end of a year (e.g. 66% in 2022, 100% in
    2023). The norms page sets it against the coverage reached."""

    county = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="coverage_targets", verbose_name=_("区县")
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    percent = models.PositiveSmallIntegerField(_("计划覆盖率（%）"), validators=[MaxValueValidator(100)])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("阵地覆盖计划")
        verbose_name_plural = _("阵地覆盖计划")
        ordering = ["county_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="dashboards_one_target_per_year"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="dashboards_target_percent_max"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}: {self.percent}%"

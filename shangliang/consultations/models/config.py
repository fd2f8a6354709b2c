"""What a county configures: when a consultation's list is representative, and how often units must consult."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shangliang.units.models import UnitLevel


class RepresentativenessRule(models.Model):
    """A county's thresholds; a county without one uses the defaults below (an unsaved instance)."""

    county = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="representativeness_rule", verbose_name=_("区县")
    )
    min_participants = models.PositiveSmallIntegerField(
        _("最少参加人数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    min_stakeholders = models.PositiveSmallIntegerField(
        _("利益相关方至少"), default=1, validators=[MaxValueValidator(500)]
    )
    min_resident_reps = models.PositiveSmallIntegerField(
        _("群众代表至少"), default=0, validators=[MaxValueValidator(500)]
    )
    # Officials (department staff and party members) may make up at most this share of the list.
    max_official_percent = models.PositiveSmallIntegerField(
        _("党政人员占比上限（%）"), default=50, validators=[MaxValueValidator(100)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("代表性规则")
        verbose_name_plural = _("代表性规则")
        constraints = [
            models.CheckConstraint(condition=Q(max_official_percent__lte=100), name="consult_rule_percent_max"),
            models.CheckConstraint(condition=Q(min_participants__gte=1), name="consult_rule_min_participants"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id}"


class FrequencyNorm(models.Model):
    """常态化: units of a level in a county hold at least `min_count` consultations in any `period_months` months.

    Town level: 2 in 12 months; village level: 1 in 2 months; a county that chooses monthly sets 1 in 1.
    """

    county = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="frequency_norms", verbose_name=_("区县")
    )
    level = models.CharField(_("单元层级"), max_length=20, choices=UnitLevel.choices)
    min_count = models.PositiveSmallIntegerField(
        _("至少次数"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    period_months = models.PositiveSmallIntegerField(
        _("周期（月）"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    effective_from = models.DateField(_("起算日期"), default=date(2020, 1, 1))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("协商频次要求")
        verbose_name_plural = _("协商频次要求")
        ordering = ["county_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["county", "level"], name="consult_one_norm_per_level"),
            models.CheckConstraint(condition=Q(min_count__gte=1), name="consult_norm_count_positive"),
            models.CheckConstraint(condition=Q(period_months__gte=1), name="consult_norm_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.min_count}/{self.period_months}"

"""What a county configures for implementation and evaluation: chasing, reopening, follow-up, the evaluator form."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shangliang.core.models import TimeStamped


class AccountabilitySettings(models.Model):
    """A county's settings; a county that has none uses the defaults (an unsaved instance, see `settings_for`)."""

    county = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="accountability_settings", verbose_name=_("区县")
    )
    remind_before_days = models.PositiveSmallIntegerField(
        _("到期前提醒天数"),
        default=3,
        validators=[MaxValueValidator(30)],
        help_text=_("截止日期前多少天提醒承办单位（0 表示不提前提醒）"),
    )
    notice_grace_days = models.PositiveSmallIntegerField(
        _("催办后通报宽限天数"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("逾期催办后仍未办结，超过宽限天数（自然日）即在单元公开页面通报"),
    )
    sign_days = models.PositiveSmallIntegerField(
        _("签收时限"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("交办（改派、重办）后多少天内签收；按本县“签收任务”的计日方式（默认工作日）计算"),
    )
    hand_back_days = models.PositiveSmallIntegerField(
        _("申退时限"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("交办（改派、重办）后多少天内可以申请退回；按本县“申请退回”的计日方式（默认工作日）计算"),
    )
    dissatisfaction_percent = models.PositiveSmallIntegerField(
        _("不满意率重办阈值（%）"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("已办结事项的群众评价中，1—2 分的占比超过该值即自动重办"),
    )
    min_ratings = models.PositiveSmallIntegerField(
        _("重办所需最少评价数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    reopen_days = models.PositiveSmallIntegerField(
        _("重办期限（自然日）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    follow_up_months = models.PositiveSmallIntegerField(
        _("回访间隔（月）"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("办结后多少个月回访，检查成效是否持久（行而不久）"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("落实评价设置")
        verbose_name_plural = _("落实评价设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(dissatisfaction_percent__gte=1, dissatisfaction_percent__lte=100),
                name="acc_settings_percent_range",
            ),
            models.CheckConstraint(condition=Q(follow_up_months__gte=1), name="acc_settings_follow_up_positive"),
            models.CheckConstraint(condition=Q(notice_grace_days__gte=1), name="acc_settings_grace_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id}"


class EvaluationForm(TimeStamped):
    """A county's third-party evaluation form (第三方评估表): process and outcome items, each with a weight."""

    county = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="evaluation_forms", verbose_name=_("区县")
    )
    name = models.CharField(_("评估表名称"), max_length=100)
    is_active = models.BooleanField(_("现行"), default=True)

    class Meta:
        verbose_name = _("第三方评估表")
        verbose_name_plural = _("第三方评估表")
        constraints = [
            models.UniqueConstraint(
                fields=["county"], condition=Q(is_active=True), name="acc_one_active_evaluation_form"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    PROCESS = "process", _("过程评估")
    OUTCOME = "outcome", _("结果评估")


class EvaluationItem(models.Model):
    form = models.ForeignKey(EvaluationForm, on_delete=models.CASCADE, related_name="items", verbose_name=_("评估表"))
    kind = models.CharField(_("类别"), max_length=10, choices=ItemKind.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    text = models.CharField(_("评估内容"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("权重"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("评估条目")
        verbose_name_plural = _("评估条目")
        ordering = ["kind", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="acc_item_weight_range")
        ]

    def __str__(self) -> str:
        return self.text

"""The effect / feedback list (落实效果清单): residents' ratings, third-party evaluations, follow-up checks."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rating(models.Model):
    """A resident's rating of a finished task, 1–5 with a comment ("群众口碑是唯一标准").

    One per person per round of the task: a person is an account or a verified mainland mobile number, kept as its
    keyed hash (core.crypto) and masked form, never in clear. When an account has a mobile number both are stored,
    so the same person cannot rate again through the SMS code. The unique constraints hold under concurrent
    submissions; the service also locks the task's row.
    """

    task = models.ForeignKey(
        "accountability.ResponsibilityTask",
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("工作责任"),
    )
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)
    score = models.PositiveSmallIntegerField(_("满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("评价意见"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_ratings",
        verbose_name=_("评价人账号"),
    )
    mobile_hash = models.CharField(max_length=64, blank=True, editable=False)
    mobile_masked = models.CharField(_("评价人手机号"), max_length=11, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众评价")
        verbose_name_plural = _("群众评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "round", "user"], condition=Q(user__isnull=False), name="acc_one_rating_per_user"
            ),
            models.UniqueConstraint(
                fields=["task", "round", "mobile_hash"], condition=~Q(mobile_hash=""), name="acc_one_rating_per_mobile"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(mobile_hash=""), name="acc_rating_has_a_person"
            ),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="acc_rating_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.score}"

    @property
    def masked_mobile(self) -> str:
        return self.mobile_masked

    @property
    def dissatisfied(self) -> bool:
        return self.score <= 2


class EvaluationResponse(models.Model):
    """One third-party evaluator's filled form for a consultation; `score` (0–100) is the weighted result."""

    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("协商活动"),
    )
    form = models.ForeignKey(
        "accountability.EvaluationForm", on_delete=models.PROTECT, related_name="responses", verbose_name=_("评估表")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("评估人")
    )
    organisation = models.CharField(_("评估机构"), max_length=100, blank=True)
    comment = models.TextField(_("总体评价"), max_length=2000, blank=True)
    process_score = models.DecimalField(_("过程得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    outcome_score = models.DecimalField(_("结果得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=1)
    created_at = models.DateTimeField(_("评估时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("第三方评估")
        verbose_name_plural = _("第三方评估")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "evaluator"], name="acc_one_evaluation_per_evaluator"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="acc_evaluation_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.score}"


class EvaluationAnswer(models.Model):
    response = models.ForeignKey(
        EvaluationResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("评估")
    )
    item = models.ForeignKey(
        "accountability.EvaluationItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("评估条目")
    )
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("评估评分")
        verbose_name_plural = _("评估评分")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="acc_one_answer_per_item"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="acc_answer_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.item_id}: {self.score}"


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("待回访")
    LASTED = "lasted", _("成效持续")
    NOT_LASTED = "not_lasted", _("成效未持续")


class FollowUpCheck(models.Model):
    """行而不久: months after a task is done, someone goes back and records whether the result lasted."""

    task = models.ForeignKey(
        "accountability.ResponsibilityTask",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("工作责任"),
    )
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)
    due_on = models.DateField(_("回访日期"), db_index=True)
    status = models.CharField(
        _("回访结果"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING
    )
    note = models.TextField(_("回访情况"), max_length=2000, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    # Set by the periodic command when it tells the office the check is due (once).
    notified_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回访检查")
        verbose_name_plural = _("回访检查")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "round"], name="acc_one_follow_up_per_round")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.due_on}"

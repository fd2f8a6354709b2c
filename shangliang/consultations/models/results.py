"""The suggestion list (协商意见建议清单) with each present participant's vote, and the submission of results
(报送成果)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shangliang.consultations.models.consultation import Consultation, Participant


class SuggestionStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    WITHDRAWN = "withdrawn", _("已撤回")


class Suggestion(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("协商活动")
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("建议内容"), max_length=2000)
    status = models.CharField(
        _("状态"), max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协商意见建议")
        verbose_name_plural = _("协商意见建议清单")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["consultation", "order"], name="consult_suggestion_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:40]}"

    @property
    def is_active(self) -> bool:
        return self.status == SuggestionStatus.ACTIVE


class VoteChoice(models.TextChoices):
    AGREE = "agree", _("同意")
    ABSTAIN = "abstain", _("弃权")
    DISAGREE = "disagree", _("不同意")
    BLOCK = "block", _("反对（阻止）")


class SuggestionVote(models.Model):
    """One participant's position on one suggestion; dissent is kept verbatim (the exact words typed)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="votes", verbose_name=_("建议"))
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="votes", verbose_name=_("参加人员")
    )
    choice = models.CharField(_("表决"), max_length=10, choices=VoteChoice.choices)
    dissent = models.TextField(_("不同意见"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("表决时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("建议表决")
        verbose_name_plural = _("建议表决")
        ordering = ["suggestion_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "participant"], name="consult_one_vote_per_participant")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id}/{self.participant_id}: {self.choice}"


class SubmissionLevel(models.TextChoices):
    SAME = "same", _("报送同级党委、政府")
    HIGHER = "higher", _("提交上级")


class Submission(models.Model):
    """The results sent to a receiving unit's party organisation, whose approver acknowledges (签收) them."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="submission", verbose_name=_("协商活动")
    )
    level = models.CharField(_("报送层级"), max_length=10, choices=SubmissionLevel.choices)
    receiver_unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="received_submissions", verbose_name=_("接收单位")
    )
    recipients = models.CharField(_("报送对象"), max_length=200)
    note = models.TextField(_("报送说明"), max_length=2000, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("签收人"),
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledgement = models.TextField(_("签收意见"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("成果报送")
        verbose_name_plural = _("成果报送")
        indexes = [models.Index(fields=["receiver_unit", "acknowledged_at"], name="consult_submission_recv_idx")]

    def __str__(self) -> str:
        return f"{self.consultation_id} → {self.receiver_unit_id}"

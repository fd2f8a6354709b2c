"""What is recorded around a consultation: research (商前调研), door-to-door pre-consultation (上门协商), attachments,
the agenda (议程), the minutes (会议记录) and each participant's opinion in their own words."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shangliang.consultations.models.consultation import Consultation, Participant


class ResearchKind(models.TextChoices):
    VISIT = "visit", _("走访调研")
    SURVEY = "survey", _("问卷调查")
    POLICY_BRIEF = "policy_brief", _("政策解读")
    SITE_INSPECTION = "site_inspection", _("实地查看")
    FORUM = "forum", _("座谈了解")


class ResearchRecord(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="research", verbose_name=_("协商活动")
    )
    kind = models.CharField(_("调研方式"), max_length=20, choices=ResearchKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("调研情况"), max_length=5000)
    done_on = models.DateField(_("调研日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("商前调研")
        verbose_name_plural = _("商前调研")
        ordering = ["done_on", "id"]

    def __str__(self) -> str:
        return self.title


class PreConsultationVisit(models.Model):
    """上门协商: before a contentious meeting, the convenor visits each interested party; what was agreed is kept."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="visits", verbose_name=_("协商活动")
    )
    party = models.CharField(_("走访对象"), max_length=100)
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
        verbose_name=_("对应参加人员"),
    )
    visited_on = models.DateField(_("走访日期"))
    views = models.TextField(_("对方意见"), max_length=5000)
    agreed = models.TextField(_("达成的共识"), max_length=5000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("上门协商")
        verbose_name_plural = _("上门协商")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return self.party


def attachment_upload_to(instance, filename: str) -> str:
    # The stored name is generated (core.uploads.checked_document), never the user's.
    return f"consultations/{instance.consultation_id}/{filename}"


class Attachment(models.Model):
    """A file of a research record or a pre-consultation visit (PDF, Word, Excel or an image), checked by content."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("协商活动")
    )
    research = models.ForeignKey(
        ResearchRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    visit = models.ForeignKey(
        PreConsultationVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(research__isnull=False, visit__isnull=True) | Q(research__isnull=True, visit__isnull=False),
                name="consult_attachment_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class SegmentKind(models.TextChoices):
    BRIEFING = "briefing", _("通报")
    QUESTIONS = "questions", _("提问")
    ANSWERS = "answers", _("解答")
    STATEMENTS = "statements", _("发言")


class AgendaSegment(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("协商活动")
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    kind = models.CharField(_("环节"), max_length=20, choices=SegmentKind.choices)
    title = models.CharField(_("内容"), max_length=100)
    speaker = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("发言人")
    )
    notes = models.TextField(_("记录"), max_length=10000, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议程环节")
        verbose_name_plural = _("议程环节")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["consultation", "order"], name="consult_segment_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.ended_at is None


class Minutes(models.Model):
    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("协商活动")
    )
    text = models.TextField(_("会议记录"), max_length=50000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")

    def __str__(self) -> str:
        return f"{self.consultation_id}"


class Opinion(models.Model):
    """A participant's opinion in their own words (written consultations collect these until the deadline)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("协商活动")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("参加人员")
    )
    text = models.TextField(_("意见"), max_length=5000)
    # Who typed it: the participant themselves, or the convenor writing down what they said.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("参加人员意见")
        verbose_name_plural = _("参加人员意见")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["participant"], name="consult_one_opinion_per_participant")]

    def __str__(self) -> str:
        return self.text[:30]

"""Residents without accounts: SMS codes, privacy notices and consents (PIPL arts. 13, 14, 17, 25, 29).

A mobile number is never stored in clear here: a code and a consent name the number by its keyed hash
(core.crypto.keyed_hash, purpose "mobile") and, for what staff are shown, its masked form.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shangliang.core.validation import InRange


class SmsCode(models.Model):
    """A six-digit code sent to a number: kept hashed, a few tries, expires; used once."""

    mobile_hash = models.CharField(max_length=64, db_index=True, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.mobile_hash[:8]}… {self.created_at:%Y-%m-%d %H:%M}"


class PrivacyNotice(models.Model):
    """A county's privacy notice (个人信息处理告知), edited by its office; each edit is a new version, so a consent
    always names the exact text the resident read."""

    county = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="privacy_notices", verbose_name=_("区县")
    )
    version = models.PositiveIntegerField(_("版本"))
    body = models.TextField(_("告知内容"), max_length=8000)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("隐私告知")
        verbose_name_plural = _("隐私告知")
        ordering = ["county_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["county", "version"], name="residents_one_notice_version")]

    def __str__(self) -> str:
        return f"{self.county_id} v{self.version}"


class ConsentPurpose(models.TextChoices):
    VERIFY = "verify", _("验证手机号，用于评价、表态、提意见、附议")
    CONTACT = "contact", _("留下姓名、手机号，供工作人员联系回复")
    PUBLISH = "publish", _("在公开页面显示我的姓名或含有人物的照片")


class Consent(models.Model):
    """A resident's agreement to one purpose under one notice version (PIPL art. 14; art. 25 for publishing).

    The person is an account, a verified number (its hash) or an anonymous browser (a keyed hash of its session
    id); `subject` is what the consent covers when it is one thing (a topic whose name may be published).
    """

    purpose = models.CharField(_("用途"), max_length=20, choices=ConsentPurpose.choices)
    notice = models.ForeignKey(
        PrivacyNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("告知")
    )
    # "county-<id>-v<n>", or "site-<n>" for the site's default notice before a county wrote its own.
    notice_version = models.CharField(_("告知版本"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    browser = models.CharField(max_length=64, blank=True, editable=False)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    form_key = models.CharField(max_length=80, blank=True, editable=False)
    given_at = models.DateTimeField(_("同意时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["form_key"], condition=~Q(form_key=""), name="residents_consent_once"),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(mobile_hash="") | ~Q(browser=""), name="residents_consent_who"
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="residents_consent_subject")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.notice_version}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class CountyPrivacySettings(models.Model):
    """How long a county keeps residents' personal data after the matter closes, and how fast its office answers
    residents' requests about their data (set by the office; defaults below)."""

    county = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="privacy_settings", verbose_name=_("区县")
    )
    contact_days = models.PositiveIntegerField(
        _("联系方式保存天数（事项办结后）"), default=365, validators=[InRange(1, 3650)]
    )
    verification_days = models.PositiveIntegerField(_("验证记录保存天数"), default=30, validators=[InRange(1, 3650)])
    photo_days = models.PositiveIntegerField(
        _("含人物照片保存天数（事项办结后）"), default=730, validators=[InRange(1, 3650)]
    )
    answer_days = models.PositiveIntegerField(
        _("答复个人信息申请的期限（天）"), default=15, validators=[InRange(1, 3650)]
    )

    class Meta:
        verbose_name = _("个人信息保存与答复期限")
        verbose_name_plural = _("个人信息保存与答复期限")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_days__gte=1, verification_days__gte=1, photo_days__gte=1, answer_days__gte=1)
                & Q(answer_days__lte=30),
                name="residents_privacy_settings_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.county_id)


class RequestKind(models.TextChoices):
    CORRECT = "correct", _("更正个人信息")
    DELETE = "delete", _("删除个人信息")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    DONE = "done", _("已办理")
    REFUSED = "refused", _("不予办理")


class DataRequest(models.Model):
    """A resident's request about their own data (PIPL arts. 46, 47, 50), answered by the county office by `due_on`."""

    county = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="data_requests")
    kind = models.CharField(_("申请事项"), max_length=10, choices=RequestKind.choices)
    text = models.TextField(_("说明"), max_length=1000, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_requests"
    )
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    mobile_masked = models.CharField(_("手机号"), max_length=11, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_at = models.DateTimeField(_("申请时间"))
    due_on = models.DateField(_("答复期限"), db_index=True)
    answer = models.TextField(_("答复"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("个人信息申请")
        verbose_name_plural = _("个人信息申请")
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(mobile_hash=""), name="residents_request_who"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"

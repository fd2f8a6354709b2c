"""Security (等保 2.0 level 3): the three administrators, the security policy, password history, account state,
the SMS second factor and the alerts to the security administrator. TOTP and recovery codes are django-otp's."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.models import SideChannelDevice, ThrottlingMixin

from shangliang.core.validation import InRange
from shangliang.notifications.sms import send_sms
from shangliang.people.models import Role


class AdminKind(models.TextChoices):
    SYSTEM = "system", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDIT = "audit", _("审计管理员")


class AdminRole(models.Model):
    """One of the three administrators (三员). A person holds at most one, at one time (a database constraint)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="admin_roles", verbose_name=_("人员")
    )
    kind = models.CharField(_("管理员类型"), max_length=10, choices=AdminKind.choices)
    granted_at = models.DateTimeField(_("授予时间"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("授予人"),
    )
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("终止人"),
    )

    class Meta:
        verbose_name = _("管理员角色")
        verbose_name_plural = _("管理员角色")
        ordering = ["kind", "-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_at__isnull=True), name="security_one_admin_role_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user}"


def default_second_factor_roles() -> list[str]:
    return [r for r in Role.values if r != Role.RESIDENT]


class SecurityPolicy(models.Model):
    """The security administrator's settings (one row). Changed only by services.policy_update (an audit record)."""

    password_max_age_days = models.PositiveSmallIntegerField(
        _("密码有效期（天）"), default=90, validators=[InRange(1, 3650)]
    )
    second_factor_roles = models.JSONField(_("须双因素认证的角色"), default=default_second_factor_roles, blank=True)
    sms_counties = models.ManyToManyField(
        "units.Unit", blank=True, related_name="+", verbose_name=_("允许短信验证码作为第二因素的区县")
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        _("无操作超时（分钟）"), default=30, validators=[InRange(1, 1440)]
    )
    absolute_timeout_hours = models.PositiveSmallIntegerField(
        _("会话最长时间（小时）"), default=8, validators=[InRange(1, 720)]
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("安全策略")
        verbose_name_plural = _("安全策略")

    def __str__(self) -> str:
        return str(_("安全策略"))


class AccountSecurity(models.Model):
    """What the sign-in needs to know about an account beyond its password hash."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="account_security"
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    # The one session an administrator may have (a newer sign-in ends the older session).
    admin_session_key = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("账号安全状态")
        verbose_name_plural = _("账号安全状态")

    def __str__(self) -> str:
        return str(self.user_id)


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords: a new password may not be one of the last five."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="security_pwhist_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class SmsDevice(ThrottlingMixin, SideChannelDevice):
    """A one-time code sent by text message (notifications.sms) to the account's mobile number."""

    class Meta(SideChannelDevice.Meta):
        verbose_name = _("短信验证码设备")
        verbose_name_plural = _("短信验证码设备")

    def get_throttle_factor(self):
        return 1

    def generate_challenge(self):
        self.generate_token(valid_secs=300)
        text = gettext("您的登录验证码是 %(code)s，5 分钟内有效。如非本人操作，请立即联系安全管理员。") % {
            "code": self.token
        }
        sent = send_sms(to=[self.user.phone], text=text, fail_silently=True)
        return gettext("验证码已发送。") if sent else gettext("短信发送失败，请稍后再试或使用其他方式。")

    def verify_token(self, token):
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        ok = super().verify_token(token)
        if ok:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return ok


class AlertKind(models.TextChoices):
    FAILED_SIGN_INS = "failed_sign_ins", _("多个账号连续登录失败")
    MASS_EXPORT = "mass_export", _("大量导出")
    OFF_HOURS_PERMISSION = "off_hours_permission", _("非工作时间的权限变更")
    BROKEN_CHAIN = "broken_chain", _("审计链被破坏")


class Alert(models.Model):
    """Something the security administrator must look at; also sent to them in the app, by SMS and email."""

    kind = models.CharField(_("类型"), max_length=30, choices=AlertKind.choices)
    text = models.CharField(_("内容"), max_length=300)
    # One alert per situation (kind + subject + window), however many times it is detected.
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    acknowledged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("安全告警")
        verbose_name_plural = _("安全告警")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text

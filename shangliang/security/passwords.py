"""Password rules (等保 2.0 身份鉴别): length, three of four character classes, not one of the last five, expiry.

The validators run wherever Django validates a password (AUTH_PASSWORD_VALIDATORS); `password_changed` keeps the
history and the change time on every path that sets a password (AbstractBaseUser.save calls it).
"""

from __future__ import annotations

import string
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shangliang.core import audit
from shangliang.security.models import AccountSecurity, PasswordHistory

HISTORY_SIZE = 5


class ComplexityValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = (
            any(c in string.ascii_uppercase for c in password),
            any(c in string.ascii_lowercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")
        if user is not None and user.get_username() and user.get_username().lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、其他符号中的至少 %(n)d 类。") % {"n": self.min_classes}


class HistoryValidator:
    """Not the current password nor one of the previous ones (the last `count` in all)."""

    def __init__(self, count: int = HISTORY_SIZE):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        recent = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[: self.count])
        stored = get_user_model()._default_manager.filter(pk=user.pk).values_list("password", flat=True).first()
        if stored and stored not in recent:
            recent = [stored, *recent][: self.count]
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.count}, code="password_reused"
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        now = audit.now()
        PasswordHistory.objects.create(user_id=user.pk, password=user.password, created_at=now)
        old = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[self.count :]
        PasswordHistory.objects.filter(pk__in=list(old)).delete()
        AccountSecurity.objects.update_or_create(user_id=user.pk, defaults={"password_changed_at": now})

    def get_help_text(self):
        return _("不能使用最近 %(n)d 次用过的密码。") % {"n": self.count}


def password_expired(user, account, policy) -> bool:
    """The password is older than the policy allows (an account never changed since this rule came is not)."""
    if account is None or account.password_changed_at is None or not policy.password_max_age_days:
        return False
    return audit.now() - account.password_changed_at > timedelta(days=policy.password_max_age_days)

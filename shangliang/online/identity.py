"""Who a participant is: an account, or a mainland mobile number proved by an SMS code.

The code is kept (hashed) in Django's cache for CODE_TTL seconds with a count of wrong tries; the number itself is
never stored: a verified number becomes a `MobileIdentity` (an HMAC of it and the masked form), kept in the session
and, on the first vote or statement, in the room's OnlineParticipant row.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.notifications.sms import send_sms
from shangliang.online import ratelimit
from shangliang.people.models import mask_phone
from shangliang.people.services import clean_phone

CODE_TTL = 600
CODE_LENGTH = 6
MAX_TRIES = 5
SESSION_KEY = "online_mobile"


@dataclass(frozen=True)
class MobileIdentity:
    mobile_hash: str
    masked: str

    def to_session(self) -> dict:
        return {"hash": self.mobile_hash, "masked": self.masked}

    @classmethod
    def from_session(cls, data) -> MobileIdentity | None:
        if not isinstance(data, dict):
            return None
        value, masked = data.get("hash"), data.get("masked")
        if not isinstance(value, str) or len(value) != 64 or not isinstance(masked, str):
            return None
        return cls(value, masked[:11])


def mobile_hash(mobile: str) -> str:
    return salted_hmac("shangliang.online.mobile", mobile, algorithm="sha256").hexdigest()


def _code_key(mobile: str) -> str:
    return f"online:sms-code:{mobile_hash(mobile)}"


def _code_digest(mobile: str, code: str) -> str:
    return salted_hmac("shangliang.online.code", f"{mobile}:{code}", algorithm="sha256").hexdigest()


def _mobile(value) -> str:
    mobile = clean_phone(value if isinstance(value, str) else "", field="mobile")
    if not mobile:
        raise InvalidInput(_("请填写手机号。"), field="mobile")
    return mobile


def mobile_code_send(*, mobile: str, client: str | None = None) -> str:
    """Send a six-digit code to `mobile`; returns the code (the demo shows it, nothing else may)."""
    mobile = _mobile(mobile)
    ratelimit.hit("sms_client", client)
    ratelimit.hit("sms_mobile", mobile_hash(mobile))
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    # The shared sender (notifications.sms, SMS_BACKEND) adds the SMS_SIGNATURE prefix.
    sent = send_sms(
        to=[mobile],
        text=_("您参加网上协商的验证码是 %(code)s，%(minutes)d 分钟内有效。")
        % {"code": code, "minutes": CODE_TTL // 60},
    )
    if not sent:
        raise NotPossible(_("验证码短信发送失败，请稍后再试。"))
    cache.set(_code_key(mobile), {"digest": _code_digest(mobile, code), "tries": 0}, CODE_TTL)
    return code


def mobile_code_check(*, mobile: str, code: str, client: str | None = None) -> MobileIdentity:
    """The identity of `mobile` if `code` is the one sent to it; a wrong code counts against MAX_TRIES."""
    mobile = _mobile(mobile)
    code = (code if isinstance(code, str) else "").strip()
    ratelimit.hit("code_check", client)
    key = _code_key(mobile)
    entry = cache.get(key)
    if not isinstance(entry, dict):
        raise InvalidInput(_("验证码已过期或尚未发送，请重新获取。"), field="code")
    if entry.get("tries", 0) >= MAX_TRIES:
        cache.delete(key)
        raise InvalidInput(_("验证码错误次数过多，请重新获取。"), field="code")
    if not (code.isdigit() and len(code) == CODE_LENGTH) or not constant_time_compare(
        entry["digest"], _code_digest(mobile, code)
    ):
        entry["tries"] = entry.get("tries", 0) + 1
        cache.set(key, entry, CODE_TTL)
        raise InvalidInput(_("验证码不正确，请核对短信后重新输入。"), field="code")
    cache.delete(key)
    return MobileIdentity(mobile_hash(mobile), mask_phone(mobile))

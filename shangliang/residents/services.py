"""The one SMS-code flow and the consents of residents (every write of this app).

code_send(visitor=…, mobile=…)            a six-digit code by SMS_BACKEND (notifications.sms); the code, hashed, in
                                          SmsCode; a 60-second gap per number; limits "sms_send" per number and
                                          per network
code_check(visitor=…, mobile=…, code=…)   the number's VerifiedMobile if the code is right (five tries, ten minutes,
                                          once); limit "code_check"
mobile_verified_into_session(request, …)  cycles the session key, then keeps the hash and masked form in it
consent_record(…)                         a consent to one purpose under the notice in force (PIPL art. 14)
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shangliang.core import clock, ratelimit
from shangliang.core.crypto import mac, mac_verify, mobile_hash
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_key, clean_text
from shangliang.notifications.sms import send_sms
from shangliang.people.services import clean_phone
from shangliang.residents.models import Consent, ConsentPurpose, PrivacyNotice, SmsCode
from shangliang.residents.personal_data import withdrawal_handlers
from shangliang.residents.visitor import SESSION_MOBILE, SESSION_PENDING, VerifiedMobile, Visitor, visitor_of

CODE_TTL = timedelta(minutes=10)
CODE_GAP = timedelta(seconds=60)
CODE_LENGTH = 6
MAX_TRIES = 5
SITE_NOTICE_VERSION = "site-1"


def clean_mobile(value, *, field: str = "mobile", required: bool = True) -> str:
    """A mainland mobile number (11 digits, 1[3-9]…, "+86" and spaces tolerated); anything else is refused by name."""
    mobile = clean_phone(value if isinstance(value, str) else "", field=field)
    if required and not mobile:
        raise InvalidInput(_("请填写手机号。"), field=field)
    return mobile


def _code_digest(mobile_h: str, code: str) -> str:
    return mac(f"{mobile_h}:{code}".encode(), purpose="sms-code")


def code_send(*, visitor: Visitor, mobile: str) -> str:
    """Send a code to `mobile`; returns the code (only the demo shows it)."""
    mobile = clean_mobile(mobile)
    h = mobile_hash(mobile)
    now = clock.now()
    last = SmsCode.objects.filter(mobile_hash=h).order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None and last > now - CODE_GAP:
        wait = int((last + CODE_GAP - now).total_seconds()) + 1
        raise InvalidInput(_("验证码已发送，请 %(s)d 秒后再试。") % {"s": wait}, field="mobile")
    # Per number (whoever asks) and per network: a verified visitor asking for another number is still counted.
    ratelimit.hit("sms_send", key=f"mobile:{h}", network=visitor.network)
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    with transaction.atomic():
        row = SmsCode.objects.create(
            mobile_hash=h, code_hash=_code_digest(h, code), created_at=now, expires_at=now + CODE_TTL
        )
        sent = send_sms(
            to=[mobile],
            text=_("您的验证码是 %(code)s，%(m)d 分钟内有效，仅用于本次验证。如非本人操作请忽略。")
            % {"code": code, "m": int(CODE_TTL.total_seconds() // 60)},
        )
        if not sent:
            row.delete()
            raise NotPossible(_("验证码短信发送失败，请稍后再试。"))
    return code


def code_check(*, visitor: Visitor, mobile: str, code: str) -> VerifiedMobile:
    """The verified number if `code` is the latest one sent to it, unexpired, unused; a wrong code counts a try."""
    mobile = clean_mobile(mobile)
    code = "".join(ch for ch in (code if isinstance(code, str) else "") if not ch.isspace())
    visitor.hit("code_check")
    h = mobile_hash(mobile)
    now = clock.now()
    # A wrong try is counted in its own committed transaction: raising inside it would roll the count back.
    with transaction.atomic():
        row = SmsCode.objects.select_for_update().filter(mobile_hash=h).order_by("-created_at", "-id").first()
        if row is None or row.expires_at <= now:
            refusal = _("验证码已过期或尚未获取，请重新获取。")
        elif row.used_at is not None:
            refusal = _("该验证码已使用过，请重新获取。")
        elif row.attempts >= MAX_TRIES:
            refusal = _("验证码错误次数过多，请重新获取。")
        elif not (code.isdigit() and len(code) == CODE_LENGTH) or not mac_verify(
            f"{h}:{code}".encode(), row.code_hash, purpose="sms-code"
        ):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            refusal = _("验证码不正确，请核对短信后重新输入。")
        else:
            refusal = None
            row.used_at = now
            row.save(update_fields=["used_at"])
    if refusal is not None:
        raise InvalidInput(refusal, field="code")
    return VerifiedMobile.of(mobile)


def mobile_verified_into_session(request, verified: VerifiedMobile) -> None:
    """Cycle the session key (a session fixed before verification is worth nothing after it), then remember the
    number's hash and masked form for the rest of the session."""
    request.session.cycle_key()
    request.session.pop(SESSION_PENDING, None)
    request.session[SESSION_MOBILE] = verified.to_session()
    request.visitor = visitor_of(request)


def mobile_forget(request) -> None:
    request.session.pop(SESSION_MOBILE, None)
    request.session.pop(SESSION_PENDING, None)


# ---- notices and consent --------------------------------------------------------------------------------------


def notice_in_force(county) -> PrivacyNotice | None:
    if county is None:
        return None
    return PrivacyNotice.objects.filter(county=county).order_by("-version").first()


def notice_version(notice: PrivacyNotice | None) -> str:
    return f"county-{notice.county_id}-v{notice.version}" if notice is not None else SITE_NOTICE_VERSION


def notice_publish(*, actor, county, body: str) -> PrivacyNotice:
    """The county office publishes a new version of its privacy notice (earlier consents keep naming theirs)."""
    require_perm(actor, "residents.edit_notice", county, _("只有本县（区）政协机关可以修改隐私告知。"))
    body = clean_text(body, label=_("告知内容"), field="body", max_length=8000)
    with transaction.atomic():
        last = PrivacyNotice.objects.select_for_update().filter(county=county).order_by("-version").first()
        return PrivacyNotice.objects.create(
            county=county,
            version=(last.version + 1) if last else 1,
            body=body,
            published_at=clock.now(),
            published_by=actor,
        )


def consent_record(
    *,
    visitor: Visitor,
    purpose: str,
    county=None,
    shown_version: str = "",
    form_key: str = "",
    subject=None,
    mobile_hash_value: str = "",
) -> Consent:
    """Record that the visitor agreed to `purpose` under the notice they were shown.

    `shown_version` is the notice version the form displayed: if the county published another since, the resident
    must read the new one (nothing is kept). `form_key` makes a replayed form return the consent it already made.
    """
    if purpose not in ConsentPurpose.values:
        raise InvalidInput(_("同意的用途不正确。"), field="purpose")
    notice = notice_in_force(county)
    version = notice_version(notice)
    if shown_version and shown_version != version:
        raise InvalidInput(_("隐私告知已更新，请阅读新的告知后再确认同意。"), field="consent")
    key = clean_key(form_key)
    if key:
        existing = Consent.objects.filter(form_key=key).first()
        if existing is not None:
            return existing
    who = {
        "user": visitor.user,
        "mobile_hash": mobile_hash_value or visitor.mobile_hash,
        "browser": "" if (visitor.user or mobile_hash_value or visitor.mobile) else visitor.browser_key(),
    }
    extra = {}
    if subject is not None:
        extra = {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk}
    try:
        with transaction.atomic():
            return Consent.objects.create(
                purpose=purpose,
                notice=notice,
                notice_version=version,
                form_key=key,
                given_at=clock.now(),
                **who,
                **extra,
            )
    except IntegrityError:
        existing = Consent.objects.filter(form_key=key).first() if key else None
        if existing is None:
            raise
        return existing


def consent_withdraw(*, visitor: Visitor, consent: Consent) -> Consent:
    """Withdraw a consent of one's own (PIPL art. 15): what it allowed stops from now on."""
    own = (visitor.user is not None and consent.user_id == visitor.user.pk) or (
        visitor.mobile_hash and consent.mobile_hash == visitor.mobile_hash
    )
    if not own:
        raise NotAllowed(_("只能撤回您本人的同意。"))
    with transaction.atomic():
        if Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(withdrawn_at=clock.now()):
            for handler in withdrawal_handlers(consent.purpose):
                handler(consent)
    consent.refresh_from_db(fields=["withdrawn_at"])
    return consent


def has_consent(subject, purpose: str) -> bool:
    """Whether an unwithdrawn consent to `purpose` covers `subject` (a public page may then show the name)."""
    return Consent.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        purpose=purpose,
        withdrawn_at__isnull=True,
    ).exists()

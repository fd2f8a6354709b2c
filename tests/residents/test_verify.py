"""The one SMS-code flow: send, check, the session key cycled, nothing in clear kept, consent before anything."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from shangliang.residents.models import Consent, ConsentPurpose, SmsCode
from shangliang.residents.services import mobile_hash
from shangliang.residents.visitor import SESSION_MOBILE, SESSION_PENDING

URL = reverse("residents:verify") + "?next=/public/"
MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    cache.clear()
    yield
    cache.clear()


def _send(client, mobile=MOBILE, consent="on", **extra):
    return client.post(URL, {"step": "send", "mobile": mobile, "consent": consent, **extra})


def _code(outbox) -> str:
    return re.search(r"验证码是 (\d{6})", outbox[-1].text).group(1)


def test_verify_cycles_the_session_key_and_keeps_no_number_in_clear(client, sms_outbox):
    client.get(URL)
    assert _send(client).status_code == 302
    assert sms_outbox[-1].to == MOBILE and "【有事好商量】" in sms_outbox[-1].text
    before = client.session.session_key
    pending = client.session[SESSION_PENDING]
    assert MOBILE not in str(pending) and pending["masked"] == "139****5678"
    response = client.post(URL, {"step": "check", "code": _code(sms_outbox), "next": "/public/"})
    assert response.status_code == 302 and response["Location"] == "/public/"
    assert client.session.session_key != before
    stored = client.session[SESSION_MOBILE]
    assert stored["hash"] == mobile_hash(MOBILE) and stored["masked"] == "139****5678"
    assert MOBILE not in str(dict(client.session.items()))
    assert SESSION_PENDING not in client.session
    row = SmsCode.objects.get()
    assert row.used_at is not None and MOBILE not in row.mobile_hash + row.code_hash


def test_consent_is_recorded_before_the_code_is_sent(client, sms_outbox):
    response = _send(client, consent="")
    assert response.status_code == 400 and "勾选同意" in response.content.decode()
    assert not sms_outbox and not SmsCode.objects.exists() and not Consent.objects.exists()
    _send(client)
    consent = Consent.objects.get()
    assert consent.purpose == ConsentPurpose.VERIFY and consent.notice_version == "site-1"
    assert consent.mobile_hash == mobile_hash(MOBILE) and consent.given_at


@pytest.mark.parametrize(
    ("mobile", "message"),
    [
        ("", "请填写手机号"),
        ("+1 415 555 0100", "中国大陆手机号"),
        ("12345678901", "中国大陆手机号"),
        ("1391234567", "中国大陆手机号"),
    ],
)
def test_bad_numbers_are_refused_by_name_and_nothing_is_sent(client, sms_outbox, mobile, message):
    response = _send(client, mobile=mobile)
    assert response.status_code == 400 and message in response.content.decode()
    assert not sms_outbox and not SmsCode.objects.exists() and not Consent.objects.exists()


def test_plus_86_is_a_mainland_number(client, sms_outbox):
    assert _send(client, mobile="+86 139 1234 5678").status_code == 302
    assert sms_outbox[-1].to == MOBILE


def test_wrong_then_too_many_codes(client, sms_outbox):
    _send(client)
    code = _code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _i in range(5):
        response = client.post(URL, {"step": "check", "code": wrong})
        assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    response = client.post(URL, {"step": "check", "code": code})
    assert "错误次数过多" in response.content.decode()
    assert SESSION_MOBILE not in client.session


def test_expired_and_reused_codes(client, sms_outbox):
    _send(client)
    code = _code(sms_outbox)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(URL, {"step": "check", "code": code})
    assert response.status_code == 400 and "已过期" in response.content.decode()
    SmsCode.objects.update(expires_at=timezone.now() + timedelta(minutes=5))
    assert client.post(URL, {"step": "check", "code": code}).status_code == 302
    # The same code again (another browser that saw it, or a replayed form): refused.
    from shangliang.core.errors import InvalidInput
    from shangliang.residents import services
    from tests.conftest import mobile_visitor

    with pytest.raises(InvalidInput, match="已使用"):
        services.code_check(visitor=mobile_visitor(network="10.1.1.1"), mobile=MOBILE, code=code)


def test_a_second_code_within_a_minute_is_refused(client, sms_outbox):
    _send(client)
    response = _send(client)
    assert response.status_code == 400 and "秒后再试" in response.content.decode()
    assert len(sms_outbox) == 1


def test_code_check_without_a_pending_code(client):
    response = client.post(URL, {"step": "check", "code": "123456"})
    assert response.status_code == 400 and "请先获取验证码" in response.content.decode()


def test_sms_limit_per_number_shows_the_too_many_page(client, sms_outbox, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_send": {"each": (1, 3600), "network": (100, 3600)}}
    _send(client)
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    response = _send(client)
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert len(sms_outbox) == 1


def test_replayed_consent_form_under_an_old_notice_version_is_refused(client, sms_outbox, world):
    from shangliang.residents import services

    services.notice_publish(actor=world.users["staff"], county=world.a, body="第一版")
    url = reverse("residents:verify") + f"?county={world.a.pk}&next=/"
    response = client.post(url, {"step": "send", "mobile": MOBILE, "consent": "on", "notice_version": "site-1"})
    assert response.status_code == 400 and "隐私告知已更新" in response.content.decode()
    assert not sms_outbox and not Consent.objects.exists()
    version = f"county-{world.a.pk}-v1"
    assert (
        client.post(url, {"step": "send", "mobile": MOBILE, "consent": "on", "notice_version": version}).status_code
        == 302
    )
    assert Consent.objects.get().notice.version == 1


def test_forget_drops_the_number(client, verify_mobile):
    verify_mobile(client)
    client.post(reverse("residents:forget"), {"next": "/"})
    assert SESSION_MOBILE not in client.session


def test_verify_page_renders_the_notice(client, db):
    page = client.get(URL).content.decode()
    assert "隐私告知" in page and "我们收集什么" in page and "保存多久" in page


class GatewayDown:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("gateway down")


def test_the_code_goes_out_through_the_shared_sender_and_a_failure_keeps_nothing(settings, sms_outbox):
    from shangliang.core.errors import NotPossible
    from shangliang.residents import services
    from tests.conftest import mobile_visitor

    code = services.code_send(visitor=mobile_visitor(), mobile="13812345678")
    [message] = sms_outbox
    assert message.to == "13812345678"
    assert message.text == f"【有事好商量】您的验证码是 {code}，10 分钟内有效，仅用于本次验证。如非本人操作请忽略。"
    settings.SMS_BACKEND = f"{__name__}.GatewayDown"
    with pytest.raises(NotPossible, match="验证码短信发送失败"):
        services.code_send(visitor=mobile_visitor(), mobile="13912345678")
    assert SmsCode.objects.count() == 1

"""The second factor: required per role, TOTP (a replayed code refused), single-use recovery codes, SMS where the
county allows it, demo accounts exempt only in demo mode."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.core import audit
from shangliang.core.errors import InvalidInput
from shangliang.core.models import AuditRecord
from shangliang.notifications import sms
from shangliang.security import services
from shangliang.security.models import SecurityPolicy
from tests.factories import UserFactory, assign
from tests.security.conftest import code, sign_in, totp_device


def test_staff_roles_must_enrol_before_anything_opens(client, world):
    sign_in(client, "staff")
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/security/enrol/")


def test_a_resident_needs_no_second_factor(client, world):
    sign_in(client, "resident")
    assert client.get("/").status_code == 200


def test_the_security_administrator_decides_which_roles(client, world, admins):
    services.policy_update(actor=admins.security, second_factor_roles=["convenor"])
    sign_in(client, "staff")
    assert client.get("/").status_code == 200
    assert AuditRecord.objects.filter(action=audit.CONFIG_CHANGED).exists()
    client.logout()
    sign_in(client, "convenor")
    assert client.get("/").status_code == 302


def test_totp_signs_in_and_a_replayed_code_is_refused(client, world):
    device = totp_device(world.users["staff"])
    sign_in(client, "staff")
    assert client.get("/").url.startswith("/security/verify/")
    token = code(device)
    assert client.post("/security/verify/", {"method": "totp", "token": token}).status_code == 302
    assert client.get("/").status_code == 200
    client.logout()
    sign_in(client, "staff")
    response = client.post("/security/verify/", {"method": "totp", "token": token})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert client.get("/").status_code == 302
    assert AuditRecord.objects.filter(action=audit.SECOND_FACTOR_FAILED).exists()


def test_enrolment_confirms_the_app_and_gives_single_use_recovery_codes(client, world):
    sign_in(client, "staff")
    assert client.get("/security/enrol/").status_code == 200
    device = TOTPDevice.objects.get(user=world.users["staff"], confirmed=False)
    response = client.post("/security/enrol/", {"token": code(device)})
    codes = response.context["codes"]
    assert len(codes) == 10
    assert AuditRecord.objects.filter(action=audit.SECOND_FACTOR_CHANGED).exists()
    client.logout()
    sign_in(client, "staff")
    assert client.post("/security/verify/", {"method": "recovery", "token": codes[0]}).status_code == 302
    client.logout()
    sign_in(client, "staff")
    again = client.post("/security/verify/", {"method": "recovery", "token": codes[0]})
    assert again.status_code == 200  # used once, gone


def test_sms_code_only_where_the_county_allows_it(client, world, admins, settings):
    settings.SMS_BACKEND = "shangliang.notifications.sms.LocmemBackend"
    staff = world.users["staff"]
    staff.phone = "13812345678"
    staff.save()
    totp_device(staff)
    sms.outbox.clear()
    sign_in(client, "staff")
    client.post("/security/verify/sms/")
    assert not getattr(sms, "outbox", [])
    services.policy_update(actor=admins.security, sms_counties=[world.a])
    client.post("/security/verify/sms/")
    sent = sms.outbox[-1]
    token = "".join(ch for ch in sent.text if ch.isdigit())[:6]
    assert client.post("/security/verify/", {"method": "sms", "token": token}).status_code == 302
    assert client.get("/").status_code == 200


def test_demo_accounts_are_exempt_only_in_demo_mode(client, world, settings):
    demo = UserFactory(username="demo_staff_x", is_demo=True)
    assign(demo, "cppcc_staff", world.a)
    sign_in(client, "demo_staff_x")
    assert client.get("/").status_code == 200
    client.logout()
    settings.DEMO_MODE = False
    sign_in(client, "demo_staff_x")
    assert client.get("/").status_code == 302


def test_resetting_a_second_factor_is_audited(world, admins):
    device = totp_device(world.users["staff"])
    assert services.second_factor_reset(actor=admins.security, user=world.users["staff"]) >= 1
    assert not type(device).objects.filter(pk=device.pk).exists()
    entry = AuditRecord.objects.get(action=audit.SECOND_FACTOR_CHANGED)
    assert entry.actor_id == admins.security.pk and entry.detail == {"reset": True}


def test_policy_values_are_bounded(world, admins):
    for bad in (0, 181, -1, "90"):
        with pytest.raises(InvalidInput):
            services.policy_update(actor=admins.security, password_max_age_days=bad)
    assert SecurityPolicy.objects.get().password_max_age_days == 90

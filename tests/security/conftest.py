from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.security.models import AdminKind, AdminRole
from tests.factories import UserFactory

PASSWORD = "test-password-123"


@pytest.fixture
def admins(world):
    """The three administrators (三员), one person each."""
    people = {}
    for kind in AdminKind.values:
        user = UserFactory(username=f"{kind}_admin")
        AdminRole.objects.create(user=user, kind=kind, granted_at=timezone.now())
        people[kind] = user
    return SimpleNamespace(**people)


@pytest.fixture
def enforce(settings):
    settings.SECURITY_ENFORCE_SECOND_FACTOR = True
    return settings


def totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})

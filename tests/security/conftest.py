"""Security's tests run as production does: the second factor enforced (the suite's settings turn it off for the
other apps' tests, which sign staff in with force_login; test_production.py proves production settings keep it on).
"""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.core import clock
from shangliang.security.models import AdminKind, AdminRole
from shangliang.security.selectors import POLICY_CACHE_KEY
from tests.factories import UserFactory

PASSWORD = "test-password-123"


@pytest.fixture(autouse=True)
def enforce(settings):
    """Production's rule: staff and the three administrators sign in with a second factor."""
    settings.SECURITY_ENFORCE_SECOND_FACTOR = True
    return settings


@pytest.fixture(autouse=True)
def fresh_policy():
    """The policy is cached per process; a test's policy must not outlive its rolled-back transaction."""
    cache.delete(POLICY_CACHE_KEY)
    yield
    cache.delete(POLICY_CACHE_KEY)


@pytest.fixture
def admins(world):
    """The three administrators (三员), one person each."""
    people = {}
    for kind in AdminKind.values:
        user = UserFactory(username=f"{kind}_admin")
        AdminRole.objects.create(user=user, kind=kind, granted_at=clock.now())
        people[kind] = user
    return SimpleNamespace(**people)


def totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def sign_in_fully(client, user, password=PASSWORD, *, offset=0):
    """The real path: the password, then a code from the account's authenticator (bound here if it has none).
    A second sign-in within the same 30 seconds needs the next code (`offset=1`): a code is accepted once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    sign_in(client, user.username, password)
    response = client.post("/security/verify/", {"method": "totp", "token": code(device, offset=offset)})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def verified_login(client, user):
    """Signed in with both factors (as after the verify page): force_login, then the session names a confirmed
    authenticator the way django_otp.login does."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client

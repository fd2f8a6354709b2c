"""Login: demo accounts listed in demo mode, Argon2 hashes, lockout after 5 failures, session expiry."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from shangliang.people.models import Role
from tests.factories import UserFactory, assign


@pytest.fixture
def demo_users(world):
    for role in Role.values:
        user = UserFactory(username=f"demo_{role}", is_demo=True)
        assign(user, role, world.a if role != "resident" else world.v1)


def test_login_page_lists_one_demo_account_per_role(client, demo_users):
    html = client.get(reverse("login")).content.decode()
    for role, label in Role.choices:
        assert f'data-demo-username="demo_{role}"' in html
        assert str(label) in html
    assert settings.DEMO_PASSWORD in html


def test_login_page_lists_no_accounts_outside_demo_mode(client, demo_users, settings):
    settings.DEMO_MODE = False
    html = client.get(reverse("login")).content.decode()
    assert "data-demo-username" not in html
    assert settings.DEMO_PASSWORD not in html


def test_passwords_hash_with_argon2():
    """Production hashes with Argon2 (the tests use MD5 only for speed)."""
    assert make_password("x", hasher="argon2").startswith("argon2")
    from shangliang import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_login_and_logout(client, world):
    response = client.post(reverse("login"), {"username": "staff", "password": "test-password-123"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("units:index")).status_code == 302


def test_five_failures_lock_the_account_for_that_client(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "staff", "password": "test-password-123"})
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_language_switch_to_english(client, world):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_chinese_is_the_default(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-CN">' in html and "登录" in html


def test_english_browser_still_gets_chinese_until_the_switch(client, db):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN">' in html

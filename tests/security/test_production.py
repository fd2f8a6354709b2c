"""Production settings (the README's) enforce what the suite's settings relax: the second factor, no superuser, no
demo accounts; and security_check passes every application control on them once the three administrators exist."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shangliang.security.checks import DEPLOY, FAIL, PASS, run_checks
from tests.factories import UserFactory

# The README's production line, with the audit key and an alert channel (security_check asks for both).
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-security-check-0123456789",
    "FIELD_ENCRYPTION_KEYS": "1:00112233445566778899aabbccddeeff",
    "FIELD_HASH_KEY": "5a" * 32,
    "AUDIT_KEY": "c3" * 32,
    "ALLOWED_HOSTS": "shangliang.example.gov.cn",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}
NAMES = [
    "SECURITY_ENFORCE_SECOND_FACTOR",
    "SECURITY_ALLOW_SUPERUSER",
    "DEMO_MODE",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "AUDIT_KEY",
    "EMAIL_BACKEND",
    "SMS_BACKEND",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_HASH_KEY",
    "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
    "LOGIN_ADDRESS_FAILURE_LIMIT",
    "SESSION_COOKIE_AGE",
    "AUTH_PASSWORD_VALIDATORS",
    "PASSWORD_HASHERS",
]


@pytest.fixture(scope="module")
def production():
    """The values shangliang/settings.py gives these names under the production environment (a fresh process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURITY_", "DEMO_"))}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="shangliang.settings")
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}}))"
    )
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def apply(settings, values: dict) -> None:
    """Production's values in this process (the keys of personal data stay the suite's: data is encrypted with them)."""
    for name, value in values.items():
        if not name.startswith("FIELD_"):
            setattr(settings, name, value)


def test_production_settings_enforce_the_second_factor(production):
    assert production["SECURITY_ENFORCE_SECOND_FACTOR"] is True
    assert production["SECURITY_ALLOW_SUPERUSER"] is False
    assert production["DEMO_MODE"] is False


def test_security_check_passes_on_production_settings(production, settings, world, capsys):
    apply(settings, production)
    call_command("create_administrators", "--system", "sys1", "--security", "sec1", "--audit", "aud1")
    checks = run_checks()
    failed = [(c.control, c.title) for c in checks if c.status == FAIL]
    # The audit trail's protection needs PostgreSQL (the trigger) and a deployment whose application user does not
    # own the tables (the suite's does); everything else passes on either database.
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        assert [title for _control, title in failed] == [
            "应用的数据库用户不是审计表的属主（不能停用触发器或清空审计表）"
        ]
    else:
        assert [control for control, _title in failed] == ["8.1.4.3 c", "8.1.4.3 c"]
    assert sum(c.status == PASS for c in checks) >= 15 and sum(c.status == DEPLOY for c in checks) >= 8


@pytest.mark.parametrize(
    "change, control",
    [
        ({"SECURITY_ENFORCE_SECOND_FACTOR": False}, "8.1.4.1 d"),
        ({"AUDIT_KEY": ""}, "8.1.4.3 c"),
        ({"SECURE_SSL_REDIRECT": False}, "8.1.4.1 c"),
        ({"DEMO_MODE": True}, "8.1.4.2 c"),
        ({"LOGIN_ADDRESS_FAILURE_LIMIT": 0}, "8.1.4.1 b"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "8.1.4.4 f"),
    ],
)
def test_each_weakened_setting_fails_its_control(production, settings, db, change, control):
    apply(settings, {**production, **change})
    assert control in {c.control for c in run_checks() if c.status == FAIL}


def test_a_superuser_or_a_missing_administrator_fails(production, settings, db):
    apply(settings, production)
    UserFactory(username="root", is_superuser=True)
    failed = {c.control for c in run_checks() if c.status == FAIL}
    assert {"8.1.4.2 b", "8.1.4.2 d"} <= failed
    with pytest.raises(CommandError):
        call_command("security_check")

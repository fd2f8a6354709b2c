"""Test settings: the real settings plus the N+1 guard and a fast password hasher.

Everything else (database from DATABASE_URL, middleware, permissions) is exactly production's.
"""

from shangliang.settings import *  # noqa: F403
from shangliang.settings import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]
# Fails the request or test on an N+1 query (the same query from the same line, 2+ times per object list).
MIDDLEWARE = ["zeal.middleware.zeal_middleware", *MIDDLEWARE]
ZEAL_RAISE = True
# Session loads are attributed to the first project frame (a middleware), so separate loads look alike.
ZEAL_ALLOWLIST = [{"model": "sessions.Session"}]
ZEAL_NPLUSONE_THRESHOLD = 2
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DASHBOARDS_REFILL_ON_CHANGE = False  # tests that want it turn it on
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_MODE = True
# pytest-django runs with DEBUG off, which needs explicit keys for personal data at rest (core.crypto).
FIELD_ENCRYPTION_KEYS = ["test:00112233445566778899aabbccddeeff"]
FIELD_HASH_KEY = "5a" * 32
# The apps' tests sign staff in with force_login, which has no second factor. tests/security runs with it enforced
# (an autouse fixture) and test_production.py proves that production's settings enforce it.
SECURITY_ENFORCE_SECOND_FACTOR = False

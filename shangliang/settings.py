"""Shangliang settings: one module, everything from environment variables with embedded defaults.

Nothing needs configuring to run (SQLite, local files, console email, immediate tasks).
Production sets at least SECRET_KEY, DEBUG=0, ALLOWED_HOSTS, DATABASE_URL and TASK_BACKEND=database.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from shangliang.env import envbool, envint, envlist, envrate, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", True)
_DEV_SECRET = "insecure-development-key-change-me-in-production-0123456789"  # noqa: S105 (development only; refused below when DEBUG is off)
SECRET_KEY = envstr("SECRET_KEY", _DEV_SECRET)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# The address printed in QR codes and sent in messages (core.links): SITE_URL where set; else the request's host;
# outside a request (background jobs, commands) the development server's address on PORT.
SITE_URL = envstr("SITE_URL", "")
LOCAL_SITE_URL = f"http://127.0.0.1:{envint('PORT', 8000)}"
# Demo mode lists one demo account per role on the login page (the shared demo password is public).
DEMO_MODE = envbool("DEMO_MODE", DEBUG)
DEMO_PASSWORD = envstr("DEMO_PASSWORD", "shangliang2026")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_htmx",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    "shangliang.core",
    "shangliang.people",
    "shangliang.units",
    "shangliang.notifications",
    "shangliang.residents",
    "shangliang.topics",
    "shangliang.consultations",
    "shangliang.accountability",
    "shangliang.online",
    "shangliang.villageaffairs",
    "shangliang.opinions",
    "shangliang.security",
    "shangliang.dashboards",
    "shangliang.demo",
    "shangliang.bench",
    "shangliang.api",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages the same for every visitor without a cookie: public for a few seconds, else private (before the
    # middleware that set cookies, to see them all).
    "shangliang.core.publiccache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shangliang.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shangliang.core.audit.AuditContextMiddleware",
    # request.visitor: account, verified mobile, invitation or anonymous browser (residents.visitor).
    "shangliang.residents.visitor.VisitorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shangliang.security.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shangliang.core.middleware.DomainErrorMiddleware",
    "shangliang.core.access.LoginRequiredMiddleware",
    # axes last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shangliang.urls"
WSGI_APPLICATION = "shangliang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shangliang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "shangliang.core.context_processors.site",
                "shangliang.core.publiccache.csrf",
                "shangliang.security.context_processors.session",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'shangliang.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout so a background worker and the web process can share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "shangliang.security.backends.SecurityModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 2.0: three of four character classes, not the username; not one of the last five (security.passwords).
    {"NAME": "shangliang.security.passwords.ComplexityValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "shangliang.security.passwords.HistoryValidator", "OPTIONS": {"count": 5}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout: 5 failed logins lock the username from that client for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = envbool("AXES_ENABLED", True)
# Password spraying: this many failures from one address, across any usernames, lock the address (0: off).
AXES_HANDLER = "shangliang.security.lockout.AddressLockoutHandler"
AXES_USERNAME_CALLABLE = "shangliang.security.lockout.axes_username"
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 10)

# How long nginx's micro-cache (and a browser) may keep a public page rendered for no one in particular (0: never).
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", 3)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "shangliang" / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    # The file system, with a full disk answered by a clear refusal and nothing half-saved (core/storage.py).
    "default": {"BACKEND": "shangliang.core.storage.UploadStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded evidence is private: it is streamed by permission-checked views, never served as /media/.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
MAX_UPLOAD_IMAGE_BYTES = envint("MAX_UPLOAD_IMAGE_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "shangliang@localhost")
# Text messages (notifications.sms): the console backend prints them; a deployment names its provider's backend class.
SMS_BACKEND = envstr("SMS_BACKEND", "shangliang.notifications.sms.ConsoleBackend")
SMS_SIGNATURE = envstr("SMS_SIGNATURE", "【有事好商量】")

# Background work: immediate by default; "database" uses django-tasks-db with `manage.py db_worker`.
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
_task_backend = envstr("TASK_BACKEND", "immediate")
if _task_backend not in _TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"TASK_BACKEND={_task_backend!r} must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}
# After a change, recompute the county's dropped dashboard figures at once (in the worker); without a worker the next
# reader recomputes them.
DASHBOARDS_REFILL_ON_CHANGE = envbool("DASHBOARDS_REFILL_ON_CHANGE", _task_backend == "database")

# Several app processes must share rate-limit counters: CACHE_BACKEND=database (run `createcachetable`).
_CACHE_BACKENDS = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "shangliang_cache"},
}
_cache_backend = envstr("CACHE_BACKEND", "locmem")
if _cache_backend not in _CACHE_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"CACHE_BACKEND={_cache_backend!r} must be one of {sorted(_CACHE_BACKENDS)}")
CACHES = {"default": _CACHE_BACKENDS[_cache_backend]}

# --- Security (shangliang.security; 等保 2.0 level 3) ---
# Staff whose role the security policy names sign in with a second factor (TOTP or, where the county allows, SMS).
# Only tests/settings.py turns this off (tests/security turns it back on); security_check fails without it.
SECURITY_ENFORCE_SECOND_FACTOR = envbool("SECURITY_ENFORCE_SECOND_FACTOR", True)
# Superusers cannot sign in unless this is on (development only: production has the three administrators instead).
SECURITY_ALLOW_SUPERUSER = envbool("SECURITY_ALLOW_SUPERUSER", DEBUG)
# Alerts to the security administrator: failed sign-ins against this many accounts from one address, or this many
# exports of personal data by one person, within the window.
SECURITY_ALERT_WINDOW_MINUTES = envint("SECURITY_ALERT_WINDOW_MINUTES", 60)
SECURITY_ALERT_FAILED_ACCOUNTS = envint("SECURITY_ALERT_FAILED_ACCOUNTS", 5)
SECURITY_ALERT_EXPORTS = envint("SECURITY_ALERT_EXPORTS", 20)
OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", "有事好商量")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Audit trail (core.audit; 等保 2.0 安全审计) ---
# AUDIT_KEY: the HMAC-SM3 key that seals the audit trail (64 hex digits, e.g. `python -c "import secrets;
# print(secrets.token_hex(32))"`); set it in production, apart from SECRET_KEY, and keep it out of the database's
# reach (without it the development default is derived from SECRET_KEY, and security_check fails).
AUDIT_KEY = envstr("AUDIT_KEY", "")
# Records are kept at least 180 days (the legal minimum); a longer period may be set, never a shorter one.
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"AUDIT_RETENTION_DAYS={AUDIT_RETENTION_DAYS} is below the legal minimum of 180 days")

# The outbox (core.events): a worker killed while delivering an event holds it this long before another takes it.
OUTBOX_CLAIM_SECONDS = envint("OUTBOX_CLAIM_SECONDS", 300)
# /healthz (core.health) turns red when the worker has not run its heartbeat for this long (run_periodic sends one
# each run) or an event has waited this long for delivery (the outbox).
HEALTH_WORKER_MAX_SECONDS = envint("HEALTH_WORKER_MAX_SECONDS", 300)
HEALTH_OUTBOX_MAX_SECONDS = envint("HEALTH_OUTBOX_MAX_SECONDS", 600)
# /healthz marks the uploads' disk low below this many free MB (reported, not a failure: reading goes on).
HEALTH_UPLOADS_MIN_FREE_MB = envint("HEALTH_UPLOADS_MIN_FREE_MB", 200)

# --- Backups (core.backup; `manage.py backup` / `manage.py restore`) ---
# BACKUP_KEY: the SM4 key (32 hex digits, `manage.py field_keys new` prints one) that encrypts backups; keep it apart
# from the backups, with FIELD_ENCRYPTION_KEYS, FIELD_HASH_KEY and AUDIT_KEY, which a restored database also needs.
BACKUP_KEY = envstr("BACKUP_KEY", "")
BACKUP_DIR = Path(envstr("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
# run_periodic takes one backup a day at or after BACKUP_HOUR (local time) when BACKUP_NIGHTLY is on, keeping the
# newest BACKUP_KEEP.
BACKUP_NIGHTLY = envbool("BACKUP_NIGHTLY", False)
BACKUP_HOUR = envint("BACKUP_HOUR", 2)
BACKUP_KEEP = envint("BACKUP_KEEP", 7)
if BACKUP_KEEP < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"BACKUP_KEEP={BACKUP_KEEP} must be at least 1")
# PostgreSQL's pg_dump/pg_restore: from PG_BIN_DIR, else the newest /usr/lib/postgresql/*/bin, else the PATH.
PG_BIN_DIR = envstr("PG_BIN_DIR", "")

PAGE_SIZE = envint("PAGE_SIZE", 25)

# --- online consultation room (online/): live results ---------------------------------------------------------------
# Live pages reconnect their event stream after this many seconds (sooner while an analysis is running); each answer
# is held open ONLINE_LIVE_HOLD_SECONDS (0 with gunicorn's sync workers: see online/views/public.py for why).
ONLINE_LIVE_RETRY_SECONDS = envint("ONLINE_LIVE_RETRY_SECONDS", 3)
ONLINE_LIVE_BUSY_RETRY_SECONDS = envint("ONLINE_LIVE_BUSY_RETRY_SECONDS", 1)
ONLINE_LIVE_HOLD_SECONDS = envint("ONLINE_LIVE_HOLD_SECONDS", 0)
# Seconds a recomputation waits after the first vote of a burst, so that the burst goes into one analysis.
ONLINE_RECOMPUTE_DELAY = envint("ONLINE_RECOMPUTE_DELAY", 5)

# ---- residents: rate limits and personal data at rest (core.ratelimit, core.crypto) ----------------------------
# Every public write is counted under one of these names (core.ratelimit): "each" per actor (a verified mobile, an
# account, an invitation or an anonymous browser), "network" per client address, a higher cap that a verified mobile
# or an account is not held to. Each is "COUNT/WINDOW" (s, m, h, d) from RATE_<NAME> and RATE_<NAME>_NETWORK; 0 is off.
_RATE_DEFAULTS = {
    "topic_submit": ("5/1h", "60/1h"),
    "topic_support": ("30/1h", "300/1h"),
    "rating": ("20/1h", "300/1h"),
    "follow": ("30/1h", "300/1h"),
    "objection": ("5/1h", "60/1h"),
    "vote": ("240/10m", "3000/10m"),
    "statement": ("10/1h", "120/1h"),
    "sms_send": ("5/1h", "60/1h"),
    "code_check": ("10/10m", "200/10m"),
    "invitation": ("20/1h", "200/1h"),
    "consent": ("30/1h", "300/1h"),
    "data_request": ("5/1d", "50/1d"),
    # The API's clients (shangliang.api): the administrator gives each client one of these, counted per client key
    # ("each") and per calling address ("network"). Named "api_*" so that the client form offers them.
    "api_small": ("600/1h", "1200/1h"),
    "api_standard": ("6000/1h", "12000/1h"),
    "api_large": ("60000/1h", "120000/1h"),
}
RATE_LIMITS = {
    name: {"each": envrate(f"RATE_{name.upper()}", each), "network": envrate(f"RATE_{name.upper()}_NETWORK", net)}
    for name, (each, net) in _RATE_DEFAULTS.items()
}
# SM4-GCM keys for personal data at rest, newest first: "id:32 hex digits,old-id:32 hex digits" (`manage.py
# field_keys new` prints one; `field_keys rotate` re-encrypts under the first). FIELD_HASH_KEY keys the HMAC-SM3
# hashes that stand in for numbers in lookups (never rotated). Both required when DEBUG is off.
FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS", [])
FIELD_HASH_KEY = envstr("FIELD_HASH_KEY", "")
if not DEBUG and not (FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set when DEBUG is off")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

ADMIN_SITE_HEADER = _("商量 · 有事好商量 管理后台")

# The public API (shangliang.api): Django REST framework, clients by key, errors in the API's own shape, an OpenAPI
# 3.1 schema from drf-spectacular (its documentation page is built from npm into static files: no CDN).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["shangliang.api.auth.ClientKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["shangliang.api.auth.ClientRequired"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shangliang.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shangliang API (有事好商量)",
    "DESCRIPTION": "Public units, rooms, topics and results; a department's tasks. See /api/v1/docs/ and docs/api.md.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["shangliang.api.schema.only_rest_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shangliang.api.schema.add_links",
    ],
    "ENUM_NAME_OVERRIDES": {},
}
API_IDEMPOTENCY_DAYS = envint("API_IDEMPOTENCY_DAYS", 7)
OPEN311_CONTACT = envstr("OPEN311_CONTACT", "")
API_WEBHOOK_TIMEOUT = envint("API_WEBHOOK_TIMEOUT", 3)  # seconds: a webhook delivery runs in the outbox handler
API_WEBHOOK_ALLOW_HTTP = envbool("API_WEBHOOK_ALLOW_HTTP", DEBUG)  # plain http:// addresses (development only)

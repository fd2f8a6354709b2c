"""Sessions: idle and absolute timeouts, sign-out clears the session, one active session per administrator."""

from django.contrib.sessions.models import Session
from django.test import Client

from shangliang.core import audit
from shangliang.core.models import AuditRecord
from shangliang.security.signals import SESSION_SEEN, SESSION_STARTED
from tests.security.conftest import sign_in, sign_in_fully


def _age(client, key, seconds):
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_idle_timeout_ends_the_session(client, world):
    sign_in_fully(client, world.users["staff"])
    assert client.get("/").status_code == 200
    _age(client, SESSION_SEEN, 29 * 60)
    assert client.get("/").status_code == 200  # 29 minutes idle: still on (and the clock restarts)
    _age(client, SESSION_SEEN, 31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.get("/units/").status_code == 302  # really signed out
    entry = AuditRecord.objects.get(action=audit.SESSION_EXPIRED)
    assert entry.detail == {"reason": "idle"} and entry.actor_name == "staff"


def test_absolute_limit_ends_an_active_session(client, world):
    sign_in_fully(client, world.users["staff"])
    _age(client, SESSION_STARTED, 8 * 3600 + 60)
    response = client.get("/")
    assert response.status_code == 302
    assert AuditRecord.objects.get(action=audit.SESSION_EXPIRED).detail == {"reason": "absolute"}


def test_signing_out_clears_the_session(client, world):
    sign_in(client, "staff")
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditRecord.objects.filter(action=audit.LOGOUT, actor_name="staff").exists()


def test_one_active_session_per_administrator(client, admins):
    sign_in_fully(client, admins.security)
    assert client.get("/security/").status_code == 200
    other = Client()
    sign_in_fully(other, admins.security, offset=1)
    assert other.get("/security/").status_code == 200
    first = client.get("/security/")
    assert first.status_code == 302 and first.url.startswith("/accounts/login/")


def test_staff_may_have_two_sessions(client, world):
    sign_in_fully(client, world.users["staff"])
    other = Client()
    sign_in_fully(other, world.users["staff"], offset=1)
    assert client.get("/").status_code == 200 and other.get("/").status_code == 200


def test_the_warning_a_minute_before_is_on_every_signed_in_page(client, world):
    sign_in_fully(client, world.users["staff"])
    html = client.get("/").content.decode()
    assert 'data-idle-seconds="1800"' in html and 'id="idle-warning"' in html and "security/idle.js" in html
    assert client.post("/security/keepalive/").status_code == 204

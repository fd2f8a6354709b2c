"""Lockout stays (5 failures), is an audit record, and an address spraying many usernames is locked too (issue 12,
class 10); the security administrator unlocks."""

from axes.models import AccessAttempt
from django.test import Client, override_settings

from shangliang.core import audit
from shangliang.core.models import AuditRecord
from shangliang.notifications.models import Notification
from shangliang.security import services
from shangliang.security.models import Alert, AlertKind
from tests.factories import UserFactory
from tests.security.conftest import sign_in


def test_five_failures_lock_the_account_and_record_it(client, world):
    for _ in range(5):
        sign_in(client, "staff", "wrong")
    assert sign_in(client, "staff").status_code == 429
    assert AuditRecord.objects.filter(action=audit.LOGIN_FAILED, detail__username="staff").count() >= 4
    assert AuditRecord.objects.filter(action=audit.LOCKED, object_repr="staff").count() == 1


def test_a_huge_username_is_refused_by_the_form_and_counted_under_a_username_length(client, db):
    response = sign_in(client, "名" * 100_000, "wrong")
    assert response.status_code == 200
    assert [len(a.username) for a in AccessAttempt.objects.all()] == [150]


def test_password_spraying_locks_the_address(client, db):
    """Four guesses each against many usernames (under the per-account limit) lock the address."""
    for i in range(12):
        UserFactory(username=f"user{i}")
    for i in range(3):
        for _ in range(4):
            sign_in(client, f"user{i}", "Spring2026!")
    # The address has failed 12 times across three accounts: a fourth account with its right password is refused.
    response = sign_in(client, "user7")
    assert response.status_code == 429
    assert AuditRecord.objects.filter(action=audit.LOCKED, detail__by="address").exists()


def test_another_address_is_not_locked_by_a_sprayer(client, db):
    UserFactory(username="victim")
    for i in range(12):
        sign_in(client, f"nobody{i}", "x")
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert sign_in(other, "victim").status_code == 302


@override_settings(SECURITY_ALERT_FAILED_ACCOUNTS=3)
def test_failures_across_accounts_alert_the_security_administrator(client, admins, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("a1", "a2", "a3"):
            sign_in(client, name, "guess")
    alert = Alert.objects.get(kind=AlertKind.FAILED_SIGN_INS)
    assert "127.0.0.1" in alert.text
    assert Notification.objects.filter(user=admins.security, verb="security_alert").exists()


def test_unlock_clears_the_failures_and_is_audited(client, world, admins):
    for _ in range(5):
        sign_in(client, "staff", "wrong")
    services.account_unlock(actor=admins.security, user=world.users["staff"])
    assert sign_in(client, "staff").status_code == 302
    assert AuditRecord.objects.filter(action=audit.UNLOCKED, actor_id=admins.security.pk).exists()


def test_a_locked_account_cannot_sign_in(client, world, admins):
    services.account_lock(actor=admins.security, user=world.users["staff"])
    assert sign_in(client, "staff").status_code == 200  # the form again: refused
    assert AuditRecord.objects.filter(action=audit.LOCKED, actor_id=admins.security.pk).exists()

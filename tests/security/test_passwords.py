"""Password rules (身份鉴别): length, classes, username, common, history of five, expiry, changes that are forced."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from shangliang.core import audit
from shangliang.core.errors import InvalidInput
from shangliang.core.models import AuditRecord
from shangliang.people.services import user_create
from shangliang.security import services
from shangliang.security.models import AccountSecurity, PasswordHistory
from tests.factories import UserFactory
from tests.security.conftest import PASSWORD, code, sign_in, totp_device


@pytest.mark.parametrize(
    "password",
    ["Short1!", "alllowercase1", "ALLUPPER-ONLY", "nodigits-or-caps", "12345678901", "Password123"],
)
def test_weak_passwords_are_refused(db, password):
    user = UserFactory(username="wang")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_password_with_three_classes_is_accepted(db):
    validate_password("Harbour-bell-71", UserFactory(username="wang"))


def test_the_username_may_not_be_in_the_password(db):
    user = UserFactory(username="lixiaoming")
    with pytest.raises(ValidationError, match="用户名"):
        validate_password("Lixiaoming#2026", user)


def test_none_of_the_last_five_passwords(db):
    user = UserFactory(username="zhao")
    passwords = [PASSWORD] + [f"River-stone-{i}{i}A" for i in range(5)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        services.password_change(user=user, old_password=old, new_password=new)
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for recent in passwords[-5:]:
        with pytest.raises(ValidationError, match="最近 5 次"):
            validate_password(recent, user)
    validate_password(passwords[0], user)  # the sixth-last may come back


def test_password_change_is_audited_and_clears_must_change(db):
    user = UserFactory(username="qian")
    services.mark_must_change(user)
    with pytest.raises(InvalidInput):
        services.password_change(user=user, old_password="wrong", new_password="Lantern-road-88")
    services.password_change(user=user, old_password=PASSWORD, new_password="Lantern-road-88")
    assert not AccountSecurity.objects.get(user=user).must_change_password
    outcomes = list(AuditRecord.objects.filter(action=audit.PASSWORD_CHANGED).values_list("outcome", flat=True))
    assert sorted(outcomes) == ["failure", "success"]


def test_password_expires_after_the_policy_period(client, db, freeze):
    freeze("2026-03-02 09:00")
    UserFactory(username="sun")
    freeze("2026-05-30 09:00")  # 89 days on
    sign_in(client, "sun")
    assert client.get("/").status_code == 200
    client.logout()
    freeze("2026-06-01 09:00")  # 91 days on
    sign_in(client, "sun")
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/security/password/")
    form = {"old_password": PASSWORD, "new_password1": "Harbour-lamp-57", "new_password2": "Harbour-lamp-57"}
    assert client.post("/security/password/", form).status_code == 302
    assert client.get("/").status_code == 200


def test_the_security_administrator_sets_the_period(client, admins, freeze):
    freeze("2026-03-02 09:00")
    UserFactory(username="zhou")
    services.policy_update(actor=admins.security, password_max_age_days=30)
    freeze("2026-04-02 09:00")
    sign_in(client, "zhou")
    assert client.get("/").url.startswith("/security/password/")


def test_first_sign_in_after_an_account_is_made_by_someone_else(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_create(
            actor=world.users["staff"], unit=world.a, username="newbie", full_name="新人", password="Orchard-9-gate"
        )
    sign_in(client, "newbie", "Orchard-9-gate")
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/security/password/")
    form = {"old_password": "Orchard-9-gate", "new_password1": "Willow-bank-42", "new_password2": "Willow-bank-42"}
    assert client.post("/security/password/", form).status_code == 302
    assert client.get("/").status_code == 200


def test_after_an_administrators_reset(client, admins, world):
    person = world.users["liaison"]
    device = totp_device(person)
    temporary = services.password_reset(actor=admins.system, user=person)
    assert AuditRecord.objects.filter(action=audit.PASSWORD_RESET, object_id=str(person.pk)).exists()
    sign_in(client, "liaison", temporary)
    assert client.get("/").url.startswith("/security/verify/")  # both factors first
    client.post("/security/verify/", {"method": "totp", "token": code(device)})
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/security/password/")
    form = {"old_password": temporary, "new_password1": "Quarry-gate-63", "new_password2": "Quarry-gate-63"}
    assert client.post("/security/password/", form).status_code == 302
    assert client.get("/").status_code == 200

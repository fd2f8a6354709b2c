"""The three administrators (三员): each on their own pages only, no one holds two roles or grants themself one,
each one's actions visible to the others; the Django admin for the system administrator only, read-only for
workflow models; the first accounts are the three, never a superuser."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shangliang.core import audit
from shangliang.core.errors import NotAllowed, NotPossible
from shangliang.core.models import AuditRecord
from shangliang.people.models import User
from shangliang.security import services
from shangliang.security.models import AdminRole
from shangliang.units.models import Room
from tests.factories import UserFactory
from tests.security.conftest import verified_login

PAGES = {
    "/security/policy/": "security",
    "/security/administrators/": "security",
    "/security/alerts/": "security",
    "/security/audit/": "audit",
    "/security/audit/export.csv": "audit",
    "/security/audit/export.xlsx": "audit",
    "/admin/": "system",
}


@pytest.mark.parametrize("who", ["system", "security", "audit", "staff", "convenor"])
@pytest.mark.parametrize("url", list(PAGES))
def test_each_administrators_pages_open_for_them_alone(client, admins, world, url, who):
    user = getattr(admins, who) if who in ("system", "security", "audit") else world.users[who]
    verified_login(client, user)
    response = client.get(url, follow=True)
    assert response.status_code == (200 if PAGES[url] == who else 403)


@pytest.mark.parametrize("url", list(PAGES))
def test_an_administrator_without_the_second_factor_is_sent_to_verify(client, admins, url):
    client.force_login(getattr(admins, PAGES[url]))
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/security/enrol/")


@pytest.mark.parametrize("who", ["system", "security", "audit"])
def test_every_administrator_sees_the_others_actions(client, admins, who):
    services.policy_update(actor=admins.security, idle_timeout_minutes=20)
    verified_login(client, getattr(admins, who))
    html = client.get("/security/admin-actions/").content.decode()
    assert "security_admin" in html and "配置变更" in html


def test_administrators_get_nothing_in_the_consultation_work(client, admins, world):
    for admin in (admins.system, admins.security, admins.audit):
        verified_login(client, admin)
        assert client.get(f"/units/{world.a.pk}/").status_code == 403


def test_no_person_holds_two_administrator_roles(admins, world):
    with pytest.raises(NotPossible, match="不能兼任"):
        services.admin_role_grant(actor=admins.security, user=admins.audit, kind="system")
    assert AdminRole.objects.filter(user=admins.audit, ended_at__isnull=True).count() == 1


def test_no_administrator_grants_themself_another(admins):
    with pytest.raises(NotAllowed):
        services.admin_role_grant(actor=admins.security, user=admins.security, kind="audit")
    with pytest.raises(NotAllowed):
        services.admin_role_grant(actor=admins.system, user=admins.system, kind="security")
    with pytest.raises(NotAllowed):
        services.admin_role_grant(actor=admins.audit, user=admins.audit, kind="system")


@pytest.mark.parametrize("who", ["system", "audit"])
def test_only_the_security_administrator_grants_and_ends_roles(admins, world, who):
    with pytest.raises(NotAllowed):
        services.admin_role_grant(actor=getattr(admins, who), user=world.users["stranger"], kind="audit")
    role = AdminRole.objects.get(user=admins.audit if who == "system" else admins.system)
    with pytest.raises(NotAllowed):
        services.admin_role_end(actor=getattr(admins, who), role=role)


def test_granting_and_ending_are_audited(admins, world):
    role = services.admin_role_grant(actor=admins.security, user=world.users["stranger"], kind="audit")
    services.admin_role_end(actor=admins.security, role=role)
    details = list(AuditRecord.objects.filter(action=audit.ADMIN_ROLE_CHANGED).values_list("detail", flat=True))
    assert {"granted": "audit", "bootstrap": False} in details and {"ended": "audit"} in details
    with pytest.raises(NotAllowed):
        services.admin_role_end(actor=admins.security, role=AdminRole.objects.get(user=admins.security))


@pytest.mark.parametrize("who", ["security", "audit"])
def test_cross_role_account_actions_are_refused(client, admins, world, who):
    verified_login(client, getattr(admins, who))
    assert client.post(f"/security/accounts/{world.users['staff'].pk}/reset_password/").status_code == 403
    verified_login(client, admins.system)
    for action in ("lock", "unlock", "reset_2fa"):
        assert client.post(f"/security/accounts/{world.users['staff'].pk}/{action}/").status_code == 403
    verified_login(client, admins.audit)
    assert client.post("/security/policy/", {"idle_timeout_minutes": 5}).status_code == 403


def test_the_django_admin_refuses_writes_to_workflow_models(client, admins, world):
    verified_login(client, admins.system)
    room = world.rooms["一村"]
    assert client.get(f"/admin/units/room/{room.pk}/change/").status_code == 200  # view only
    response = client.post(f"/admin/units/room/{room.pk}/change/", {"name": "changed"})
    assert response.status_code == 403
    assert Room.objects.get(pk=room.pk).name == room.name
    assert client.get("/admin/units/room/add/").status_code == 403
    assert client.post(f"/admin/units/room/{room.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/core/auditrecord/").status_code in (200, 404)


def test_the_django_admin_edits_an_account_and_records_it(client, admins, world, settings):
    settings.ZEAL_ALLOWLIST = [{"model": "people.User", "field": "get()"}, {"model": "sessions.Session"}]
    verified_login(client, admins.system)
    staff = world.users["staff"]
    data = {"username": "staff", "full_name": "改名", "phone": "", "email": "", "is_active": "on"}
    response = client.post(f"/admin/people/user/{staff.pk}/change/", data)
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action=audit.ADMIN_ACTION, object_id=str(staff.pk)).exists()


def test_a_superuser_is_not_an_administrator(client, db, settings):
    boss = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(boss)
    assert client.get("/admin/").status_code in (302, 403)
    settings.SECURITY_ALLOW_SUPERUSER = False
    client.logout()
    assert client.post("/accounts/login/", {"username": "root", "password": "test-password-123"}).status_code == 200
    assert boss.pk


def test_the_first_accounts_are_the_three_administrators(db, capsys):
    call_command("create_administrators", "--system", "sys1", "--security", "sec1", "--audit", "aud1")
    out = capsys.readouterr().out
    assert "临时密码" in out
    roles = dict(AdminRole.objects.values_list("user__username", "kind"))
    assert roles == {"sys1": "system", "sec1": "security", "aud1": "audit"}
    assert not User.objects.filter(is_superuser=True).exists()
    assert all(u.account_security.must_change_password for u in User.objects.all())
    with pytest.raises(CommandError):
        call_command("create_administrators", "--system", "a", "--security", "b", "--audit", "c")

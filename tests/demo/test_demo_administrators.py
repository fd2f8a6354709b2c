"""The demo's three administrators (三员): listed on the login page and signed in with the demo password in demo
mode, each on their own pages; and, on the demo county's real objects, an administrator role grants nothing in the
consultation work: for every permission of every app, each administrator gets exactly what a person with no role
gets (the apps' own matrices test the roles; this is their row for the three administrators)."""

import pytest
from django.apps import apps
from django.test import Client
from rules.permissions import permissions as rules_permissions

from shangliang.people.models import User
from shangliang.security.models import AdminRole, Alert
from shangliang.units.models import Unit, UnitKind
from tests.factories import UserFactory

ADMINS = {"demo_sysadmin": "system", "demo_secadmin": "security", "demo_auditadmin": "audit"}
HOME = {"system": "/admin/", "security": "/security/policy/", "audit": "/security/audit/"}
SAMPLE = 3  # objects of each model


def outcome(user, perm, obj):
    try:
        return user.has_perm(perm, obj)
    except Exception as exc:  # a permission asked about an object of another kind fails alike for both
        return type(exc).__name__


def test_the_demo_has_the_three_administrators_and_an_alert(county):
    roles = dict(AdminRole.objects.filter(ended_at__isnull=True).values_list("user__username", "kind"))
    assert roles == ADMINS
    assert all(u.is_demo for u in User.objects.filter(username__in=ADMINS))
    assert Alert.objects.filter(acknowledged_at__isnull=True).exists()


def test_demo_administrators_sign_in_on_the_login_page(county, client):
    html = client.get("/accounts/login/").content.decode()
    for username in ADMINS:
        assert f'data-demo-username="{username}"' in html
    for username, kind in ADMINS.items():
        browser = Client()
        assert browser.post("/accounts/login/", {"username": username, "password": "shangliang2026"}).status_code == 302
        assert browser.get(HOME[kind]).status_code == 200  # demo mode: no second factor, no forced change
        other = next(k for k in HOME if k != kind)
        assert browser.get(HOME[other], follow=True).status_code == 403


def test_two_visitors_share_a_demo_administrator(county):
    first, second = Client(), Client()
    for browser in (first, second):
        browser.post("/accounts/login/", {"username": "demo_auditadmin", "password": "shangliang2026"})
    assert first.get("/security/audit/").status_code == 200 and second.get("/security/audit/").status_code == 200


def test_outside_demo_mode_they_need_the_second_factor(county, settings):
    settings.DEMO_MODE = False
    settings.SECURITY_ENFORCE_SECOND_FACTOR = True
    browser = Client()
    browser.post("/accounts/login/", {"username": "demo_secadmin", "password": "shangliang2026"})
    response = browser.get("/security/policy/")
    assert response.status_code == 302 and response.url.startswith("/security/enrol/")


# The system administrator's configuration powers outside the security app (三员: accounts, units, configuration).
SYSTEM_CONFIGURATION = {"api.manage_clients"}


@pytest.mark.parametrize("username", list(ADMINS))
def test_an_administrator_has_no_power_in_the_consultation_work(county, username):
    admin = User.objects.get(username=username)
    nobody = UserFactory(username="nobody", is_demo=True)
    units = [county, *Unit.objects.filter(path__startswith=county.path).exclude(kind=UnitKind.COUNTY).order_by("path")]
    unit_sample = [county, units[1], units[-1], None]
    compared = granted_to_nobody = 0
    for perm in sorted(p for p in rules_permissions if not p.startswith("security.") and p not in SYSTEM_CONFIGURATION):
        label = perm.split(".")[0]
        objects = unit_sample + [
            obj for model in apps.get_app_config(label).get_models() for obj in model.objects.order_by("pk")[:SAMPLE]
        ]
        for obj in objects:
            expected = outcome(nobody, perm, obj)
            assert outcome(admin, perm, obj) == expected, (perm, obj)
            compared += 1
            granted_to_nobody += expected is True
    assert compared > 1000  # the demo has objects of every app: the comparison is not empty
    assert granted_to_nobody < compared / 10  # and "nobody" is really nobody (a few public rights at most)

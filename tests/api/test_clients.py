"""API clients: the system administrator registers, changes, rotates and revokes them; keys are shown once and kept
only as a keyed hash; every call is attributed in the audit trail; each client is held to its named rate limit."""

import pytest
from rest_framework.test import APIClient

from shangliang.api import services
from shangliang.api.audit_actions import CALL, CALL_REFUSED, CLIENT_REGISTERED, CLIENT_REVOKED, KEY_ROTATED
from shangliang.api.models import ApiClient, Scope
from shangliang.core.crypto import keyed_hash
from shangliang.core.errors import InvalidInput, NotAllowed
from shangliang.core.models import AuditRecord
from shangliang.units.models import Unit, UnitKind
from tests.factories import make_unit


def test_the_system_administrator_registers_a_client_and_sees_its_key_once(client, sysadmin, world):
    client.force_login(sysadmin)
    response = client.post(
        "/api/clients/new/",
        {
            "name": "网格化管理平台",
            "unit": world.t1.pk,
            "scopes": [Scope.READ_PUBLIC, Scope.RAISE_TOPICS],
            "topic_source": "resident",
            "rate_limit": "api_standard",
        },
    )
    assert response.status_code == 200
    key = response.context["key"]
    assert key.startswith("slk_") and key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    stored = ApiClient.objects.get(name="网格化管理平台")
    assert stored.key_hash == keyed_hash(key, purpose="api.client_key")
    assert key not in str(ApiClient.objects.filter(pk=stored.pk).values().first())
    # The detail page never shows the key again.
    page = client.get(f"/api/clients/{stored.pk}/")
    assert page.status_code == 200 and key not in page.content.decode()
    assert AuditRecord.objects.filter(action=CLIENT_REGISTERED, object_id=str(stored.pk), actor=sysadmin).exists()


@pytest.mark.parametrize("who", ["staff", "convenor", "department", "stranger"])
def test_nobody_else_opens_the_client_pages(client, world, who, register):
    registered = register(world.t1)
    client.force_login(world.users[who])
    for url in ("/api/clients/", "/api/clients/new/", f"/api/clients/{registered.client.pk}/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/api/clients/{registered.client.pk}/rotate/").status_code == 403
    with pytest.raises(NotAllowed):
        services.client_revoke(actor=world.users[who], client=registered.client, reason="x")


def test_the_key_opens_the_api_and_every_call_is_audited(world, register):
    registered = register(world.t1)
    response = registered.api.get("/api/v1/client/")
    assert response.status_code == 200
    assert response.json()["unit_name"] == world.t1.name
    assert response.json()["scopes"] == [Scope.READ_PUBLIC]
    records = AuditRecord.objects.filter(action=CALL, object_id=str(registered.client.pk))
    assert records.count() == 1
    assert records.get().detail["path"] == "/api/v1/client/"


@pytest.mark.parametrize(
    "header",
    [{}, {"HTTP_AUTHORIZATION": "Bearer slk_wrong"}, {"HTTP_AUTHORIZATION": "Bearer " + "x" * 500}],
)
def test_no_key_or_a_wrong_one_is_401(db, header):
    response = APIClient().get("/api/v1/client/", **header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["code"] in ("unauthenticated", "authentication_failed", "not_authenticated")


def test_rotating_replaces_the_key_at_once(world, register, sysadmin):
    registered = register(world.t1)
    new = services.client_rotate_key(actor=sysadmin, client=registered.client)
    assert new != registered.key
    assert registered.api.get("/api/v1/client/").status_code == 401
    fresh = APIClient()
    fresh.credentials(HTTP_X_API_KEY=new)
    assert fresh.get("/api/v1/client/").status_code == 200
    assert AuditRecord.objects.filter(action=KEY_ROTATED, object_id=str(registered.client.pk)).exists()


def test_a_revoked_client_is_refused_and_the_refusal_audited(world, register, sysadmin, client):
    registered = register(world.t1)
    client.force_login(sysadmin)
    response = client.post(f"/api/clients/{registered.client.pk}/revoke/", {"reason": "系统下线"})
    assert response.status_code == 302
    refused = registered.api.get("/api/v1/client/")
    assert refused.status_code == 401
    assert "停用" in refused.json()["errors"][0]["message"]
    assert AuditRecord.objects.filter(action=CLIENT_REVOKED, object_id=str(registered.client.pk)).exists()
    assert AuditRecord.objects.filter(action=CALL_REFUSED, object_id=str(registered.client.pk)).exists()


def test_each_client_is_held_to_its_named_rate_limit(world, register, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_small": {"each": (2, 3600), "network": (0, 3600)}}
    registered = register(world.t1, rate_limit="api_small")
    other = register(world.t2, rate_limit="api_small")
    assert [registered.api.get("/api/v1/client/").status_code for _i in range(3)] == [200, 200, 429]
    limited = registered.api.get("/api/v1/client/")
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["errors"][0]["code"] == "too_many"
    assert other.api.get("/api/v1/client/").status_code == 200  # counted per client


def test_registration_checks_what_the_client_will_need(world, sysadmin):
    base = {"actor": sysadmin, "name": "部门系统", "unit": world.a, "rate_limit": "api_standard"}
    with pytest.raises(InvalidInput) as tasks_without_account:
        services.client_register(**base, scopes=[Scope.ACT_ON_TASKS])
    assert tasks_without_account.value.field == "account"
    with pytest.raises(InvalidInput) as grid_without_liaison:
        services.client_register(
            **base, scopes=[Scope.RAISE_TOPICS], topic_source="grid", account=world.users["stranger"]
        )
    assert grid_without_liaison.value.field == "account"
    with pytest.raises(InvalidInput) as unknown_scope:
        services.client_register(**base, scopes=["everything"])
    assert unknown_scope.value.field == "scopes"
    with pytest.raises(InvalidInput) as admin_account:
        services.client_register(**base, scopes=[Scope.ACT_ON_TASKS], account=sysadmin)
    assert admin_account.value.field == "account"
    assert not ApiClient.objects.exists()
    # A liaison of T1 may enter grid topics there.
    client, _key = services.client_register(
        **{**base, "unit": world.t1}, scopes=[Scope.RAISE_TOPICS], topic_source="grid", account=world.users["liaison"]
    )
    assert client.account == world.users["liaison"]


def test_the_client_form_picks_its_unit_by_searching_every_active_unit(client, sysadmin, world):
    """A province has thousands of units: the form offers a search (core.picker), not a select of them all."""
    for i in range(25):
        make_unit(f"新{i:02d}村", UnitKind.VILLAGE, world.t2)
    Unit.objects.filter(pk=world.v2.pk).update(is_active=False)
    client.force_login(sysadmin)
    page = client.get("/api/clients/new/")
    html = page.content.decode()
    assert page.status_code == 200 and '<select name="unit"' not in html
    assert 'hx-get="/api/clients/units/"' in html
    assert html.count('name="unit" value=') == 20 and "共 33 项" in html  # 34 units, 二村 is no longer active
    found = client.get("/api/clients/units/", {"unit_q": "一村"}).content.decode()
    assert f'value="{world.v1.pk}"' in found and "一镇" in found and f'value="{world.v3.pk}"' not in found
    assert "没有找到" in client.get("/api/clients/units/", {"unit_q": "二村"}).content.decode()  # no longer active
    data = {
        "name": "网格化管理平台",
        "scopes": [Scope.READ_PUBLIC],
        "topic_source": "resident",
        "rate_limit": "api_standard",
    }
    refused = client.post("/api/clients/new/", {**data, "unit": world.v2.pk})  # not active: not choosable
    assert refused.status_code == 400 and "请选择有效的服务范围" in refused.content.decode()
    assert not ApiClient.objects.exists()
    created = client.post("/api/clients/new/", {**data, "unit": world.v3.pk})
    assert created.status_code == 200 and ApiClient.objects.get().unit == world.v3
    # the client's page keeps its unit picked, and changes it by the same search
    stored = ApiClient.objects.get()
    detail = client.get(f"/api/clients/{stored.pk}/").content.decode()
    assert f'value="{world.v3.pk}" checked' in detail
    changed = client.post(f"/api/clients/{stored.pk}/", {**data, "unit": world.t1.pk})
    assert changed.status_code == 302
    stored.refresh_from_db()
    assert stored.unit == world.t1


@pytest.mark.parametrize("who", ["staff", "convenor", "stranger"])
def test_only_the_system_administrator_searches_the_units(client, world, who):
    client.force_login(world.users[who])
    assert client.get("/api/clients/units/", {"unit_q": "一"}).status_code == 403

"""Clients of the API for the tests: registered through the service, as the system administrator does."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from shangliang.api import services
from shangliang.api.models import Scope
from shangliang.core import clock
from shangliang.security.models import AdminKind, AdminRole
from tests.factories import UserFactory


@pytest.fixture
def sysadmin(db):
    user = UserFactory(username="api_sysadmin")
    AdminRole.objects.create(user=user, kind=AdminKind.SYSTEM, granted_at=clock.now())
    return user


@pytest.fixture
def register(sysadmin):
    """register(unit, scopes, ...) → SimpleNamespace(client=ApiClient, key=str, api=APIClient with the key)."""

    def make(unit, scopes=(Scope.READ_PUBLIC,), *, account=None, topic_source="resident", rate_limit="api_standard"):
        client, key = services.client_register(
            actor=sysadmin,
            name=f"客户端{unit.name}",
            unit=unit,
            scopes=list(scopes),
            rate_limit=rate_limit,
            topic_source=topic_source,
            account=account,
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return SimpleNamespace(client=client, key=key, api=api)

    return make

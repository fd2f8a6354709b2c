"""Schemathesis against /api/v1/'s own OpenAPI schema: generated requests for every operation, as a client holding
every scope; no 5xx, every answer conforms to the schema (status codes, content types, bodies).

Bounded for the suite: MAX_EXAMPLES per operation (29 operations, ~1500 cases with the negative phase counted) and
STATEFUL_EXAMPLES sequences along the links.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from shangliang.api.models import Scope
from tests.accountability.conftest import assign
from tests.consultations.conftest import make, people  # noqa: F401 (fixture)

MAX_EXAMPLES = 6
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
CASES: list[str] = []


# Loaded at collection from the app itself (the schema view reads no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def full_client(world, register, people):  # noqa: F811
    """A county-wide client with every scope, acting as 住建局's staff, and one task of 住建局 to act on."""
    assign(world, make(world, people, "submitted"))
    return register(
        world.a,
        [Scope.READ_PUBLIC, Scope.RAISE_TOPICS, Scope.ACT_ON_TASKS, Scope.RESIDENTS],
        account=world.users["department"],
    )


@pytest.fixture
def keep_the_test_connection():
    """Django's test client keeps the test's connection open across requests; calls through the WSGI app would
    close it at the end of each request (a connection inside the test's transaction counts as unusable)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_its_schema(case, full_client, db, keep_the_test_connection):
    CASES.append(case.operation.label)
    case.call_and_validate(headers={"Authorization": f"Bearer {full_client.key}"}, checks=CHECKS)


@pytest.fixture(scope="module", autouse=True)
def report_cases():
    """How many cases ran (shown with -s; the issue's note reports it)."""
    yield
    print(f"\nschemathesis: {len(CASES)} cases over {len(set(CASES))} operations")


# Stateful: sequences that follow the schema's links (raise a topic, then track and support it; list, then read, sign,
# report on the first task, room or result listed...), with the same checks on every answer.
Workflow = schema.as_state_machine()
STATEFUL_EXAMPLES = 8


def test_the_api_keeps_its_schema_along_its_links(full_client, db, keep_the_test_connection):
    headers = {"Authorization": f"Bearer {full_client.key}"}
    steps = []

    class Linked(Workflow):
        def get_call_kwargs(self, case):
            steps.append(case.operation.label)
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Linked.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=4,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    CASES.extend(steps)
    assert len(set(steps)) > 1  # more than one operation was reached along the links

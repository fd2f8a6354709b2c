"""Schemathesis against /api/v1/'s own OpenAPI schema, outside the suite: prints how many cases ran and how many
failed (a server error, or an answer that breaks the schema), per operation and in total.

    manage.py api_fuzz --examples 20            # on this database (e.g. the demo county), nothing kept

A client with every scope is registered for the county of the first unit with a room (acting as a department's
account when there is one), inside a transaction rolled back at the end; requests go through the whole middleware
stack in process. Needs the dev dependencies (schemathesis, hypothesis).
"""

from __future__ import annotations

import logging

import schemathesis
from django.core import signals
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from shangliang.api import services
from shangliang.api.models import Scope
from shangliang.people.models import Role, RoleAssignment
from shangliang.security.models import AdminKind, AdminRole
from shangliang.units.models import Room

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Schemathesis over the whole /api/v1/ schema: cases and failures"

    def add_arguments(self, parser):
        parser.add_argument("--examples", type=int, default=10, help="cases per operation")

    def handle(self, *args, examples, **options):
        room = Room.objects.select_related("unit").order_by("id").first()
        admin = AdminRole.objects.filter(kind=AdminKind.SYSTEM, ended_at__isnull=True).select_related("user").first()
        if room is None or admin is None or room.unit.county is None:
            raise CommandError("needs a unit with a room and a system administrator (load_demo)")
        county = room.unit.county
        department = (
            RoleAssignment.objects.active()
            .filter(role=Role.DEPARTMENT, unit=county, user__is_active=True)
            .select_related("user")
            .first()
        )
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
        logging.getLogger("django.request").setLevel(logging.ERROR)  # the expected 4xx answers are not news
        # Requests through the WSGI app would close the connection (inside this transaction) when they end.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            with transaction.atomic():
                _client, key = services.client_register(
                    actor=admin.user,
                    name="api_fuzz",
                    unit=county,
                    scopes=[Scope.READ_PUBLIC, Scope.RAISE_TOPICS, Scope.ACT_ON_TASKS, Scope.RESIDENTS],
                    rate_limit="api_large",
                    account=department.user if department else None,
                )
                self.fuzz(schema, key, examples)
                raise Rollback
        except Rollback:
            pass
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    def fuzz(self, schema, key, examples):
        total_cases, total_failures = 0, 0
        headers = {"Authorization": f"Bearer {key}"}
        for result in schema.get_all_operations():
            operation = result.ok()
            cases, failures = self.fuzz_operation(operation, headers, examples)
            total_cases += cases
            total_failures += len(failures)
            self.stdout.write(f"{operation.label}: {cases} cases, {len(failures)} failures")
            for message in sorted(set(failures))[:3]:
                self.stdout.write(f"    {message}")
        self.stdout.write(f"schemathesis: {total_cases} cases, {total_failures} failures")

    def fuzz_operation(self, operation, headers, examples) -> tuple[int, list[str]]:
        cases, failures = [0], []

        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            cases[0] += 1
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except Exception as exc:  # noqa: BLE001 (every failure is counted and shown, none stops the run)
                text = str(exc).strip()
                failures.append(text.splitlines()[0][:200] if text else repr(exc))

        run()
        return cases[0], failures

"""Benchmark: what the audit trail adds to a workflow transition. Prints figures; it is not a test.

Creates a county, a town and a CPPCC staff account, enters topics, then accepts them one by one — each acceptance a
transition in its own transaction (lock, status, event, audit record; after commit the record is sealed into the
chain) — alternating blocks with the audit trail on and off (`core.audit.record` replaced by a no-op), so that a
machine whose speed drifts affects both alike. Then one transaction writing many records, sealed together after it.

It writes committed rows (audit records cannot be deleted): run it on a throwaway database.

    uv run python manage.py bench_audit --transitions 400
    scripts/with-postgres.sh bash -c 'uv run python manage.py migrate -v0 && uv run python manage.py bench_audit'
"""

import statistics
import time
import uuid
from contextlib import contextmanager, nullcontext

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from shangliang.core import audit, clock
from shangliang.core.models import AuditRecord, AuditSeal
from shangliang.people.models import Role, RoleAssignment, User
from shangliang.topics.models import TopicCategory, TopicSource
from shangliang.topics.services import intake, screening
from shangliang.units.models import Unit, UnitKind

BLOCK = 25


@contextmanager
def audit_off():
    original = audit.record
    audit.record = lambda *args, **kwargs: None
    try:
        yield
    finally:
        audit.record = original


class Command(BaseCommand):
    help = "Time workflow transitions with the audit trail on and off, and the sealing of a bulk transaction."

    def add_arguments(self, parser):
        parser.add_argument("--transitions", type=int, default=400, help="per mode (on and off)")
        parser.add_argument("--bulk", type=int, default=500, help="audit records written in one transaction")

    def handle(self, *args, transitions: int, bulk: int, **options):
        staff, town = self.setup()
        topics = [
            intake.topic_enter(
                actor=staff,
                unit=town,
                source=TopicSource.ASSIGNED,
                title=f"基准议题 {i}",
                description="用于测量审计开销的议题。",
                name="基准镇党委",
            )
            for i in range(2 * transitions)
        ]
        self.stdout.write(
            f"{connection.vendor}: two passes of {transitions} topic acceptances, "
            "half of each with the audit trail, half without"
        )
        records_before = AuditRecord.objects.count()
        alone = self.alternate(staff, topics[:transitions], outer=False)
        written = AuditRecord.objects.count() - records_before
        self.stdout.write(f"  audit records written: {written / max(len(alone['on']), 1):.2f} per transition")
        self.report("each in its own transaction (a request)", alone)
        self.report(
            "in one transaction per block (a demo step, an import)",
            self.alternate(staff, topics[transitions:], outer=True),
        )

        sealed_before = AuditSeal.objects.count()
        began = time.perf_counter()
        with transaction.atomic():
            for i in range(bulk):
                audit.record(audit.CONFIG_CHANGED, object_repr=f"bulk {i}")
            written_at = time.perf_counter()
        done = time.perf_counter()
        self.stdout.write(
            f"  one transaction of {bulk} records: {(written_at - began) * 1000 / bulk:.2f} ms per record written, "
            f"sealed after commit in {(done - written_at) * 1000:.0f} ms "
            f"({AuditSeal.objects.count() - sealed_before} seals)"
        )
        # The same number sealed one transaction each, as every record was before sealing went per transaction.
        with transaction.atomic():
            ids = [audit.record(audit.CONFIG_CHANGED, object_repr=f"one by one {i}").pk for i in range(bulk)]
            transaction.get_connection().run_on_commit.clear()  # no batch: sealed below, one by one
        began = time.perf_counter()
        for pk in ids:
            audit.seal([pk])
        self.stdout.write(
            f"  the same {bulk} sealed one transaction each: {(time.perf_counter() - began) * 1000:.0f} ms"
        )
        started = time.perf_counter()
        result = audit.verify()
        self.stdout.write(
            f"  verify: {result.seals} seals in {time.perf_counter() - started:.2f} s, "
            f"{'whole' if result.ok else str(len(result.problems)) + ' problems'}"
        )

    def alternate(self, staff, topics, *, outer: bool) -> dict[str, list[float]]:
        """Accept the topics in blocks, audit on and off in turn; seconds per transition, commit and sealing included.
        `outer`: each block in one transaction (sealed once after it), else each transition in its own."""
        times = {"on": [], "off": []}
        for start in range(0, len(topics), 2 * BLOCK):
            for mode, block in (
                ("on", topics[start : start + BLOCK]),
                ("off", topics[start + BLOCK : start + 2 * BLOCK]),
            ):
                if not block:
                    continue
                with audit_off() if mode == "off" else nullcontext():
                    began = time.perf_counter()
                    with transaction.atomic() if outer else nullcontext():
                        for topic in block:
                            one = time.perf_counter()
                            screening.topic_screen(
                                topic=topic, actor=staff, decision="accept", category=TopicCategory.LIVELIHOOD
                            )
                            if not outer:
                                times[mode].append(time.perf_counter() - one)
                    if outer:
                        times[mode].append((time.perf_counter() - began) / len(block))
        return times

    def report(self, label: str, times: dict[str, list[float]]) -> None:
        on, off = statistics.median(times["on"]) * 1000, statistics.median(times["off"]) * 1000
        self.stdout.write(
            f"  {label}, median per transition: {on:.2f} ms on, {off:.2f} ms off: audit {on - off:+.2f} ms"
        )

    def setup(self):
        tag = uuid.uuid4().hex[:6]
        county = Unit.objects.add_root({"name": f"基准县{tag}", "kind": UnitKind.COUNTY})
        county.county = county
        county.save(update_fields=["county"])
        town = Unit.objects.add_child(county, {"name": f"基准镇{tag}", "kind": UnitKind.TOWN, "county": county})
        staff = User.objects.create(username=f"bench_audit_{tag}", full_name="基准工作人员")
        RoleAssignment.objects.create(user=staff, unit=county, role=Role.CPPCC_STAFF, assumed_at=clock.today())
        return User.objects.get(pk=staff.pk), town

"""The audit trail: what a record holds, the chain catching edits, deletions and insertions, retention, append-only."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory
from django.utils import timezone

from shangliang.core import audit, clock
from shangliang.core.models import AuditChain, AuditRecord, AuditSeal
from shangliang.core.periodic import run_all
from tests.conftest import fresh
from tests.core.test_workflow import ROLLOUT


def write(n=3, **kwargs):
    ids = [audit.record(audit.CONFIG_CHANGED, object_repr=f"setting {i}", **kwargs).pk for i in range(n)]
    audit.seal(ids)
    return ids


def raw(sql, params=()):
    """Tamper as someone with database access would: behind the application's back (and past the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditrecord DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE core_auditseal DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditrecord ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE core_auditseal ENABLE TRIGGER USER")


def test_a_record_says_who_when_where_what_on_which_object_and_the_outcome(world):
    request = RequestFactory().post("/x", REMOTE_ADDR="203.0.113.7")
    request.user = world.users["staff"]
    entry = audit.record(
        audit.DATA_EXPORT,
        request=request,
        subject=world.rooms["一村"],
        detail={"file": "tasks.xlsx"},
        outcome="success",
    )
    entry.refresh_from_db()
    assert entry.actor_id == world.users["staff"].pk and entry.actor_name == "staff"
    assert entry.address == "203.0.113.7"
    assert entry.action == "data.export" and audit.action_label(entry.action) == "导出个人信息"
    assert (entry.object_type, entry.object_id) == ("units.room", str(world.rooms["一村"].pk))
    assert entry.unit_id == world.v1.pk and entry.outcome == "success"
    assert abs(entry.created_at - timezone.now()) < timedelta(minutes=1)


def test_the_request_context_supplies_actor_and_address(client, world):
    """AuditContextMiddleware: a service called from a view records its actor and address without being told."""
    client.force_login(world.users["staff"])
    seen = {}

    def view_like(request):
        seen["record"] = audit.record(audit.CONFIG_CHANGED, object_repr="x")

    middleware = audit.AuditContextMiddleware(view_like)
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2")
    request.user = world.users["staff"]
    middleware(request)
    assert seen["record"].actor_name == "staff" and seen["record"].address == "198.51.100.2"


def test_unknown_actions_and_outcomes_are_refused(db):
    with pytest.raises(ValueError):
        audit.record("made.up")
    with pytest.raises(ValueError):
        audit.record(audit.LOGIN, outcome="maybe")
    audit.register_action("test.thing", "测试")
    assert audit.record("test.thing").action == "test.thing"
    with pytest.raises(ValueError):
        audit.register_action("test.thing", "别的")


def test_a_workflow_transition_is_an_audit_record(world):
    room = world.rooms["一村"]
    room.stage = "planned"
    room.save()
    ROLLOUT.apply(room, action="start_pilot", actor=fresh(world.users["convenor"]))
    entry = AuditRecord.objects.get(action=audit.WORKFLOW_TRANSITION)
    assert entry.actor_name == "convenor" and entry.unit_id == world.v1.pk
    assert entry.detail == {"workflow": "rollout", "action": "start_pilot", "from": "planned", "to": "pilot"}


def test_a_refused_transition_leaves_no_audit_record_of_a_change(world):
    room = world.rooms["一村"]
    with pytest.raises(Exception):  # noqa: B017
        ROLLOUT.apply(room, action="start_pilot", actor=fresh(world.users["resident"]))
    assert not AuditRecord.objects.filter(action=audit.WORKFLOW_TRANSITION).exists()


def test_records_are_sealed_after_commit(transactional_db):
    with transaction.atomic():
        a = audit.record(audit.LOGIN)
        b = audit.record(audit.LOGOUT)
        assert not AuditSeal.objects.exists()  # not before the commit
    assert list(AuditSeal.objects.order_by("seq").values_list("record_id", flat=True)) == [a.pk, b.pk]
    outside = audit.record(audit.LOGIN)  # autocommit: sealed at once
    assert AuditSeal.objects.filter(record=outside).exists()
    assert audit.verify().ok


def test_an_intact_chain_verifies(db):
    write(5)
    result = audit.verify()
    assert result.ok and result.seals == 5 and result.records == 5


def test_an_edited_record_is_detected(db):
    ids = write(3)
    raw("UPDATE core_auditrecord SET outcome = 'failure' WHERE id = %s", [ids[1]])
    result = audit.verify()
    assert not result.ok and any(f"编号 {ids[1]}）的内容被修改" in p for p in result.problems)


def test_an_edited_record_with_a_recomputed_plain_hash_is_still_detected(db):
    """Without the key nobody can write a matching mac: a hash anyone can compute would not do."""
    ids = write(2)
    raw("UPDATE core_auditrecord SET actor_name = 'someone', mac = %s WHERE id = %s", ["0" * 64, ids[0]])
    assert not audit.verify().ok


def test_a_deleted_record_is_detected(db):
    ids = write(3)
    raw("DELETE FROM core_auditrecord WHERE id = %s", [ids[1]])
    result = audit.verify()
    assert any(f"编号 {ids[1]}）已被删除" in p for p in result.problems)


def test_a_deleted_record_and_its_seal_are_detected(db):
    ids = write(3)
    raw("DELETE FROM core_auditseal WHERE record_id = %s", [ids[1]])
    raw("DELETE FROM core_auditrecord WHERE id = %s", [ids[1]])
    result = audit.verify()
    assert any("第 2 至 2 号缺失" in p for p in result.problems)


def test_a_truncated_tail_is_detected(db):
    ids = write(3)
    raw("DELETE FROM core_auditseal WHERE record_id = %s", [ids[2]])
    raw("DELETE FROM core_auditrecord WHERE id = %s", [ids[2]])
    assert any("链头记为第 3 号" in p for p in audit.verify().problems)


def test_an_inserted_record_is_detected(db):
    ids = write(2)
    original = AuditRecord.objects.get(pk=ids[0])
    raw(
        "INSERT INTO core_auditrecord (key, created_at, actor_name, action, object_type, object_id, object_repr,"
        " outcome, detail, mac) VALUES (%s, %s, 'intruder', 'auth.login', '', '', '', 'success', '{}', %s)",
        ["0f0f0f0f0f0f4f0f8f0f0f0f0f0f0f0f", original.created_at, original.mac],
    )
    result = audit.verify()
    assert any("不是本系统写入的" in p for p in result.problems)
    # The sealer never chains a record this system did not write.
    assert audit.seal_pending() == 0


def test_an_edited_seal_is_detected(db):
    write(3)
    raw("UPDATE core_auditseal SET hash = %s WHERE seq = 2", ["f" * 64])
    assert not audit.verify().ok


def test_audit_verify_command(db, capsys):
    write(2)
    call_command("audit_verify")
    assert "审计链完整" in capsys.readouterr().out
    raw("UPDATE core_auditrecord SET action = 'auth.logout' WHERE id = (SELECT MIN(id) FROM core_auditrecord)")
    with pytest.raises(CommandError, match="审计链不完整"):
        call_command("audit_verify")
    assert AuditRecord.objects.filter(action=audit.AUDIT_VERIFY, outcome="failure").exists()


def test_retention_refuses_to_purge_younger_records(db, settings):
    write(2)
    with pytest.raises(audit.RetentionError):
        audit.purge(before=timezone.now() - timedelta(days=179))
    settings.AUDIT_RETENTION_DAYS = 30  # a setting below the minimum does not shorten it
    assert audit.retention_days() == 180
    with pytest.raises(audit.RetentionError):
        audit.purge(before=timezone.now() - timedelta(days=100))
    assert AuditRecord.objects.count() == 2
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("audit_purge", "--before", (timezone.localdate() - timedelta(days=10)).isoformat())


def test_retention_setting_below_the_minimum_fails_loudly(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import shangliang.settings as production

    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "90")
    with pytest.raises(ImproperlyConfigured, match="legal minimum"):
        importlib.reload(production)
    monkeypatch.delenv("AUDIT_RETENTION_DAYS")
    importlib.reload(production)


@pytest.mark.skipif("connection.vendor == 'postgresql'", reason="the trigger's floor uses the database's clock")
def test_purging_old_records_keeps_the_chain_verifiable(db, monkeypatch):
    old = timezone.now() - timedelta(days=400)
    monkeypatch.setattr(audit, "now", lambda: old)
    old_ids = write(3)
    monkeypatch.setattr(audit, "now", timezone.now)
    young_ids = write(2)
    assert audit.purge(before=timezone.now() - timedelta(days=200)) == 3
    assert not AuditRecord.objects.filter(pk__in=old_ids).exists()
    assert AuditRecord.objects.filter(pk__in=young_ids).count() == 2
    assert AuditChain.objects.get().purged_through_seq == 3
    assert AuditRecord.objects.filter(action=audit.AUDIT_PURGE).exists()
    audit.seal_pending()
    assert audit.verify().ok


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the append-only trigger is PostgreSQL's")
def test_the_application_user_cannot_update_or_delete_audit_records(db):
    ids = write(1)
    for sql in (
        "UPDATE core_auditrecord SET outcome = 'failure' WHERE id = %s",
        "DELETE FROM core_auditrecord WHERE id = %s",
        "DELETE FROM core_auditseal WHERE record_id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [ids[0]])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=ids[0]).delete()
    # Even the purge's switch does not open records younger than 180 days.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL shangliang.audit_purge = 'on'")
        cursor.execute("DELETE FROM core_auditrecord WHERE id = %s", [ids[0]])
    assert AuditRecord.objects.filter(pk=ids[0]).exists()


def test_one_sealing_transaction_per_business_transaction(db, django_capture_on_commit_callbacks):
    """A transaction that writes many records (a demo step, an import) seals them together, once, after commit."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        ids = [audit.record(audit.CONFIG_CHANGED, object_repr=str(i)).pk for i in range(5)]
    assert len(callbacks) == 1
    assert list(AuditSeal.objects.order_by("seq").values_list("record_id", flat=True)) == ids
    assert audit.verify().ok


def test_a_record_rolled_back_with_its_savepoint_is_neither_sealed_nor_watched(db, django_capture_on_commit_callbacks):
    seen = []
    audit.add_watcher(seen.append, actions={audit.LOGIN, audit.LOGOUT})
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            kept = audit.record(audit.LOGIN)
            try:
                with transaction.atomic():
                    audit.record(audit.LOGOUT)
                    raise RuntimeError
            except RuntimeError:
                pass
    finally:
        audit.remove_watcher(seen.append)
    assert [e.pk for e in seen] == [kept.pk]
    assert list(AuditSeal.objects.values_list("record_id", flat=True)) == [kept.pk]
    assert audit.verify().ok


def test_run_periodic_purges_what_is_past_the_retention_period(db):
    with clock.frozen(clock.now() - timedelta(days=400)):
        old_ids = write(3)
    young_ids = write(2)
    lines = run_all()
    assert "audit: 3 records older than 180 days purged" in lines
    assert not AuditRecord.objects.filter(pk__in=old_ids).exists()
    assert AuditRecord.objects.filter(pk__in=young_ids).count() == 2
    assert "audit: 0 records older than 180 days purged" in run_all()  # idempotent
    assert audit.verify().ok

"""Row locking and insert-once: one way to make concurrent steps on the same row queue instead of both succeeding,
and one way to make a form sent twice store one row."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.crypto import keyed_hash
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.models import Submission
from shangliang.core.validation import clean_key

M = TypeVar("M", bound=models.Model)


def locked(obj: M, *, fields: Iterable[str] | None = None, missing: str | None = None) -> M:
    """Lock `obj`'s row until the caller's transaction ends and re-read it (all fields, or `fields`) into the same
    object, so that the caller decides on the state as it is now and a second request for the same row waits here.

    Call inside `transaction.atomic()`. A row deleted meanwhile raises NotPossible with `missing` (or a general
    message)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() needs a transaction: call it inside transaction.atomic()")
    names = set(fields) if fields is not None else None
    queryset = type(obj)._default_manager.select_for_update()
    if names is not None:
        queryset = queryset.only(*names)
    # One query: the locked row's values are copied into the caller's object (refresh_from_db would read it again).
    fresh = queryset.filter(pk=obj.pk).first()
    if fresh is None:
        raise NotPossible(missing or _("该记录已不存在，请刷新后重试。"))
    for field in obj._meta.concrete_fields:
        if names is not None and field.name not in names and field.attname not in names:
            continue
        value = getattr(fresh, field.attname)
        if field.is_relation and getattr(obj, field.attname) != value and field.is_cached(obj):
            field.delete_cached_value(obj)
        setattr(obj, field.attname, value)
    return obj


def commit_without_flush() -> None:
    """Let the current transaction's COMMIT return before its WAL record is flushed to disk (PostgreSQL's
    `synchronous_commit = off` for this transaction only; nothing elsewhere on SQLite).

    For frequent writes that a person can repeat and that no other record depends on (a vote in an online room):
    the commit no longer waits for an fsync (~7 ms on this machine), so a row lock taken in the transaction is held
    that much shorter. If PostgreSQL itself crashes, the last fraction of a second of such commits may be lost; the
    database stays consistent (never half a transaction). Call inside `transaction.atomic()`."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("commit_without_flush() needs a transaction: call it inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def refresh_statistics() -> None:
    """After a bulk load, the planner's statistics of every table (PostgreSQL's ANALYZE, which inside a transaction
    counts that transaction's own rows). Without them the planner takes freshly filled tables for empty and nests
    loops over them: the demo's counters after its bulk year ran for over an hour instead of seconds.

    The tables are named: a bare ANALYZE also analyses the cluster's shared catalogs (pg_database, pg_authid...), and
    the lock it takes on them until the transaction ends makes any other database's bare ANALYZE wait (the test
    suite's province waited nine minutes on the other worker's demo county)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            if tables:
                cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def sender_of(actor=None, visitor=None) -> str:
    """Who sent a form, for insert_once: the request's visitor (account, verified number, invitation, browser: the
    same identity its rate limits use) or else the signed-in actor. "" when nobody can be told apart."""
    if visitor is not None:
        return visitor.rate_key
    if actor is not None and getattr(actor, "is_authenticated", False):
        return f"user:{actor.pk}"
    return ""


def insert_once(*, key: str, sender: str, model: type[M], create: Callable[[], M]) -> M:
    """Run `create` (a service's write, which returns the row it stored) once per (sender, form key).

    The form renders a random key (core.forms.SubmitOnce); the same POST sent again — a double click, a resend after a
    timeout — by the same sender gets the row its first arrival stored, and nothing is written twice. A key resent by
    another sender is another submission of theirs: it never returns someone else's row. The claim is inserted in the
    same transaction as the row: a twin arriving meanwhile waits on the unique index until the first commits (or
    rolls back, when its input was refused: then the twin runs on its own). Without a key or a sender, `create` runs.
    `model` is what `create` stores: a key sent to another form than its own is refused, not answered with a row of
    another kind.
    """
    key = clean_key(key)
    if not key or not sender:
        return create()
    owner = keyed_hash(sender, purpose="form-sender")
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = Submission.objects.create(sender=owner, key=key)
        except IntegrityError:
            return _earlier(owner, key, model)
        obj = create()
        claim.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        claim.object_id = obj.pk
        claim.save(update_fields=["content_type", "object_id"])
    return obj


def _earlier(owner: str, key: str, model: type[M]) -> M:
    claim = Submission.objects.filter(sender=owner, key=key).first()
    expected = ContentType.objects.get_for_model(model, for_concrete_model=False)
    if claim is None or claim.content_type_id != expected.pk:
        raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
    obj = model._default_manager.filter(pk=claim.object_id).first()
    if obj is None:
        raise NotPossible(_("该表单已提交过，所建记录已不存在。"))
    return obj


SUBMISSION_DAYS = 30  # a form resent after a month is a new one


def purge_submissions(today) -> str:
    """run_periodic's job: forget form keys older than SUBMISSION_DAYS (the rows they created stay)."""
    cutoff = clock.now() - timedelta(days=SUBMISSION_DAYS)
    deleted, _by_model = Submission.objects.filter(created_at__lt=cutoff).delete()
    return f"core: {deleted} form keys older than {SUBMISSION_DAYS} days forgotten"

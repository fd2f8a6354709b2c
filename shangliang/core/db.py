"""Row locking: one way to make concurrent steps on the same row queue instead of both succeeding."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from shangliang.core.errors import NotPossible

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

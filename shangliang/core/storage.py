"""The uploads' storage: Django's file system storage that turns a full disk into a clear refusal.

When the disk (or the quota) under MEDIA_ROOT is full, a file is cut off in the middle of its write. Django would
leave the partial file and raise an OSError (a 500 page). Here the partial file is removed, so are the files saved
earlier in the same transaction (the other photos of the same form, which the rolled-back rows would no longer name),
and the service gets `StorageFull`: the form shows a clear message, the transaction rolls back, nothing is
half-saved. The operator learns it from the log line and from `/healthz` (`uploads.free_mb`).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import threading

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.core.errors import NotPossible

logger = logging.getLogger("shangliang.uploads")
FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
pending = threading.local()  # names this thread saved inside a transaction that has not committed yet


class StorageFull(NotPossible):
    """The uploads' disk is full: nothing of the submission was kept."""

    status_code = 507


def uncommitted() -> list[str]:
    names = getattr(pending, "names", None)
    if names is None:
        names = pending.names = []
    return names


def forget_committed() -> None:
    uncommitted().clear()


class UploadStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        try:
            saved = super()._save(name, content)
        except OSError as exc:
            if exc.errno not in FULL:
                raise
            self.remove_after_full(full_path)
            raise StorageFull(
                _("服务器存储空间已满，附件未能保存，本次提交的内容都没有保存。请稍后再试，或联系管理员。")
            ) from exc
        if transaction.get_connection().in_atomic_block:
            uncommitted().append(saved)
            transaction.on_commit(forget_committed)
        return saved

    def remove_after_full(self, full_path: str) -> None:
        """The cut-off file and the files of the same uncommitted transaction go; the rows naming them roll back."""
        names = uncommitted()
        removed = 0
        for path in [full_path, *(self.path(n) for n in names)]:
            try:
                os.remove(path)
                removed += 1
            except FileNotFoundError:
                pass
        names.clear()
        logger.error(
            "uploads disk full under %s: a submission was refused, %d partial or uncommitted file(s) removed",
            self.location,
            removed,
        )


def uploads_space() -> dict:
    """/healthz's report of the uploads' disk (not part of `ok`: reading goes on when it is full)."""
    try:
        usage = shutil.disk_usage(settings.MEDIA_ROOT)
    except OSError as exc:
        return {"error": type(exc).__name__}
    free_mb = usage.free / 1048576
    return {"free_mb": round(free_mb, 1), "low": free_mb < settings.HEALTH_UPLOADS_MIN_FREE_MB}

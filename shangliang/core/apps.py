from django.apps import AppConfig
from django.db.models.signals import class_prepared
from django.utils.translation import gettext_lazy as _

from shangliang.core.validation import guard_model_ranges

# Connected when the app configs are imported, before any app's models: every date and number field of the project
# gets its range as a validator and a database constraint (core.validation).
class_prepared.connect(guard_model_ranges, dispatch_uid="core.guard_model_ranges")


class CoreConfig(AppConfig):
    name = "shangliang.core"
    label = "core"
    verbose_name = _("公共内核")

    def ready(self) -> None:
        from shangliang.core import audit, backup, ratelimit
        from shangliang.core.calendars import reconcile_line
        from shangliang.core.db import purge_submissions
        from shangliang.core.events import outbox_line
        from shangliang.core.health import heartbeat_line
        from shangliang.core.periodic import register_periodic

        # First the heartbeat the worker stamps when it gets to it (/healthz), so a loop just started shows at once.
        register_periodic("heartbeat", heartbeat_line)
        # Then what the outbox's fast path missed (a process killed after commit, a handler that failed).
        register_periodic("outbox", outbox_line)

        # Chain what a stopped process left unsealed; then drop what is past the retention period (never < 180 days).
        register_periodic("audit", audit.seal_line)
        register_periodic("audit_purge", audit.purge_line)
        # A year the calendar package has learnt since (a new release) settles or lists its provisional deadlines.
        register_periodic("calendars", reconcile_line)
        # The nightly backup (BACKUP_NIGHTLY), keeping BACKUP_KEEP.
        register_periodic("backup", backup.nightly_line)
        register_periodic("submissions", purge_submissions)
        register_periodic("rate_counters", ratelimit.purge_counters)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shangliang.core"
    label = "core"
    verbose_name = _("公共内核")

    def ready(self) -> None:
        from shangliang.core.calendars import reconcile_line
        from shangliang.core.periodic import register_periodic

        def seal_audit_trail(today) -> str:
            from shangliang.core import audit

            return f"audit: {audit.seal_pending()} records sealed"

        register_periodic("audit", seal_audit_trail)
        # A year the calendar package has learnt since (a new release) settles or lists its provisional deadlines.
        register_periodic("calendars", reconcile_line)

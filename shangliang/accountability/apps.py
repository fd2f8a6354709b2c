from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "shangliang.accountability"
    label = "accountability"
    verbose_name = _("转化落实与评估")

    def ready(self) -> None:
        from shangliang.accountability.notify import on_task_event
        from shangliang.accountability.services.periodic import periodic_line
        from shangliang.core.events import register_event_handler
        from shangliang.core.periodic import register_periodic

        # Owners, the office, supervisors and followers are told after the transaction that wrote the event commits.
        register_event_handler("accountability.responsibilitytask", on_task_event)
        register_periodic("accountability", periodic_line)

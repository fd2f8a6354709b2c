from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "shangliang.opinions"
    label = "opinions"
    verbose_name = _("社情民意信息")

    def ready(self) -> None:
        from shangliang.opinions import desk

        desk.register()  # what waits on people's desks, and the menu entry (people.desk)
        from shangliang.core.events import register_event_handler
        from shangliang.core.eventtypes import register_app_events
        from shangliang.core.periodic import register_periodic
        from shangliang.opinions.notify import on_report_event
        from shangliang.opinions.services import periodic_line
        from shangliang.opinions.workflow import REPORT_WORKFLOW, TIMELINE_LABELS

        # Notifications are sent after the transaction that wrote the event commits (core.events).
        register_event_handler("opinions.opinionreport", on_report_event)
        # The app's event vocabulary: timeline labels, public events, notification verbs (core.eventtypes).
        register_app_events("opinions", TIMELINE_LABELS, workflows=[REPORT_WORKFLOW])
        # Overdue answers are chased once per due date.
        register_periodic("opinions", periodic_line)

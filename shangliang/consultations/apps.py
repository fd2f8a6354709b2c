from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "shangliang.consultations"
    label = "consultations"
    verbose_name = _("协商")

    def ready(self) -> None:
        from shangliang.consultations import desk, story

        desk.register()  # what waits on people's desks, and the menu entries (people.desk)
        story.register()  # the consultation's chapter of a topic's tracking page (topics.story)
        from shangliang.consultations.notify import on_consultation_event
        from shangliang.consultations.workflow import CONSULTATION_WORKFLOW, TIMELINE_LABELS
        from shangliang.core.events import register_event_handler
        from shangliang.core.eventtypes import register_app_events

        # Invitations and other messages go out after the transaction that wrote the event commits (core.events).
        register_event_handler("consultations.consultation", on_consultation_event)
        # The app's event vocabulary: timeline labels, public events, notification verbs (core.eventtypes).
        register_app_events("consultations", TIMELINE_LABELS, workflows=[CONSULTATION_WORKFLOW])

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TopicsConfig(AppConfig):
    name = "shangliang.topics"
    label = "topics"
    verbose_name = _("议题")

    def ready(self) -> None:
        from shangliang.topics import personal_data

        personal_data.register()  # a resident's own data: listed, downloaded, erased (residents)
        from shangliang.topics import desk

        desk.register()  # what waits on people's desks, and the menu entries (people.desk)
        from shangliang.core.events import register_event_handler
        from shangliang.core.eventtypes import register_app_events
        from shangliang.topics.notify import on_topic_event
        from shangliang.topics.workflow import TIMELINE_LABELS, TOPIC_WORKFLOW

        # Notifications are sent after the transaction that wrote the event commits (core.events).
        register_event_handler("topics.topic", on_topic_event)
        # The app's event vocabulary: timeline labels, public events, notification verbs (core.eventtypes).
        register_app_events("topics", TIMELINE_LABELS, workflows=[TOPIC_WORKFLOW])

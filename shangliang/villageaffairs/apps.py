from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillageAffairsConfig(AppConfig):
    name = "shangliang.villageaffairs"
    label = "villageaffairs"
    verbose_name = _("村务监督")

    def ready(self) -> None:
        from shangliang.villageaffairs import personal_data

        personal_data.register()  # a resident's own data: listed, downloaded, erased (residents)
        from shangliang.villageaffairs import desk

        desk.register()  # what waits on people's desks (people.desk)
        from shangliang.core.events import register_event_handler
        from shangliang.core.eventtypes import register_app_events
        from shangliang.villageaffairs.notify import on_disclosure_event
        from shangliang.villageaffairs.workflow import (
            AGENDA_WORKFLOW,
            DISCLOSURE_WORKFLOW,
            MEETING_WORKFLOW,
            TIMELINE_LABELS,
        )

        # Notifications are sent after the transaction that wrote the event commits (core.events).
        register_event_handler("villageaffairs.disclosure", on_disclosure_event)
        # The app's event vocabulary: timeline labels, public events, notification verbs (core.eventtypes).
        register_app_events(
            "villageaffairs", TIMELINE_LABELS, workflows=[DISCLOSURE_WORKFLOW, MEETING_WORKFLOW, AGENDA_WORKFLOW]
        )

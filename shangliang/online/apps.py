from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnlineConfig(AppConfig):
    name = "shangliang.online"
    label = "online"
    verbose_name = _("网上协商议事室")

    def ready(self) -> None:
        from shangliang.online import personal_data

        personal_data.register()  # a resident's own data: listed, downloaded, erased (residents)

        from shangliang.core.eventtypes import register_app_events
        from shangliang.online.workflow import ROOM_WORKFLOW, STATEMENT_WORKFLOW, TIMELINE_LABELS

        # The app's event vocabulary: timeline labels, public events, notification verbs (core.eventtypes).
        register_app_events("online", TIMELINE_LABELS, workflows=[ROOM_WORKFLOW, STATEMENT_WORKFLOW])

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "shangliang.accountability"
    label = "accountability"
    verbose_name = _("转化落实与评估")

    def ready(self) -> None:
        from shangliang.accountability import personal_data

        personal_data.register()  # a resident's own data: listed, downloaded, erased (residents)
        from shangliang.accountability import desk, story

        desk.register()  # what waits on people's desks, and the menu entries (people.desk)
        story.register()  # implementation's chapter of a topic's tracking page (topics.story)
        from shangliang.accountability.notify import on_results_posted, on_task_event
        from shangliang.accountability.services.periodic import periodic_line
        from shangliang.accountability.services.tasks import task_deadline_move, task_deadline_settle
        from shangliang.accountability.workflow import TASK_WORKFLOW, TIMELINE_LABELS
        from shangliang.core.calendars import register_deadline_owner
        from shangliang.core.events import register_event_handler
        from shangliang.core.eventtypes import register_app_events
        from shangliang.core.periodic import register_periodic

        # Owners, the office, supervisors and followers are told after the transaction that wrote the event commits.
        register_event_handler("accountability.responsibilitytask", on_task_event)
        # Third-party evaluators are told when results in their area are posted (a consultation closes).
        register_event_handler("consultations.consultation", on_results_posted)
        register_periodic("accountability", periodic_line)
        # A deadline counted on a provisional calendar: the office confirms or moves it once the year is official.
        register_deadline_owner(
            "accountability.responsibilitytask", settle=task_deadline_settle, move=task_deadline_move
        )
        # The app's event vocabulary: timeline labels, public events, notification verbs (core.eventtypes).
        register_app_events("accountability", TIMELINE_LABELS, workflows=[TASK_WORKFLOW])

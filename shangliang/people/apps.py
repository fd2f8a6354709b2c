from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "shangliang.people"
    label = "people"
    verbose_name = _("人员与角色")

    def ready(self) -> None:
        from shangliang.people.desk import register_people_entries

        # The desk and the menu: the entries people owns; the apps above register theirs (people.desk).
        register_people_entries()

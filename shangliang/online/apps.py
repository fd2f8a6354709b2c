from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnlineConfig(AppConfig):
    name = "shangliang.online"
    label = "online"
    verbose_name = _("网上协商议事室")

    def ready(self) -> None:
        from shangliang.online import personal_data

        personal_data.register()  # a resident's own data: listed, downloaded, erased (residents)

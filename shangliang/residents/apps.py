from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "shangliang.residents"
    verbose_name = _("群众身份与个人信息")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shangliang.core.periodic import register_periodic
        from shangliang.residents import own_data

        own_data.register()
        register_periodic("residents", own_data.retention_line)

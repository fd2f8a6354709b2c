from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "shangliang.api"
    label = "api"
    verbose_name = _("开放接口")

    def ready(self):
        from shangliang.api import audit_actions, schema, webhooks  # noqa: F401 (schema: the key's security scheme)

        audit_actions.register()
        webhooks.register()

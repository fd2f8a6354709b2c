from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "shangliang.security"
    label = "security"
    verbose_name = _("安全管理")

    def ready(self):
        from django.contrib import admin

        from shangliang.security import signals
        from shangliang.security.admin import lock_down

        signals.connect()
        # After every app's admin module is loaded (django.contrib.admin's ready runs first in INSTALLED_APPS).
        lock_down(admin.site)

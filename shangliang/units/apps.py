from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "shangliang.units"
    label = "units"
    verbose_name = _("单元与阵地")

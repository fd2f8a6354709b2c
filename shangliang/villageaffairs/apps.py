from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillageAffairsConfig(AppConfig):
    name = "shangliang.villageaffairs"
    label = "villageaffairs"
    verbose_name = _("村务监督")

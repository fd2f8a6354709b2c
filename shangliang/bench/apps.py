from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """The synthetic province and the benchmarks (`bench_*` commands): measuring tools, no models, no pages."""

    name = "shangliang.bench"
    label = "bench"
    verbose_name = _("性能基准")

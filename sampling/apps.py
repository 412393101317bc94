from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "sampling"
    verbose_name = _("Sampling")

    def ready(self):
        from . import signals  # noqa: F401  (samples follow their holder's county)

    @property
    def nav_items(self):
        from .nav import NAV

        return NAV

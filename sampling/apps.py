from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "sampling"
    verbose_name = _("Sampling")

    @property
    def nav_items(self):
        from .nav import NAV

        return NAV

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import tasks_reminders  # noqa: F401  (registers the reminder tasks with Celery)

    @property
    def nav_items(self):
        from .nav import NAV

        return NAV

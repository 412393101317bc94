from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dairy_campaign"
    label = "core"
    verbose_name = _("Campaign core")

    def ready(self):
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login
        from django.db.models.signals import post_migrate

        from .history_guard import guard_history_after_migrate
        from .services.users import user_record_login

        # History rows cannot be changed or deleted on PostgreSQL (triggers, history_guard.py).
        post_migrate.connect(guard_history_after_migrate, sender=self, dispatch_uid="core_history_guard")

        # A login is not a change of the account: record it without a history row.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(user_record_login, dispatch_uid="core_record_login")

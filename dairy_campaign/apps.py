from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dairy_campaign"
    label = "core"
    verbose_name = _("Campaign core")

    def ready(self):
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from .services.users import user_record_login

        # A login is not a change of the account: record it without a history row.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(user_record_login, dispatch_uid="core_record_login")

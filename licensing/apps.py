from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Licensing")

    @property
    def nav_items(self):
        from dairy_campaign.navigation import NavItem

        return [
            NavItem("operator_list", _("Operator register"), order=20),
            NavItem("licence_list", _("Licences"), order=21),
            NavItem("follow_up_list", _("Follow-up measures"), order=22),
            NavItem("review_coverage", _("Re-review progress"), order=23),
            NavItem("register_import", _("Register import"), order=24),
        ]

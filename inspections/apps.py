from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    @property
    def nav_items(self):
        from dairy_campaign.choices import Role
        from dairy_campaign.navigation import NavItem

        field = frozenset({Role.INSPECTOR, Role.REVIEWER})
        return [
            NavItem("task_list", _("My tasks"), roles=field, order=30),
            NavItem("inspection_list", _("Checklists"), order=31),
            NavItem("assignment_list", _("Assignments"), order=32),
            NavItem("measure_list", _("Measures and orders"), order=33),
            NavItem("inspection_coverage", _("Inspection coverage"), order=34),
        ]

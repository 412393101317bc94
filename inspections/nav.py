"""Menu entries of the inspections app, read by InspectionsConfig.nav_items."""

from django.utils.translation import gettext_lazy as _

from dairy_campaign.choices import AgencyKind as K
from dairy_campaign.choices import Role
from dairy_campaign.navigation import NavItem

NAV = [
    NavItem("task_list", _("My tasks"), roles=frozenset({Role.INSPECTOR, Role.REVIEWER}), order=30),
    NavItem("inspection_list", _("Checklists"), order=31),
    NavItem("assignment_list", _("Assignments"), order=32),
    NavItem("measure_list", _("Measures and orders"), order=33),
    NavItem("inspection_coverage", _("Inspection coverage"), order=34),
    NavItem("template_list", _("Checklist templates"), order=35),
    # C1: governments lead the sweeps with industry and commerce; offices oversee.
    NavItem("sweep_list", _("Black-den sweeps"), kinds=frozenset({K.GOV, K.AIC, K.FSO}), order=36),
    # S5: inspection and quarantine hold the consignments; lab clerks of QTS record results.
    NavItem("consignment_list", _("Import consignments"), kinds=frozenset({K.CIQ, K.QTS, K.FSO}), order=37),
    # P1: every department that keeps operators receives their self-inspection reports.
    NavItem(
        "self_report_list",
        _("Self-inspection reports"),
        kinds=frozenset({K.QTS, K.AIC, K.FDA, K.AGR, K.CIQ, K.FSO}),
        order=38,
    ),
]

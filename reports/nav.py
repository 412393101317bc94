"""Menu entries of the reports app, read by ReportsConfig.nav_items."""

from django.utils.translation import gettext_lazy as _

from dairy_campaign.navigation import NavItem

NAV = [
    # P4: every level reads the figures of its own jurisdiction and of those below it.
    NavItem("dashboard", _("Dashboard"), order=50),
    NavItem("summary_list", _("Summary reports"), order=51),
    NavItem("deadline", _("Deadline tracking"), order=52),
]

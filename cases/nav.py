"""Menu entries of the cases app, read by CasesConfig.nav_items."""

from django.utils.translation import gettext_lazy as _

from dairy_campaign.choices import AgencyKind as K
from dairy_campaign.navigation import NavItem

NAV = [
    NavItem("case_list", _("Cases"), order=50),
    NavItem("police_referral_list", _("Referrals to the police"), order=51),
    NavItem("listing_list", _("Listed supervision"), order=52),
    NavItem("complaint_list", _("Complaints and tip-offs (12315 / 12365)"), order=53),
    NavItem("incident_list", _("Major incident reports"), order=54),
    NavItem("accountability_list", _("Accountability"), kinds=frozenset({K.FSO, K.GOV}), order=55),
]

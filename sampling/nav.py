"""Menu entries of the sampling app, read by SamplingConfig.nav_items."""

from django.utils.translation import gettext_lazy as _

from dairy_campaign.choices import AgencyKind as K
from dairy_campaign.navigation import NavItem

# Departments that sample (二.1–二.5) and the offices that oversee them.
SAMPLING_KINDS = frozenset({K.QTS, K.AGR, K.AIC, K.CIQ, K.FSO})

NAV = [
    NavItem("lot_list", _("Lots and intake records"), kinds=SAMPLING_KINDS, order=40),
    NavItem("plan_list", _("Sampling plans"), kinds=SAMPLING_KINDS, order=41),
    NavItem("sample_list", _("Samples"), kinds=SAMPLING_KINDS, order=42),
    NavItem("result_grid", _("Enter lab results"), kinds=SAMPLING_KINDS, order=43),
    NavItem("referral_list", _("Referrals from results (Q8)"), order=44),
    NavItem("compliance", _("Sampling compliance"), order=45),
]

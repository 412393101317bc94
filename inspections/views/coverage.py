from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from dairy_campaign.services.campaigns import campaign_current
from dairy_campaign.views.lists import ScopedListView
from licensing.filters import OperatorFilter
from licensing.models import Operator, OperatorKind

from ..selectors import inspection_coverage, not_inspected


@login_required
def coverage(request):
    """逐家排查: for each county and operator kind, operators inspected this campaign out of
    the operators in the register."""
    campaign = campaign_current()
    kind = request.GET.get("kind") or None
    county = (request.GET.get("county") or "").strip()
    rows = (
        inspection_coverage(request.user, campaign, kinds=[kind] if kind else None, county_prefix=county)
        if campaign
        else []
    )
    totals = {"registered": sum(r.registered for r in rows), "inspected": sum(r.inspected for r in rows)}
    totals["percent"] = totals["inspected"] * 100 // totals["registered"] if totals["registered"] else 100
    return render(
        request,
        "inspections/coverage.html",
        {
            "campaign": campaign,
            "rows": rows,
            "totals": totals,
            "kinds": [c for c in OperatorKind.choices if c[0] != OperatorKind.UNLICENSED],
            "kind": kind,
            "county": county,
        },
    )


class NotInspectedListView(ScopedListView):
    """The operators still without a filed checklist this campaign, filtered and exportable."""

    model = Operator
    filterset_class = OperatorFilter
    template_name = "inspections/not_inspected.html"
    export_name = "not-inspected"
    export_columns = [
        (gettext_lazy("name"), lambda o: o.name),
        (gettext_lazy("kind"), lambda o: o.get_kind_display()),
        (gettext_lazy("county"), lambda o: o.county.name),
        (gettext_lazy("address"), lambda o: o.address),
        (gettext_lazy("unified social credit code"), lambda o: o.credit_code or ""),
        (gettext_lazy("status"), lambda o: o.get_status_display()),
    ]

    def get_queryset(self):
        campaign = campaign_current()
        if campaign is None:
            return Operator.objects.none()
        return not_inspected(self.request.user, campaign)

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=campaign_current(), **kwargs)

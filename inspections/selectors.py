"""Reads for the inspections pages: coverage of the register by inspections (逐家排查)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from licensing.models import Operator, OperatorKind, OperatorStatus

from .models import Inspection, InspectionStatus

IN_BUSINESS = [OperatorStatus.OPERATING, OperatorStatus.SUSPENDED]
FILED = [InspectionStatus.SUBMITTED, InspectionStatus.APPROVED]


@dataclass
class CoverageRow:
    county_code: str
    county_name: str
    kind: str
    kind_label: str
    registered: int
    inspected: int

    @property
    def missing(self) -> int:
        return self.registered - self.inspected

    @property
    def percent(self) -> int:
        """Whole percent, rounded down: 99.9% is not yet full coverage."""
        return self.inspected * 100 // self.registered if self.registered else 100


def inspected_in(campaign):
    """A subquery: the operator has a filed checklist dated within the campaign."""
    return Inspection.objects.filter(
        operator=OuterRef("pk"),
        status__in=FILED,
        inspected_on__range=(campaign.starts_on, campaign.ends_on),
    )


def coverage_base(user, campaign, *, kinds=None, county_prefix: str = ""):
    """Register operators in business visible to `user`: closed and banned ones are no longer
    inspected, nor are unlicensed operations (they are banned)."""
    operators = Operator.objects.visible_to(user).filter(status__in=IN_BUSINESS).exclude(kind=OperatorKind.UNLICENSED)
    if kinds:
        operators = operators.filter(kind__in=kinds)
    if county_prefix:
        operators = operators.filter(county__code__startswith=county_prefix)
    return operators


def inspection_coverage(user, campaign, *, kinds=None, county_prefix: str = "") -> list[CoverageRow]:
    """For each county and operator kind: operators inspected this campaign / operators in
    the register. One grouped query, whatever the size of the register."""
    rows = (
        coverage_base(user, campaign, kinds=kinds, county_prefix=county_prefix)
        .values("county_id", "county__name", "kind")
        .annotate(registered=Count("pk"), inspected=Count("pk", filter=Q(Exists(inspected_in(campaign)))))
        .order_by("county_id", "kind")
    )
    labels = dict(OperatorKind.choices)
    return [
        CoverageRow(
            county_code=r["county_id"],
            county_name=r["county__name"],
            kind=r["kind"],
            kind_label=str(labels.get(r["kind"], r["kind"])),
            registered=r["registered"],
            inspected=r["inspected"],
        )
        for r in rows
    ]


def not_inspected(user, campaign, *, kinds=None, county_prefix: str = ""):
    """The operators of the register still without a filed checklist this campaign."""
    return (
        coverage_base(user, campaign, kinds=kinds, county_prefix=county_prefix)
        .exclude(Exists(inspected_in(campaign)))
        .select_related("county")
        .order_by("county_id", "kind", "name")
    )

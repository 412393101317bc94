"""P1 deadline tracking: the written summary of every jurisdiction and department reaches
the provincial office by the campaign's summary deadline (12-30), reckoned in Asia/Shanghai.

A report counts as submitted while it is submitted or accepted, by the time of its latest
submission. A report returned for correction is not delivered: it counts as missing until it
is submitted again, and that submission's date decides whether it came on time.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from dairy_campaign.choices import AgencyKind
from dairy_campaign.models import Agency, Campaign, Jurisdiction
from dairy_campaign.scoping import user_scope_prefix

from ..models import SummaryReport, SummaryStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
DELIVERED = (SummaryStatus.SUBMITTED, SummaryStatus.ACCEPTED)
# Columns of the table: the office's jurisdiction-wide report first, then the departments.
KINDS = [AgencyKind.FSO, *[k for k in AgencyKind if k != AgencyKind.FSO]]


class DeadlineState(TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Missing")


def local_date(moment: datetime.datetime) -> datetime.date:
    """The Asia/Shanghai calendar date of an aware moment, whatever the server's zone."""
    return moment.astimezone(SHANGHAI).date()


def deadline_state(report: SummaryReport | None, deadline_date: datetime.date) -> str:
    """P1: "on_time" when submitted on or before the deadline's local date (23:59:59 in
    Shanghai on 12-30 is on time, midnight is late), "late" after it, "missing" otherwise."""
    if report is None or report.status not in DELIVERED or report.submitted_at is None:
        return DeadlineState.MISSING
    return DeadlineState.ON_TIME if local_date(report.submitted_at) <= deadline_date else DeadlineState.LATE


@dataclass
class DeadlineCell:
    kind: str
    agency: Agency | None
    report: SummaryReport | None
    state: str

    @property
    def label(self):
        return DeadlineState(self.state).label


@dataclass
class DeadlineRow:
    jurisdiction: Jurisdiction
    cells: dict[str, DeadlineCell] = field(default_factory=dict)

    def ordered(self) -> list[DeadlineCell | None]:
        return [self.cells.get(kind) for kind in KINDS]

    @property
    def states(self) -> set[str]:
        return {c.state for c in self.cells.values()}


@dataclass
class DeadlineTable:
    campaign: Campaign
    rows: list[DeadlineRow]
    counts: dict[str, int]

    @property
    def expected(self) -> int:
        return sum(self.counts.values())


def deadline_table(*, user, campaign: Campaign, level: str = "", state: str = "", kind: str = "") -> DeadlineTable:
    """P1: every jurisdiction within the user's (its own and all below), with a cell for the
    office's jurisdiction-wide report and one for each department existing there, each on
    time, late or missing; and how many reports are in each state.

    Three queries whatever the size: jurisdictions, departments, reports."""
    prefix = "" if user.is_superuser else user_scope_prefix(user)
    if prefix is None:
        return DeadlineTable(campaign, [], dict.fromkeys(DeadlineState.values, 0))
    places = Jurisdiction.objects.within(prefix).order_by("code")
    if level:
        places = places.filter(level=level)
    places = list(places)
    codes = {p.code for p in places}
    agencies = Agency.objects.filter(jurisdiction__code__startswith=prefix).order_by("jurisdiction_id", "kind")
    reports = {
        r.agency_id: r
        for r in SummaryReport.objects.filter(campaign=campaign, jurisdiction__code__startswith=prefix).only(
            "pk", "agency_id", "status", "submitted_at", "jurisdiction_id", "campaign_id"
        )
    }
    rows = {p.code: DeadlineRow(p) for p in places}
    deadline = campaign.summary_deadline
    for agency in agencies:
        if agency.jurisdiction_id not in codes:
            continue
        report = reports.get(agency.pk)
        rows[agency.jurisdiction_id].cells[agency.kind] = DeadlineCell(
            agency.kind, agency, report, deadline_state(report, deadline)
        )
    for row in rows.values():
        # Every jurisdiction owes its jurisdiction-wide report, office or not.
        row.cells.setdefault(AgencyKind.FSO, DeadlineCell(AgencyKind.FSO, None, None, DeadlineState.MISSING))
    shown = list(rows.values())
    if kind:
        for row in shown:
            row.cells = {k: c for k, c in row.cells.items() if k == kind}
        shown = [row for row in shown if row.cells]
    if state:
        for row in shown:
            row.cells = {k: c for k, c in row.cells.items() if c.state == state}
        shown = [row for row in shown if row.cells]
    counts = Counter(c.state for row in shown for c in row.cells.values())
    return DeadlineTable(campaign, shown, {s: counts.get(s, 0) for s in DeadlineState.values})


def deadline_flat_rows(table: DeadlineTable):
    """One row per expected report, for exports and the API."""
    for row in table.rows:
        for cell in row.ordered():
            if cell is not None:
                yield row.jurisdiction, cell

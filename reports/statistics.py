"""The campaign's statistics (P4): every figure of the dashboards, the summary reports and
their workbooks, computed from the records with SQL aggregation grouped by jurisdiction.

`figures_by_jurisdiction` counts each jurisdiction's OWN records (those attached to its code)
in a fixed number of grouped queries, whatever the number of operators, inspections, samples
and cases; `rollup` adds them up the tree, county → city → province, so that a parent's
figures are the sum of its children's plus its own records.

Records are counted in the campaign period (campaign.starts_on..ends_on) by their own date;
the register (census) and the licences are as of now. Figures are integers or Decimals,
never floats. Their keys are stable: report snapshots and workbooks store them.

Scoping is the caller's: it hands in a code prefix it has checked against the reader's scope
(`Jurisdiction.objects.visible_to(user)`).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, Q, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Case,
    CaseStatus,
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    Decision,
    Listing,
    ListingStatus,
    PoliceReferral,
    PoliceReferralStatus,
    RewardStatus,
)
from dairy_campaign.choices import AgencyKind as K
from dairy_campaign.models import Jurisdiction
from dairy_campaign.services.campaigns import local_today
from inspections.models import Den, Inspection, InspectionStatus, Measure, MeasureKind, MeasureStatus, Outcome, Sweep
from inspections.models.choices import BANS, DESTRUCTION
from inspections.selectors import FILED, IN_BUSINESS
from licensing.models import (
    Arrangement,
    Licence,
    LicenceStatus,
    LicenceType,
    Operator,
    OperatorKind,
    OperatorStatus,
    ReviewOutcome,
)
from licensing.selectors import DECIDED
from sampling.models import Category, LabResult, Sample, Verdict
from sampling.selectors import Period, compliance_by_county

from . import figures_cache

Value = int | Decimal
Figures = dict[str, Value]

# ---------------------------------------------------------------------------------------
# The figures


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    decimal: bool = False  # yuan and quantities; every other figure is a count


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    kinds: frozenset[str]  # departments whose own report includes the section
    figures: tuple[Figure, ...]


Q_RULES = ("Q1", "Q2", "Q3", "Q4", "Q5")

# What each Q rule's units, minimum, achievement and shortfall are counted in.
Q_LABELS = {
    "Q1": (
        _("Q1 producers"),
        _("Q1 batches to sample (15%)"),
        _("Q1 batches sampled"),
        _("Q1 shortfall (batches)"),
    ),
    "Q2": (
        _("Q2 stations, vehicles and feed mills"),
        _("Q2 units to sample (100%)"),
        _("Q2 units sampled"),
        _("Q2 units not sampled"),
    ),
    "Q3": (
        _("Q3 scale farms"),
        _("Q3 farms to sample (15%)"),
        _("Q3 farms sampled"),
        _("Q3 shortfall (farms)"),
    ),
    "Q4": (
        _("Q4 dairy producers"),
        _("Q4 weeks due"),
        _("Q4 weeks sampled"),
        _("Q4 weeks missed"),
    ),
    "Q5": (
        _("Q5 outlets"),
        _("Q5 samples required"),
        _("Q5 samples counting towards it"),
        _("Q5 shortfall (samples)"),
    ),
}
Q_PARTS = ("units", "required", "done", "shortfall")
OPERATIONAL = [K.QTS, K.AIC, K.FDA, K.AGR, K.CIQ]


def _figures(*items) -> tuple[Figure, ...]:
    return tuple(Figure(*item) for item in items)


SECTIONS: tuple[Section, ...] = (
    Section(
        "census",
        _("Operator census"),
        frozenset(OPERATIONAL),
        _figures(
            ("operators_total", _("Operators in the register")),
            *((f"operators_{kind.value}", kind.label) for kind in OperatorKind),
            *((f"operators_{status.value}", status.label) for status in OperatorStatus),
            ("operators_flagged", _("Contracted, subcontracted or leased (L2)")),
        ),
    ),
    Section(
        "inspections",
        _("Inspections"),
        frozenset(OPERATIONAL),
        _figures(
            ("inspections_filed", _("Checklists filed")),
            ("inspections_approved", _("Checklists approved")),
            ("inspections_problems", _("Checklists with problems found")),
            ("coverage_due", _("Operators to inspect")),
            ("coverage_inspected", _("Operators inspected")),
            ("coverage_missing", _("Operators not yet inspected")),
        ),
    ),
    Section(
        "licences",
        _("Licences"),
        frozenset({K.QTS, K.AIC, K.AGR, K.CIQ}),
        _figures(
            ("licences_total", _("Licences")),
            *((f"licences_{status.value}", status.label) for status in LicenceStatus),
            ("reviews_due", _("Production licences to re-review (L1)")),
            ("reviews_done", _("Re-reviewed")),
            ("reviews_passed", _("Re-review passed")),
            ("reviews_failed", _("Re-review failed")),
            ("reviews_pending", _("Re-review pending")),
        ),
    ),
    Section(
        "sampling",
        _("Sampling and lab results"),
        frozenset({K.QTS, K.AIC, K.AGR, K.CIQ}),
        _figures(
            *(
                (f"{rule.lower()}_{part}", label)
                for rule in Q_RULES
                for part, label in zip(Q_PARTS, Q_LABELS[rule], strict=True)
            ),
            ("samples_taken", _("Samples taken")),
            ("results_total", _("Lab results")),
            ("results_non_conforming", _("Non-conforming results")),
            *(
                (f"results_{category.value}", format_lazy(_("Results: {category}"), category=category.label))
                for category in Category
            ),
            *(
                (
                    f"non_conforming_{category.value}",
                    format_lazy(_("Non-conforming: {category}"), category=category.label),
                )
                for category in Category
            ),
        ),
    ),
    Section(
        "measures",
        _("Measures"),
        frozenset({*OPERATIONAL, K.GOV}),
        _figures(
            ("measures_total", _("Measures taken")),
            *((f"measures_{kind.value}", kind.label) for kind in MeasureKind),
            ("measures_bans", _("Bans (取缔)")),
            ("rectifications_done", _("Rectification orders completed")),
            ("destroyed_kg", _("Quantity destroyed (kg)"), True),
            ("destroyed_other_units", _("Destructions recorded in other units")),
        ),
    ),
    Section(
        "cases",
        _("Cases"),
        frozenset({*OPERATIONAL, K.PSB}),
        _figures(
            ("cases_received", _("Cases opened from clues")),
            *(
                (f"cases_status_{status.value}", format_lazy(_("Opened, now: {status}"), status=status.label))
                for status in CaseStatus
            ),
            ("cases_major", _("Major cases")),
            ("cases_filed", _("Cases filed (立案)")),
            ("cases_decided", _("Cases decided")),
            ("cases_fined", _("Cases decided with a fine")),
            ("fines_yuan", _("Fines (yuan)"), True),
            ("cases_closed", _("Cases closed")),
            ("police_referrals", _("Referred to the police")),
            ("police_accepted", _("Accepted by the police")),
            ("listings", _("Listed for supervision (挂牌督办)")),
            ("listings_open", _("Listings still open")),
        ),
    ),
    Section(
        "complaints",
        _("Complaints and rewards"),
        frozenset(OPERATIONAL),
        _figures(
            ("complaints_total", _("Hotline calls received")),
            *((f"complaints_{kind.value}", kind.label) for kind in ComplaintKind),
            ("complaints_open", _("Still being handled")),
            ("complaints_overdue", _("Past their handling deadline")),
            ("complaints_answered", _("Answered")),
            ("complaints_case_opened", _("Turned into a case")),
            ("rewards_proposed", _("Rewards proposed")),
            ("rewards_granted", _("Rewards approved or paid")),
            ("rewards_granted_yuan", _("Rewards approved or paid (yuan)"), True),
            ("rewards_paid", _("Rewards paid")),
            ("rewards_paid_yuan", _("Rewards paid (yuan)"), True),
        ),
    ),
    Section(
        "sweeps",
        _("Black-den sweeps"),
        frozenset({K.GOV, K.AIC, K.PSB}),
        _figures(
            ("sweeps_total", _("Sweeps")),
            ("dens_found", _("Black dens found")),
            ("dens_banned", _("Black dens banned")),
            ("seized_kg", _("Quantity seized (kg)"), True),
            ("seized_other_units", _("Seizures recorded in other units")),
        ),
    ),
)

FIGURES: dict[str, Figure] = {figure.key: figure for section in SECTIONS for figure in section.figures}
SECTION_BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}
# The offices that oversee everything report on everything.
ALL_SECTIONS_KINDS = frozenset({K.FSO, K.GOV})


def sections_for(agency_kind: str | None) -> tuple[Section, ...]:
    """The sections of a department's report: all of them for a food safety office or a
    government (and for no kind: the whole picture), else those of its domain."""
    if agency_kind is None or agency_kind in ALL_SECTIONS_KINDS:
        return SECTIONS
    return tuple(section for section in SECTIONS if agency_kind in section.kinds)


# Amounts in yuan to the fen, quantities in kilograms to the gram.
EXPONENTS: dict[str, Decimal] = {
    key: Decimal("0.01") if key.endswith("_yuan") else Decimal("0.001")
    for key, figure in FIGURES.items()
    if figure.decimal
}


def zeros() -> Figures:
    return {key: EXPONENTS[key] * 0 if figure.decimal else 0 for key, figure in FIGURES.items()}


def _exact(figures: Figures) -> Figures:
    """Amounts at their scale: SQLite sums decimals as floats (15 significant digits)."""
    for key, exponent in EXPONENTS.items():
        figures[key] = figures[key].quantize(exponent)
    return figures


def add(total: Figures, other: Figures) -> Figures:
    """`total` += `other`, key by key (exact: integers and Decimals)."""
    for key, value in other.items():
        total[key] = total.get(key, 0) + value
    return total


# ---------------------------------------------------------------------------------------
# The period


@dataclass(frozen=True)
class CampaignPeriod:
    start: datetime.date
    end: datetime.date
    today: datetime.date

    def days(self) -> tuple[datetime.date, datetime.date]:
        return self.start, self.end

    def moments(self, field: str) -> Q:
        """A timestamp `field` on a day of the period (local time, Asia/Shanghai)."""
        tz = timezone.get_current_timezone()
        after = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        before = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return Q(**{f"{field}__gte": after, f"{field}__lt": before})

    @property
    def compliance(self) -> Period:
        """Q1–Q5 are live: weeks and months still to come are not yet due."""
        return Period(self.start, min(self.end, self.today))


# A unit of mass, lower-cased, and its weight in kilograms; other units (boxes, bottles,
# tins) cannot be added up and are counted as records instead.
KILOGRAMS = {
    "kg": Decimal(1),
    "公斤": Decimal(1),
    "千克": Decimal(1),
    "t": Decimal(1000),
    "吨": Decimal(1000),
    "g": Decimal("0.001"),
    "克": Decimal("0.001"),
}
AMOUNT = DecimalField(max_digits=20, decimal_places=2)
QUANTITY = DecimalField(max_digits=20, decimal_places=3)


def _kilograms(quantity: Decimal | None, unit: str) -> Decimal | None:
    factor = KILOGRAMS.get((unit or "").strip().lower())
    return None if factor is None or quantity is None else quantity * factor


def _count(condition: Q | None = None) -> Count:
    return Count("pk", filter=condition)


Rows = Iterator[tuple[str, Figures]]


def _rows(grouped, code_field: str) -> Rows:
    """Grouped rows as (code, figures); a sum over no rows is zero, not None."""
    empty = zeros()
    for row in grouped:
        code = row.pop(code_field)
        yield code, {key: empty[key] if value is None else value for key, value in row.items()}


# ---------------------------------------------------------------------------------------
# One grouped query (or two) per kind of record


def _census(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    """The register as of now, and the inspection coverage of the campaign (逐家排查): the
    operators in business, unlicensed operations aside (they are banned, not inspected),
    with a filed checklist dated in the campaign (inspections.selectors.inspected_in).

    Counted per county, kind and status in SQL, the figures added up here: the register in
    one pass (three counts a group rather than a filtered count per figure), and the
    operators inspected from the checklists' side (one join, where asking each of the
    register's operators whether it has a checklist costs a probe per operator)."""
    registered = (
        Operator.objects.within(prefix)
        .order_by()
        .values("county_id", "kind", "status")
        .annotate(n=_count(), flagged=_count(~Q(arrangement=Arrangement.SELF_RUN)))
    )
    inspected = (
        Inspection.objects.filter(
            status__in=FILED,
            inspected_on__range=(campaign.starts_on, campaign.ends_on),
            operator__county__code__startswith=prefix,
        )
        .order_by()
        .values("operator__county_id", "operator__kind", "operator__status")
        .annotate(n=Count("operator", distinct=True))
    )
    by_county: dict[str, Figures] = {}
    for row in registered:
        figures = by_county.setdefault(row["county_id"], defaultdict(int))
        figures["operators_total"] += row["n"]
        figures[f"operators_{row['kind']}"] += row["n"]
        figures[f"operators_{row['status']}"] += row["n"]
        figures["operators_flagged"] += row["flagged"]
        if _due(row["kind"], row["status"]):
            figures["coverage_due"] += row["n"]
    for row in inspected:
        if _due(row["operator__kind"], row["operator__status"]):
            by_county[row["operator__county_id"]]["coverage_inspected"] += row["n"]
    for code, figures in by_county.items():
        figures["coverage_missing"] = figures["coverage_due"] - figures["coverage_inspected"]
        yield code, dict(figures)


def _due(kind: str, status: str) -> bool:
    """An operator the campaign inspects: in business, and not an unlicensed operation."""
    return status in IN_BUSINESS and kind != OperatorKind.UNLICENSED


def _inspections(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    grouped = (
        Inspection.objects.within(prefix)
        .filter(status__in=FILED, inspected_on__range=period.days())
        .order_by()
        .values("jurisdiction_id")
        .annotate(
            inspections_filed=_count(),
            inspections_approved=_count(Q(status=InspectionStatus.APPROVED)),
            inspections_problems=_count(Q(outcome=Outcome.PROBLEMS)),
        )
    )
    yield from _rows(grouped, "jurisdiction_id")


def _licences(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    """Licences by state as of now, and the re-review of production licences (L1), reckoned
    as on the licensing pages (licensing.selectors.review_coverage)."""
    production = Q(type=LicenceType.PRODUCTION, status__in=DECIDED)
    grouped = (
        Licence.objects.within(prefix)
        .order_by()
        .values("operator__county_id")
        .annotate(
            licences_total=_count(),
            **{f"licences_{status}": _count(Q(status=status)) for status in LicenceStatus.values},
            reviews_due=_count(production),
            reviews_done=_count(production & Q(reviewed_on__isnull=False)),
            reviews_passed=_count(production & Q(review_outcome=ReviewOutcome.PASSED)),
            reviews_failed=_count(production & Q(review_outcome=ReviewOutcome.FAILED)),
        )
    )
    for code, figures in _rows(grouped, "operator__county_id"):
        figures["reviews_pending"] = figures["reviews_due"] - figures["reviews_done"]
        yield code, figures


class _EveryRecord:
    """The compliance selectors start from `visible_to(reader)`; statistics are scoped by the
    prefix their caller checked against its reader, so they read as one who sees every record."""

    is_authenticated = True
    is_superuser = True


def _compliance(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    """Q1–Q5 per county, from the compliance selectors (Q6), added up over kinds of unit."""
    tables = compliance_by_county(_EveryRecord(), period.compliance, rules=Q_RULES, county_prefix=prefix)
    by_county: dict[str, Figures] = defaultdict(dict)
    for rule in Q_RULES:
        for row in tables[rule]:
            figures = by_county[row.county_code]
            for part in Q_PARTS:
                key = f"{rule.lower()}_{part}"
                figures[key] = figures.get(key, 0) + getattr(row, part)
    yield from by_county.items()


def _samples(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    grouped = (
        Sample.objects.within(prefix)
        .filter(period.moments("sampled_at"))
        .order_by()
        .values("lot__operator__county_id")
        .annotate(samples_taken=_count())
    )
    yield from _rows(grouped, "lot__operator__county_id")


def _results(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    bad = Q(verdict=Verdict.NON_CONFORMING)
    grouped = (
        LabResult.objects.within(prefix)
        .filter(tested_on__range=period.days())
        .order_by()
        .values("sample__lot__operator__county_id")
        .annotate(
            results_total=_count(),
            results_non_conforming=_count(bad),
            **{f"results_{category}": _count(Q(category=category)) for category in Category.values},
            **{f"non_conforming_{category}": _count(bad & Q(category=category)) for category in Category.values},
        )
    )
    yield from _rows(grouped, "sample__lot__operator__county_id")


def _filed_measures(prefix: str, period: CampaignPeriod):
    """Measures of the checklists filed in the period (a draft's measures are not yet taken)."""
    return Measure.objects.within(prefix).filter(
        inspection__status__in=FILED, inspection__inspected_on__range=period.days()
    )


def _measures(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    grouped = (
        _filed_measures(prefix, period)
        .order_by()
        .values("inspection__jurisdiction_id")
        .annotate(
            measures_total=_count(),
            **{f"measures_{kind}": _count(Q(kind=kind)) for kind in MeasureKind.values},
            measures_bans=_count(Q(kind__in=BANS)),
            rectifications_done=_count(Q(kind=MeasureKind.RECTIFY, status=MeasureStatus.DONE)),
        )
    )
    yield from _rows(grouped, "inspection__jurisdiction_id")


def _destroyed(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    """S4: quantities destroyed, by unit in SQL, converted to kilograms here (exactly)."""
    grouped = (
        _filed_measures(prefix, period)
        .filter(kind__in=DESTRUCTION)
        .order_by()
        .values("inspection__jurisdiction_id", "unit")
        .annotate(quantity=Sum("quantity", output_field=QUANTITY), n=_count())
    )
    for row in grouped:
        kg = _kilograms(row["quantity"], row["unit"])
        if kg is None:
            yield row["inspection__jurisdiction_id"], {"destroyed_other_units": row["n"]}
        else:
            yield row["inspection__jurisdiction_id"], {"destroyed_kg": kg}


def _cases(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    """Each event counted by its own date: clues received, filed, decided and closed in the
    period; the current status of the cases opened in the period."""
    received = period.moments("clue_at")
    filed = Q(filed_on__range=period.days())
    decided = Q(decided_on__range=period.days())
    closed = Q(closed_on__range=period.days())
    grouped = (
        Case.objects.within(prefix)
        .filter(received | filed | decided | closed)
        .order_by()
        .values("jurisdiction_id")
        .annotate(
            cases_received=_count(received),
            **{f"cases_status_{status}": _count(received & Q(status=status)) for status in CaseStatus.values},
            cases_major=_count(received & Q(major=True)),
            cases_filed=_count(filed),
            cases_decided=_count(decided),
            cases_fined=_count(decided & Q(decision=Decision.FINE)),
            fines_yuan=Sum("fine_amount", filter=decided, output_field=AMOUNT),
            cases_closed=_count(closed),
        )
    )
    yield from _rows(grouped, "jurisdiction_id")


def _referrals(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    grouped = (
        PoliceReferral.objects.within(prefix)
        .filter(referred_on__range=period.days())
        .order_by()
        .values("case__jurisdiction_id")
        .annotate(police_referrals=_count(), police_accepted=_count(Q(status=PoliceReferralStatus.ACCEPTED)))
    )
    yield from _rows(grouped, "case__jurisdiction_id")


def _listings(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    grouped = (
        Listing.objects.within(prefix)
        .filter(listed_on__range=period.days())
        .order_by()
        .values("case__jurisdiction_id")
        .annotate(listings=_count(), listings_open=_count(Q(status=ListingStatus.OPEN)))
    )
    yield from _rows(grouped, "case__jurisdiction_id")


def _complaints(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    """Hotline calls received in the period, and the rewards for them (one per call)."""
    still_open = Q(status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.HANDLING])
    granted = Q(reward__status__in=[RewardStatus.APPROVED, RewardStatus.PAID])
    paid = Q(reward__status=RewardStatus.PAID)
    grouped = (
        Complaint.objects.within(prefix)
        .filter(period.moments("received_at"))
        .order_by()
        .values("jurisdiction_id")
        .annotate(
            complaints_total=_count(),
            **{f"complaints_{kind}": _count(Q(kind=kind)) for kind in ComplaintKind.values},
            complaints_open=_count(still_open),
            complaints_overdue=_count(still_open & Q(deadline__lt=period.today)),
            complaints_answered=_count(Q(status=ComplaintStatus.ANSWERED)),
            complaints_case_opened=_count(Q(status=ComplaintStatus.CASE_OPENED)),
            rewards_proposed=Count("reward"),
            rewards_granted=Count("reward", filter=granted),
            rewards_granted_yuan=Sum("reward__amount", filter=granted, output_field=AMOUNT),
            rewards_paid=Count("reward", filter=paid),
            rewards_paid_yuan=Sum("reward__amount", filter=paid, output_field=AMOUNT),
        )
    )
    yield from _rows(grouped, "jurisdiction_id")


def _sweeps(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    grouped = (
        Sweep.objects.within(prefix)
        .filter(swept_on__range=period.days())
        .order_by()
        .values("jurisdiction_id")
        .annotate(sweeps_total=_count())
    )
    yield from _rows(grouped, "jurisdiction_id")


def _dens(prefix: str, period: CampaignPeriod, campaign) -> Rows:
    """C1: dens found by the sweeps of the period; seized quantities by unit, in kilograms."""
    grouped = (
        Den.objects.within(prefix)
        .filter(sweep__swept_on__range=period.days())
        .order_by()
        .values("sweep__jurisdiction_id", "seized_unit")
        .annotate(
            n=_count(),
            banned=_count(Q(banned_on__isnull=False)),
            seizures=_count(Q(seized_quantity__isnull=False)),
            seized=Sum("seized_quantity", output_field=QUANTITY),
        )
    )
    for row in grouped:
        figures: Figures = {"dens_found": row["n"], "dens_banned": row["banned"]}
        kg = _kilograms(row["seized"], row["seized_unit"])
        if kg is not None:
            figures["seized_kg"] = kg
        else:
            figures["seized_other_units"] = row["seizures"]
        yield row["sweep__jurisdiction_id"], figures


# The audited models each collector reads (rows counted, and the rows it follows to their
# jurisdiction), as reports.figures_cache keys its values on their versions.
OPERATORS, VEHICLES, LICENCES = "licensing.Operator", "licensing.Vehicle", "licensing.Licence"
INSPECTIONS, MEASURES = "inspections.Inspection", "inspections.Measure"
SWEEPS, DENS = "inspections.Sweep", "inspections.Den"
LOTS, SAMPLES, RESULTS = "sampling.Lot", "sampling.Sample", "sampling.LabResult"
CASES, REFERRALS, LISTINGS = "cases.Case", "cases.PoliceReferral", "cases.Listing"
COMPLAINTS, REWARDS = "cases.Complaint", "cases.Reward"

COLLECTORS = (
    (_census, {OPERATORS, INSPECTIONS}),
    (_inspections, {INSPECTIONS}),
    (_licences, {LICENCES, OPERATORS}),
    (_compliance, {OPERATORS, VEHICLES, LOTS, SAMPLES}),
    (_samples, {SAMPLES, LOTS, OPERATORS}),
    (_results, {RESULTS, SAMPLES, LOTS, OPERATORS}),
    (_measures, {MEASURES, INSPECTIONS}),
    (_destroyed, {MEASURES, INSPECTIONS}),
    (_cases, {CASES}),
    (_referrals, {REFERRALS, CASES}),
    (_listings, {LISTINGS, CASES}),
    (_complaints, {COMPLAINTS, REWARDS}),
    (_sweeps, {SWEEPS}),
    (_dens, {DENS, SWEEPS}),
)
SOURCES = frozenset().union(*(sources for _collect, sources in COLLECTORS))


@contextmanager
def _without_jit():
    """PostgreSQL compiles a query its planner rates expensive (the province's grouped
    counts are) before running it: over a second of compiling for a query that runs in a
    few hundred milliseconds. The statistics run without it; the setting is the session's
    and is put back afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def figures_by_jurisdiction(
    campaign, prefix: str, *, today: datetime.date | None = None, version: figures_cache.DataVersion | None = None
) -> dict[str, Figures]:
    """{jurisdiction code: {figure key: value}} for every jurisdiction (any level) under
    `prefix` that owns records, each counting only its OWN records (records attached to
    that code), computed with SQL aggregation grouped by jurisdiction: a fixed number of
    queries whatever the data size. Every dict holds every figure key.

    With a data `version`, each collector's rows come from the cache when none of the
    tables it reads has changed since (reports.figures_cache)."""
    period = CampaignPeriod(campaign.starts_on, campaign.ends_on, today or local_today())
    figures: dict[str, Figures] = {}
    with _without_jit():
        collected = [_collected(collect, sources, prefix, period, campaign, version) for collect, sources in COLLECTORS]
    for rows in collected:
        for code, values in rows:
            add(figures.setdefault(code, zeros()), values)
    return {code: _exact(values) for code, values in figures.items()}


def _collected(collect, sources, prefix: str, period: CampaignPeriod, campaign, version) -> list:
    def compute():
        return list(collect(prefix, period, campaign))

    if version is None:
        return compute()
    parts = (collect.__name__, campaign.pk, period, prefix)
    return figures_cache.cached(parts, compute, sources=sources, version=version)


# ---------------------------------------------------------------------------------------
# Roll-up: county → city → province


@dataclass
class Rollup:
    jurisdiction: Jurisdiction
    own: Figures
    children: list[tuple[Jurisdiction, Figures]]  # each child with its total
    total: Figures

    @property
    def has_children(self) -> bool:
        return bool(self.children)


def _totals(node: str, children_of: dict[str, list[Jurisdiction]], own: dict[str, Figures], out: dict) -> Figures:
    total = add(zeros(), own.get(node, {}))
    for child in children_of.get(node, ()):
        add(total, _totals(child.code, children_of, own, out))
    out[node] = total
    return total


def rollup(jurisdiction: Jurisdiction, campaign, *, today: datetime.date | None = None, cached: bool = False) -> Rollup:
    """total = own + sum(children's totals); children = the jurisdiction's direct children
    (every child listed, zeros included). Integers and Decimals only. One query for the
    tree besides `figures_by_jurisdiction`'s.

    With `cached` (the dashboards), the rolled-up figures come from the cache when nothing
    they count has changed since they were computed (reports.figures_cache: keyed on the
    data version and the tree, never on a clock): two queries then."""
    today = today or local_today()
    children_of: dict[str, list[Jurisdiction]] = defaultdict(list)
    for node in Jurisdiction.objects.within(jurisdiction.prefix).exclude(code=jurisdiction.code).order_by("code"):
        children_of[node.parent_id].append(node)
    if cached:
        version = figures_cache.data_version(SOURCES)
        tree = tuple((node.code, node.parent_id) for nodes in children_of.values() for node in nodes)
        parts = ("rollup", campaign.pk, campaign.starts_on, campaign.ends_on, jurisdiction.code, today, tree)
        own, totals = figures_cache.cached(
            parts,
            lambda: _roll_up(jurisdiction, campaign, today, children_of, version),
            sources=SOURCES,
            version=version,
        )
    else:
        own, totals = _roll_up(jurisdiction, campaign, today, children_of)
    return Rollup(
        jurisdiction=jurisdiction,
        own=own,
        children=[(child, totals[child.code]) for child in children_of.get(jurisdiction.code, [])],
        total=totals[jurisdiction.code],
    )


def _roll_up(
    jurisdiction: Jurisdiction, campaign, today, children_of, version=None
) -> tuple[Figures, dict[str, Figures]]:
    """The jurisdiction's own figures, and the totals of itself and of its direct children."""
    own = figures_by_jurisdiction(campaign, jurisdiction.prefix, today=today, version=version)
    totals: dict[str, Figures] = {}
    _totals(jurisdiction.code, children_of, own, totals)
    shown = [jurisdiction.code, *(child.code for child in children_of.get(jurisdiction.code, []))]
    return add(zeros(), own.get(jurisdiction.code, {})), {code: totals[code] for code in shown}


def section_values(section: Section, figures: Figures) -> list[tuple[Figure, Value]]:
    return [(figure, figures[figure.key]) for figure in section.figures]


def percent(part: int, whole: int) -> int | None:
    """Whole percent, rounded down (99.9% is not yet done); None when there is nothing."""
    return part * 100 // whole if whole else None


def figure_keys(sections: Iterable[Section] = SECTIONS) -> list[str]:
    return [figure.key for section in sections for figure in section.figures]

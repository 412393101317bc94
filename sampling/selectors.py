"""Reads for the compliance dashboards (Q6): each sampling rule's live compliance per county
and per operator, with the shortfall, measured against the operator register.

Every read starts from `visible_to(user)`. The per-county tables are one grouped query per
rule (two for Q2: operators and vehicles), and the per-operator lists one query per page
(plus the paginator's count), whatever the number of operators, lots and samples.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncWeek
from django.utils import timezone
from django.utils.translation import get_language

from dairy_campaign.services.campaigns import campaign_current, local_today
from licensing.models import Operator, OperatorKind, OperatorStatus, Vehicle

from .models import INTAKE_KINDS, Category, Lot, LotKind, Sample
from .rules import fifteen_percent_minimum, months_in, q5_minimum, week_starts

IN_BUSINESS = [OperatorStatus.OPERATING, OperatorStatus.SUSPENDED]
VEHICLE = "vehicle"

# The operators (or vehicles) each rule is measured on.
RULE_KINDS = {
    "Q1": [OperatorKind.DAIRY_PRODUCER, OperatorKind.DAIRY_FOOD_PRODUCER],
    "Q2": [OperatorKind.PURCHASE_STATION, VEHICLE, OperatorKind.FEED_MILL],
    "Q3": [OperatorKind.DAIRY_FARM],
    "Q4": [OperatorKind.DAIRY_PRODUCER],
    "Q5": [OperatorKind.WHOLESALER, OperatorKind.SUPERMARKET, OperatorKind.SMALL_RETAILER],
    "S1": [OperatorKind.DAIRY_PRODUCER, OperatorKind.DAIRY_FOOD_PRODUCER],
}
RULES = tuple(RULE_KINDS)


def kind_label(kind: str) -> str:
    if kind == VEHICLE:
        return str(Vehicle._meta.verbose_name)
    return str(dict(OperatorKind.choices).get(kind, kind))


def _place_name(name: str, name_en: str) -> str:
    return name_en if name_en and (get_language() or "").startswith("en") else name


# ---------------------------------------------------------------------------------------
# The period


@dataclass(frozen=True)
class Period:
    """The days [start, end], both included."""

    start: datetime.date
    end: datetime.date

    @property
    def months(self) -> int:
        return months_in(self.start, self.end)

    def sampled_within(self) -> Q:
        """Samples taken on a day of the period (local time, Asia/Shanghai)."""
        tz = timezone.get_current_timezone()
        after = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        before = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return Q(sampled_at__gte=after, sampled_at__lt=before)


def compliance_period(
    *, start: datetime.date | None = None, end: datetime.date | None = None, today: datetime.date | None = None
) -> Period:
    """Q6: compliance is live: by default the current campaign from its first day, and never
    past today (weeks and months still to come are not yet due)."""
    today = today or local_today()
    campaign = campaign_current(today) if start is None or end is None else None
    if start is None:
        start = campaign.starts_on if campaign else datetime.date(today.year, 1, 1)
    if end is None:
        end = campaign.ends_on if campaign else today
    return Period(start, min(end, today))


# ---------------------------------------------------------------------------------------
# Rows


@dataclass
class CountyRow:
    """One rule in one county (and, for Q2 and Q5, one kind of unit).

    `units`: operators (or vehicles) the rule applies to; `base`: what the rate is reckoned
    on (batches, units, farms, weeks, required samples); `done`: what was sampled of it;
    `required`: the rule's minimum; `shortfall`: what is still missing; `short_units`: the
    units falling short (for Q3, the scale farms not yet sampled)."""

    rule: str
    county_code: str
    county_name: str
    units: int = 0
    base: int = 0
    required: int = 0
    done: int = 0
    shortfall: int = 0
    short_units: int = 0
    kind: str = ""

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind) if self.kind else ""

    @property
    def percent(self) -> int:
        """Whole percent of the base sampled, rounded down."""
        return self.done * 100 // self.base if self.base else 100


def county_totals(rows: list[CountyRow], rule: str) -> CountyRow:
    total = CountyRow(rule=rule, county_code="", county_name="")
    for row in rows:
        for name in ("units", "base", "required", "done", "shortfall", "short_units"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


# Keys of the per-unit rows (dicts) of every rule.
UNIT_FIELDS = (
    "id",
    "unit_kind",
    "name",
    "operator_id",
    "county_id",
    "county__name",
    "county__name_en",
    "base",
    "required",
    "done",
    "shortfall",
)


def unit_county_name(row: dict) -> str:
    return _place_name(row["county__name"], row["county__name_en"])


# ---------------------------------------------------------------------------------------
# SQL building blocks


def _count(queryset):
    """The number of rows of a correlated subquery, 0 when there are none."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
    return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), Value(0))


def fifteen_percent_minimum_sql(expression):
    """Q1/Q3: `rules.fifteen_percent_minimum` in SQL, integers only: (15 × n + 99) / 100."""
    return ExpressionWrapper((expression * Value(15) + Value(99)) / Value(100), output_field=IntegerField())


def rule_kinds(rule: str, kinds=None) -> list[str]:
    """The kinds of unit `rule` applies to, narrowed to `kinds` when given (a kind the rule
    does not measure narrows to nothing)."""
    return [k for k in RULE_KINDS[rule] if k in kinds] if kinds else list(RULE_KINDS[rule])


def _operators(user, kinds, county_prefix: str):
    operators = Operator.objects.visible_to(user).filter(kind__in=kinds)
    if county_prefix:
        operators = operators.filter(county__code__startswith=county_prefix)
    return operators


def _group_by_county(queryset, *, kind: bool = False, via: str = ""):
    names = [f"{via}county_id", f"{via}county__name", f"{via}county__name_en"]
    return queryset.order_by().values(*names, *(["kind"] if kind else []))


def _county_rows(rule: str, grouped, via: str = "", **fixed) -> list[CountyRow]:
    rows = []
    for r in grouped:
        values = {k: r[k] or 0 for k in ("units", "base", "required", "done", "shortfall", "short_units") if k in r}
        rows.append(
            CountyRow(
                rule=rule,
                county_code=r[f"{via}county_id"],
                county_name=_place_name(r[f"{via}county__name"], r[f"{via}county__name_en"]),
                kind=r.get("kind", fixed.get("kind", "")),
                **values,
            )
        )
    return rows


def _sorted(rows: list[CountyRow], rule: str) -> list[CountyRow]:
    order = {kind: i for i, kind in enumerate(RULE_KINDS[rule])}
    return sorted(rows, key=lambda r: (r.county_code, order.get(r.kind, 0)))


# ---------------------------------------------------------------------------------------
# Q1 (and S1): purchased batches of each producer


def _intake_of_producer(period: Period):
    return Lot.objects.filter(operator=OuterRef("pk"), kind__in=INTAKE_KINDS, dated__range=(period.start, period.end))


def q1_producers(user, period: Period, *, county_prefix: str = "", kinds=None, short_only: bool = False):
    """Q1: for each producer, its intake batches (raw milk and milk powder) dated in the period,
    the batches sampled by the authorities, the minimum ceil(15% × batches), the shortfall,
    and the batches without the producer's own test (S1).

    A batch sampled twice counts once: the rule is on batches. Producers in business, and
    closed ones that still bought batches in the period."""
    intake = _intake_of_producer(period)
    batches = _count(intake)
    sampled = _count(intake.filter(Exists(Sample.objects.filter(lot=OuterRef("pk")))))
    producers = (
        _operators(user, rule_kinds("Q1", kinds), county_prefix)
        .filter(Q(status__in=IN_BUSINESS) | Q(Exists(intake)))
        .annotate(
            unit_kind=F("kind"),
            operator_id=F("pk"),
            base=batches,
            done=sampled,
            untested=_count(intake.filter(own_test_mg_per_kg__isnull=True)),
        )
        .annotate(required=fifteen_percent_minimum_sql(F("base")))
        .annotate(shortfall=Greatest(F("required") - F("done"), Value(0)))
    )
    if short_only:
        producers = producers.filter(shortfall__gt=0)
    return producers.values(*UNIT_FIELDS, "untested").order_by("county_id", "name", "id")


def q1_by_county(user, period: Period, *, county_prefix: str = "") -> list[CountyRow]:
    """Q1 per county: producers, batches, batches sampled, the sum of the producers' minimums
    and shortfalls, and the producers short. Three queries: the producers, their intake
    batches counted per producer in one grouped pass over the lots, and the batches sampled
    counted from the samples (correlated counts per producer read each producer's thousands
    of batches once per figure)."""
    intake = _intake_of_producer(period)
    producers = _operators(user, RULE_KINDS["Q1"], county_prefix).filter(Q(status__in=IN_BUSINESS) | Q(Exists(intake)))
    intake_lots = Lot.objects.filter(
        operator__in=producers.values("pk"), kind__in=INTAKE_KINDS, dated__range=(period.start, period.end)
    )
    counted = intake_lots.order_by().values("operator_id").annotate(n=Count("pk"))
    # Sampled batches from the samples' side: a batch sampled twice counts once.
    sampled = (
        Sample.objects.filter(
            lot__operator__in=producers.values("pk"),
            lot__kind__in=INTAKE_KINDS,
            lot__dated__range=(period.start, period.end),
        )
        .order_by()
        .values("lot__operator_id")
        .annotate(n=Count("lot", distinct=True))
    )
    done_of = {row["lot__operator_id"]: row["n"] for row in sampled}
    batches = {row["operator_id"]: (row["n"], done_of.get(row["operator_id"], 0)) for row in counted}
    by_county: dict[str, CountyRow] = {}
    for producer in producers.order_by().values("pk", "county_id", "county__name", "county__name_en"):
        row = by_county.setdefault(
            producer["county_id"],
            CountyRow(
                rule="Q1",
                county_code=producer["county_id"],
                county_name=_place_name(producer["county__name"], producer["county__name_en"]),
            ),
        )
        base, done = batches.get(producer["pk"], (0, 0))
        required = fifteen_percent_minimum(base)
        shortfall = max(required - done, 0)
        row.units += 1
        row.base += base
        row.done += done
        row.required += required
        row.shortfall += shortfall
        row.short_units += 1 if shortfall else 0
    return _sorted(list(by_county.values()), "Q1")


def _producers_intake(lots, period: Period):
    """Raw milk a station holds is not a producer's purchase: S1 binds producers."""
    return lots.filter(operator__kind__in=RULE_KINDS["S1"], dated__range=(period.start, period.end))


def s1_by_county(user, period: Period, *, county_prefix: str = "") -> list[CountyRow]:
    """S1 per county: producers' intake batches dated in the period, those with the producer's
    own melamine test, those without, and the producers with untested batches. One query."""
    lots = _producers_intake(Lot.objects.visible_to(user).intake(), period)
    if county_prefix:
        lots = lots.filter(operator__county__code__startswith=county_prefix)
    untested = Q(own_test_mg_per_kg__isnull=True)
    grouped = _group_by_county(lots, via="operator__").annotate(
        units=Count("operator", distinct=True),
        base=Count("pk"),
        done=Count("pk", filter=~untested),
        shortfall=Count("pk", filter=untested),
        short_units=Count("operator", distinct=True, filter=untested),
    )
    rows = _county_rows("S1", grouped, via="operator__")
    for row in rows:
        row.required = row.base
    return _sorted(rows, "S1")


def s1_untested_lots(user, period: Period, *, county_prefix: str = "", operator=None):
    """S1: the purchased batches dated in the period without the producer's own test."""
    lots = _producers_intake(Lot.objects.visible_to(user).untested_intake(), period).select_related(
        "operator__county", "supplier", "vehicle"
    )
    if county_prefix:
        lots = lots.filter(operator__county__code__startswith=county_prefix)
    if operator is not None:
        lots = lots.filter(operator=operator)
    return lots.order_by("operator__county_id", "operator__name", "operator_id", "-dated", "-id")


# ---------------------------------------------------------------------------------------
# Q2: every raw-milk station, transport vehicle and feed mill sampled at least once


def _sampled_holder(period: Period):
    return Sample.objects.filter(period.sampled_within(), lot__operator=OuterRef("pk"))


def _sampled_vehicle(period: Period):
    return Sample.objects.filter(period.sampled_within(), lot__vehicle=OuterRef("pk"))


def _q2_operators(user, county_prefix, kinds):
    return _operators(user, kinds, county_prefix).filter(status__in=IN_BUSINESS)


def _q2_vehicles(user, county_prefix):
    vehicles = Vehicle.objects.visible_to(user).filter(owner__status__in=IN_BUSINESS)
    if county_prefix:
        vehicles = vehicles.filter(owner__county__code__startswith=county_prefix)
    return vehicles


def _one_if(condition):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def q2_units(user, period: Period, *, county_prefix: str = "", kinds=None, short_only: bool = False):
    """Q2: each station, vehicle and feed mill in business, sampled in the period or not (a
    sample of a lot it holds, or of a lot it carried). 100% coverage: every unit not sampled
    is short by one."""
    kinds = rule_kinds("Q2", kinds)
    parts = []
    operator_kinds = [k for k in kinds if k != VEHICLE]
    if operator_kinds:
        sampled = Exists(_sampled_holder(period))
        operators = _q2_operators(user, county_prefix, operator_kinds)
        if short_only:
            operators = operators.filter(~sampled)
        parts.append(
            operators.annotate(
                unit_kind=F("kind"),
                operator_id=F("pk"),
                base=Value(1),
                required=Value(1),
                done=_one_if(sampled),
                shortfall=_one_if(~sampled),
            ).values(*UNIT_FIELDS)
        )
    if VEHICLE in kinds:
        sampled = Exists(_sampled_vehicle(period))
        vehicles = _q2_vehicles(user, county_prefix)
        if short_only:
            vehicles = vehicles.filter(~sampled)
        parts.append(
            vehicles.annotate(
                unit_kind=Value(VEHICLE),
                name=F("plate"),
                operator_id=F("owner_id"),
                county_id=F("owner__county_id"),
                county__name=F("owner__county__name"),
                county__name_en=F("owner__county__name_en"),
                base=Value(1),
                required=Value(1),
                done=_one_if(sampled),
                shortfall=_one_if(~sampled),
            ).values(*UNIT_FIELDS)
        )
    if not parts:
        return Operator.objects.none().values(*UNIT_FIELDS)
    first, *others = [part.order_by() for part in parts]
    combined = first.union(*others, all=True) if others else first
    return combined.order_by("county_id", "unit_kind", "name", "id")


def q2_by_county(user, period: Period, *, county_prefix: str = "") -> list[CountyRow]:
    """Q2 per county and kind of unit: units in business, sampled, not sampled. Two grouped
    queries (operators, vehicles)."""
    operator_kinds = [k for k in RULE_KINDS["Q2"] if k != VEHICLE]
    sampled = Q(Exists(_sampled_holder(period)))
    grouped = _group_by_county(_q2_operators(user, county_prefix, operator_kinds), kind=True).annotate(
        units=Count("pk"), done=Count("pk", filter=sampled)
    )
    rows = _county_rows("Q2", grouped)
    vehicles = _group_by_county(_q2_vehicles(user, county_prefix), via="owner__").annotate(
        units=Count("pk"), done=Count("pk", filter=Q(Exists(_sampled_vehicle(period))))
    )
    rows += _county_rows("Q2", vehicles, via="owner__", kind=VEHICLE)
    for row in rows:
        row.base = row.required = row.units
        row.shortfall = row.short_units = row.units - row.done
    return _sorted(rows, "Q2")


# ---------------------------------------------------------------------------------------
# Q3: concentrate feed of at least 15% of the scale dairy farms


def _scale_farms(user, county_prefix, kinds=None):
    return _operators(user, rule_kinds("Q3", kinds), county_prefix).filter(scale_farm=True, status__in=IN_BUSINESS)


def _farm_feed_sampled(period: Period):
    return Exists(_sampled_holder(period).filter(lot__kind=LotKind.FEED))


def q3_farms(user, period: Period, *, county_prefix: str = "", kinds=None, short_only: bool = False):
    """Q3: each scale farm in business, and whether its feed was sampled in the period. The
    minimum is on the county's farms, so a farm has no minimum of its own (None)."""
    sampled = _farm_feed_sampled(period)
    farms = _scale_farms(user, county_prefix, kinds)
    if short_only:
        farms = farms.filter(~sampled)
    return (
        farms.annotate(
            unit_kind=F("kind"),
            operator_id=F("pk"),
            base=Value(1),
            required=Value(None, output_field=IntegerField()),
            done=_one_if(sampled),
            shortfall=Value(None, output_field=IntegerField()),
        )
        .values(*UNIT_FIELDS)
        .order_by("county_id", "name", "id")
    )


def q3_by_county(user, period: Period, *, county_prefix: str = "") -> list[CountyRow]:
    """Q3 per county: scale farms, farms whose feed was sampled, the minimum ceil(15% × farms)
    and the shortfall. One grouped query."""
    grouped = _group_by_county(_scale_farms(user, county_prefix)).annotate(
        units=Count("pk"), done=Count("pk", filter=Q(_farm_feed_sampled(period)))
    )
    rows = _county_rows("Q3", grouped)
    for row in rows:
        row.base = row.units
        row.required = fifteen_percent_minimum(row.units)
        row.shortfall = max(0, row.required - row.done)
        row.short_units = row.units - row.done
    return _sorted(rows, "Q3")


# ---------------------------------------------------------------------------------------
# Q4: finished products of every dairy producer, every week it operates


def _finished_samples(period: Period):
    return Sample.objects.filter(period.sampled_within(), lot__kind=LotKind.FINISHED)


def _week(expression="sampled_at"):
    return TruncWeek(expression, output_field=DateField())


def _q4_producers(user, period: Period, county_prefix: str, kinds=None):
    first_lot = Lot.objects.filter(operator=OuterRef("pk")).order_by().values("operator").annotate(d=Min("dated"))
    # Weeks before the first lot are not due, so a sample dated before it does not count.
    weeks = (
        _finished_samples(period)
        .filter(lot__operator=OuterRef("pk"))
        .annotate(week=_week())
        .filter(week__gte=OuterRef("first_week"))
        .order_by()
        .values("lot__operator")
        .annotate(n=Count("week", distinct=True))
    )
    return (
        _operators(user, rule_kinds("Q4", kinds), county_prefix)
        .filter(status__in=IN_BUSINESS)
        .annotate(unit_kind=F("kind"), operator_id=F("pk"), first_lot=Subquery(first_lot.values("d")))
        .annotate(first_week=_week("first_lot"))
        .annotate(done=Coalesce(Subquery(weeks.values("n"), output_field=IntegerField()), Value(0)))
        .values(
            "id",
            "unit_kind",
            "name",
            "operator_id",
            "county_id",
            "county__name",
            "county__name_en",
            "first_lot",
            "done",
        )
        .order_by("county_id", "name", "id")
    )


def q4_weeks_due(period: Period, first_lot: datetime.date | None) -> list[datetime.date]:
    """Q4: the Mondays of the weeks a producer operates in the period: from its first recorded
    lot (of any kind) or the period's start, whichever is later."""
    start = max(period.start, first_lot) if first_lot else period.start
    return week_starts(start, period.end)


def _q4_row(row: dict, period: Period) -> dict:
    due = len(q4_weeks_due(period, row["first_lot"]))
    done = min(row["done"], due)
    return {**row, "base": due, "required": due, "done": done, "shortfall": due - done}


def q4_producers(user, period: Period, *, county_prefix: str = "", kinds=None, short_only: bool = False) -> list:
    """Q4: for each dairy producer in business, the weeks due, the weeks with a sample of one
    of its finished batches, and the weeks missed. One query; the weeks are reckoned in
    Python (week_starts), the register holding a few hundred producers. The missed Mondays
    themselves: `q4_missed_weeks` for the rows shown."""
    rows = [_q4_row(r, period) for r in _q4_producers(user, period, county_prefix, kinds)]
    return [r for r in rows if r["shortfall"] > 0] if short_only else rows


def q4_missed_weeks(rows, period: Period) -> list:
    """Q4: set `missed_weeks` (the Mondays with no sample of a finished batch) on the given
    producer rows, with one query for all of them."""
    rows = list(rows)
    sampled = set(
        _finished_samples(period)
        .filter(lot__operator_id__in=[r["id"] for r in rows])
        .annotate(week=_week())
        .order_by()
        .values_list("lot__operator_id", "week")
        .distinct()
    )
    for row in rows:
        row["missed_weeks"] = [w for w in q4_weeks_due(period, row["first_lot"]) if (row["id"], w) not in sampled]
    return rows


def q4_by_county(user, period: Period, *, county_prefix: str = "") -> list[CountyRow]:
    """Q4 per county: producers, weeks due, weeks sampled, weeks missed, producers with a
    missed week, reckoned as `q4_producers` does. Three queries (the producers, their first
    lots, the weeks their finished batches were sampled), added up here: the per-producer
    query reads each producer's thousands of lots twice, which costs seconds province-wide."""
    producers = _operators(user, RULE_KINDS["Q4"], county_prefix).filter(status__in=IN_BUSINESS)
    first_lots = dict(
        Lot.objects.filter(operator__in=producers.values("pk"))
        .order_by()
        .values("operator_id")
        .annotate(first=Min("dated"))
        .values_list("operator_id", "first")
    )
    sampled_weeks: dict[int, set] = {}
    weeks = (
        _finished_samples(period)
        .filter(lot__operator__in=producers.values("pk"))
        .annotate(week=_week())
        .order_by()
        .values_list("lot__operator_id", "week")
        .distinct()
    )
    for operator_id, week in weeks:
        sampled_weeks.setdefault(operator_id, set()).add(week)
    by_county: dict[str, CountyRow] = {}
    for producer in producers.order_by().values("pk", "county_id", "county__name", "county__name_en"):
        first_lot = first_lots.get(producer["pk"])
        row = _q4_row(
            {"first_lot": first_lot, "done": _weeks_sampled_since(sampled_weeks, producer["pk"], first_lot)}, period
        )
        county = by_county.setdefault(
            producer["county_id"],
            CountyRow(
                rule="Q4",
                county_code=producer["county_id"],
                county_name=_place_name(producer["county__name"], producer["county__name_en"]),
            ),
        )
        county.units += 1
        county.base += row["base"]
        county.required += row["required"]
        county.done += row["done"]
        county.shortfall += row["shortfall"]
        county.short_units += 1 if row["shortfall"] else 0
    return _sorted(list(by_county.values()), "Q4")


def _weeks_sampled_since(sampled_weeks: dict, operator_id: int, first_lot: datetime.date | None) -> int:
    """Weeks before the first lot are not due, so a sample dated before it does not count
    (nor does any, for a producer without a lot: as in `_q4_producers`)."""
    if first_lot is None:
        return 0
    first_week = first_lot - datetime.timedelta(days=first_lot.weekday())
    return sum(1 for week in sampled_weeks.get(operator_id, ()) if week >= first_week)


# ---------------------------------------------------------------------------------------
# Q5: infant formula at wholesalers, supermarkets and small shops


def q5_minimums(period: Period) -> dict[str, int]:
    months = period.months
    return {kind: q5_minimum(kind, months) for kind in RULE_KINDS["Q5"]}


def _q5_samples(period: Period):
    return _count(_sampled_holder(period).filter(lot__kind=LotKind.RETAIL, lot__category=Category.INFANT_FORMULA))


def _q5_required(period: Period):
    return Case(
        *[When(kind=kind, then=Value(minimum)) for kind, minimum in q5_minimums(period).items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def _outlets(user, county_prefix, kinds):
    return _operators(user, rule_kinds("Q5", kinds), county_prefix).filter(status__in=IN_BUSINESS)


def q5_outlets(user, period: Period, *, county_prefix: str = "", kinds=None, short_only: bool = False):
    """Q5: for each outlet in business, the samples of infant formula on sale taken in the
    period, against the floor of its kind (`rules.q5_minimum` over the months of the period)."""
    outlets = (
        _outlets(user, county_prefix, kinds)
        .annotate(unit_kind=F("kind"), operator_id=F("pk"), samples=_q5_samples(period), required=_q5_required(period))
        .annotate(
            base=F("required"),
            done=Least(F("samples"), F("required")),
            shortfall=Greatest(F("required") - F("samples"), Value(0)),
        )
    )
    if short_only:
        outlets = outlets.filter(shortfall__gt=0)
    return outlets.values(*UNIT_FIELDS, "samples").order_by("county_id", "kind", "name", "id")


def q5_by_county(user, period: Period, *, county_prefix: str = "") -> list[CountyRow]:
    """Q5 per county and kind of outlet: outlets, samples required, samples counting towards
    them, the shortfall and the outlets short. Two grouped queries: the outlets per county
    and kind, and the samples of the outlets that have any, per outlet (a correlated count
    per outlet, over a hundred thousand outlets, costs seconds)."""
    minimums = q5_minimums(period)
    outlets = _outlets(user, county_prefix, None)
    grouped = _group_by_county(outlets, kind=True).annotate(units=Count("pk"))
    rows = {(row.county_code, row.kind): row for row in _county_rows("Q5", grouped)}
    sampled = (
        Sample.objects.filter(period.sampled_within(), lot__kind=LotKind.RETAIL, lot__category=Category.INFANT_FORMULA)
        .filter(lot__operator__in=outlets.values("pk"))
        .order_by()
        .values("lot__operator_id", "lot__operator__county_id", "lot__operator__kind")
        .annotate(n=Count("pk"))
    )
    with_samples = dict.fromkeys(rows, 0)
    short_with_samples = dict.fromkeys(rows, 0)
    for outlet in sampled:
        key = (outlet["lot__operator__county_id"], outlet["lot__operator__kind"])
        minimum = minimums[key[1]]
        rows[key].done += min(outlet["n"], minimum)
        with_samples[key] += 1
        short_with_samples[key] += 1 if outlet["n"] < minimum else 0
    for key, row in rows.items():
        # Each outlet's shortfall is its floor less the samples counting towards it; an
        # outlet without samples is short whenever its floor is above zero.
        row.required = row.base = row.units * minimums[row.kind]
        row.shortfall = row.required - row.done
        without_samples = row.units - with_samples[key]
        row.short_units = short_with_samples[key] + (without_samples if minimums[row.kind] else 0)
    return _sorted(list(rows.values()), "Q5")


# ---------------------------------------------------------------------------------------
# All rules


BY_COUNTY = {
    "Q1": q1_by_county,
    "Q2": q2_by_county,
    "Q3": q3_by_county,
    "Q4": q4_by_county,
    "Q5": q5_by_county,
    "S1": s1_by_county,
}
UNITS = {"Q1": q1_producers, "Q2": q2_units, "Q3": q3_farms, "Q4": q4_producers, "Q5": q5_outlets}


def compliance_by_county(user, period: Period, *, rules=RULES, county_prefix: str = "") -> dict[str, list[CountyRow]]:
    """Q6: each rule's live compliance per county, with the shortfall: a few grouped queries
    per rule, whatever the size of the register."""
    return {rule: BY_COUNTY[rule](user, period, county_prefix=county_prefix) for rule in rules}


def compliance_units(user, period: Period, rule: str, *, county_prefix: str = "", kinds=None, short_only=False):
    """Q6: one rule's compliance per unit (operator or vehicle), as dicts with UNIT_FIELDS;
    Q1 rows add `untested` (S1) and Q5 rows `samples`. Narrowed by county prefix, kinds and
    to the units falling short."""
    return UNITS[rule](user, period, county_prefix=county_prefix, kinds=kinds, short_only=short_only)

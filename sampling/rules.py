"""The sampling rules as plain functions (Q1–Q7): integers and Decimals only, no floats."""

import datetime
from decimal import Decimal

from .models.choices import Category, MassUnit, Verdict

# Q7: the 2008 temporary melamine limits, mg/kg.
MELAMINE_LIMITS: dict[str, Decimal] = {
    Category.INFANT_FORMULA: Decimal("1"),
    Category.LIQUID_MILK: Decimal("2.5"),
    Category.MILK_POWDER: Decimal("2.5"),
    Category.OTHER_FORMULA: Decimal("2.5"),
    Category.MILK_FOOD: Decimal("2.5"),
    Category.FEED: Decimal("2.5"),
}
UG_PER_MG = Decimal(1000)

# Which department plans and takes the samples of each rule (二.1–二.3).
RULE_DEPARTMENTS = {"Q1": "QTS", "Q2": "AGR", "Q3": "AGR", "Q4": "QTS", "Q5": "AIC"}


def fifteen_percent_minimum(count: int) -> int:
    """Q1/Q3: at least 15% of `count`, rounded up: ceil(15 × count / 100) in integers
    (20 batches → 3, 7 → 2, 0 → 0)."""
    if count < 0:
        raise ValueError("count cannot be negative")
    return (15 * count + 99) // 100


def to_mg_per_kg(value: Decimal, unit: str) -> Decimal:
    """A result in mg/kg; µg/kg are divided by 1000, exactly."""
    value = Decimal(value)
    if unit == MassUnit.UG_PER_KG:
        return value / UG_PER_MG
    if unit == MassUnit.MG_PER_KG:
        return value
    raise ValueError(f"unknown unit {unit!r}")


def melamine_limit(category: str) -> Decimal:
    return MELAMINE_LIMITS[category]


def melamine_verdict(mg_per_kg: Decimal, category: str) -> str:
    """Q7: a result exactly at the limit conforms; above it does not."""
    return Verdict.CONFORMING if Decimal(mg_per_kg) <= melamine_limit(category) else Verdict.NON_CONFORMING


def week_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Q4: the Mondays of the ISO weeks that overlap [start, end]."""
    if end < start:
        return []
    monday = start - datetime.timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(monday)
        monday += datetime.timedelta(days=7)
    return weeks


def months_in(start: datetime.date, end: datetime.date) -> int:
    """Q5: the calendar months that overlap [start, end]."""
    if end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


# Q5: large outlets are sampled on a plan of at least one sample a month; small shops at the
# set frequency of one a quarter (二.3 leaves both to the plan; these are the floors).
Q5_MONTHS_PER_SAMPLE = {"wholesaler": 1, "supermarket": 1, "small_retailer": 3}


def q5_minimum(outlet_kind: str, months: int) -> int:
    every = Q5_MONTHS_PER_SAMPLE[outlet_kind]
    return (months + every - 1) // every

"""The sampling rules as plain functions (Q1, Q3, Q4, Q5, Q7), table-driven."""

import datetime
import math
from decimal import Decimal
from fractions import Fraction

import pytest

from sampling.models import Category, MassUnit, Verdict
from sampling.rules import (
    RULE_DEPARTMENTS,
    fifteen_percent_minimum,
    melamine_limit,
    melamine_verdict,
    months_in,
    q5_minimum,
    to_mg_per_kg,
    week_starts,
)

C, V = Category, Verdict
D = datetime.date


def test_q1_q3_minimum_is_ceil_15_percent_for_every_n_to_1000():
    for n in range(1001):
        exact = math.ceil(Fraction(15 * n, 100))
        assert fifteen_percent_minimum(n) == -(-15 * n // 100) == exact, n


@pytest.mark.parametrize(("batches", "minimum"), [(20, 3), (7, 2), (0, 0), (1, 1), (100, 15), (101, 16), (120, 18)])
def test_q1_minimum_examples(batches, minimum):
    assert fifteen_percent_minimum(batches) == minimum


def test_q1_minimum_of_a_negative_count_is_an_error():
    with pytest.raises(ValueError):
        fifteen_percent_minimum(-1)


@pytest.mark.parametrize(
    ("value", "unit", "category", "verdict"),
    [
        # Infant formula: 1 mg/kg.
        ("1.000", MassUnit.MG_PER_KG, C.INFANT_FORMULA, V.CONFORMING),
        ("0.999", MassUnit.MG_PER_KG, C.INFANT_FORMULA, V.CONFORMING),
        ("1.001", MassUnit.MG_PER_KG, C.INFANT_FORMULA, V.NON_CONFORMING),
        ("1000", MassUnit.UG_PER_KG, C.INFANT_FORMULA, V.CONFORMING),
        ("1001", MassUnit.UG_PER_KG, C.INFANT_FORMULA, V.NON_CONFORMING),
        # Liquid milk (raw milk included), milk powder, other formula, >15% milk foods, feed: 2.5 mg/kg.
        ("2.5", MassUnit.MG_PER_KG, C.LIQUID_MILK, V.CONFORMING),
        ("2.4999", MassUnit.MG_PER_KG, C.LIQUID_MILK, V.CONFORMING),
        ("2.5001", MassUnit.MG_PER_KG, C.LIQUID_MILK, V.NON_CONFORMING),
        ("2.5", MassUnit.MG_PER_KG, C.MILK_POWDER, V.CONFORMING),
        ("2.5001", MassUnit.MG_PER_KG, C.MILK_POWDER, V.NON_CONFORMING),
        ("2.5", MassUnit.MG_PER_KG, C.OTHER_FORMULA, V.CONFORMING),
        ("2.5001", MassUnit.MG_PER_KG, C.OTHER_FORMULA, V.NON_CONFORMING),
        ("2.5", MassUnit.MG_PER_KG, C.MILK_FOOD, V.CONFORMING),
        ("2.5001", MassUnit.MG_PER_KG, C.MILK_FOOD, V.NON_CONFORMING),
        ("2.5", MassUnit.MG_PER_KG, C.FEED, V.CONFORMING),
        ("2.5001", MassUnit.MG_PER_KG, C.FEED, V.NON_CONFORMING),
        # µg/kg are converted exactly: 2500 µg/kg is 2.5 mg/kg.
        ("2500", MassUnit.UG_PER_KG, C.LIQUID_MILK, V.CONFORMING),
        ("2501", MassUnit.UG_PER_KG, C.LIQUID_MILK, V.NON_CONFORMING),
        ("2500.1", MassUnit.UG_PER_KG, C.FEED, V.NON_CONFORMING),
        ("0", MassUnit.MG_PER_KG, C.INFANT_FORMULA, V.CONFORMING),
    ],
)
def test_q7_a_result_at_the_limit_conforms_and_above_it_does_not(value, unit, category, verdict):
    assert melamine_verdict(to_mg_per_kg(Decimal(value), unit), category) == verdict


@pytest.mark.parametrize(
    ("category", "limit"),
    [
        (C.INFANT_FORMULA, "1"),
        (C.LIQUID_MILK, "2.5"),
        (C.MILK_POWDER, "2.5"),
        (C.OTHER_FORMULA, "2.5"),
        (C.MILK_FOOD, "2.5"),
        (C.FEED, "2.5"),
    ],
)
def test_q7_limits_are_the_2008_temporary_limits(category, limit):
    assert melamine_limit(category) == Decimal(limit)


def test_q7_micrograms_are_converted_without_floats():
    assert to_mg_per_kg(Decimal("2500"), MassUnit.UG_PER_KG) == Decimal("2.5")
    assert isinstance(to_mg_per_kg(Decimal("2501"), MassUnit.UG_PER_KG), Decimal)
    assert to_mg_per_kg(Decimal("1.25"), MassUnit.MG_PER_KG) == Decimal("1.25")
    with pytest.raises(ValueError):
        to_mg_per_kg(Decimal("1"), "ppm")


@pytest.mark.parametrize(
    ("start", "end", "mondays"),
    [
        (
            D(2026, 11, 1),
            D(2026, 11, 30),
            [D(2026, 10, 26), D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16), D(2026, 11, 23), D(2026, 11, 30)],
        ),
        (D(2026, 11, 2), D(2026, 11, 8), [D(2026, 11, 2)]),  # one ISO week, Monday to Sunday
        (D(2026, 11, 8), D(2026, 11, 9), [D(2026, 11, 2), D(2026, 11, 9)]),  # Sunday and Monday: two weeks
        (D(2026, 11, 4), D(2026, 11, 4), [D(2026, 11, 2)]),
        (D(2026, 12, 28), D(2027, 1, 3), [D(2026, 12, 28)]),  # across the new year
        (D(2026, 11, 9), D(2026, 11, 8), []),
    ],
)
def test_q4_weeks_of_a_period_are_the_iso_weeks_it_touches(start, end, mondays):
    assert week_starts(start, end) == mondays


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2026, 11, 1), D(2026, 11, 30), 1),
        (D(2026, 11, 30), D(2026, 12, 1), 2),
        (D(2026, 4, 1), D(2026, 12, 31), 9),  # the whole campaign
        (D(2026, 11, 15), D(2027, 2, 1), 4),
        (D(2026, 11, 2), D(2026, 11, 1), 0),
    ],
)
def test_q5_months_of_a_period_are_the_calendar_months_it_touches(start, end, months):
    assert months_in(start, end) == months


@pytest.mark.parametrize(
    ("kind", "months", "minimum"),
    [
        ("wholesaler", 1, 1),
        ("wholesaler", 3, 3),
        ("supermarket", 9, 9),
        ("small_retailer", 1, 1),
        ("small_retailer", 3, 1),
        ("small_retailer", 4, 2),
        ("small_retailer", 9, 3),
        ("supermarket", 0, 0),
    ],
)
def test_q5_minimum_per_outlet_kind_and_months(kind, months, minimum):
    assert q5_minimum(kind, months) == minimum


def test_each_rule_is_planned_by_its_department():
    assert RULE_DEPARTMENTS == {"Q1": "QTS", "Q2": "AGR", "Q3": "AGR", "Q4": "QTS", "Q5": "AIC"}

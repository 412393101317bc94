"""Q6: each sampling rule's live compliance per county and per unit, with the shortfall
(Q1–Q5, S1), scoped to the reader, at a query cost independent of the register's size."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Jurisdiction
from licensing.models import OperatorKind, OperatorStatus, Vehicle
from sampling.models import Category, LotKind
from sampling.rules import fifteen_percent_minimum
from sampling.selectors import (
    CountyRow,
    Period,
    compliance_by_county,
    compliance_period,
    compliance_units,
    fifteen_percent_minimum_sql,
    q1_by_county,
    q1_producers,
    q2_by_county,
    q2_units,
    q3_by_county,
    q3_farms,
    q4_by_county,
    q4_missed_weeks,
    q4_producers,
    q5_by_county,
    q5_outlets,
    s1_by_county,
    s1_untested_lots,
)

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories import LotFactory, SampleFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOVEMBER = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 29))
AUTUMN = Period(datetime.date(2026, 9, 1), datetime.date(2026, 11, 29))  # three months


@pytest.fixture
def clerk(db):
    return member("320115", AgencyKind.QTS, Role.CLERK)


@pytest.fixture
def jiangning(db):
    return member("320115", AgencyKind.QTS, Role.VIEWER)


@pytest.fixture
def xuanwu(db):
    return member("320102", AgencyKind.QTS, Role.VIEWER)


def operator(kind, name, county="320115", **kwargs):
    return OperatorFactory(kind=kind, name=name, county=place(county), **kwargs)


def producer(name, county="320115", **kwargs):
    return operator(OperatorKind.DAIRY_PRODUCER, name, county, **kwargs)


def lots(holder, clerk, n=1, **kwargs):
    """`n` lots held by `holder`, with no supplier (the factory would register a station)."""
    kwargs.setdefault("dated", datetime.date(2026, 11, 2))
    return LotFactory.create_batch(n, operator=holder, supplier=None, recorded_by=clerk, **kwargs)


def sample(lot, at=datetime.datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI)):
    return SampleFactory(lot=lot, sampled_at=at)


def local(day, hour=10, minute=0):
    return datetime.datetime(2026, day[0], day[1], hour, minute, tzinfo=SHANGHAI)


def as_tuples(rows: list[CountyRow]):
    return [(r.county_code, r.kind, r.units, r.base, r.required, r.done, r.shortfall, r.short_units) for r in rows]


# ---------------------------------------------------------------------------------------
# The period


def test_q6_the_period_is_the_current_campaign_up_to_today(campaign):
    period = compliance_period(today=datetime.date(2026, 10, 15))
    assert period == Period(datetime.date(2026, 4, 1), datetime.date(2026, 10, 15))


def test_q6_a_chosen_period_never_runs_past_today(campaign):
    today = datetime.date(2026, 10, 15)
    chosen = compliance_period(start=datetime.date(2026, 9, 1), end=datetime.date(2026, 12, 31), today=today)
    assert chosen == Period(datetime.date(2026, 9, 1), today)
    assert chosen.months == 2


def test_q6_without_a_campaign_the_period_starts_with_the_year(db):
    period = compliance_period(today=datetime.date(2026, 3, 5))
    assert period == Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 5))


# ---------------------------------------------------------------------------------------
# Q1


@pytest.mark.parametrize("n", [0, 1, 6, 7, 19, 20, 21, 100, 101, 467, 1000])
def test_q1_the_sql_minimum_is_the_pure_rule(n):
    in_sql = Jurisdiction.objects.annotate(m=fifteen_percent_minimum_sql(Value(n))).values_list("m", flat=True)[0]
    assert in_sql == fifteen_percent_minimum(n)


@pytest.fixture
def q1_register(clerk):
    """Jiangning: a producer with 20 batches in November, 2 sampled (one twice) and one
    batch of October sampled; one with 7 batches, 2 sampled; a dairy-food producer with no
    batches. Xuanwu: a producer with 10 batches, none sampled."""
    short = producer("A短缺乳业")
    batches = lots(short, clerk, 20)
    sample(batches[0])
    sample(batches[0])
    sample(batches[1])
    sample(lots(short, clerk, dated=datetime.date(2026, 10, 30))[0])
    enough = producer("B达标乳业")
    for lot in lots(enough, clerk, 7, kind=LotKind.MILK_POWDER)[:2]:
        sample(lot)
    operator(OperatorKind.DAIRY_FOOD_PRODUCER, "C含乳食品")
    lots(producer("D玄武乳业", "320102"), clerk, 10)
    return {"short": short, "enough": enough}


def test_q1_twenty_batches_and_two_sampled_are_short_of_one(q1_register, jiangning):
    rows = {r["name"]: r for r in q1_producers(jiangning, NOVEMBER)}
    short = rows["A短缺乳业"]
    assert (short["base"], short["done"], short["required"], short["shortfall"]) == (20, 2, 3, 1)
    enough = rows["B达标乳业"]
    assert (enough["base"], enough["done"], enough["required"], enough["shortfall"]) == (7, 2, 2, 0)
    assert (rows["C含乳食品"]["base"], rows["C含乳食品"]["shortfall"]) == (0, 0)


def test_q1_per_county_totals_the_producers_minimums_and_shortfalls(q1_register, jiangning):
    assert as_tuples(q1_by_county(jiangning, NOVEMBER)) == [("320115", "", 3, 27, 5, 4, 1, 1)]
    assert q1_by_county(jiangning, NOVEMBER)[0].percent == 14


def test_q1_short_only_lists_the_producers_short(q1_register, jiangning):
    assert [r["name"] for r in q1_producers(jiangning, NOVEMBER, short_only=True)] == ["A短缺乳业"]


def test_q1_a_closed_producer_counts_only_while_it_bought_batches(clerk, jiangning):
    producer("E关停乳业", status=OperatorStatus.CLOSED)
    lots(producer("F关停仍收购乳业", status=OperatorStatus.CLOSED), clerk, 3)
    assert [r["name"] for r in q1_producers(jiangning, NOVEMBER)] == ["F关停仍收购乳业"]


# ---------------------------------------------------------------------------------------
# S1


def test_s1_flags_the_batches_without_the_producers_own_test(clerk, jiangning):
    """A batch of October is outside the period, a finished batch is not a purchase, and the
    raw milk a station holds binds no producer."""
    tested = producer("A自检乳业")
    lots(tested, clerk, 2)
    lots(tested, clerk, 1, own_test_mg_per_kg=None)
    lots(tested, clerk, 1, own_test_mg_per_kg=None, dated=datetime.date(2026, 10, 1))
    lots(producer("B全检乳业"), clerk, 2)
    lots(operator(OperatorKind.PURCHASE_STATION, "C收购站"), clerk, 1, own_test_mg_per_kg=None)
    finished = lots(tested, clerk, 1, kind=LotKind.FINISHED, own_test_mg_per_kg=None)[0]
    assert as_tuples(s1_by_county(jiangning, NOVEMBER)) == [("320115", "", 2, 5, 5, 4, 1, 1)]
    untested = list(s1_untested_lots(jiangning, NOVEMBER))
    assert len(untested) == 1 and untested[0].operator == tested and untested[0] != finished
    rows = {r["name"]: r["untested"] for r in q1_producers(jiangning, NOVEMBER)}
    assert rows == {"A自检乳业": 1, "B全检乳业": 0}


def test_s1_untested_lots_narrow_to_one_producer(clerk, jiangning):
    a, b = producer("A乳业"), producer("B乳业")
    lots(a, clerk, 2, own_test_mg_per_kg=None)
    lots(b, clerk, 1, own_test_mg_per_kg=None)
    assert s1_untested_lots(jiangning, NOVEMBER, operator=b).count() == 1
    assert s1_untested_lots(jiangning, NOVEMBER).count() == 3


# ---------------------------------------------------------------------------------------
# Q2


@pytest.fixture
def q2_register(clerk):
    """Jiangning: two stations (one sampled), a closed station, two vehicles (one sampled
    through a lot it carried), a feed mill sampled in October only. Xuanwu: one station."""
    sampled_station = operator(OperatorKind.PURCHASE_STATION, "A采样收购站")
    sample(lots(sampled_station, clerk)[0])
    operator(OperatorKind.PURCHASE_STATION, "B未采样收购站")
    operator(OperatorKind.PURCHASE_STATION, "C关停收购站", status=OperatorStatus.CLOSED)
    carried = Vehicle.objects.create(plate="苏A12345", owner=sampled_station, capacity_tonnes=Decimal("10"))
    Vehicle.objects.create(plate="苏A99999", owner=sampled_station, capacity_tonnes=Decimal("8"))
    sample(lots(producer("D乳业"), clerk, vehicle=carried)[0])
    mill = operator(OperatorKind.FEED_MILL, "E饲料厂")
    sample(lots(mill, clerk, kind=LotKind.FEED, category=Category.FEED)[0], at=local((10, 20)))
    operator(OperatorKind.PURCHASE_STATION, "F玄武收购站", "320102")


def test_q2_full_coverage_reports_the_missing_station(q2_register, jiangning):
    assert as_tuples(q2_by_county(jiangning, NOVEMBER)) == [
        ("320115", "purchase_station", 2, 2, 2, 1, 1, 1),
        ("320115", "vehicle", 2, 2, 2, 1, 1, 1),
        ("320115", "feed_mill", 1, 1, 1, 0, 1, 1),
    ]
    missing = [(r["unit_kind"], r["name"]) for r in q2_units(jiangning, NOVEMBER, short_only=True)]
    assert missing == [("feed_mill", "E饲料厂"), ("purchase_station", "B未采样收购站"), ("vehicle", "苏A99999")]


def test_q2_lists_every_unit_with_its_coverage(q2_register, jiangning):
    rows = [(r["name"], r["done"], r["shortfall"]) for r in q2_units(jiangning, NOVEMBER)]
    assert rows == [
        ("E饲料厂", 0, 1),
        ("A采样收购站", 1, 0),
        ("B未采样收购站", 0, 1),
        ("苏A12345", 1, 0),
        ("苏A99999", 0, 1),
    ]
    only_vehicles = q2_units(jiangning, NOVEMBER, kinds=["vehicle"])
    assert [r["name"] for r in only_vehicles] == ["苏A12345", "苏A99999"]
    assert all(r["operator_id"] for r in only_vehicles)


def test_q2_the_mill_sampled_in_october_covers_an_autumn_period(q2_register, jiangning):
    mill = next(r for r in q2_by_county(jiangning, AUTUMN) if r.kind == "feed_mill")
    assert (mill.done, mill.shortfall, mill.percent) == (1, 0, 100)


# ---------------------------------------------------------------------------------------
# Q3


@pytest.fixture
def q3_register(clerk):
    """Jiangning: ten scale farms, one with its feed sampled, one with only its milk sampled;
    a small farm sampled. Xuanwu: three scale farms, one sampled."""
    farms = [operator(OperatorKind.DAIRY_FARM, f"A规模牧场{i}", scale_farm=True) for i in range(10)]
    sample(lots(farms[0], clerk, kind=LotKind.FEED, category=Category.FEED)[0])
    sample(lots(farms[1], clerk)[0])
    small = operator(OperatorKind.DAIRY_FARM, "B散户牧场")
    sample(lots(small, clerk, kind=LotKind.FEED, category=Category.FEED)[0])
    xuanwu_farms = [operator(OperatorKind.DAIRY_FARM, f"C玄武牧场{i}", "320102", scale_farm=True) for i in range(3)]
    sample(lots(xuanwu_farms[2], clerk, kind=LotKind.FEED, category=Category.FEED)[0])
    return farms


def test_q3_percentage_of_scale_farms_sampled_per_county(q3_register, city_admin):
    rows = q3_by_county(city_admin, NOVEMBER)
    assert as_tuples(rows) == [
        ("320102", "", 3, 3, 1, 1, 0, 2),
        ("320115", "", 10, 10, 2, 1, 1, 9),
    ]
    assert [r.percent for r in rows] == [33, 10]


def test_q3_lists_the_farms_not_yet_sampled(q3_register, jiangning):
    farms = list(q3_farms(jiangning, NOVEMBER))
    assert len(farms) == 10 and farms[0]["done"] == 1 and farms[0]["required"] is None
    assert len(q3_farms(jiangning, NOVEMBER, short_only=True)) == 9


# ---------------------------------------------------------------------------------------
# Q4


@pytest.fixture
def q4_register(clerk):
    """A producer operating since October, sampled every week of November but the one of
    11-02 (the sample of Monday 11-09 00:30 in Shanghai is still Sunday in UTC); a producer
    whose first lot is of 11-20, sampled twice in the week of 11-23 only; a producer in
    business without any lot, never sampled."""
    weekly = producer("A每周乳业")
    lots(weekly, clerk, dated=datetime.date(2026, 10, 1))
    for day, hour in (((11, 1), 10), ((11, 9), 0), ((11, 17), 10), ((11, 25), 10)):
        finished = lots(weekly, clerk, kind=LotKind.FINISHED, own_test_mg_per_kg=None, dated=datetime.date(2026, *day))
        sample(finished[0], at=local(day, hour, 30))
    new = producer("B新开乳业")
    lots(new, clerk, dated=datetime.date(2026, 11, 20))
    finished = lots(new, clerk, kind=LotKind.FINISHED, own_test_mg_per_kg=None, dated=datetime.date(2026, 11, 24))
    sample(finished[0], at=local((11, 24)))
    sample(finished[0], at=local((11, 26)))
    producer("C无记录乳业")
    return weekly


def test_q4_finds_a_missed_week(q4_register, jiangning):
    rows = q4_missed_weeks(q4_producers(jiangning, NOVEMBER), NOVEMBER)
    by_name = {r["name"]: r for r in rows}
    weekly = by_name["A每周乳业"]
    assert (weekly["base"], weekly["done"], weekly["shortfall"]) == (5, 4, 1)
    assert weekly["missed_weeks"] == [datetime.date(2026, 11, 2)]
    new = by_name["B新开乳业"]
    assert new["missed_weeks"] == [datetime.date(2026, 11, 16)]
    assert (new["base"], new["done"], new["shortfall"]) == (2, 1, 1)
    assert len(by_name["C无记录乳业"]["missed_weeks"]) == 5


def test_q4_per_county_counts_the_producers_with_missed_weeks(q4_register, jiangning):
    assert as_tuples(q4_by_county(jiangning, NOVEMBER)) == [("320115", "", 3, 12, 12, 5, 7, 3)]


def test_q4_only_weeks_up_to_today_are_due(q4_register, jiangning):
    today = compliance_period(start=NOVEMBER.start, end=datetime.date(2026, 12, 31), today=datetime.date(2026, 11, 10))
    weekly = next(r for r in q4_producers(jiangning, today) if r["name"] == "A每周乳业")
    assert (weekly["base"], weekly["done"], weekly["shortfall"]) == (3, 2, 1)


# ---------------------------------------------------------------------------------------
# Q5


@pytest.fixture
def q5_register(clerk):
    def formula(outlet, n, category=Category.INFANT_FORMULA, at=None):
        at = at or local((10, 15))
        for lot in lots(outlet, clerk, n, kind=LotKind.RETAIL, category=category, own_test_mg_per_kg=None):
            sample(lot, at=at)

    formula(operator(OperatorKind.SUPERMARKET, "A超市"), 1)
    formula(operator(OperatorKind.WHOLESALER, "B批发商"), 3)
    formula(operator(OperatorKind.SMALL_RETAILER, "C小店"), 1, category=Category.MILK_POWDER)
    formula(operator(OperatorKind.SMALL_RETAILER, "F夏季小店"), 1, at=local((8, 30)))
    formula(operator(OperatorKind.SMALL_RETAILER, "D便利店"), 1)
    operator(OperatorKind.CATERING, "E餐厅")


def test_q5_each_kind_of_outlet_has_its_own_floor(q5_register, jiangning):
    """Three months: a wholesaler and a supermarket owe three samples, a small shop one; milk
    powder is not infant formula, and a sample of August is outside the period."""
    rows = [
        (r["unit_kind"], r["name"], r["samples"], r["required"], r["shortfall"]) for r in q5_outlets(jiangning, AUTUMN)
    ]
    assert rows == [
        ("small_retailer", "C小店", 0, 1, 1),
        ("small_retailer", "D便利店", 1, 1, 0),
        ("small_retailer", "F夏季小店", 0, 1, 1),
        ("supermarket", "A超市", 1, 3, 2),
        ("wholesaler", "B批发商", 3, 3, 0),
    ]


def test_q5_per_county_and_kind_of_outlet(q5_register, jiangning):
    assert as_tuples(q5_by_county(jiangning, AUTUMN)) == [
        ("320115", "wholesaler", 1, 3, 3, 3, 0, 0),
        ("320115", "supermarket", 1, 3, 3, 1, 2, 1),
        ("320115", "small_retailer", 3, 3, 3, 1, 2, 2),
    ]
    only_shops = q5_outlets(jiangning, AUTUMN, kinds=["small_retailer"], short_only=True)
    assert [r["name"] for r in only_shops] == ["C小店", "F夏季小店"]


# ---------------------------------------------------------------------------------------
# Scoping


@pytest.fixture
def two_cities(clerk):
    """A short producer, an untested batch and an unsampled station in each of Jiangning,
    Xuanwu (Nanjing) and Xishan (Wuxi)."""
    for county in ("320115", "320102", "320205"):
        lots(producer(f"乳业{county}", county), clerk, 10, own_test_mg_per_kg=None)
        operator(OperatorKind.PURCHASE_STATION, f"收购站{county}", county)


def counties(tables):
    return {row.county_code for rows in tables.values() for row in rows}


def test_q6_a_county_user_sees_only_its_county(two_cities, jiangning, xuanwu):
    assert counties(compliance_by_county(jiangning, NOVEMBER)) == {"320115"}
    assert counties(compliance_by_county(xuanwu, NOVEMBER)) == {"320102"}
    for rule in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        assert {r["county_id"] for r in compliance_units(xuanwu, NOVEMBER, rule)} <= {"320102"}
    assert {lot.operator.county_id for lot in s1_untested_lots(xuanwu, NOVEMBER)} == {"320102"}


def test_q6_a_city_user_sees_the_counties_of_its_city(two_cities, city_admin):
    assert counties(compliance_by_county(city_admin, NOVEMBER)) == {"320102", "320115"}
    q1 = compliance_by_county(city_admin, NOVEMBER, rules=["Q1"])["Q1"]
    assert [(r.county_code, r.shortfall) for r in q1] == [("320102", 2), ("320115", 2)]


def test_q6_a_county_prefix_does_not_widen_the_users_scope(two_cities, jiangning):
    assert counties(compliance_by_county(jiangning, NOVEMBER, county_prefix="320102")) == set()
    assert not compliance_units(jiangning, NOVEMBER, "Q1", county_prefix="32").filter(county_id="320102").exists()


def test_q6_another_countys_operators_are_never_counted(two_cities, jiangning):
    q2 = compliance_by_county(jiangning, NOVEMBER, rules=["Q2"])["Q2"]
    assert [(r.kind, r.units) for r in q2] == [("purchase_station", 1)]
    assert [r.units for r in s1_by_county(jiangning, NOVEMBER)] == [1]


def test_q6_a_user_without_a_department_sees_nothing(two_cities):
    from ..factories import UserFactory

    nobody = UserFactory(agency=None)
    assert counties(compliance_by_county(nobody, NOVEMBER)) == set()
    assert not compliance_units(nobody, NOVEMBER, "Q1").exists()
    assert compliance_units(nobody, NOVEMBER, "Q4") == []


# ---------------------------------------------------------------------------------------
# Cost


def _grow(clerk, n, start):
    for i in range(start, start + n):
        p = producer(f"规模{i:03d}乳业")
        sample(lots(p, clerk, 2)[0])
        sample(lots(p, clerk, kind=LotKind.FINISHED, own_test_mg_per_kg=None)[0])
        station = operator(OperatorKind.PURCHASE_STATION, f"规模{i:03d}收购站")
        Vehicle.objects.create(plate=f"苏A{i:05d}", owner=station, capacity_tonnes=Decimal("5"))
        operator(OperatorKind.DAIRY_FARM, f"规模{i:03d}牧场", scale_farm=True)
        operator(OperatorKind.SUPERMARKET, f"规模{i:03d}超市")


def _queries(user) -> list[int]:
    """Queries spent on the overview, the first page of each rule, and the S1 list."""
    counts = []
    with CaptureQueriesContext(connection) as ctx:
        compliance_by_county(user, NOVEMBER)
    counts.append(len(ctx.captured_queries))
    for rule in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        with CaptureQueriesContext(connection) as ctx:
            rows = list(Paginator(compliance_units(user, NOVEMBER, rule), 50).page(1).object_list)
            if rule == "Q4":
                q4_missed_weeks(rows, NOVEMBER)
        counts.append(len(ctx.captured_queries))
    with CaptureQueriesContext(connection) as ctx:
        page = Paginator(s1_untested_lots(user, NOVEMBER), 50).page(1)
        [f"{lot.operator.name}{lot.operator.county.name}" for lot in page.object_list]
    counts.append(len(ctx.captured_queries))
    return counts


def test_q6_query_counts_do_not_grow_with_the_register(clerk, city_admin):
    """2 producers, then 20 (with their stations, vehicles, farms and supermarkets)."""
    _grow(clerk, 2, 0)
    small = _queries(city_admin)
    _grow(clerk, 18, 2)
    large = _queries(city_admin)
    assert small == large
    # The overview: three queries for Q1 (producers, their batches, those sampled) and Q4
    # (producers, first lots, weeks sampled), two for Q2 (operators, vehicles) and Q5
    # (outlets, their samples), one for Q3 and S1.
    assert small[0] == 12
    q1 = q1_by_county(city_admin, NOVEMBER)[0]
    assert (q1.units, q1.base, q1.done, q1.shortfall) == (20, 40, 20, 0)

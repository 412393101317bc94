"""P4: the campaign's figures, each checked against a hand-built dataset: two counties of
Nanjing (Jiangning 320115, Xuanwu 320102), records of the city itself (320100), a county
of Wuxi (320205) and a record of the province. Every figure of every jurisdiction is
compared, so a figure that counts a record it should not (a draft, a record dated before
the campaign, a neighbour's) fails. Then the roll-up county → city → province, and the
query count, independent of the number of records."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import (
    CaseStatus,
    ComplaintKind,
    ComplaintStatus,
    Decision,
    Listing,
    ListingLevel,
    ListingStatus,
    PoliceReferral,
    PoliceReferralStatus,
    Reward,
    RewardStatus,
)
from dairy_campaign.choices import AgencyKind, Role
from inspections.models import Den, InspectionStatus, Measure, MeasureKind, MeasureStatus, Outcome
from licensing.models import (
    Arrangement,
    LicenceStatus,
    LicenceType,
    OperatorKind,
    OperatorStatus,
    ReviewOutcome,
)
from reports.statistics import (
    FIGURES,
    SECTIONS,
    figures_by_jurisdiction,
    rollup,
    sections_for,
    zeros,
)
from sampling.models import Category, LabResult, LotKind, Verdict
from sampling.selectors import Period, compliance_by_county

from ..cases.factories import CaseFactory, ComplaintFactory
from ..factories import AgencyFactory, member, place
from ..inspections.factories import InspectionFactory, TemplateFactory
from ..inspections.factories_field import SweepFactory
from ..licensing.factories import LicenceFactory, OperatorFactory
from ..sampling.factories import LotFactory, SampleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)  # a Friday; the campaign runs 2026-04-01 – 12-31
UTC = datetime.UTC
d = datetime.date
JUNE_10, NOV_2, NOV_3, NOV_6 = d(2026, 6, 10), d(2026, 11, 2), d(2026, 11, 3), d(2026, 11, 6)


def at(day: datetime.date, hour_utc: int = 2) -> datetime.datetime:
    """10:00 in Nanjing on `day`."""
    return datetime.datetime(day.year, day.month, day.day, hour_utc, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------------------
# The dataset


class Dataset:
    """Builds the records; `expected` holds, per jurisdiction code, the figures that are not
    zero, worked out by hand in the comments."""

    def __init__(self):
        self.template = TemplateFactory()
        self.clerk = member("320115", AgencyKind.QTS, Role.CLERK)
        self.inspectors = {}

    def inspector(self, code):
        if code not in self.inspectors:
            self.inspectors[code] = member(code, AgencyKind.FDA, Role.INSPECTOR)
        return self.inspectors[code]

    def operator(self, kind, code="320115", **kwargs):
        return OperatorFactory(kind=kind, county=place(code), **kwargs)

    def inspection(self, operator=None, code=None, *, status=InspectionStatus.APPROVED, outcome="", on=JUNE_10):
        code = code or operator.county_id
        return InspectionFactory(
            template=self.template,
            inspector=self.inspector(code),
            operator=operator,
            jurisdiction=place(code),
            status=status,
            outcome=outcome,
            inspected_on=on,
        )

    def measure(self, inspection, kind, *, status=MeasureStatus.DONE, quantity=None, unit="", **kwargs):
        return Measure.objects.create(
            inspection=inspection,
            kind=kind,
            description="发现问题",
            quantity=quantity,
            unit=unit,
            status=status,
            recorded_by=inspection.inspector,
            **kwargs,
        )

    def lot(self, holder, kind=LotKind.RAW_MILK, category=Category.LIQUID_MILK, dated=NOV_2):
        return LotFactory(
            operator=holder, supplier=None, kind=kind, category=category, dated=dated, recorded_by=self.clerk
        )

    def sample(self, lot, on=NOV_3):
        return SampleFactory(lot=lot, sampled_at=at(on))

    def result(self, sample, category, verdict=Verdict.CONFORMING, on=NOV_6):
        return LabResult.objects.create(
            sample=sample,
            entered_value=Decimal("0.5"),
            entered_unit="mg/kg",
            mg_per_kg=Decimal("0.5"),
            detection_limit=Decimal("0.05"),
            category=category,
            limit=Decimal("2.5"),
            verdict=verdict,
            method="GB/T 22388-2008",
            lab="江苏省产品质量监督检验研究院",
            tested_on=on,
            entered_by=self.clerk,
        )

    def case(self, code="320115", *, clue_on, **kwargs):
        return CaseFactory(
            operator=None,
            party_name="某当事人",
            agency=AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place(code)),
            jurisdiction=place(code),
            clue_at=at(clue_on),
            **kwargs,
        )

    def complaint(self, code="320115", *, received_on, kind=ComplaintKind.TIP, **kwargs):
        return ComplaintFactory(
            jurisdiction=place(code),
            assigned_agency=AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place(code)),
            received_at=at(received_on),
            kind=kind,
            recorded_by=self.clerk,
            **kwargs,
        )

    def reward(self, complaint, amount, status):
        return Reward.objects.create(
            complaint=complaint, amount=Decimal(amount), grounds="举报属实", status=status, proposed_by=self.clerk
        )


def build() -> tuple[Dataset, dict[str, dict]]:
    data = Dataset()
    K, S = OperatorKind, OperatorStatus

    # --- Jiangning 320115 -----------------------------------------------------------
    p1 = data.operator(K.DAIRY_PRODUCER)
    p2 = data.operator(
        K.DAIRY_FOOD_PRODUCER, status=S.SUSPENDED, arrangement=Arrangement.LEASED, actual_operator="某人"
    )
    station = data.operator(K.PURCHASE_STATION)
    farm = data.operator(K.DAIRY_FARM, scale_farm=True, herd_size=300)
    shop = data.operator(K.SMALL_RETAILER)
    data.operator(K.SUPERMARKET, status=S.CLOSED)
    den1 = data.operator(K.UNLICENSED, status=S.BANNED, credit_code=None)
    den2 = data.operator(K.UNLICENSED, status=S.BANNED, credit_code=None)

    # Inspections: two filed in the campaign; one filed before it and a draft do not count.
    i1 = data.inspection(p1, status=InspectionStatus.SUBMITTED, outcome=Outcome.PROBLEMS, on=d(2026, 6, 10))
    i2 = data.inspection(shop, status=InspectionStatus.APPROVED, outcome=Outcome.CONFORMING, on=d(2026, 11, 20))
    march = data.inspection(station, status=InspectionStatus.APPROVED, outcome=Outcome.CONFORMING, on=d(2026, 3, 15))
    draft = data.inspection(farm, status=InspectionStatus.DRAFT, on=d(2026, 11, 25))

    data.measure(i1, MeasureKind.RECTIFY, deadline=d(2026, 7, 10))
    data.measure(i1, MeasureKind.STOP_AND_DESTROY, quantity=Decimal("12.5"), unit="kg", product="散装奶粉")
    data.measure(i1, MeasureKind.DESTROY_EXPIRED, quantity=Decimal("0.25"), unit="吨", product="过期酸奶")
    data.measure(i1, MeasureKind.STOP_AND_DESTROY, quantity=Decimal("3"), unit="箱", product="来源不明乳粉")
    data.measure(i2, MeasureKind.BAN_UNLICENSED, status=MeasureStatus.IN_EFFECT)
    data.measure(march, MeasureKind.TRACE_SOURCE)
    data.measure(draft, MeasureKind.RECTIFY, status=MeasureStatus.RECORDED, deadline=d(2026, 12, 10))

    # Licences: production ones of the re-review (L1) are the decided ones.
    LicenceFactory(
        type=LicenceType.PRODUCTION,
        operator=p1,
        status=LicenceStatus.GRANTED,
        reviewed_on=d(2026, 5, 1),
        review_outcome=ReviewOutcome.PASSED,
    )
    LicenceFactory(
        type=LicenceType.PRODUCTION,
        operator=p2,
        status=LicenceStatus.RECTIFYING,
        reviewed_on=d(2026, 5, 2),
        review_outcome=ReviewOutcome.FAILED,
    )
    LicenceFactory(type=LicenceType.PRODUCTION, operator=p1, status=LicenceStatus.REVOKED)
    LicenceFactory(type=LicenceType.PRODUCTION, operator=p2, status=LicenceStatus.REFUSED)
    LicenceFactory(type=LicenceType.DISTRIBUTION, operator=shop, status=LicenceStatus.GRANTED)
    LicenceFactory(type=LicenceType.PURCHASE, operator=station, status=LicenceStatus.UNDER_REVIEW)

    # Sampling. Q1: p1 bought 20 batches, 2 sampled: minimum ceil(15% × 20) = 3, short 1;
    # p2 (in business) bought none. Q4: p1's first lot is on Monday 11-02, so the weeks of
    # 11-02, 09, 16 and 23 are due; one finished batch sampled in the first: 3 missed.
    # Q2: the station is sampled. Q3: the scale farm is not (minimum 1). Q5: the shop owes
    # ceil(8 months / 3) = 3 samples of infant formula, one taken.
    intake = [data.lot(p1) for _ in range(20)]
    s_raw = data.sample(intake[0])
    data.sample(intake[1])
    s_finished = data.sample(data.lot(p1, LotKind.FINISHED, Category.INFANT_FORMULA))
    s_station = data.sample(data.lot(station))
    s_shop = data.sample(data.lot(shop, LotKind.RETAIL, Category.INFANT_FORMULA))
    s_march = data.sample(data.lot(shop, LotKind.RETAIL, Category.MILK_POWDER, d(2026, 3, 19)), on=d(2026, 3, 20))
    data.result(s_raw, Category.LIQUID_MILK)
    data.result(s_finished, Category.INFANT_FORMULA, Verdict.NON_CONFORMING)
    data.result(s_shop, Category.INFANT_FORMULA)
    data.result(s_station, Category.LIQUID_MILK, Verdict.NON_CONFORMING)
    data.result(s_march, Category.MILK_POWDER, on=d(2026, 3, 25))

    # Cases: each event counted by its own date.
    c1 = data.case(
        clue_on=d(2026, 6, 1),
        status=CaseStatus.CLOSED,
        major=True,
        filed_on=d(2026, 6, 3),
        decision=Decision.FINE,
        fine_amount=Decimal("1234.56"),
        decided_on=d(2026, 7, 1),
        closed_on=d(2026, 7, 10),
    )
    c2 = data.case(clue_on=d(2026, 11, 20), status=CaseStatus.FILED, filed_on=d(2026, 11, 21))
    c3 = data.case(
        clue_on=d(2026, 3, 10),
        status=CaseStatus.DECIDED,
        filed_on=d(2026, 3, 12),
        decision=Decision.FINE,
        fine_amount=Decimal("100.10"),
        decided_on=d(2026, 4, 15),
    )
    data.case(clue_on=d(2026, 11, 25), status=CaseStatus.CLUE)
    police = AgencyFactory(kind=AgencyKind.PSB, jurisdiction=place("320115"))
    for case, on, status in ((c1, d(2026, 6, 5), PoliceReferralStatus.ACCEPTED), (c3, d(2026, 3, 15), "referred")):
        PoliceReferral.objects.create(
            case=case,
            police_unit=police,
            referred_on=on,
            document_number=f"移送{case.pk}",
            days_from_clue=2,
            status=status,
            referred_by=data.clerk,
        )
    city_office = AgencyFactory(kind=AgencyKind.FSO, jurisdiction=place("320100"))
    for case, on, status in ((c1, d(2026, 6, 10), ListingStatus.LIFTED), (c2, d(2026, 11, 22), ListingStatus.OPEN)):
        Listing.objects.create(
            case=case,
            office=city_office,
            level=ListingLevel.CITY,
            listed_on=on,
            deadline=on + datetime.timedelta(days=30),
            requirements="限期查结",
            document_number=f"督办{case.pk}",
            status=status,
            listed_by=data.clerk,
        )

    # Complaints received in the campaign and their rewards; one from March does not count.
    k1 = data.complaint(received_on=d(2026, 6, 1), status=ComplaintStatus.CASE_OPENED)
    data.reward(k1, "500.00", RewardStatus.PAID)
    data.complaint(
        received_on=d(2026, 11, 25), kind=ComplaintKind.COMPLAINT, status="received", deadline=d(2026, 11, 26)
    )
    k3 = data.complaint(received_on=d(2026, 11, 26), status=ComplaintStatus.ANSWERED)
    data.reward(k3, "300.00", RewardStatus.APPROVED)
    data.complaint(
        received_on=d(2026, 11, 26),
        kind=ComplaintKind.CONSULTATION,
        status=ComplaintStatus.HANDLING,
        deadline=d(2026, 12, 10),
    )
    k5 = data.complaint(received_on=d(2026, 3, 1), status=ComplaintStatus.ANSWERED)
    data.reward(k5, "50.00", RewardStatus.PAID)

    # Sweeps: one in June found two dens; one in March does not count.
    sweep = SweepFactory(jurisdiction=place("320115"), swept_on=d(2026, 6, 1))
    Den.objects.create(
        sweep=sweep,
        operator=den1,
        activity="非法收购生鲜乳",
        banned_on=d(2026, 6, 2),
        seized_quantity=Decimal("1.5"),
        seized_unit="t",
    )
    Den.objects.create(sweep=sweep, operator=den2, activity="分装乳粉", seized_quantity=Decimal("20"), seized_unit="瓶")
    SweepFactory(jurisdiction=place("320115"), swept_on=d(2026, 3, 1))

    # --- Xuanwu 320102 ------------------------------------------------------------------
    wholesaler = data.operator(K.WHOLESALER, "320102")
    restaurant = data.operator(K.CATERING, "320102")
    x1 = data.inspection(restaurant, status=InspectionStatus.APPROVED, outcome=Outcome.PROBLEMS, on=d(2026, 9, 1))
    data.measure(x1, MeasureKind.STOP_AND_DESTROY, quantity=Decimal("2"), unit="KG", product="过期奶")
    LicenceFactory(type=LicenceType.DISTRIBUTION, operator=wholesaler, status=LicenceStatus.GRANTED)
    s_x = data.sample(data.lot(wholesaler, LotKind.RETAIL, Category.MILK_POWDER, d(2026, 9, 1)), on=d(2026, 9, 1))
    data.result(s_x, Category.MILK_POWDER, on=d(2026, 9, 2))
    data.case("320102", clue_on=d(2026, 9, 1), status=CaseStatus.INVESTIGATING, filed_on=d(2026, 9, 2))
    data.complaint(
        "320102", received_on=d(2026, 9, 1), kind=ComplaintKind.CONSULTATION, status=ComplaintStatus.ANSWERED
    )
    SweepFactory(jurisdiction=place("320102"), swept_on=d(2026, 9, 10))

    # --- Nanjing itself 320100: a supervisory inspection, a case, a complaint --------------
    city = data.inspection(code="320100", status=InspectionStatus.APPROVED, outcome=Outcome.PROBLEMS, on=d(2026, 8, 15))
    data.measure(city, MeasureKind.OPEN_CASE, status=MeasureStatus.REFERRED)
    data.case(
        "320100",
        clue_on=d(2026, 8, 20),
        status=CaseStatus.DECIDED,
        filed_on=d(2026, 8, 21),
        decision=Decision.FINE,
        fine_amount=Decimal("0.01"),
        decided_on=d(2026, 9, 30),
    )
    data.complaint(
        "320100",
        received_on=d(2026, 8, 1),
        kind=ComplaintKind.COMPLAINT,
        status=ComplaintStatus.HANDLING,
        deadline=d(2026, 8, 10),
    )

    # --- Wuxi 320205 and the province 320000 ------------------------------------------------
    data.operator(K.CATERING, "320205")
    data.case(
        "320205",
        clue_on=d(2026, 10, 1),
        status=CaseStatus.DECIDED,
        filed_on=d(2026, 10, 2),
        decision=Decision.FINE,
        fine_amount=Decimal("999.99"),
        decided_on=d(2026, 10, 20),
    )
    data.complaint("320000", received_on=d(2026, 7, 1))

    expected = {
        "320115": {
            # census: 8 operators
            "operators_total": 8,
            "operators_dairy_producer": 1,
            "operators_dairy_food_producer": 1,
            "operators_purchase_station": 1,
            "operators_dairy_farm": 1,
            "operators_small_retailer": 1,
            "operators_supermarket": 1,
            "operators_unlicensed": 2,
            "operators_operating": 4,
            "operators_suspended": 1,
            "operators_closed": 1,
            "operators_banned": 2,
            "operators_flagged": 1,
            # inspections: i1 and i2; coverage of p1, p2, station, farm, shop
            "inspections_filed": 2,
            "inspections_approved": 1,
            "inspections_problems": 1,
            "coverage_due": 5,
            "coverage_inspected": 2,
            "coverage_missing": 3,
            # licences
            "licences_total": 6,
            "licences_granted": 2,
            "licences_rectifying": 1,
            "licences_revoked": 1,
            "licences_refused": 1,
            "licences_under_review": 1,
            "reviews_due": 3,
            "reviews_done": 2,
            "reviews_passed": 1,
            "reviews_failed": 1,
            "reviews_pending": 1,
            # sampling
            "q1_units": 2,
            "q1_required": 3,
            "q1_done": 2,
            "q1_shortfall": 1,
            "q2_units": 1,
            "q2_required": 1,
            "q2_done": 1,
            "q3_units": 1,
            "q3_required": 1,
            "q3_shortfall": 1,
            "q4_units": 1,
            "q4_required": 4,
            "q4_done": 1,
            "q4_shortfall": 3,
            "q5_units": 1,
            "q5_required": 3,
            "q5_done": 1,
            "q5_shortfall": 2,
            "samples_taken": 5,
            "results_total": 4,
            "results_non_conforming": 2,
            "results_liquid_milk": 2,
            "results_infant_formula": 2,
            "non_conforming_liquid_milk": 1,
            "non_conforming_infant_formula": 1,
            # measures of i1 and i2: 12.5 kg + 0.25 t = 262.5 kg, and 3 boxes
            "measures_total": 5,
            "measures_rectify": 1,
            "measures_stop_destroy": 2,
            "measures_destroy_expired": 1,
            "measures_ban_unlicensed": 1,
            "measures_bans": 1,
            "rectifications_done": 1,
            "destroyed_kg": Decimal("262.5"),
            "destroyed_other_units": 1,
            # cases c1, c2, c4 opened; c3's decision in April counts, its filing in March not
            "cases_received": 3,
            "cases_status_closed": 1,
            "cases_status_filed": 1,
            "cases_status_clue": 1,
            "cases_major": 1,
            "cases_filed": 2,
            "cases_decided": 2,
            "cases_fined": 2,
            "fines_yuan": Decimal("1334.66"),
            "cases_closed": 1,
            "police_referrals": 1,
            "police_accepted": 1,
            "listings": 2,
            "listings_open": 1,
            # complaints k1–k4
            "complaints_total": 4,
            "complaints_tip": 2,
            "complaints_complaint": 1,
            "complaints_consultation": 1,
            "complaints_open": 2,
            "complaints_overdue": 1,
            "complaints_answered": 1,
            "complaints_case_opened": 1,
            "rewards_proposed": 2,
            "rewards_granted": 2,
            "rewards_granted_yuan": Decimal("800.00"),
            "rewards_paid": 1,
            "rewards_paid_yuan": Decimal("500.00"),
            # sweeps: 1.5 t seized, and 20 bottles
            "sweeps_total": 1,
            "dens_found": 2,
            "dens_banned": 1,
            "seized_kg": Decimal("1500"),
            "seized_other_units": 1,
        },
        "320102": {
            "operators_total": 2,
            "operators_wholesaler": 1,
            "operators_catering": 1,
            "operators_operating": 2,
            "inspections_filed": 1,
            "inspections_approved": 1,
            "inspections_problems": 1,
            "coverage_due": 2,
            "coverage_inspected": 1,
            "coverage_missing": 1,
            "licences_total": 1,
            "licences_granted": 1,
            # Q5: a wholesaler owes one sample of infant formula a month: 8, none taken
            "q5_units": 1,
            "q5_required": 8,
            "q5_shortfall": 8,
            "samples_taken": 1,
            "results_total": 1,
            "results_milk_powder": 1,
            "measures_total": 1,
            "measures_stop_destroy": 1,
            "destroyed_kg": Decimal("2"),
            "cases_received": 1,
            "cases_status_investigating": 1,
            "cases_filed": 1,
            "complaints_total": 1,
            "complaints_consultation": 1,
            "complaints_answered": 1,
            "sweeps_total": 1,
        },
        "320100": {
            "inspections_filed": 1,
            "inspections_approved": 1,
            "inspections_problems": 1,
            "measures_total": 1,
            "measures_open_case": 1,
            "cases_received": 1,
            "cases_status_decided": 1,
            "cases_filed": 1,
            "cases_decided": 1,
            "cases_fined": 1,
            "fines_yuan": Decimal("0.01"),
            "complaints_total": 1,
            "complaints_complaint": 1,
            "complaints_open": 1,
            "complaints_overdue": 1,
        },
    }
    return data, expected


@pytest.fixture
def dataset(campaign):
    return build()


# ---------------------------------------------------------------------------------------
# Figures of each jurisdiction's own records


def test_every_figure_of_each_jurisdiction_counts_its_own_records(campaign, dataset):
    _data, expected = dataset
    figures = figures_by_jurisdiction(campaign, "3201", today=TODAY)
    assert set(figures) == set(expected)
    for code, nonzero in expected.items():
        assert figures[code] == {**zeros(), **nonzero}, code


def test_figures_are_integers_and_decimals_only(campaign, dataset):
    figures = figures_by_jurisdiction(campaign, "32", today=TODAY)
    for values in figures.values():
        for key, value in values.items():
            assert type(value) is (Decimal if FIGURES[key].decimal else int), key


def test_amounts_are_exact_decimals(campaign, dataset):
    figures = figures_by_jurisdiction(campaign, "3201", today=TODAY)
    assert str(figures["320115"]["fines_yuan"]) == "1334.66"
    assert str(figures["320115"]["rewards_granted_yuan"]) == "800.00"
    assert figures["320115"]["destroyed_kg"] == Decimal("262.500")


def test_a_prefix_reaches_no_record_outside_it(campaign, dataset):
    assert set(figures_by_jurisdiction(campaign, "320115", today=TODAY)) == {"320115"}
    assert set(figures_by_jurisdiction(campaign, "3202", today=TODAY)) == {"320205"}
    assert set(figures_by_jurisdiction(campaign, "32", today=TODAY)) == {
        "320000",
        "320100",
        "320102",
        "320115",
        "320205",
    }


def test_q_figures_are_the_compliance_pages_figures_q1_to_q5(campaign, dataset):
    """Q6: the dashboard's Q1–Q5 shortfalls are those of sampling.selectors, per county."""
    tables = compliance_by_county(_SeesAll(), Period(campaign.starts_on, TODAY), county_prefix="320115")
    figures = figures_by_jurisdiction(campaign, "320115", today=TODAY)["320115"]
    for rule in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        assert figures[f"{rule.lower()}_shortfall"] == sum(row.shortfall for row in tables[rule])
        assert figures[f"{rule.lower()}_required"] == sum(row.required for row in tables[rule])


class _SeesAll:
    is_authenticated = True
    is_superuser = True


# ---------------------------------------------------------------------------------------
# Roll-up


def _sum(*dicts):
    total = zeros()
    for figures in dicts:
        for key, value in figures.items():
            total[key] += value
    return total


def test_rollup_equals_the_sum_of_children_plus_own_records(campaign, dataset):
    county = rollup(place("320115"), campaign, today=TODAY)
    city = rollup(place("320100"), campaign, today=TODAY)
    province = rollup(place("320000"), campaign, today=TODAY)
    own = figures_by_jurisdiction(campaign, "32", today=TODAY)

    # A county has no children: its total is its own records.
    assert county.children == []
    assert county.own == county.total == own["320115"]

    # The city: every county listed, zeros included; total = own + children.
    assert [child.code for child, _ in city.children] == sorted(j.code for j in place("320100").children.all())
    children = {child.code: figures for child, figures in city.children}
    assert children["320115"] == county.total
    assert children["320104"] == zeros()
    assert city.own == own["320100"]
    assert city.total == _sum(city.own, *children.values())
    assert city.total["cases_received"] == 3 + 1 + 1
    assert city.total["fines_yuan"] == Decimal("1334.67")
    assert city.total["complaints_overdue"] == 2

    # The province: thirteen cities, its own complaint, Wuxi's case.
    cities = {child.code: figures for child, figures in province.children}
    assert len(cities) == 13
    assert cities["320100"] == city.total
    assert province.total == _sum(province.own, *cities.values())
    assert province.own["complaints_total"] == 1
    assert province.total["complaints_total"] == 4 + 1 + 1 + 1
    assert province.total["fines_yuan"] == Decimal("2334.66")
    assert str(province.total["fines_yuan"]) == "2334.66"


def test_rollup_of_an_empty_campaign_is_all_zeros(campaign):
    city = rollup(place("320100"), campaign, today=TODAY)
    assert city.total == city.own == zeros()
    assert all(figures == zeros() for _child, figures in city.children)


# ---------------------------------------------------------------------------------------
# Cost: a fixed number of queries


def _queries(campaign) -> int:
    with CaptureQueriesContext(connection) as queries:
        rollup(place("320000"), campaign, today=TODAY)
    return len(queries)


def test_query_count_does_not_grow_with_the_records(campaign):
    data = Dataset()
    shop = data.operator(OperatorKind.SMALL_RETAILER)
    data.measure(data.inspection(shop), MeasureKind.STOP_AND_DESTROY, quantity=Decimal(1), unit="kg")
    data.case(clue_on=d(2026, 6, 1))
    few = _queries(campaign)
    for code in ("320115", "320102", "320205"):
        for _ in range(6):
            operator = data.operator(OperatorKind.SMALL_RETAILER, code)
            inspection = data.inspection(operator, outcome=Outcome.PROBLEMS)
            data.measure(inspection, MeasureKind.STOP_AND_DESTROY, quantity=Decimal(1), unit="t")
            data.sample(data.lot(operator, LotKind.RETAIL, Category.INFANT_FORMULA))
            data.case(code, clue_on=d(2026, 6, 1))
            data.complaint(code, received_on=d(2026, 6, 1))
    assert _queries(campaign) == few
    assert few <= 30


# ---------------------------------------------------------------------------------------
# Sections


def test_figure_keys_are_unique_and_every_figure_has_a_section():
    keys = [figure.key for section in SECTIONS for figure in section.figures]
    assert len(keys) == len(set(keys)) == len(FIGURES)
    assert [s.key for s in SECTIONS] == [
        "census",
        "inspections",
        "licences",
        "sampling",
        "measures",
        "cases",
        "complaints",
        "sweeps",
    ]


def test_offices_and_governments_report_every_section_departments_their_own():
    assert sections_for(AgencyKind.FSO) == SECTIONS
    assert sections_for(AgencyKind.GOV) == SECTIONS
    assert sections_for(None) == SECTIONS
    assert [s.key for s in sections_for(AgencyKind.PSB)] == ["cases", "sweeps"]
    assert "sampling" not in [s.key for s in sections_for(AgencyKind.FDA)]
    assert "sampling" in [s.key for s in sections_for(AgencyKind.QTS)]

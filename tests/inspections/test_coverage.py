"""S2/S4 逐家排查 coverage: operators of the register with a filed checklist this campaign,
per county and kind, scoped to the reader, in one query whatever the register's size."""

import datetime

import pytest

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import InspectionStatus
from inspections.selectors import CoverageRow, inspection_coverage, not_inspected
from licensing.models import OperatorKind

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories import InspectionFactory

IN_CAMPAIGN = datetime.date(2026, 6, 15)
S = InspectionStatus


def catering(name, county="320115"):
    return OperatorFactory(kind=OperatorKind.CATERING, name=name, county=place(county))


@pytest.fixture
def register(campaign, catering_template, fda_inspector, other_county_fda):
    """Jiangning: seven catering units in every state of inspection, a producer, a den;
    Xuanwu: two catering units; Wuxi: one."""

    def inspect(operator, status=S.APPROVED, on=IN_CAMPAIGN, inspector=fda_inspector):
        return InspectionFactory(
            template=catering_template, inspector=inspector, operator=operator, status=status, inspected_on=on
        )

    ops = {
        "approved": catering("A已审核餐厅"),
        "submitted": catering("B已提交餐厅"),
        "draft": catering("C草稿餐厅"),
        "returned": catering("D退回餐厅"),
        "before": catering("E整治前餐厅"),
        "first_day": catering("F首日餐厅"),
        "never": catering("G未查餐厅"),
        "producer": OperatorFactory(kind=OperatorKind.DAIRY_PRODUCER, name="H乳业"),
        "den": OperatorFactory(kind=OperatorKind.UNLICENSED, name="I黑窝点", credit_code=None),
        "xuanwu_done": catering("J玄武已查餐厅", "320102"),
        "xuanwu_never": catering("K玄武未查餐厅", "320102"),
        "wuxi_never": catering("L锡山未查餐厅", "320205"),
    }
    inspect(ops["approved"])
    inspect(ops["approved"], on=datetime.date(2026, 9, 1))
    inspect(ops["submitted"], S.SUBMITTED)
    inspect(ops["draft"], S.DRAFT)
    inspect(ops["returned"], S.RETURNED)
    inspect(ops["before"], on=datetime.date(2026, 3, 31))
    inspect(ops["before"], on=datetime.date(2025, 11, 20))
    inspect(ops["first_day"], on=datetime.date(2026, 4, 1))
    inspect(ops["den"])
    inspect(ops["xuanwu_done"], inspector=other_county_fda)
    return ops


def as_tuples(rows):
    return [(r.county_code, r.kind, r.registered, r.inspected) for r in rows]


def test_s2_s4_coverage_counts_submitted_and_approved_checklists_of_the_campaign(register, fda_reviewer, campaign):
    rows = inspection_coverage(fda_reviewer, campaign)
    assert as_tuples(rows) == [("320115", "catering", 7, 3), ("320115", "dairy_producer", 1, 0)]
    jiangning = rows[0]
    assert jiangning.county_name == "江宁区" and jiangning.kind_label == "Catering unit"
    assert jiangning.missing == 4 and jiangning.percent == 42


def test_s2_s4_not_inspected_lists_drafts_returned_out_of_campaign_and_never_inspected(
    register, fda_reviewer, campaign
):
    missing = list(not_inspected(fda_reviewer, campaign))
    assert [o.name for o in missing] == ["C草稿餐厅", "D退回餐厅", "E整治前餐厅", "G未查餐厅", "H乳业"]
    assert missing[0].county.name == "江宁区"


def test_s2_s4_unlicensed_operations_are_banned_not_counted(register, fda_reviewer, campaign):
    assert OperatorKind.UNLICENSED not in {r.kind for r in inspection_coverage(fda_reviewer, campaign)}
    assert register["den"] not in not_inspected(fda_reviewer, campaign)
    assert not inspection_coverage(fda_reviewer, campaign, kinds=[OperatorKind.UNLICENSED])


def test_s2_s4_a_county_user_of_any_department_sees_only_its_county(register, campaign):
    qts_viewer = member("320115", AgencyKind.QTS, Role.VIEWER)
    assert {r.county_code for r in inspection_coverage(qts_viewer, campaign)} == {"320115"}
    assert {o.county_id for o in not_inspected(qts_viewer, campaign)} == {"320115"}
    xuanwu = member("320102", AgencyKind.FDA, Role.VIEWER)
    assert as_tuples(inspection_coverage(xuanwu, campaign)) == [("320102", "catering", 2, 1)]
    assert [o.name for o in not_inspected(xuanwu, campaign)] == ["K玄武未查餐厅"]


def test_s2_s4_a_city_user_sees_the_counties_of_its_city(register, city_admin, campaign):
    assert as_tuples(inspection_coverage(city_admin, campaign)) == [
        ("320102", "catering", 2, 1),
        ("320115", "catering", 7, 3),
        ("320115", "dairy_producer", 1, 0),
    ]
    names = [o.name for o in not_inspected(city_admin, campaign)]
    assert names[0] == "K玄武未查餐厅" and "L锡山未查餐厅" not in names and len(names) == 6


def test_s2_s4_the_province_sees_every_city(register, province_fso, campaign):
    counties = {r.county_code for r in inspection_coverage(province_fso, campaign)}
    assert counties == {"320102", "320115", "320205"}


def test_s2_s4_coverage_narrows_by_kind_and_county(register, city_admin, campaign):
    only_producers = inspection_coverage(city_admin, campaign, kinds=[OperatorKind.DAIRY_PRODUCER])
    assert as_tuples(only_producers) == [("320115", "dairy_producer", 1, 0)]
    xuanwu = inspection_coverage(city_admin, campaign, county_prefix="320102")
    assert as_tuples(xuanwu) == [("320102", "catering", 2, 1)]
    assert [
        o.name for o in not_inspected(city_admin, campaign, kinds=[OperatorKind.CATERING], county_prefix="320102")
    ] == ["K玄武未查餐厅"]


def test_s2_s4_a_county_prefix_does_not_widen_the_users_scope(register, fda_reviewer, campaign):
    assert inspection_coverage(fda_reviewer, campaign, county_prefix="320102") == []
    assert not not_inspected(fda_reviewer, campaign, county_prefix="32").filter(county_id="320102").exists()


def test_s2_s4_a_user_without_a_department_sees_no_coverage(register, campaign):
    from ..factories import UserFactory

    nobody = UserFactory(agency=None)
    assert inspection_coverage(nobody, campaign) == []
    assert not not_inspected(nobody, campaign).exists()


@pytest.mark.parametrize(
    ("registered", "inspected", "percent", "missing"),
    [(7, 3, 42, 4), (1000, 999, 99, 1), (4, 4, 100, 0), (0, 0, 100, 0)],
    ids=["rounded-down", "not-yet-full", "full", "nothing-registered"],
)
def test_s2_s4_coverage_percent_is_whole_and_rounded_down(registered, inspected, percent, missing):
    row = CoverageRow("320115", "江宁区", "catering", "Catering unit", registered, inspected)
    assert (row.percent, row.missing) == (percent, missing)


def test_s2_s4_coverage_costs_one_query_whatever_the_register_size(
    register, fda_reviewer, fda_inspector, catering_template, campaign, django_assert_num_queries
):
    def measured():
        with django_assert_num_queries(1):
            rows = inspection_coverage(fda_reviewer, campaign)
        with django_assert_num_queries(1):
            names = [f"{o.name}{o.county.name}" for o in not_inspected(fda_reviewer, campaign)]
        return rows, names

    rows, names = measured()
    for i in range(15):
        operator = catering(f"M新增餐厅{i:02d}")
        if i % 3:
            InspectionFactory(template=catering_template, inspector=fda_inspector, operator=operator, status=S.APPROVED)
    more_rows, more_names = measured()
    assert more_rows[0].registered == rows[0].registered + 15 and more_rows[0].inspected == rows[0].inspected + 10
    assert len(more_names) == len(names) + 5

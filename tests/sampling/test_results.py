"""Q7 results: entered for samples the lab received, converted exactly from µg/kg, judged
against the 2008 temporary limits (exactly at the limit conforms), reviewed by another
person, corrected with the old value kept; many at once, all or nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification
from sampling.models import Category, LabResult, LotKind, LotStatus, MassUnit, Referral, SampleStatus, Verdict
from sampling.services.results import (
    MAX_UPLOAD_ROWS,
    ResultRow,
    RowsRejected,
    result_correct,
    result_enter,
    result_review,
    result_upload,
    results_enter_many,
)
from sampling.services.samples import custody_advance

from ..factories import AgencyFactory, member, place
from .factories import LotFactory
from .test_samples import receive, take

pytestmark = pytest.mark.django_db
S = SampleStatus
TESTED_ON = datetime.date(2026, 11, 5)


@pytest.fixture
def sampler():
    return member("320115", AgencyKind.QTS, Role.INSPECTOR, full_name="张伟")


@pytest.fixture
def clerk():
    return member("320115", AgencyKind.QTS, Role.CLERK, full_name="林化验")


@pytest.fixture
def reviewer():
    return member("320115", AgencyKind.QTS, Role.REVIEWER, full_name="黄芳")


@pytest.fixture
def received(sampler, clerk):
    return receive(clerk, take(sampler, LotFactory()))


def measure(**overrides) -> dict:
    data = {
        "value": Decimal("0.05"),
        "unit": MassUnit.MG_PER_KG,
        "detection_limit": Decimal("0.01"),
        "method": "GB/T 22388-2008",
        "lab": "江宁区质检所",
        "tested_on": TESTED_ON,
    }
    return {**data, **overrides}


def enter(actor, sample, **overrides) -> LabResult:
    return result_enter(actor=actor, sample=sample, **measure(**overrides))


# Q7 through the service.

Q7_CASES = [
    (Category.INFANT_FORMULA, "1", MassUnit.MG_PER_KG, Verdict.CONFORMING),
    (Category.INFANT_FORMULA, "1.0001", MassUnit.MG_PER_KG, Verdict.NON_CONFORMING),
    (Category.INFANT_FORMULA, "1000", MassUnit.UG_PER_KG, Verdict.CONFORMING),
    (Category.INFANT_FORMULA, "1000.1", MassUnit.UG_PER_KG, Verdict.NON_CONFORMING),
    (Category.INFANT_FORMULA, "1.6", MassUnit.MG_PER_KG, Verdict.NON_CONFORMING),
    (Category.LIQUID_MILK, "2.5", MassUnit.MG_PER_KG, Verdict.CONFORMING),
    (Category.LIQUID_MILK, "2.5001", MassUnit.MG_PER_KG, Verdict.NON_CONFORMING),
    (Category.LIQUID_MILK, "3.2", MassUnit.MG_PER_KG, Verdict.NON_CONFORMING),
    (Category.MILK_POWDER, "2500", MassUnit.UG_PER_KG, Verdict.CONFORMING),
    (Category.MILK_POWDER, "2500.1", MassUnit.UG_PER_KG, Verdict.NON_CONFORMING),
    (Category.OTHER_FORMULA, "2.5", MassUnit.MG_PER_KG, Verdict.CONFORMING),
    (Category.MILK_FOOD, "2.5", MassUnit.MG_PER_KG, Verdict.CONFORMING),
    (Category.FEED, "2.6", MassUnit.MG_PER_KG, Verdict.NON_CONFORMING),
    (Category.LIQUID_MILK, "0", MassUnit.MG_PER_KG, Verdict.CONFORMING),
]
KIND_OF = {
    Category.INFANT_FORMULA: LotKind.FINISHED,
    Category.LIQUID_MILK: LotKind.RAW_MILK,
    Category.MILK_POWDER: LotKind.MILK_POWDER,
    Category.OTHER_FORMULA: LotKind.MILK_POWDER,
    Category.MILK_FOOD: LotKind.FINISHED,
    Category.FEED: LotKind.FINISHED,
}


@pytest.mark.parametrize(("category", "value", "unit", "verdict"), Q7_CASES)
def test_Q7_the_verdict_follows_the_lots_category_and_exactly_at_the_limit_conforms(
    sampler, clerk, category, value, unit, verdict
):
    lot = LotFactory(kind=KIND_OF[category], category=category, own_test_mg_per_kg=None, supplier=None)
    sample = receive(clerk, take(sampler, lot))
    detection = Decimal("10") if unit == MassUnit.UG_PER_KG else Decimal("0.01")
    result = enter(clerk, sample, value=Decimal(value), unit=unit, detection_limit=detection)
    assert result.verdict == verdict
    assert result.category == category
    assert result.limit == (Decimal("1") if category == Category.INFANT_FORMULA else Decimal("2.5"))


def test_Q7_micrograms_per_kilogram_are_converted_exactly(clerk, received):
    result = enter(clerk, received, value=Decimal("3200"), unit=MassUnit.UG_PER_KG, detection_limit=Decimal("50"))
    result.refresh_from_db()
    assert result.mg_per_kg == Decimal("3.2") and result.detection_limit == Decimal("0.05")
    assert (result.entered_value, result.entered_unit) == (Decimal("3200"), MassUnit.UG_PER_KG)


def test_Q7_a_value_that_cannot_be_kept_exactly_in_mg_per_kg_is_refused_not_rounded(clerk, received):
    with pytest.raises(ValidationError) as refused:
        enter(clerk, received, value=Decimal("0.05"), unit=MassUnit.UG_PER_KG)
    assert "value" in refused.value.message_dict
    assert not LabResult.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value", Decimal("-0.1")),
        ("value", 3.2),  # a float: results are Decimals
        ("value", "abc"),
        ("unit", "ppm"),
        ("detection_limit", Decimal("0")),
        ("method", " "),
        ("lab", ""),
        ("tested_on", datetime.date(2026, 11, 1)),  # before the sample was taken
        ("tested_on", datetime.date(2099, 1, 1)),
    ],
)
def test_Q7_a_result_needs_a_non_negative_decimal_a_unit_a_detection_limit_a_method_a_lab_and_a_date(
    clerk, received, field, value
):
    with pytest.raises(ValidationError) as refused:
        enter(clerk, received, **{field: value})
    assert field in refused.value.message_dict
    assert not LabResult.objects.exists()


# Custody and who enters.


def test_entering_the_result_moves_the_received_sample_to_tested_and_reported(clerk, received):
    result = enter(clerk, received)
    received.refresh_from_db()
    assert received.status == S.REPORTED
    steps = list(received.custody.values_list("step", "by"))
    assert steps[-2:] == [(S.TESTED, clerk.pk), (S.REPORTED, clerk.pk)]
    assert result.entered_by == clerk and result.history.get().history_user == clerk


@pytest.mark.parametrize("step", [S.SAMPLED, S.SENT])
def test_a_result_waits_for_the_lab_to_record_receiving_the_sample(sampler, clerk, step):
    sample = take(sampler, LotFactory())
    if step == S.SENT:
        custody_advance(actor=sampler, sample=sample, step=S.SENT)
    with pytest.raises(ValidationError) as refused:
        enter(clerk, sample)
    assert "Received by the lab" in str(refused.value)
    sample.refresh_from_db()
    assert sample.status == step and not LabResult.objects.exists()


def test_a_sample_has_one_result_later_changes_are_corrections(clerk, received):
    enter(clerk, received)
    with pytest.raises(ValidationError) as refused:
        enter(clerk, received, value=Decimal("0.06"))
    assert "correct it" in str(refused.value)


@pytest.mark.parametrize(
    "who",
    [
        ("320115", AgencyKind.AIC, Role.CLERK),  # another department's lab
        ("320115", AgencyKind.QTS, Role.VIEWER),
        ("320102", AgencyKind.QTS, Role.CLERK),
    ],
)
def test_only_writing_members_of_the_sampling_department_enter_results(received, who):
    with pytest.raises(PermissionDenied):
        enter(member(*who), received)
    assert not LabResult.objects.exists()


# Review.


def test_a_reviewer_confirms_the_result_and_custody_ends_at_reviewed(clerk, reviewer, received):
    result = result_review(actor=reviewer, result=enter(clerk, received))
    received.refresh_from_db()
    assert received.status == S.REVIEWED and result.reviewed_by == reviewer and result.reviewed_at
    assert received.custody.order_by("-id").first().by == reviewer


def test_only_a_reviewer_other_than_the_one_who_entered_it_reviews(clerk, reviewer, received):
    result = enter(clerk, received)
    with pytest.raises(PermissionDenied):
        result_review(actor=clerk, result=result)
    own = receive(reviewer, take(reviewer, LotFactory()))
    with pytest.raises(PermissionDenied):
        result_review(actor=reviewer, result=enter(reviewer, own))
    with pytest.raises(PermissionDenied):
        result_review(actor=member("320115", AgencyKind.AIC, Role.REVIEWER), result=result)


def test_a_result_is_reviewed_once(clerk, reviewer, received):
    result = result_review(actor=reviewer, result=enter(clerk, received))
    with pytest.raises(ValidationError):
        result_review(actor=member("320115", AgencyKind.QTS, Role.REVIEWER), result=result)


# Corrections.


def test_before_review_any_writing_member_corrects_without_a_reason(clerk, sampler, received):
    result = enter(clerk, received)
    result_correct(actor=sampler, result=result, **measure(value=Decimal("0.07")))
    result.refresh_from_db()
    assert result.mg_per_kg == Decimal("0.07") and result.entered_by == clerk
    assert result.history.first().history_change_reason == "Corrected before review"


def test_after_review_a_correction_needs_a_reason_and_the_old_value_stays_in_the_history(clerk, reviewer, received):
    result = result_review(actor=reviewer, result=enter(clerk, received, value=Decimal("0.05")))
    with pytest.raises(ValidationError) as refused:
        result_correct(actor=clerk, result=result, **measure(value=Decimal("0.08")))
    assert "reason" in refused.value.message_dict
    result_correct(
        actor=clerk, result=result, reason="录入时小数点错位，据原始记录更正", **measure(value=Decimal("0.08"))
    )
    result.refresh_from_db()
    assert result.mg_per_kg == Decimal("0.08") and result.reviewed_by == reviewer
    versions = list(result.history.order_by("history_date", "history_id"))
    assert versions[0].mg_per_kg == Decimal("0.05")
    assert (versions[-1].mg_per_kg, versions[-1].history_change_reason) == (
        Decimal("0.08"),
        "录入时小数点错位，据原始记录更正",
    )
    assert versions[-1].history_user == clerk


def test_a_correction_that_changes_nothing_is_refused(clerk, received):
    result = enter(clerk, received)
    with pytest.raises(ValidationError):
        result_correct(actor=clerk, result=result, **measure())


def test_Q8_a_correction_to_non_conforming_runs_the_consequences(clerk, received):
    result = enter(clerk, received)
    assert not Referral.objects.exists()
    result_correct(actor=clerk, result=result, **measure(value=Decimal("3.2")))
    received.lot.refresh_from_db()
    assert received.lot.status == LotStatus.ON_HOLD
    assert Referral.objects.filter(result=result, kind="case").exists()


def test_Q8_a_non_conforming_result_corrected_to_conforming_does_not_release_the_hold(clerk, received):
    result = enter(clerk, received, value=Decimal("3.2"))
    referral = Referral.objects.get(result=result)
    result_correct(actor=clerk, result=result, **measure(value=Decimal("0.032")))
    result.refresh_from_db()
    received.lot.refresh_from_db()
    assert result.verdict == Verdict.CONFORMING
    assert received.lot.status == LotStatus.ON_HOLD
    referral.refresh_from_db()
    assert referral.status == "open"
    told = Notification.objects.filter(title__contains="now conforms")
    assert told.exists() and "stays on hold" in told.first().body


# Many at once.


@pytest.fixture
def two_received(sampler, clerk):
    return [receive(clerk, take(sampler, LotFactory())) for _ in range(2)]


def rows(samples, *overrides):
    return [
        ResultRow(key=s.code, sample=s, values=measure(**extra)) for s, extra in zip(samples, overrides, strict=True)
    ]


def test_many_results_are_saved_together(clerk, two_received):
    results = results_enter_many(actor=clerk, rows=rows(two_received, {}, {"value": Decimal("0.1")}))
    assert len(results) == 2 and LabResult.objects.count() == 2


def test_many_results_are_all_or_nothing_with_the_errors_of_each_row(clerk, two_received):
    first, second = two_received
    with pytest.raises(RowsRejected) as refused:
        results_enter_many(actor=clerk, rows=rows(two_received, {"value": Decimal("3.2")}, {"unit": "ppm"}))
    assert list(refused.value.rows) == [second.code]
    assert "unit" in refused.value.rows[second.code][0]
    # The valid first row, non-conforming, was rolled back with its consequences.
    assert not LabResult.objects.exists() and not Referral.objects.exists()
    first.refresh_from_db()
    assert first.status == S.RECEIVED and first.lot.status == LotStatus.NORMAL


def test_a_sample_twice_in_one_batch_is_refused(clerk, two_received):
    sample = two_received[0]
    with pytest.raises(RowsRejected) as refused:
        results_enter_many(actor=clerk, rows=[ResultRow("2", sample, measure()), ResultRow("3", sample, measure())])
    assert list(refused.value.rows) == ["3"]
    assert not LabResult.objects.exists()


def workbook(rows_, header=True) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    if header:
        sheet.append(["样品编号", "结果", "单位", "检出限", "方法", "实验室", "检测日期"])
    for row in rows_:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("results.xlsx", buffer.getvalue())


def test_an_excel_upload_enters_every_row(clerk, two_received):
    first, second = two_received
    upload = workbook(
        [
            [first.code, 0.05, "mg/kg", 0.01, "GB/T 22388-2008", "江宁区质检所", TESTED_ON],
            [second.code, 3200, "µg/kg", 50, "GB/T 22388-2008", "江宁区质检所", "2026-11-05"],
        ]
    )
    results = result_upload(actor=clerk, upload=upload)
    assert [r.mg_per_kg for r in results] == [Decimal("0.05"), Decimal("3.2")]
    assert results[1].verdict == Verdict.NON_CONFORMING


def test_an_excel_upload_is_all_or_nothing_with_the_sheets_row_numbers(clerk, two_received):
    first, second = two_received
    upload = workbook(
        [
            [first.code, 0.05, "mg/kg", 0.01, "GB/T 22388-2008", "江宁区质检所", TESTED_ON],
            [second.code, -1, "mg/kg", 0.01, "GB/T 22388-2008", "江宁区质检所", TESTED_ON],
            ["320115-2026-999999", 0.05, "mg/kg", 0.01, "GB/T 22388-2008", "江宁区质检所", "not a date"],
        ]
    )
    with pytest.raises(RowsRejected) as refused:
        result_upload(actor=clerk, upload=upload)
    assert sorted(refused.value.rows) == ["3", "4"]
    assert any("320115-2026-999999" in m for m in refused.value.rows["4"])
    assert any("tested on" in m for m in refused.value.rows["4"])
    assert not LabResult.objects.exists()


def test_an_excel_upload_of_samples_outside_the_jurisdiction_finds_nothing(two_received):
    outsider = member("320102", AgencyKind.QTS, Role.CLERK)
    upload = workbook([[two_received[0].code, 0.05, "mg/kg", 0.01, "m", "l", TESTED_ON]])
    with pytest.raises(RowsRejected) as refused:
        result_upload(actor=outsider, upload=upload)
    assert "No sample" in refused.value.rows["2"][0]


def test_an_upload_must_be_a_workbook_of_at_most_the_synchronous_row_limit(clerk):
    with pytest.raises(ValidationError) as refused:
        result_upload(actor=clerk, upload=SimpleUploadedFile("results.xlsx", b"code,value\n"))
    assert "file" in refused.value.message_dict
    big = workbook([[f"C{n}", 0.05, "mg/kg", 0.01, "m", "l", TESTED_ON] for n in range(MAX_UPLOAD_ROWS + 1)])
    with pytest.raises(ValidationError) as refused:
        result_upload(actor=clerk, upload=big)
    assert "split the file" in str(refused.value)


def test_the_hold_is_recorded_even_when_another_departments_lab_enters_it(sampler):
    """Q8: any writing user who sees the lot may set its hold through a result (lot_hold)."""
    AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115"))
    city_clerk = member("320100", AgencyKind.QTS, Role.CLERK)
    sample = receive(city_clerk, take(sampler, LotFactory()))
    enter(city_clerk, sample, value=Decimal("3.2"))
    sample.lot.refresh_from_db()
    assert sample.lot.status == LotStatus.ON_HOLD

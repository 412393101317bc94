import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import local_today
from inspections.models import SelfInspectionReport, SelfReportStatus
from inspections.services.self_reports import self_report_accept, self_report_record, self_report_return
from licensing.models import OperatorKind, OperatorStatus

from ..factories import member
from ..licensing.factories import OperatorFactory
from .factories_field import PDF, SelfReportFactory

pytestmark = pytest.mark.django_db
S = SelfReportStatus


@pytest.fixture
def qts():
    return member("320115", AgencyKind.QTS, Role.INSPECTOR)


@pytest.fixture
def qts_reviewer():
    return member("320115", AgencyKind.QTS, Role.REVIEWER)


def pdf(name="自查报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def record(actor, operator, campaign, **overrides):
    data = {
        "received_on": datetime.date(2026, 6, 10),
        "problems_found": "原料乳进货查验记录不全",
        "actions_taken": "已补齐记录并指定专人复核",
        "document": pdf(),
    }
    return self_report_record(actor=actor, operator=operator, campaign=campaign, **{**data, **overrides})


def test_P1_the_department_keeping_the_operator_receives_its_self_inspection_report_with_its_hash(qts, campaign):
    producer = OperatorFactory()
    report = record(qts, producer, campaign)
    assert report.status == S.RECEIVED and report.recorded_by == qts
    assert report.document_sha256 == hashlib.sha256(PDF).hexdigest()
    assert report.document.read() == PDF
    assert report.history.count() == 1


def test_P1_a_catering_units_report_is_received_by_the_catering_department(campaign):
    fda = member("320115", AgencyKind.FDA, Role.INSPECTOR)
    assert record(fda, OperatorFactory(kind=OperatorKind.CATERING), campaign).operator.kind == OperatorKind.CATERING


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [
        ("320115", AgencyKind.FDA, Role.INSPECTOR),  # another department
        ("320115", AgencyKind.QTS, Role.VIEWER),  # no writing role
        ("320102", AgencyKind.QTS, Role.INSPECTOR),  # another county
    ],
)
def test_P1_a_report_is_refused_to_anyone_but_the_department_keeping_the_operator(campaign, code, kind, role):
    with pytest.raises(PermissionDenied):
        record(member(code, kind, role), OperatorFactory(), campaign)
    assert not SelfInspectionReport.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("report.pdf", b"just text, not a pdf", content_type="application/pdf"),
        SimpleUploadedFile("report.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        None,
    ],
)
def test_P1_only_a_pdf_jpeg_or_png_report_is_kept_and_nothing_else_is_written(qts, campaign, upload):
    with pytest.raises(ValidationError) as refused:
        record(qts, OperatorFactory(), campaign, document=upload)
    assert "document" in refused.value.message_dict
    assert not SelfInspectionReport.objects.exists()


@pytest.mark.parametrize(
    "received_on", [datetime.date(2026, 3, 31), datetime.date(2027, 1, 2), local_today() + datetime.timedelta(days=1)]
)
def test_P1_the_date_received_falls_within_the_campaign_and_not_in_the_future(qts, campaign, received_on):
    with pytest.raises(ValidationError) as refused:
        record(qts, OperatorFactory(), campaign, received_on=received_on)
    assert "received_on" in refused.value.message_dict


@pytest.mark.parametrize("field", ["problems_found", "actions_taken"])
def test_P1_a_report_states_the_problems_found_and_the_corrective_actions(qts, campaign, field):
    with pytest.raises(ValidationError) as refused:
        record(qts, OperatorFactory(), campaign, **{field: "  "})
    assert field in refused.value.message_dict


def test_P1_a_banned_operation_does_not_report_a_self_inspection(campaign):
    aic = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    den = OperatorFactory(kind=OperatorKind.UNLICENSED, credit_code=None, status=OperatorStatus.BANNED)
    with pytest.raises(ValidationError):
        record(aic, den, campaign)


def test_P1_a_reviewer_accepts_a_report(qts_reviewer):
    report = SelfReportFactory()
    self_report_accept(actor=qts_reviewer, report=report, note="自查全面")
    report.refresh_from_db()
    assert (report.status, report.review_note) == (S.ACCEPTED, "自查全面")


def test_P1_a_reviewer_returns_a_report_saying_what_is_missing(qts_reviewer):
    report = SelfReportFactory()
    with pytest.raises(ValidationError) as refused:
        self_report_return(actor=qts_reviewer, report=report, note=" ")
    assert "note" in refused.value.message_dict
    self_report_return(actor=qts_reviewer, report=report, note="未附批批检验记录")
    report.refresh_from_db()
    assert (report.status, report.review_note) == (S.RETURNED, "未附批批检验记录")


def test_P1_a_decided_report_is_not_decided_again(qts_reviewer):
    report = SelfReportFactory()
    self_report_accept(actor=qts_reviewer, report=report)
    with pytest.raises(ValidationError):
        self_report_return(actor=qts_reviewer, report=report, note="改主意")


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [
        ("320115", AgencyKind.QTS, Role.INSPECTOR),
        ("320115", AgencyKind.FDA, Role.REVIEWER),
        ("320102", AgencyKind.QTS, Role.REVIEWER),
    ],
)
def test_P1_only_a_reviewer_of_the_owning_department_decides(code, kind, role):
    report = SelfReportFactory()
    with pytest.raises(PermissionDenied):
        self_report_accept(actor=member(code, kind, role), report=report)
    report.refresh_from_db()
    assert report.status == S.RECEIVED

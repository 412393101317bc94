import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification, StateChange
from inspections.models import Consignment, ConsignmentStatus
from inspections.services.consignments import (
    consignment_destroy,
    consignment_lab_result_record,
    consignment_register,
    consignment_release,
    consignment_return,
    consignment_update_checks,
    release_blockers,
)
from licensing.models import LicenceStatus, OperatorKind

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories_field import ConsignmentFactory, consignee_filing, importer

pytestmark = pytest.mark.django_db
S = ConsignmentStatus


@pytest.fixture
def ciq():
    return member("320100", AgencyKind.CIQ, Role.INSPECTOR)


@pytest.fixture
def ciq_reviewer():
    return member("320100", AgencyKind.CIQ, Role.REVIEWER)


@pytest.fixture
def lab_clerk():
    return member("320115", AgencyKind.QTS, Role.CLERK)


def registration(company, **overrides):
    fields = {
        "importer": company,
        "consignee_filing": None,
        "product": "婴幼儿配方乳粉（1段）",
        "quantity": Decimal("12000"),
        "unit": "罐",
        "origin_country": "荷兰",
        "arrived_on": datetime.date(2026, 9, 20),
        "health_certificate_number": "NL-2026-HC-11302",
        "warehouse": "禄口指定监管仓库",
    }
    return {**fields, **overrides}


def release(actor, consignment, **overrides):
    data = {"reason": "检验检疫合格", "document_number": "宁检证〔2026〕0917号"}
    return consignment_release(actor=actor, consignment=consignment, **{**data, **overrides})


def test_S5_inspection_and_quarantine_registers_a_batch_held_in_its_designated_warehouse(ciq):
    company = importer()
    filing = consignee_filing(company)
    consignment = consignment_register(actor=ciq, **registration(company, consignee_filing=filing))
    assert consignment.status == S.HELD and consignment.lab_conforming is None
    assert consignment.recorded_by == ciq and consignment.history.count() == 1


@pytest.mark.parametrize(
    ("kind", "role"), [(AgencyKind.QTS, Role.INSPECTOR), (AgencyKind.AIC, Role.REVIEWER), (AgencyKind.CIQ, Role.VIEWER)]
)
def test_S5_only_a_writing_inspection_and_quarantine_user_registers_consignments(kind, role):
    with pytest.raises(PermissionDenied):
        consignment_register(actor=member("320100", kind, role), **registration(importer()))
    assert not Consignment.objects.exists()


def test_S5_the_importer_is_an_importer_of_the_register_within_the_actors_jurisdiction(ciq):
    for company in (OperatorFactory(kind=OperatorKind.WHOLESALER), importer(county=place("320324"))):
        with pytest.raises(ValidationError) as refused:
            consignment_register(actor=ciq, **registration(company))
        assert "importer" in refused.value.message_dict
    assert not Consignment.objects.exists()


def test_S5_a_consignee_filing_given_is_a_valid_filing_of_that_importer(ciq):
    company = importer()
    for filing in (consignee_filing(importer(name="别家进口公司")), consignee_filing(company, LicenceStatus.APPLIED)):
        with pytest.raises(ValidationError) as refused:
            consignment_register(actor=ciq, **registration(company, consignee_filing=filing))
        assert "consignee_filing" in refused.value.message_dict
    assert not Consignment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("health_certificate_number", "  "),
        ("quantity", Decimal("0")),
        ("warehouse", ""),
        ("quarantine_permit_required", True),  # without the permit number
    ],
)
def test_S5_a_batch_needs_its_health_certificate_a_positive_quantity_its_warehouse_and_its_permit(ciq, field, value):
    with pytest.raises(ValidationError):
        consignment_register(actor=ciq, **registration(importer(), **{field: value}))
    assert not Consignment.objects.exists()


def test_release_is_refused_until_a_conforming_lab_result_exists(ciq_reviewer, lab_clerk):
    """S5: held in the designated warehouse until it passes."""
    consignment = ConsignmentFactory(ready=True)
    with pytest.raises(ValidationError) as refused:
        release(ciq_reviewer, consignment)
    assert "no lab result yet" in str(refused.value)
    consignment.refresh_from_db()
    assert consignment.status == S.HELD and not StateChange.objects.exists()
    consignment_lab_result_record(actor=lab_clerk, consignment=consignment, conforming=True, reference="R-1")
    released = release(ciq_reviewer, consignment)
    assert released.status == S.RELEASED
    change = StateChange.objects.get()
    assert (change.from_state, change.to_state, change.document_number) == ("held", "released", "宁检证〔2026〕0917号")


def test_S5_a_non_conforming_result_is_never_released(ciq_reviewer, lab_clerk):
    consignment = ConsignmentFactory(ready=True)
    consignment_lab_result_record(actor=lab_clerk, consignment=consignment, conforming=False, reference="R-2")
    with pytest.raises(ValidationError) as refused:
        release(ciq_reviewer, consignment)
    assert "does not conform" in str(refused.value)
    consignment.refresh_from_db()
    assert consignment.status == S.HELD


def test_S5_a_non_conforming_result_stands_against_a_later_conforming_one(lab_clerk):
    consignment = ConsignmentFactory(ready=True)
    consignment_lab_result_record(actor=lab_clerk, consignment=consignment, conforming=False, reference="R-2")
    with pytest.raises(ValidationError):
        consignment_lab_result_record(actor=lab_clerk, consignment=consignment, conforming=True, reference="R-3")
    consignment.refresh_from_db()
    assert (consignment.lab_conforming, consignment.lab_reference) == (False, "R-2")


@pytest.mark.parametrize("check", ["certificate_content_ok", "certificate_seal_ok", "certificate_signatory_ok"])
def test_S5_release_is_refused_until_the_health_certificates_content_seal_and_signatory_are_checked(
    ciq_reviewer, check
):
    consignment = ConsignmentFactory(ready=True, lab_conforming=True, lab_reference="R-1", **{check: False})
    with pytest.raises(ValidationError) as refused:
        release(ciq_reviewer, consignment)
    assert "health certificate is not yet checked" in str(refused.value)
    consignment.refresh_from_db()
    assert consignment.status == S.HELD


def test_S5_release_is_refused_without_the_quarantine_permit_where_one_is_required(ciq_reviewer):
    # Saved around the services, as an old record could be: the release still checks.
    consignment = ConsignmentFactory(
        ready=True, lab_conforming=True, lab_reference="R", quarantine_permit_required=True
    )
    assert any("quarantine permit" in b for b in release_blockers(consignment))
    with pytest.raises(ValidationError):
        release(ciq_reviewer, consignment)
    consignment.refresh_from_db()
    assert consignment.status == S.HELD


@pytest.mark.parametrize("filing_status", [None, LicenceStatus.REVOKED, LicenceStatus.EXPIRED])
def test_S5_release_is_refused_without_a_valid_consignee_filing(ciq_reviewer, filing_status):
    consignment = ConsignmentFactory(ready=True, lab_conforming=True, lab_reference="R")
    if filing_status is None:
        consignment.consignee_filing = None
    else:
        consignment.consignee_filing.status = filing_status
        consignment.consignee_filing.save()
    consignment.save()
    with pytest.raises(ValidationError) as refused:
        release(ciq_reviewer, consignment)
    assert "consignee filing" in str(refused.value)


def test_S5_certificate_checks_and_the_permit_are_completed_while_held_then_the_batch_is_released(
    ciq, ciq_reviewer, lab_clerk
):
    company = importer()
    consignment = consignment_register(actor=ciq, **registration(company))
    assert len(release_blockers(consignment)) == 3  # lab, certificate checks, filing
    consignment_update_checks(
        actor=ciq,
        consignment=consignment,
        consignee_filing=consignee_filing(company),
        certificate_content_ok=True,
        certificate_seal_ok=True,
        certificate_signatory_ok=True,
        quarantine_permit_required=True,
        quarantine_permit_number="320100202600355",
    )
    consignment_lab_result_record(actor=lab_clerk, consignment=consignment, conforming=True, reference="R-1")
    consignment.refresh_from_db()
    assert release_blockers(consignment) == []
    assert release(ciq_reviewer, consignment).status == S.RELEASED
    with pytest.raises(ValidationError):
        consignment_update_checks(actor=ciq, consignment=consignment, warehouse="别处")


def test_S5_release_is_a_reviewers_decision(ciq, lab_clerk):
    consignment = ConsignmentFactory(ready=True, lab_conforming=True, lab_reference="R")
    for actor in (ciq, lab_clerk, member("320300", AgencyKind.CIQ, Role.REVIEWER)):
        with pytest.raises(PermissionDenied):
            release(actor, consignment)


@pytest.mark.parametrize(("service", "status"), [(consignment_destroy, S.DESTROYED), (consignment_return, S.RETURNED)])
def test_S5_a_batch_failing_safety_health_or_environment_items_is_destroyed_or_returned(
    ciq_reviewer, lab_clerk, service, status
):
    consignment = ConsignmentFactory()
    consignment_lab_result_record(actor=lab_clerk, consignment=consignment, conforming=False, reference="R-9")
    done = service(
        actor=ciq_reviewer,
        consignment=consignment,
        failed_items=["safety", "health"],
        reason="三聚氰胺超过临时管理限量值",
        document_number="宁检处〔2026〕12号",
    )
    assert done.status == status
    change = StateChange.objects.get()
    assert change.to_state == status and "三聚氰胺" in change.reason and change.document_number
    with pytest.raises(ValidationError):
        release(ciq_reviewer, done)


@pytest.mark.parametrize(
    ("items", "reason", "document", "field"),
    [
        ([], "不合格", "D-1", "failed_items"),
        (["taste"], "不合格", "D-1", "failed_items"),
        (["safety"], " ", "D-1", "reason"),
        (["safety"], "不合格", "", "document_number"),
    ],
)
def test_S5_destruction_names_the_failing_items_its_reason_and_document(ciq_reviewer, items, reason, document, field):
    consignment = ConsignmentFactory()
    with pytest.raises(ValidationError) as refused:
        consignment_destroy(
            actor=ciq_reviewer, consignment=consignment, failed_items=items, reason=reason, document_number=document
        )
    assert field in refused.value.message_dict
    consignment.refresh_from_db()
    assert consignment.status == S.HELD


def test_S5_the_lab_result_service_takes_a_clerk_of_any_department_and_notifies_inspection_and_quarantine(
    lab_clerk, ciq_reviewer
):
    consignment = ConsignmentFactory(ready=True)
    done = consignment_lab_result_record(actor=lab_clerk, consignment=consignment, conforming=True, reference="R-1")
    assert done.lab_conforming is True and done.lab_reference == "R-1" and done.lab_recorded_at
    assert done.status == S.HELD  # a result never releases by itself
    recipients = set(Notification.objects.values_list("recipient__agency__kind", flat=True))
    assert recipients == {AgencyKind.CIQ}
    assert Notification.objects.filter(recipient=ciq_reviewer).exists()


def test_S5_recording_the_same_lab_result_again_changes_nothing(lab_clerk):
    consignment = ConsignmentFactory()
    consignment_lab_result_record(actor=lab_clerk, consignment=consignment, conforming=True, reference="R-1")
    versions = consignment.history.count()
    consignment_lab_result_record(actor=lab_clerk, consignment=consignment, conforming=True, reference="R-1")
    assert consignment.history.count() == versions


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [("320115", AgencyKind.QTS, Role.VIEWER), ("320324", AgencyKind.QTS, Role.CLERK)],
)
def test_S5_the_lab_result_is_refused_to_a_viewer_and_to_a_clerk_who_cannot_see_the_batch(code, kind, role):
    consignment = ConsignmentFactory()
    with pytest.raises(PermissionDenied):
        consignment_lab_result_record(
            actor=member(code, kind, role), consignment=consignment, conforming=True, reference="R"
        )
    consignment.refresh_from_db()
    assert consignment.lab_conforming is None


def test_S5_a_lab_result_names_its_report(lab_clerk):
    with pytest.raises(ValidationError):
        consignment_lab_result_record(actor=lab_clerk, consignment=ConsignmentFactory(), conforming=True, reference=" ")

"""C2: evidence collected and fixed: checked by content, kept with its SHA-256, never
changed once attached (no update path), verified against the stored file."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from cases.models import CaseStatus, Evidence
from cases.services import evidence as evidence_service
from cases.services.evidence import evidence_attach, evidence_verify
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.demo import DEMO_PDF

from ..factories import member
from .factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def test_evidence_is_kept_with_the_sha256_of_its_content_C2(aic_inspector, make_pdf):
    case = CaseFactory(status=CaseStatus.FILED)
    evidence = evidence_attach(actor=aic_inspector, case=case, upload=make_pdf("笔录.pdf"), description="现场检查笔录")
    assert evidence.sha256 == hashlib.sha256(DEMO_PDF).hexdigest()
    assert (evidence.content_type, evidence.size, evidence.attached_by) == (
        "application/pdf",
        len(DEMO_PDF),
        aic_inspector,
    )
    with evidence.file.open("rb") as handle:
        assert handle.read() == DEMO_PDF
    assert evidence_verify(evidence)


def test_the_same_file_attached_twice_is_two_records_C2(aic_inspector, make_pdf):
    case = CaseFactory()
    first = evidence_attach(actor=aic_inspector, case=case, upload=make_pdf(), description="扫描件")
    second = evidence_attach(actor=aic_inspector, case=case, upload=make_pdf(), description="扫描件")
    assert first.pk != second.pk and first.sha256 == second.sha256
    assert first.file.name != second.file.name and case.evidence.count() == 2


def test_the_type_is_read_from_the_content_not_the_name(aic_inspector):
    case = CaseFactory()
    disguised = SimpleUploadedFile("照片.pdf", png_bytes(), content_type="application/pdf")
    evidence = evidence_attach(actor=aic_inspector, case=case, upload=disguised, description="现场照片")
    assert evidence.content_type == "image/png" and evidence.file.name.endswith(".png")
    fake = SimpleUploadedFile("报告.pdf", b"just text, not a PDF", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        evidence_attach(actor=aic_inspector, case=case, upload=fake, description="报告")
    assert "upload" in error.value.message_dict


def test_a_file_over_the_size_limit_is_refused(aic_inspector, make_pdf, settings):
    settings.UPLOAD_MAX_BYTES = len(DEMO_PDF) - 1
    with pytest.raises(ValidationError, match="larger than"):
        evidence_attach(actor=aic_inspector, case=CaseFactory(), upload=make_pdf(), description="扫描件")
    assert not Evidence.objects.exists()


def test_a_stored_file_that_changed_or_vanished_fails_verification_C2(aic_inspector, make_pdf):
    evidence = evidence_attach(actor=aic_inspector, case=CaseFactory(), upload=make_pdf(), description="扫描件")
    with open(evidence.file.path, "ab") as handle:
        handle.write(b"tampered")
    assert not evidence_verify(evidence)
    evidence.file.storage.delete(evidence.file.name)
    assert not evidence_verify(evidence)


def test_evidence_has_no_update_or_delete_path_C2(aic_reviewer, make_pdf):
    services = {name for name in dir(evidence_service) if name.startswith("evidence_")}
    assert services == {"evidence_attach", "evidence_verify"}
    case = CaseFactory()
    evidence = evidence_attach(actor=aic_reviewer, case=case, upload=make_pdf(), description="扫描件")
    api = APIClient()
    api.force_authenticate(aic_reviewer)
    url = f"/api/v1/cases/{case.pk}/evidence/"
    for method in (api.put, api.patch, api.delete):
        assert method(url, {"description": "改"}, format="json").status_code == 405
    evidence.refresh_from_db()
    assert evidence.description == "扫描件" and evidence_verify(evidence)


@pytest.mark.parametrize(
    ("kind", "role", "code"),
    [
        (AgencyKind.AIC, Role.VIEWER, "320115"),
        (AgencyKind.QTS, Role.INSPECTOR, "320115"),
        (AgencyKind.PSB, Role.REVIEWER, "320115"),
        (AgencyKind.AIC, Role.INSPECTOR, "320102"),
    ],
)
def test_only_writers_of_the_case_department_attach_evidence(kind, role, code, make_pdf):
    with pytest.raises(PermissionDenied):
        evidence_attach(actor=member(code, kind, role), case=CaseFactory(), upload=make_pdf(), description="扫描件")


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.DISMISSED])
def test_a_closed_case_takes_no_more_evidence(aic_inspector, make_pdf, status):
    with pytest.raises(ValidationError, match="closed case"):
        evidence_attach(actor=aic_inspector, case=CaseFactory(status=status), upload=make_pdf(), description="扫描件")


def test_evidence_says_what_it_shows(aic_inspector, make_pdf):
    with pytest.raises(ValidationError) as error:
        evidence_attach(actor=aic_inspector, case=CaseFactory(), upload=make_pdf(), description="  ")
    assert "description" in error.value.message_dict

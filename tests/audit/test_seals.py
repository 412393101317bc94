"""A signed checklist and a reviewed lab result carry a seal over their evidential content:
a later change of that content, by any means, shows on the page and in the API; a
legitimate resubmission or correction seals the new content."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dairy_campaign.seals import canonical_json, seal_digest
from inspections.models import Inspection
from inspections.services.review import inspection_return
from inspections.services.seal import checklist_seal, seal_problems, verify_seal
from sampling.models import LabResult
from sampling.services.results import result_correct, result_review
from sampling.services.seal import seal_problems as result_seal_problems
from sampling.services.seal import verify_seal as verify_result_seal

from .conftest import fill, measure, sign

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# The digest itself.


def test_the_canonical_form_ignores_key_order_and_trailing_zeros():
    assert canonical_json({"b": 1, "a": Decimal("2.5000")}) == canonical_json({"a": Decimal("2.5"), "b": 1})
    assert seal_digest({"a": "甲"}) != seal_digest({"a": "乙"})
    assert len(seal_digest({})) == 64


# Checklists.


def test_a_checklist_is_sealed_when_signed_and_the_seal_stays_intact(signed):
    signed.refresh_from_db()
    assert len(signed.content_seal) == 64
    check = verify_seal(signed)
    assert check.intact and check.state == "intact"
    assert seal_problems(signed) == []


def test_a_draft_has_no_seal(draft):
    assert draft.content_seal == "" and not verify_seal(draft).sealed and seal_problems(draft) == []


def test_answers_changed_in_the_database_after_signing_break_the_seal(signed):
    answers = {**signed.answers, "storage": {"value": "差", "note": ""}}
    Inspection.objects.filter(pk=signed.pk).update(answers=answers)  # no service, no history row
    check = verify_seal(signed)
    assert check.sealed and not check.intact and check.state == "broken"
    assert seal_problems(signed) == ["The content was changed after it was sealed: the seal does not match it."]


def test_a_photo_swapped_after_signing_breaks_the_seal(signed, fda_inspector):
    from inspections.models import InspectionPhoto

    InspectionPhoto.objects.create(
        inspection=signed,
        item_code="storage_photo",
        image="inspections/x.jpg",
        sha256="0" * 64,
        content_type="image/jpeg",
        taken_at=signed.signed_at,
        uploaded_by=fda_inspector,
    )
    assert not verify_seal(signed).intact


def test_the_checklist_page_says_whether_the_seal_is_intact(client, signed, fda_inspector):
    client.force_login(fda_inspector)
    url = reverse("inspection_detail", args=[signed.pk])
    page = client.get(url).content.decode()
    assert 'data-seal-state="intact"' in page and "Seal intact" in page and signed.content_seal in page
    Inspection.objects.filter(pk=signed.pk).update(remarks="事后补写")
    page = client.get(url).content.decode()
    assert 'data-seal-state="broken"' in page and "Content changed after signing" in page


def test_the_api_shows_the_seal_and_its_check(signed, fda_inspector):
    url = reverse("inspection-detail", args=[signed.pk])
    body = api_as(fda_inspector).get(url).json()
    assert body["content_seal"] == signed.content_seal
    assert body["seal_check"] == {
        "seal": signed.content_seal,
        "state": "intact",
        "intact": True,
        "label": "Seal intact",
    }
    Inspection.objects.filter(pk=signed.pk).update(inspected_on="2026-11-01")
    assert api_as(fda_inspector).get(url).json()["seal_check"]["intact"] is False


def test_a_returned_and_resubmitted_checklist_is_sealed_again(signed, fda_inspector, fda_reviewer):
    first_seal = Inspection.objects.get(pk=signed.pk).content_seal
    inspection_return(actor=fda_reviewer, inspection=Inspection.objects.get(pk=signed.pk), note="贮存条件需复核")
    returned = Inspection.objects.get(pk=signed.pk)
    assert not verify_seal(returned).sealed  # open for correction: no seal stands
    fill(returned, fda_inspector, answers={"storage": {"value": "一般"}})
    resubmitted = sign(returned, fda_inspector)
    resubmitted.refresh_from_db()
    assert resubmitted.content_seal not in ("", first_seal)
    assert verify_seal(resubmitted).intact
    assert checklist_seal(resubmitted) == resubmitted.content_seal


# Lab results.


def test_a_result_is_sealed_when_reviewed_and_a_change_in_the_database_shows(result, qts_reviewer):
    assert result.content_seal == "" and not verify_result_seal(result).sealed
    result_review(actor=qts_reviewer, result=result)
    assert verify_result_seal(result).intact and result_seal_problems(result) == []
    LabResult.objects.filter(pk=result.pk).update(mg_per_kg=Decimal("0.0100"))
    assert verify_result_seal(result).state == "broken" and result_seal_problems(result)


def test_a_correction_after_review_with_a_reason_is_sealed_again(result, qts_reviewer, clerk):
    result_review(actor=qts_reviewer, result=result)
    sealed = LabResult.objects.get(pk=result.pk).content_seal
    result_correct(actor=clerk, result=result, reason="抄录错误", **measure(value=Decimal("0.06")))
    corrected = LabResult.objects.get(pk=result.pk)
    assert corrected.content_seal != sealed and verify_result_seal(corrected).intact


def test_the_sample_page_and_the_api_show_the_results_seal(client, result, qts_reviewer):
    result_review(actor=qts_reviewer, result=result)
    client.force_login(qts_reviewer)
    page = client.get(reverse("sample_detail", args=[result.sample_id])).content.decode()
    assert 'data-seal-state="intact"' in page and "Seal intact" in page
    LabResult.objects.filter(pk=result.pk).update(lab="另一实验室")
    page = client.get(reverse("sample_detail", args=[result.sample_id])).content.decode()
    assert 'data-seal-state="broken"' in page
    body = api_as(qts_reviewer).get(reverse("lab-result-detail", args=[result.pk])).json()
    assert body["seal_check"]["state"] == "broken"
    assert body["content_seal"] == LabResult.objects.get(pk=result.pk).content_seal

"""The seal of a reviewed lab result: what the reviewer confirmed, digested when they
confirm it, so that any later change of that content, by whatever means, shows."""

from dairy_campaign.seals import SealCheck, seal_check, seal_digest
from dairy_campaign.seals import seal_problems as _check_problems

from ..models import LabResult


def result_content(result: LabResult) -> dict:
    """The evidential content of a result: the sample, the value as entered and in mg/kg,
    the detection limit, the limit and verdict, method, laboratory and date, and the review
    (who, when)."""
    return {
        "sample": result.sample.code,
        "entered_value": result.entered_value,
        "entered_unit": result.entered_unit,
        "mg_per_kg": result.mg_per_kg,
        "detection_limit": result.detection_limit,
        "category": result.category,
        "limit": result.limit,
        "verdict": result.verdict,
        "method": result.method,
        "lab": result.lab,
        "tested_on": result.tested_on,
        "entered_by": result.entered_by_id,
        "reviewer": result.reviewed_by_id,
        "reviewed_at": result.reviewed_at,
    }


def result_seal(result: LabResult) -> str:
    """The seal of the result as it is now (taken at review, and again at a correction
    after review, which is made with a reason and kept in the result's history)."""
    return seal_digest(result_content(result))


def result_seal_check(result: LabResult) -> SealCheck:
    """The stored seal against the result as loaded."""
    return seal_check(result.content_seal, result_content(result))


def verify_seal(result: LabResult) -> SealCheck:
    """The stored seal against the result's content now, read afresh from the database."""
    return result_seal_check(LabResult.objects.select_related("sample").get(pk=result.pk))


def seal_problems(result: LabResult) -> list[str]:
    """Empty if the result is unsealed or its content is what was reviewed."""
    return _check_problems(verify_seal(result))

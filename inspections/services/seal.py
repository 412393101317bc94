"""The seal of a signed checklist: what the inspector signed, digested when they sign it,
so that any later change of that content, by whatever means, shows on the checklist."""

from dairy_campaign.seals import SealCheck, seal_check, seal_digest
from dairy_campaign.seals import seal_problems as _check_problems

from ..models import Inspection

MEASURE_FIELDS = ("kind", "description", "product", "quantity", "unit", "witness", "deadline", "document_number")


def checklist_content(inspection: Inspection) -> dict:
    """The evidential content of a checklist: its template version, subject, inspector and
    date, answers, remarks, measures, photo digests, and the signature (who, meaning, when).
    The workflow (status, review) is not content: a review does not break the seal."""
    return {
        "template": {"code": inspection.template.code, "version": inspection.template.version},
        "operator": inspection.operator_id,
        "consignment": inspection.consignment_id,
        "sweep": inspection.sweep_id,
        "jurisdiction": inspection.jurisdiction_id,
        "agency": inspection.agency_id,
        "inspector": inspection.inspector_id,
        "inspected_on": inspection.inspected_on,
        "answers": inspection.answers,
        "remarks": inspection.remarks,
        # .all(), sorted here: a list of checklists reads them from its prefetch
        "measures": [
            {name: getattr(measure, name) for name in MEASURE_FIELDS}
            for measure in sorted(inspection.measures.all(), key=lambda m: m.pk)
        ],
        "photos": sorted([photo.item_code, photo.sha256] for photo in inspection.photos.all()),
        "signer": inspection.signed_by_id,
        "signed_name": inspection.signed_name,
        "meaning": inspection.signature_meaning,
        "signed_at": inspection.signed_at,
    }


def checklist_seal(inspection: Inspection) -> str:
    """The seal of the checklist as it is now (taken at signature)."""
    return seal_digest(checklist_content(inspection))


def checklist_seal_check(inspection: Inspection) -> SealCheck:
    """The stored seal against the checklist as loaded. A checklist back with its inspector
    for correction is open again: it is sealed anew when resubmitted, until then no seal
    stands."""
    stored = "" if inspection.editable else inspection.content_seal
    return seal_check(stored, checklist_content(inspection))


def verify_seal(inspection: Inspection) -> SealCheck:
    """The stored seal against the checklist's content now, read afresh from the database."""
    return checklist_seal_check(Inspection.objects.select_related("template").get(pk=inspection.pk))


def seal_problems(inspection: Inspection) -> list[str]:
    """Empty if the checklist is unsealed or its content is what was signed."""
    return _check_problems(verify_seal(inspection))

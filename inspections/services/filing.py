"""Filing a checklist (二.1–二.5): drafts saved as the inspector goes, photo evidence, and
submission under the inspector's electronic signature."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dairy_campaign.ownership import DECIDE_ROLES, OWNERS
from dairy_campaign.scoping import user_scope_prefix
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify
from dairy_campaign.transitions import transition
from dairy_campaign.uploads import upload_sha256
from licensing.models import Operator
from licensing.services.common import require_editable

from ..models import (
    Assignment,
    AssignmentStatus,
    ChecklistTemplate,
    Consignment,
    Inspection,
    InspectionPhoto,
    InspectionStatus,
    Outcome,
    Subject,
    Sweep,
)
from .answers import evidence_problems, has_problems, merge_answers
from .common import require_field_role
from .measures import measures_on_submit
from .photos import check_position, exif_taken_at, image_content_type
from .seal import checklist_seal

S = InspectionStatus
REVIEW_FLOW = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.RETURNED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
}
SIGNATURE_MEANING = gettext_lazy("I carried out this inspection and this record is true and complete.")


class DraftConflict(ValidationError):
    """Someone saved the draft since this editor loaded it; nothing was saved."""

    def __init__(self, inspection: Inspection):
        self.inspection = inspection
        who = inspection.history.select_related("history_user").first()
        name = (who.history_user.full_name or who.history_user.username) if who and who.history_user else "?"
        super().__init__(
            _(
                "%(name)s saved this checklist while you were editing it. Your answers were not saved and are "
                "still in the form: compare them with the saved version below and save again."
            )
            % {"name": name}
        )


def _may_file(actor, template: ChecklistTemplate) -> bool:
    if actor.is_superuser:
        return True
    if template.subject == Subject.SWEEP:
        return actor.kind in OWNERS["sweep"]
    return actor.kind == template.owner_kind


def _subject(actor, template, *, operator=None, jurisdiction=None, consignment=None, sweep=None):
    """The record a checklist is about and the jurisdiction it belongs to."""
    if template.subject == Subject.OPERATOR:
        if operator is None or not Operator.objects.visible_to(actor).filter(pk=operator.pk).exists():
            raise ValidationError({"operator": _("Choose an operator within your jurisdiction.")})
        if operator.kind not in template.operator_kinds:
            raise ValidationError(
                {"operator": _("The checklist “%(name)s” is not for this kind of operator.") % {"name": template.name}}
            )
        return {"operator": operator, "jurisdiction": operator.county}
    if template.subject == Subject.CONSIGNMENT:
        if consignment is None or not Consignment.objects.visible_to(actor).filter(pk=consignment.pk).exists():
            raise ValidationError({"consignment": _("Choose an import consignment within your jurisdiction.")})
        return {"consignment": consignment, "jurisdiction": consignment.importer.county}
    if template.subject == Subject.SWEEP:
        if sweep is None or not Sweep.objects.visible_to(actor).filter(pk=sweep.pk).exists():
            raise ValidationError({"sweep": _("Choose a sweep within your jurisdiction.")})
        return {"sweep": sweep, "jurisdiction": sweep.jurisdiction}
    prefix = user_scope_prefix(actor) or ""
    if jurisdiction is None or not (actor.is_superuser or jurisdiction.code.startswith(prefix)):
        raise ValidationError({"jurisdiction": _("Choose a jurisdiction within yours.")})
    return {"jurisdiction": jurisdiction}


@transaction.atomic
def inspection_start(
    *,
    actor,
    template: ChecklistTemplate | None = None,
    assignment: Assignment | None = None,
    inspected_on: datetime.date | None = None,
    **subject,
) -> Inspection:
    """Open a draft checklist on the current version of a template, for an assignment or
    for a subject the inspector chooses. The draft keeps that version for good."""
    require_field_role(actor)
    if assignment is not None:
        require_editable(actor, assignment)
        if assignment.status in (AssignmentStatus.DONE, AssignmentStatus.CANCELLED):
            raise ValidationError(_("This assignment is closed."))
        existing = assignment.inspections.exclude(status=S.APPROVED).first()
        if existing:
            return existing
        template = ChecklistTemplate.objects.published().filter(code=assignment.template_code).first()
        subject = {"operator": assignment.operator, "jurisdiction": assignment.jurisdiction}
    if template is None or template.status != "published":
        raise ValidationError({"template": _("Choose a checklist in use.")})
    if not _may_file(actor, template):
        raise PermissionDenied(_("This checklist is filed by another department."))
    inspected_on = inspected_on or local_today()
    if inspected_on > local_today():
        raise ValidationError({"inspected_on": _("The inspection date cannot be in the future.")})
    inspection = Inspection(
        template=template,
        assignment=assignment,
        agency=actor.agency,
        inspector=actor,
        inspected_on=inspected_on,
        **_subject(actor, template, **subject),
    )
    audited_save(inspection, actor=actor, reason=_("Draft started"))
    if assignment is not None and assignment.status == AssignmentStatus.OPEN:
        assignment.status = AssignmentStatus.IN_PROGRESS
        audited_save(assignment, actor=actor, reason=_("Inspection started"))
    return inspection


def _require_draft(actor, inspection: Inspection):
    require_editable(actor, inspection)
    if not inspection.editable:
        raise ValidationError(_("This checklist has been submitted; it can no longer be changed."))


@transaction.atomic
def inspection_save_draft(
    *, actor, inspection: Inspection, revision: int, answers: dict, remarks: str | None = None
) -> Inspection:
    """Save answers typed so far. `revision` is the one the editor loaded: if someone saved
    since, nothing is saved and DraftConflict says so (the editor keeps its answers)."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_draft(actor, inspection)
    if revision != inspection.revision:
        raise DraftConflict(inspection)
    if remarks is not None and (not isinstance(remarks, str) or "\x00" in remarks):
        # The page's autosave sends raw JSON; PostgreSQL refuses NUL in text (a 500 otherwise).
        raise ValidationError({"remarks": _("The remarks must be plain text, without NUL characters.")})
    merged, errors = merge_answers(inspection.template.items_in_order(), inspection.answers, answers or {})
    if errors:
        raise ValidationError({"answers": [f"{code}: {msg}" for code, msg in errors.items()]})
    inspection.answers = merged
    if remarks is not None:
        inspection.remarks = remarks
    inspection.revision += 1
    return audited_save(inspection, actor=actor, reason=_("Draft saved"))


@transaction.atomic
def photo_add(
    *, actor, inspection: Inspection, item_code: str, image, taken_at=None, latitude=None, longitude=None
) -> InspectionPhoto:
    """Attach a photo to one item. The time comes from the camera when the photo carries it,
    else from the device, else the upload; the position is optional."""
    _require_draft(actor, inspection)
    if not inspection.template.items_in_order().filter(code=item_code).exists():
        raise ValidationError({"item_code": _("This question is not on the checklist.")})
    content_type = image_content_type(image)
    lat, lon = check_position(latitude, longitude)
    now = timezone.now()
    taken = exif_taken_at(image) or taken_at or now
    if taken > now + datetime.timedelta(minutes=5):
        raise ValidationError({"taken_at": _("The photo's time is in the future; check the device clock.")})
    photo = InspectionPhoto(
        inspection=inspection,
        item_code=item_code,
        sha256=upload_sha256(image),
        content_type=content_type,
        taken_at=taken,
        latitude=lat,
        longitude=lon,
        uploaded_by=actor,
    )
    photo.image.save(image.name, image, save=False)
    return audited_save(photo, actor=actor, reason=_("Photo attached"))


@transaction.atomic
def photo_remove(*, actor, photo: InspectionPhoto):
    _require_draft(actor, photo.inspection)
    photo._history_user = actor
    photo._change_reason = _("Photo removed")
    photo.delete()


def submission_problems(inspection: Inspection) -> dict[str, str]:
    # .all(): the photos prefetched with the checklist when they were (as for a signature), else a query
    photo_codes = {photo.item_code for photo in inspection.photos.all()}
    return evidence_problems(inspection.template.items_in_order(), inspection.answers, photo_codes)


def _signer_name(actor) -> str:
    return (actor.full_name or actor.username).strip()


@transaction.atomic
def inspection_submit(*, actor, inspection: Inspection, signed_name: str, confirm: bool, revision: int) -> Inspection:
    """Submit under the inspector's electronic signature: their name as registered, the
    meaning of the signature, and the time. Every required answer and its evidence must be
    there; the department's reviewers are notified. `revision` is the version the signer
    saw: a signature never covers answers its signer has not seen."""
    inspection = _locked_for_signature(inspection.pk)
    _require_draft(actor, inspection)
    if revision != inspection.revision:
        raise DraftConflict(inspection)
    problems = submission_problems(inspection)
    if problems:
        labels = dict(inspection.template.items_in_order().values_list("code", "text"))
        raise ValidationError({"answers": [f"{labels.get(c, c)}: {m}" for c, m in problems.items()]})
    if not confirm:
        raise ValidationError({"confirm": _("Confirm the meaning of your signature.")})
    if signed_name.strip() != _signer_name(actor):
        raise ValidationError({"signed_name": _("Type your name exactly as registered: %s") % _signer_name(actor)})
    resubmission = inspection.status == S.RETURNED
    problems_found = has_problems(inspection.answers) or bool(inspection.measures.all())
    outcome = Outcome.PROBLEMS if problems_found else Outcome.CONFORMING
    transition(
        obj=inspection,
        to=S.SUBMITTED,
        table=REVIEW_FLOW,
        actor=actor,
        reason=_("Resubmitted after correction") if resubmission else _("Submitted"),
        outcome=outcome,
        **_sealed_signature(inspection, actor),
        round=inspection.round + 1 if resubmission else inspection.round,
        revision=inspection.revision + 1,
    )
    measures_on_submit(actor=actor, inspection=inspection)
    _notify_reviewers(inspection)
    return inspection


def _locked_for_signature(pk: int) -> Inspection:
    """The checklist's row locked for the signature, read once with what the signature
    reads and the answer shows: its template, subject and people, photos and measures (the
    checks, the seal, the measures in effect and the reviewers' notice use these rows), and
    its agency and assignment, which validating the signed record would otherwise look up."""
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("template", "operator", "jurisdiction", "inspector", "agency", "assignment")
        .prefetch_related("photos", "measures")
        .get(pk=pk)
    )


def _sealed_signature(inspection: Inspection, actor) -> dict:
    """The signature's fields and the seal over the content they sign, signature included:
    a later change of the answers, measures, photos or signature shows (verify_seal)."""
    signature = {
        "signed_by": actor,
        "signed_name": _signer_name(actor),
        "signature_meaning": str(SIGNATURE_MEANING),
        "signed_at": timezone.now(),
    }
    for name, value in signature.items():
        setattr(inspection, name, value)
    return {**signature, "content_seal": checklist_seal(inspection)}


def _notify_reviewers(inspection: Inspection):
    from dairy_campaign.models import User

    reviewers = User.objects.filter(agency_id=inspection.agency_id, role__in=DECIDE_ROLES, is_active=True)
    notify(
        recipients=reviewers,
        title=_("Checklist to review: %(name)s") % {"name": inspection},
        url=reverse("inspection_detail", args=[inspection.pk]),
    )

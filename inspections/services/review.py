"""Review (二): a reviewer of the department approves a submitted checklist, or returns it
with a note; the inspector corrects and resubmits, and each round stays in the history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.notifications import notify
from dairy_campaign.transitions import transition
from licensing.services.common import require_editable

from ..models import AssignmentStatus, Inspection, InspectionStatus
from .filing import REVIEW_FLOW
from .measures import measures_on_approval


def _check_reviewer(actor, inspection: Inspection):
    require_editable(actor, inspection, decide=True)
    if inspection.signed_by_id == actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("You signed this checklist; another reviewer decides on it."))


@transaction.atomic
def inspection_approve(*, actor, inspection: Inspection, note: str = "") -> Inspection:
    """Accept the checklist as filed. Bans and referrals it carries take effect now."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_reviewer(actor, inspection)
    transition(
        obj=inspection,
        to=InspectionStatus.APPROVED,
        table=REVIEW_FLOW,
        actor=actor,
        reason=note.strip() or _("Approved"),
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        review_note=note.strip(),
    )
    measures_on_approval(actor=actor, inspection=inspection)
    if inspection.assignment_id:
        assignment = inspection.assignment
        if assignment.status in (AssignmentStatus.OPEN, AssignmentStatus.IN_PROGRESS):
            assignment.status = AssignmentStatus.DONE
            audited_save(assignment, actor=actor, reason=_("Checklist approved"))
    _tell_inspector(inspection, _("Checklist approved: %(name)s"))
    return inspection


@transaction.atomic
def inspection_return(*, actor, inspection: Inspection, note: str) -> Inspection:
    """Send the checklist back for correction, saying what to correct."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_reviewer(actor, inspection)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what the inspector should correct.")})
    transition(
        obj=inspection,
        to=InspectionStatus.RETURNED,
        table=REVIEW_FLOW,
        actor=actor,
        reason=note.strip(),
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        review_note=note.strip(),
        revision=inspection.revision + 1,
    )
    _tell_inspector(inspection, _("Checklist returned for correction: %(name)s"), body=note.strip())
    return inspection


def _tell_inspector(inspection: Inspection, title: str, body: str = ""):
    people = {inspection.inspector}
    if inspection.signed_by_id:
        people.add(inspection.signed_by)
    notify(
        recipients=people,
        title=title % {"name": inspection},
        body=body,
        url=reverse("inspection_detail", args=[inspection.pk]),
    )

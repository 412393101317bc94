"""Operators' self-inspection reports (自查自纠, P1): received by the department that keeps
the operator's kind, then accepted or returned for completion by its reviewer."""

import datetime
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dairy_campaign.models import Campaign
from dairy_campaign.ownership import DECIDE_ROLES
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.transitions import transition
from dairy_campaign.uploads import upload_sha256, validate_document
from licensing.models import Operator, OperatorKind, OperatorStatus
from licensing.services.common import require_editable

from ..models import SelfInspectionReport, SelfReportStatus

S = SelfReportStatus
SELF_REPORT_TRANSITIONS = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.RETURNED}),
}


def may_receive_self_reports(actor, operator: Operator) -> bool:
    """The department keeping the operator's kind, with a writing role, within its scope."""
    return actor.is_authenticated and Operator.objects.editable_by(actor).filter(pk=operator.pk).exists()


@transaction.atomic
def self_report_record(
    *,
    actor,
    operator: Operator,
    campaign: Campaign,
    received_on: datetime.date,
    problems_found: str,
    actions_taken: str,
    document,
) -> SelfInspectionReport:
    """P1 (自查自纠): an operator's signed self-inspection report, with the problems it found
    and what it corrected. The scanned report (PDF, JPEG or PNG) is kept with its SHA-256."""
    if not may_receive_self_reports(actor, operator):
        raise PermissionDenied(_("Self-inspection reports are received by the department that keeps this operator."))
    if operator.kind == OperatorKind.UNLICENSED or operator.status == OperatorStatus.BANNED:
        raise ValidationError({"operator": _("A banned or unlicensed operation does not report a self-inspection.")})
    if campaign is None:
        raise ValidationError(_("No campaign is set up yet."))
    if received_on is None or received_on > local_today():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    if not campaign.starts_on <= received_on <= campaign.ends_on:
        raise ValidationError(
            {
                "received_on": _("P1: the date falls outside the campaign (%(start)s – %(end)s).")
                % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
            }
        )
    report = SelfInspectionReport(
        operator=operator,
        campaign=campaign,
        received_on=received_on,
        problems_found=(problems_found or "").strip(),
        actions_taken=(actions_taken or "").strip(),
        recorded_by=actor,
    )
    report.full_clean(exclude=["document", "document_sha256"])
    validate_document(document)
    report.document_sha256 = upload_sha256(document)
    report.document.save(os.path.basename(document.name or "") or "report.pdf", document, save=False)
    return audited_save(report, actor=actor, reason=_("Self-inspection report received"))


@transaction.atomic
def self_report_accept(*, actor, report: SelfInspectionReport, note: str = "") -> SelfInspectionReport:
    """P1: the reviewer of the owning department accepts the report."""
    require_editable(actor, report, decide=True)
    note = (note or "").strip()
    transition(
        obj=report,
        to=S.ACCEPTED,
        table=SELF_REPORT_TRANSITIONS,
        actor=actor,
        reason=note or _("Accepted"),
        review_note=note,
    )
    return report


@transaction.atomic
def self_report_return(*, actor, report: SelfInspectionReport, note: str) -> SelfInspectionReport:
    """P1: the reviewer returns an incomplete report, saying what is missing."""
    require_editable(actor, report, decide=True)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the operator must complete.")})
    transition(obj=report, to=S.RETURNED, table=SELF_REPORT_TRANSITIONS, actor=actor, reason=note, review_note=note)
    return report


SELF_REPORT_DECISIONS = {"accept": self_report_accept, "return": self_report_return}


def self_report_decisions_for(actor, report: SelfInspectionReport) -> list[str]:
    if report.status != S.RECEIVED or not actor.is_authenticated:
        return []
    if not actor.is_superuser and actor.role not in DECIDE_ROLES:
        return []
    # A list annotates `user_may_edit` for its rows (one query for the page).
    editable = getattr(report, "user_may_edit", None)
    if editable is None:
        editable = SelfInspectionReport.objects.editable_by(actor).filter(pk=report.pk).exists()
    return list(SELF_REPORT_DECISIONS) if editable else []


def self_report_decide(*, actor, report: SelfInspectionReport, decision: str, note: str = "") -> SelfInspectionReport:
    try:
        service = SELF_REPORT_DECISIONS[decision]
    except KeyError:
        raise ValidationError(_("Unknown decision.")) from None
    return service(actor=actor, report=report, note=note)

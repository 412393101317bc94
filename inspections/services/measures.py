"""Findings and measures (S4, L5, C1): rectification orders with deadlines and their
re-inspections, destruction on the spot, tracing the source, bans and case referrals."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import SourceKind
from cases.services.clues import case_open_clue
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify
from licensing.models import OperatorKind
from licensing.models.choices import SELLERS
from licensing.services.common import require_editable
from licensing.services.licences import operator_may_sell_dairy
from licensing.services.register import operator_ban

from ..models import (
    Assignment,
    AssignmentSource,
    Inspection,
    Measure,
    MeasureKind,
    MeasureStatus,
    Outcome,
)
from ..models.choices import BANS, DESTRUCTION

REINSPECTION_DAYS = 7
MEASURE_FIELDS = {"description", "product", "quantity", "unit", "witness", "deadline", "document_number"}


def _check_subject(inspection: Inspection, kind: str):
    operator = inspection.operator
    if (kind in BANS or kind == MeasureKind.RECTIFY) and operator is None:
        raise ValidationError({"kind": _("This measure is taken against an operator.")})
    if kind == MeasureKind.BAN_BLACK_DEN and operator.kind != OperatorKind.UNLICENSED:
        raise ValidationError({"kind": _("C1: only an unlicensed operation is banned as a black den.")})
    if kind == MeasureKind.BAN_UNLICENSED and operator.kind in SELLERS and operator_may_sell_dairy(operator)[0]:
        raise ValidationError(
            {"kind": _("L5: this seller holds a valid licence approving dairy; it is not unlicensed.")}
        )


@transaction.atomic
def measure_record(*, actor, inspection: Inspection, kind: str, **fields) -> Measure:
    """Record a measure on a checklist being filed. Destruction needs product, quantity and
    witness (S4); a rectification order needs a deadline after the inspection."""
    unknown = set(fields) - MEASURE_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    require_editable(actor, inspection)
    if not inspection.editable:
        raise ValidationError(_("This checklist has been submitted; it can no longer be changed."))
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("Choose a measure.")})
    _check_subject(inspection, kind)
    deadline = fields.get("deadline")
    if deadline and deadline <= inspection.inspected_on:
        raise ValidationError({"deadline": _("The deadline falls after the day of the inspection.")})
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    measure = Measure(inspection=inspection, kind=kind, recorded_by=actor, **fields)
    return audited_save(measure, actor=actor, reason=_("Measure recorded"))


@transaction.atomic
def measure_remove(*, actor, measure: Measure):
    inspection = measure.inspection
    require_editable(actor, inspection)
    if not inspection.editable:
        raise ValidationError(_("This checklist has been submitted; it can no longer be changed."))
    if measure.status != MeasureStatus.RECORDED:
        raise ValidationError(_("This measure has taken effect; it stays on the record."))
    measure._history_user = actor
    measure._change_reason = _("Measure removed from the draft")
    measure.delete()


def _set_status(measure: Measure, status: str, *, actor, reason: str):
    measure.status = status
    audited_save(measure, actor=actor, reason=reason)


def measures_on_submit(*, actor, inspection: Inspection):
    """What the inspector did on the spot is done; orders are in effect from the signature."""
    # .all() and a test here rather than a query: a checklist being signed has its measures
    # prefetched, and the answer to the signature shows them as updated here.
    recorded = [m for m in inspection.measures.all() if m.status == MeasureStatus.RECORDED]
    for measure in recorded:
        if measure.kind in DESTRUCTION:
            _set_status(measure, MeasureStatus.DONE, actor=actor, reason=_("Destroyed on the spot, witnessed"))
        elif measure.kind in (MeasureKind.RECTIFY, MeasureKind.TRACE_SOURCE):
            _set_status(measure, MeasureStatus.IN_EFFECT, actor=actor, reason=_("Order issued"))


def measures_on_approval(*, actor, inspection: Inspection):
    """Decisions that change the register wait for the reviewer: a ban closes the operator
    (L5, C1); a referral is handed on (to a case once cases are kept here). An approved
    re-inspection without problems completes its rectification order."""
    for measure in inspection.measures.filter(status=MeasureStatus.RECORDED):
        if measure.kind in BANS:
            _check_subject(inspection, measure.kind)  # a licence may have been granted since
            operator_ban(
                actor=actor,
                operator=inspection.operator,
                reason=f"{measure.get_kind_display()}: {measure.description}",
                document_number=measure.document_number,
            )
            _set_status(measure, MeasureStatus.DONE, actor=actor, reason=_("Banned"))
        elif measure.kind == MeasureKind.OPEN_CASE:
            case = _open_case(actor, inspection, measure)
            _set_status(
                measure, MeasureStatus.REFERRED, actor=actor, reason=_("Case clue %(number)s") % {"number": case.number}
            )
    origin = inspection.assignment.origin_measure if inspection.assignment_id else None
    if origin and origin.status == MeasureStatus.IN_EFFECT and inspection.outcome == Outcome.CONFORMING:
        _set_status(origin, MeasureStatus.DONE, actor=actor, reason=_("Re-inspection found it rectified"))


def _open_case(actor, inspection: Inspection, measure: Measure):
    """C2: the finding arrives in the department's cases as a clue, with the measure as its
    source."""
    subject = inspection.operator or inspection.consignment or inspection.sweep or inspection.jurisdiction
    return case_open_clue(
        actor=actor,
        agency=inspection.agency,
        jurisdiction=inspection.jurisdiction,
        source_kind=SourceKind.INSPECTION,
        source=measure,
        source_label=str(inspection),
        title=_("Inspection finding: %(subject)s") % {"subject": subject},
        facts=measure.description,
        operator=inspection.operator,
        party_name="" if inspection.operator else str(subject),
    )


@transaction.atomic
def reinspections_create_due(*, today: datetime.date | None = None) -> list[Assignment]:
    """Each rectification order whose deadline has come gets its re-inspection task, for the
    inspector who issued it, due within a week. Safe to run again: one task per order."""
    today = today or local_today()
    created = []
    due = Measure.objects.rectifications_due(today).select_related(
        "inspection__template", "inspection__agency", "inspection__operator", "inspection__inspector"
    )
    for measure in due.select_for_update(of=("self",)):
        inspection = measure.inspection
        inspector = inspection.inspector if inspection.inspector.is_active else inspection.reviewed_by
        if inspector is None or not inspector.is_active:
            continue  # nobody to give it to; the order stays listed as due on the measures page
        task = Assignment(
            agency=inspection.agency,
            jurisdiction=inspection.jurisdiction,
            operator=inspection.operator,
            template_code=inspection.template.code,
            inspector=inspector,
            assigned_by=inspection.reviewed_by or inspection.inspector,
            due_on=today + datetime.timedelta(days=REINSPECTION_DAYS),
            source=AssignmentSource.REINSPECTION,
            origin_measure=measure,
            note=_("Re-inspection: rectify by %(date)s. %(finding)s")
            % {"date": measure.deadline.isoformat(), "finding": measure.description[:200]},
        )
        try:
            with transaction.atomic():
                audited_save(task, actor=None, reason=_("Rectification deadline reached"))
        except IntegrityError:
            continue  # another run created this re-inspection a moment ago
        notify(
            recipients=[inspector],
            title=_("Re-inspection due: %(operator)s") % {"operator": inspection.operator},
            url=reverse("task_list"),
        )
        created.append(task)
    return created

"""Q8: what a non-conforming result sets going beyond the sample: the lot on hold, a case
for the department owning the holder's kind, the L6 cancellation proposed for a seller, and
the import consignment told of its lab result (S5)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import SourceKind, Violation
from cases.services.clues import case_open_clue
from dairy_campaign.choices import AgencyKind
from dairy_campaign.models import Agency
from dairy_campaign.ownership import OWNERS
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.notifications import notify_agencies
from dairy_campaign.transitions import transition
from inspections.models import ConsignmentStatus
from inspections.services.consignments import consignment_lab_result_record
from licensing.models.choices import SELLERS
from licensing.services.common import agency_near_required

from ..models import LabResult, Lot, Referral, ReferralKind, ReferralStatus, Verdict
from .lots import lot_hold

REFERRAL_TRANSITIONS = {ReferralStatus.OPEN: frozenset({ReferralStatus.TAKEN_UP})}
# When two kinds own an operator kind (unlicensed: industry and commerce, government), the
# first of this order takes the case.
KIND_ORDER = list(AgencyKind.values)


def owning_kind(operator) -> str:
    """The department kind that keeps operators of this kind (ownership.OWNERS)."""
    owners = OWNERS.get(f"operator.{operator.kind}")
    if not owners:
        raise ValidationError(_("No department keeps operators of kind %(kind)s.") % {"kind": operator.kind})
    return min(owners, key=KIND_ORDER.index)


def _department(kind: str, lot: Lot) -> Agency:
    return agency_near_required(kind, lot.operator.county)


def _facts(result: LabResult) -> dict:
    lot = result.sample.lot
    return {
        "code": result.sample.code,
        "product": lot.product,
        "batch": lot.batch_number,
        "holder": lot.operator.name,
        "value": f"{result.mg_per_kg.normalize():f}",
        "limit": f"{result.limit.normalize():f}",
        "category": result.get_category_display(),
    }


def _refer(*, actor, result: LabResult, kind: str, to: Agency, summary: str, title: str, url_of) -> Referral:
    existing = Referral.objects.filter(result=result, kind=kind).first()
    if existing is not None:
        return existing
    referral = audited_save(
        Referral(kind=kind, result=result, lot=result.sample.lot, to_agency=to, summary=summary),
        actor=actor,
        reason=_("Q8: non-conforming result of sample %(code)s") % {"code": result.sample.code},
    )
    notify_agencies(agencies=[to], title=title, body=summary, url=url_of(referral))
    return referral


def _case(actor, result: LabResult) -> Referral:
    """Q8: a case for the department owning the holder's kind, at the holder's county or
    the nearest level above."""
    lot = result.sample.lot
    facts = _facts(result)
    summary = (
        _(
            "Sample %(code)s of %(product)s batch %(batch)s held by %(holder)s: melamine %(value)s mg/kg, "
            "over the %(limit)s mg/kg limit for %(category)s (Q7). The lot is on hold."
        )
        % facts
    )
    referral = _refer(
        actor=actor,
        result=result,
        kind=ReferralKind.CASE,
        to=_department(owning_kind(lot.operator), lot),
        summary=summary,
        title=_("Case referred: melamine over the limit at %(holder)s (sample %(code)s)") % facts,
        url_of=lambda r: reverse("referral_detail", args=[r.pk]),
    )
    # The department was told by the referral; its case clue waits in its case list.
    case_open_clue(
        actor=actor,
        agency=referral.to_agency,
        jurisdiction=lot.operator.county,
        source_kind=SourceKind.LAB_RESULT,
        source=referral,
        source_label=_("Sample %(code)s") % facts,
        title=_("Melamine over the limit: %(holder)s, %(product)s batch %(batch)s") % facts,
        facts=summary,
        operator=lot.operator,
        violations=[Violation.OVER_LIMIT] if lot.operator.kind in SELLERS else [],
        notify=False,
    )
    return referral


def _l6(actor, result: LabResult) -> Referral:
    """L6: a seller found selling dairy over the melamine limit loses its licence and its
    business licence, without exception: proposed to industry and commerce, whose reviewer
    decides on the operator's cancel-seller page."""
    lot = result.sample.lot
    facts = _facts(result)
    summary = (
        _(
            "L6: %(holder)s sold %(product)s batch %(batch)s with melamine %(value)s mg/kg, over the %(limit)s mg/kg "
            "limit (sample %(code)s). Its distribution licence and business licence are to be cancelled, "
            "without exception."
        )
        % facts
    )
    return _refer(
        actor=actor,
        result=result,
        kind=ReferralKind.L6_CANCELLATION,
        to=_department(AgencyKind.AIC, lot),
        summary=summary,
        title=_("L6 cancellation proposed: %(holder)s (sample %(code)s)") % facts,
        url_of=lambda r: reverse("operator_sanction", args=[lot.operator_id, "cancel-seller"]),
    )


def _tell_consignment(actor, result: LabResult):
    """S5: the import consignment learns its lab result. One already decided no longer
    changes; a non-conforming result recorded on it stands against a later conforming one."""
    consignment = result.sample.lot.consignment
    if consignment is None or consignment.status != ConsignmentStatus.HELD:
        return
    conforming = result.verdict == Verdict.CONFORMING
    if conforming and consignment.lab_conforming is False:
        return
    reference = _("Sample %(code)s: %(value)s mg/kg") % _facts(result)
    consignment_lab_result_record(actor=actor, consignment=consignment, conforming=conforming, reference=reference)


@transaction.atomic
def consequences_of(*, actor, result: LabResult) -> list[Referral]:
    """Q8: a non-conforming result puts the lot on hold, opens a case for the department
    owning the holder's kind and, for a seller, proposes the L6 cancellation; an import
    lot's consignment is told its result either way (S5). Safe to run again: one referral
    of each kind per result, the hold and the consignment record are idempotent."""
    result = LabResult.objects.select_related(
        "sample__lot__operator__county", "sample__lot__consignment", "sample__agency"
    ).get(pk=result.pk)
    lot = result.sample.lot
    referrals = []
    if result.verdict == Verdict.NON_CONFORMING:
        lot_hold(
            actor=actor,
            lot=lot,
            reason=_("Q8: sample %(code)s, melamine %(value)s mg/kg over the %(limit)s mg/kg limit") % _facts(result),
        )
        referrals.append(_case(actor, result))
        if lot.operator.kind in SELLERS:
            referrals.append(_l6(actor, result))
    _tell_consignment(actor, result)
    return referrals


def may_take_up(actor, referral: Referral) -> bool:
    return (
        referral.status == ReferralStatus.OPEN
        and actor.is_authenticated
        and Referral.objects.editable_by(actor).filter(pk=referral.pk).exists()
    )


@transaction.atomic
def referral_take_up(*, actor, referral: Referral, note: str = "") -> Referral:
    """The department a referral went to takes it up (opens its case or decides on L6)."""
    if not Referral.objects.editable_by(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied(_("Only the department the referral went to takes it up."))
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    transition(
        obj=referral,
        to=ReferralStatus.TAKEN_UP,
        table=REFERRAL_TRANSITIONS,
        actor=actor,
        reason=(note or "").strip() or _("Taken up"),
    )
    return referral

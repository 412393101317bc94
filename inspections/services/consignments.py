"""Import consignments (S5, 二.5): each batch's health certificate checked, the quarantine
permit where needed, the consignee filing, held in a designated warehouse until it passes
the lab; failing safety, health or environment items, destroyed or returned."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dairy_campaign.choices import AgencyKind
from dairy_campaign.ownership import DECIDE_ROLES, WRITE_ROLES
from dairy_campaign.scoping import may_write
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify_agencies
from dairy_campaign.transitions import transition
from licensing.models import Licence, LicenceStatus, LicenceType, Operator, OperatorKind
from licensing.services.common import agency_near, require_editable

from ..models import Consignment, ConsignmentStatus

S = ConsignmentStatus
CONSIGNMENT_TRANSITIONS = {
    S.HELD: frozenset({S.RELEASED, S.DESTROYED, S.RETURNED}),
}

CONSIGNMENT_FIELDS = {
    "importer",
    "consignee_filing",
    "product",
    "quantity",
    "unit",
    "origin_country",
    "arrived_on",
    "health_certificate_number",
    "certificate_content_ok",
    "certificate_seal_ok",
    "certificate_signatory_ok",
    "quarantine_permit_required",
    "quarantine_permit_number",
    "warehouse",
}
# What may still change while the consignment is held.
CHECK_FIELDS = {
    "consignee_filing",
    "certificate_content_ok",
    "certificate_seal_ok",
    "certificate_signatory_ok",
    "quarantine_permit_required",
    "quarantine_permit_number",
    "warehouse",
}
# S5: what is checked on each batch's health certificate.
CERTIFICATE_CHECKS = {
    "certificate_content_ok": gettext_lazy("content"),
    "certificate_seal_ok": gettext_lazy("seal"),
    "certificate_signatory_ok": gettext_lazy("authorised signatory"),
}


class FailedItem(models.TextChoices):
    """S5: the kinds of item whose failure sends a consignment to destruction or return."""

    SAFETY = "safety", gettext_lazy("Safety")
    HEALTH = "health", gettext_lazy("Health")
    ENVIRONMENT = "environment", gettext_lazy("Environmental protection")


def may_register_consignments(actor) -> bool:
    return actor.is_authenticated and (actor.is_superuser or may_write(actor, "consignment"))


def require_consignment_writer(actor):
    if not may_register_consignments(actor):
        raise PermissionDenied(_("Import consignments are kept by entry-exit inspection and quarantine."))


def may_record_lab_result(actor, consignment: Consignment) -> bool:
    """A lab or data clerk of any department who sees the consignment (S5, Q8)."""
    if not actor.is_authenticated:
        return False
    if not actor.is_superuser and getattr(actor, "role", None) not in WRITE_ROLES:
        return False
    return Consignment.objects.visible_to(actor).filter(pk=consignment.pk).exists()


def _check_importer(actor, importer: Operator | None):
    visible = Operator.objects.visible_to(actor).filter(kind=OperatorKind.IMPORTER)
    if importer is None or not visible.filter(pk=importer.pk).exists():
        raise ValidationError({"importer": _("Choose an importer of the register within your jurisdiction.")})


def _check_filing(filing: Licence | None, importer: Operator):
    """S5: a consignee filing given must be a valid filing of this importer."""
    if filing is None:
        return
    if (
        filing.type != LicenceType.CONSIGNEE_FILING
        or filing.operator_id != importer.pk
        or filing.status != LicenceStatus.GRANTED
    ):
        raise ValidationError(
            {"consignee_filing": _("S5: choose a valid import consignee filing held by this importer.")}
        )


def _stripped(fields: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def consignment_register(*, actor, **fields) -> Consignment:
    """S5: an import batch arrives and is held in a designated warehouse until it passes.
    Its health certificate number is recorded; the certificate checks, the quarantine
    permit and the consignee filing may be completed later, but are all needed to release."""
    unknown = set(fields) - CONSIGNMENT_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    require_consignment_writer(actor)
    fields = _stripped(fields)
    _check_importer(actor, fields.get("importer"))
    _check_filing(fields.get("consignee_filing"), fields["importer"])
    consignment = Consignment(recorded_by=actor, status=S.HELD, **fields)
    if consignment.arrived_on and consignment.arrived_on > local_today():
        raise ValidationError({"arrived_on": _("The arrival date cannot be in the future.")})
    return audited_save(
        consignment, actor=actor, reason=_("Registered, held in %(warehouse)s") % {"warehouse": consignment.warehouse}
    )


def _locked(consignment: Consignment) -> Consignment:
    """The consignment re-read under a row lock, so two decisions cannot cross."""
    return Consignment.objects.select_for_update().select_related("importer__county").get(pk=consignment.pk)


def _require_held(consignment: Consignment):
    if consignment.status != S.HELD:
        raise ValidationError(
            _("The consignment is already %(status)s; it can no longer change.")
            % {"status": consignment.get_status_display()}
        )


@transaction.atomic
def consignment_update_checks(*, actor, consignment: Consignment, reason: str = "", **fields) -> Consignment:
    """S5: record the health certificate checks (content, seal, authorised signatory), the
    quarantine permit, the consignee filing or the warehouse of a held consignment."""
    unknown = set(fields) - CHECK_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    require_editable(actor, consignment)
    consignment = _locked(consignment)
    _require_held(consignment)
    fields = _stripped(fields)
    if "consignee_filing" in fields:
        _check_filing(fields["consignee_filing"], consignment.importer)
    for name, value in fields.items():
        setattr(consignment, name, value)
    return audited_save(consignment, actor=actor, reason=(reason or "").strip() or _("Certificate checks updated"))


@transaction.atomic
def consignment_lab_result_record(*, actor, consignment: Consignment, conforming: bool, reference: str) -> Consignment:
    """S5: the lab result of the consignment's sample.

    THIS IS THE SERVICE THE SAMPLING APP CALLS when a lab result for the consignment's
    sample is entered (inspections never imports sampling, DESIGN §3). The actor is a lab
    or data clerk of whatever department, so it only needs a writing role and to see the
    consignment. A result never releases the consignment by itself: a reviewer of the
    inspection and quarantine department decides (consignment_release).

    A non-conforming result stands: a later conforming one does not replace it. The same
    result recorded twice changes nothing, so the caller may retry safely. The inspection
    and quarantine department holding the consignment is notified.
    """
    if not may_record_lab_result(actor, consignment):
        raise PermissionDenied(_("Only lab and data clerks who see this consignment record its lab result."))
    if not isinstance(conforming, bool):
        raise ValidationError({"conforming": _("Say whether the result conforms.")})
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Give the lab report or sample number.")})
    consignment = _locked(consignment)
    if consignment.lab_conforming is conforming and consignment.lab_reference == reference:
        return consignment
    _require_held(consignment)
    if consignment.lab_conforming is False and conforming:
        raise ValidationError(
            _("S5: a non-conforming lab result (%(ref)s) stands; the consignment is destroyed or returned.")
            % {"ref": consignment.lab_reference}
        )
    consignment.lab_conforming = conforming
    consignment.lab_reference = reference
    consignment.lab_recorded_at = timezone.now()
    verdict = _("conforms") if conforming else _("does not conform")
    audited_save(
        consignment, actor=actor, reason=_("Lab result %(ref)s: %(verdict)s") % {"ref": reference, "verdict": verdict}
    )
    _notify_holder(consignment, verdict=verdict)
    return consignment


def _notify_holder(consignment: Consignment, *, verdict: str):
    recorder_agency = consignment.recorded_by.agency
    if recorder_agency is not None and recorder_agency.kind == AgencyKind.CIQ:
        holder = recorder_agency
    else:
        holder = agency_near(AgencyKind.CIQ, consignment.importer.county)
    if holder is None:
        return
    title = _("Lab result for consignment %(consignment)s: %(verdict)s") % {
        "consignment": consignment,
        "verdict": verdict,
    }
    notify_agencies(agencies=[holder], title=title, url=reverse("consignment_detail", args=[consignment.pk]))


def release_blockers(consignment: Consignment) -> list[str]:
    """S5: what still keeps a held consignment from release; empty when it may go."""
    blockers = []
    if consignment.lab_conforming is None:
        blockers.append(_("S5: no lab result yet; the consignment stays held until it passes."))
    elif consignment.lab_conforming is False:
        blockers.append(_("S5: the lab result does not conform; the consignment is destroyed or returned."))
    missing = [str(label) for name, label in CERTIFICATE_CHECKS.items() if not getattr(consignment, name)]
    if missing:
        unchecked = _("S5: the health certificate is not yet checked for: %(checks)s.")
        blockers.append(unchecked % {"checks": ", ".join(missing)})
    if consignment.quarantine_permit_required and not consignment.quarantine_permit_number.strip():
        blockers.append(_("S5: the quarantine permit required for this product is not recorded."))
    filing = consignment.consignee_filing
    if filing is None or filing.status != LicenceStatus.GRANTED or filing.operator_id != consignment.importer_id:
        blockers.append(_("S5: the importer has no valid consignee filing on this consignment."))
    return blockers


def _decide(consignment: Consignment, *, actor, to: str, reason: str, document_number: str, legal_basis: str):
    require_editable(actor, consignment, decide=True)
    consignment = _locked(consignment)
    _require_held(consignment)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for this decision.")})
    if not (document_number or "").strip():
        raise ValidationError({"document_number": _("Give the number of the decision or certificate issued.")})
    if to == S.RELEASED:
        blockers = release_blockers(consignment)
        if blockers:
            raise ValidationError(blockers)
    transition(
        obj=consignment,
        to=to,
        table=CONSIGNMENT_TRANSITIONS,
        actor=actor,
        reason=reason.strip(),
        legal_basis=(legal_basis or "").strip(),
        document_number=document_number.strip(),
    )
    return consignment


@transaction.atomic
def consignment_release(
    *, actor, consignment: Consignment, reason: str, document_number: str, legal_basis: str = ""
) -> Consignment:
    """S5: release for sale and use, only after a conforming lab result, with the health
    certificate's content, seal and signatory checked, the quarantine permit recorded
    where required and a valid consignee filing. A non-conforming lot is never released."""
    return _decide(
        consignment,
        actor=actor,
        to=S.RELEASED,
        reason=reason,
        document_number=document_number,
        legal_basis=legal_basis,
    )


def _failure_reason(failed_items: Iterable[str], reason: str) -> str:
    items = list(dict.fromkeys(failed_items or ()))
    if not items or set(items) - set(FailedItem.values):
        raise ValidationError({"failed_items": _("S5: name the failing safety, health or environment items.")})
    labels = ", ".join(str(FailedItem(i).label) for i in items)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for this decision.")})
    return _("Failing items: %(items)s. %(reason)s") % {"items": labels, "reason": reason.strip()}


@transaction.atomic
def consignment_destroy(
    *,
    actor,
    consignment: Consignment,
    failed_items: Iterable[str],
    reason: str,
    document_number: str,
    legal_basis: str = "",
) -> Consignment:
    """S5: a consignment failing safety, health or environment items is destroyed."""
    return _decide(
        consignment,
        actor=actor,
        to=S.DESTROYED,
        reason=_failure_reason(failed_items, reason),
        document_number=document_number,
        legal_basis=legal_basis,
    )


@transaction.atomic
def consignment_return(
    *,
    actor,
    consignment: Consignment,
    failed_items: Iterable[str],
    reason: str,
    document_number: str,
    legal_basis: str = "",
) -> Consignment:
    """S5: a consignment failing safety, health or environment items is returned (退运)."""
    return _decide(
        consignment,
        actor=actor,
        to=S.RETURNED,
        reason=_failure_reason(failed_items, reason),
        document_number=document_number,
        legal_basis=legal_basis,
    )


# The decisions on a held consignment, by name. Pages and API offer exactly these.
CONSIGNMENT_ACTIONS = {
    "release": consignment_release,
    "destroy": consignment_destroy,
    "return": consignment_return,
}


def consignment_actions_for(actor, consignment: Consignment) -> list[str]:
    """The decisions `actor` may take on `consignment` now (reviewers of CIQ, while held)."""
    if consignment.status != S.HELD or not actor.is_authenticated:
        return []
    if not (actor.is_superuser or actor.role in DECIDE_ROLES):
        return []
    # A list annotates `user_may_edit` for its rows (one query for the page).
    editable = getattr(consignment, "user_may_edit", None)
    if editable is None:
        editable = Consignment.objects.editable_by(actor).filter(pk=consignment.pk).exists()
    return list(CONSIGNMENT_ACTIONS) if editable else []


def consignment_act(*, actor, consignment: Consignment, action: str, **data) -> Consignment:
    try:
        service = CONSIGNMENT_ACTIONS[action]
    except KeyError:
        raise ValidationError(_("Unknown decision.")) from None
    return service(actor=actor, consignment=consignment, **data)

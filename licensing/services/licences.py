"""Licence lifecycle (一.1–一.3): apply, decide, re-review, rectify, revoke or cancel,
expire, close; with the follow-up measures and notices the plan requires."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from dairy_campaign.choices import AgencyKind
from dairy_campaign.models import Agency
from dairy_campaign.ownership import DECIDE_ROLES
from dairy_campaign.scoping import may_write
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify_agencies
from dairy_campaign.transitions import transition
from dairy_campaign.uploads import upload_sha256, validate_document

from ..models import (
    ClosureNotice,
    FollowUpMeasure,
    Licence,
    LicenceStatus,
    LicenceType,
    MeasureKind,
    Operator,
    OperatorKind,
    OperatorStatus,
    ReviewOutcome,
    ScopeCategory,
)
from ..models.choices import SELLERS
from .common import agency_near_required, require_editable

S = LicenceStatus
LIFECYCLE = {
    S.APPLIED: frozenset({S.GRANTED, S.REFUSED}),
    S.GRANTED: frozenset({S.UNDER_REVIEW, S.EXPIRED, S.CANCELLED, S.CLOSED}),
    S.UNDER_REVIEW: frozenset({S.GRANTED, S.RECTIFYING, S.CANCELLED, S.CLOSED}),
    S.RECTIFYING: frozenset({S.GRANTED, S.REVOKED, S.CANCELLED, S.CLOSED}),
}

RAW_MILK_LICENCES = frozenset({LicenceType.PURCHASE, LicenceType.TRANSPORT})
FOLLOW_UP_DAYS = 30


def raw_milk_licence_refusal(operator: Operator) -> str | None:
    """L3: raw-milk purchase licences and transport permits go only to dairy producers
    registered with industry and commerce, dairy farms and dairy-farmer cooperatives."""
    if operator.kind == OperatorKind.DAIRY_PRODUCER and operator.registered_with_aic:
        return None
    if operator.kind in (OperatorKind.DAIRY_FARM, OperatorKind.FARMER_COOP):
        return None
    return _(
        "L3: raw-milk purchase licences and transport permits are issued only to dairy producers "
        "registered with industry and commerce, dairy farms and dairy-farmer cooperatives; "
        "%(name)s is a %(kind)s%(registered)s."
    ) % {
        "name": operator.name,
        "kind": operator.get_kind_display(),
        "registered": "" if operator.registered_with_aic else _(" not registered with industry and commerce"),
    }


def _check_eligibility(licence_type: str, operator: Operator):
    if licence_type in RAW_MILK_LICENCES:
        refusal = raw_milk_licence_refusal(operator)
        if refusal:
            raise ValidationError(refusal)
    if operator.status in (OperatorStatus.CLOSED, OperatorStatus.BANNED):
        raise ValidationError(_("%(name)s is closed or banned and cannot hold a licence.") % {"name": operator.name})


@transaction.atomic
def licence_apply(
    *,
    actor,
    operator: Operator,
    type: str,
    applied_on: datetime.date | None = None,
    vehicle=None,
    station=None,
    scope=(),
) -> Licence:
    """Record an application with the department that decides it."""
    if not actor.is_superuser and not may_write(actor, f"licence.{type}"):
        raise PermissionDenied(_("Your department does not decide this kind of licence."))
    if not Operator.objects.visible_to(actor).filter(pk=operator.pk).exists():
        raise ValidationError({"operator": _("Choose an operator within your jurisdiction.")})
    _check_eligibility(type, operator)
    licence = Licence(
        type=type,
        operator=operator,
        vehicle=vehicle,
        station=station,
        scope=sorted(set(scope)),
        issuing_agency=actor.agency,
        applied_on=applied_on or local_today(),
    )
    return audited_save(licence, actor=actor, reason=_("Application received"))


def _decide(
    licence: Licence, *, actor, to: str, reason: str, legal_basis: str = "", document_number: str = "", **changes
):
    require_editable(actor, licence, decide=True)
    return transition(
        obj=licence,
        to=to,
        table=LIFECYCLE,
        actor=actor,
        reason=reason,
        legal_basis=legal_basis,
        document_number=document_number,
        **changes,
    )


@transaction.atomic
def licence_grant(
    *,
    actor,
    licence: Licence,
    number: str,
    issued_on: datetime.date,
    expires_on: datetime.date,
    reason: str,
    legal_basis: str = "",
    document_number: str = "",
) -> Licence:
    _check_eligibility(licence.type, licence.operator)
    if not number.strip():
        raise ValidationError({"number": _("Give the licence number.")})
    _decide(
        licence,
        actor=actor,
        to=S.GRANTED,
        reason=reason,
        legal_basis=legal_basis,
        document_number=document_number,
        number=number.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    return licence


@transaction.atomic
def licence_refuse(*, actor, licence: Licence, reason: str, legal_basis: str = "", document_number: str = ""):
    """L1: an applicant that fails the conditions is refused."""
    _decide(licence, actor=actor, to=S.REFUSED, reason=reason, legal_basis=legal_basis, document_number=document_number)
    return licence


@transaction.atomic
def licence_start_review(
    *, actor, licence: Licence, reason: str, legal_basis: str = "", document_number: str = ""
) -> Licence:
    """L1: an existing licence is re-reviewed (重新审核) against the conditions."""
    _decide(
        licence, actor=actor, to=S.UNDER_REVIEW, reason=reason, legal_basis=legal_basis, document_number=document_number
    )
    return licence


@transaction.atomic
def licence_pass_review(
    *, actor, licence: Licence, reason: str, legal_basis: str = "", document_number: str = ""
) -> Licence:
    """L1: the re-review (or the rectification) passed; the licence stays valid."""
    # A licence that passes only after rectification keeps its failed re-review on record.
    outcome = licence.review_outcome if licence.status == S.RECTIFYING else ReviewOutcome.PASSED
    _decide(
        licence,
        actor=actor,
        to=S.GRANTED,
        reason=reason,
        legal_basis=legal_basis,
        document_number=document_number,
        reviewed_on=local_today(),
        review_outcome=outcome,
        rectify_by=None,
    )
    _set_operator_status(licence.operator, OperatorStatus.OPERATING, actor=actor, reason=reason)
    return licence


@transaction.atomic
def licence_order_rectification(
    *, actor, licence: Licence, rectify_by: datetime.date, reason: str, legal_basis: str = "", document_number: str = ""
) -> Licence:
    """L1: failing the re-review, stop production and sales and rectify by a deadline."""
    if rectify_by <= local_today():
        raise ValidationError({"rectify_by": _("The rectification deadline must be in the future.")})
    _decide(
        licence,
        actor=actor,
        to=S.RECTIFYING,
        reason=reason,
        legal_basis=legal_basis,
        document_number=document_number,
        rectify_by=rectify_by,
        reviewed_on=local_today(),
        review_outcome=ReviewOutcome.FAILED,
    )
    _set_operator_status(licence.operator, OperatorStatus.SUSPENDED, actor=actor, reason=reason)
    return licence


@transaction.atomic
def licence_withdraw(
    *, actor, licence: Licence, to: str, reason: str, legal_basis: str, document_number: str
) -> list[FollowUpMeasure]:
    """L1/L6: revoke (撤销) or cancel (吊销), with the follow-up measures that stop a restart."""
    if to not in (S.REVOKED, S.CANCELLED):
        raise ValidationError(_("Choose revocation or cancellation."))
    if not legal_basis.strip() or not document_number.strip():
        raise ValidationError(_("A revocation or cancellation names its legal basis and document number."))
    _decide(licence, actor=actor, to=to, reason=reason, legal_basis=legal_basis, document_number=document_number)
    if not licence.operator.licences.in_force().exists():
        _set_operator_status(licence.operator, OperatorStatus.CLOSED, actor=actor, reason=reason)
    if licence.type != LicenceType.PRODUCTION:
        return []
    return _open_follow_ups(licence, [MeasureKind.RECOVER_INVOICES, MeasureKind.DISMANTLE_EQUIPMENT], actor)


def _revoke(**kwargs):
    return licence_withdraw(to=S.REVOKED, **kwargs)


def _cancel(**kwargs):
    return licence_withdraw(to=S.CANCELLED, **kwargs)


# The decisions a reviewer takes on a licence, by name, with the states each starts from.
# Pages and API offer exactly these.
LICENCE_ACTIONS = {
    "grant": (frozenset({S.APPLIED}), licence_grant),
    "refuse": (frozenset({S.APPLIED}), licence_refuse),
    "start_review": (frozenset({S.GRANTED}), licence_start_review),
    "pass_review": (frozenset({S.UNDER_REVIEW, S.RECTIFYING}), licence_pass_review),
    "order_rectification": (frozenset({S.UNDER_REVIEW}), licence_order_rectification),
    "revoke": (frozenset({S.RECTIFYING}), _revoke),
    "cancel": (frozenset({S.GRANTED, S.UNDER_REVIEW, S.RECTIFYING}), _cancel),
}


def licence_actions_for(actor, licence: Licence) -> list[str]:
    """The decisions `actor` may take on `licence` now (empty for non-reviewers)."""
    if not (actor.is_superuser or actor.role in DECIDE_ROLES):
        return []
    # A list annotates `user_may_edit` for its rows (one query for the page).
    editable = getattr(licence, "user_may_edit", None)
    if editable is None:
        editable = Licence.objects.editable_by(actor).filter(pk=licence.pk).exists()
    if not editable:
        return []
    return [name for name, (states, _fn) in LICENCE_ACTIONS.items() if licence.status in states]


def licence_act(*, actor, licence: Licence, action: str, **data):
    """Take the named decision through its service."""
    try:
        states, service = LICENCE_ACTIONS[action]
    except KeyError:
        raise ValidationError(_("Unknown decision.")) from None
    if licence.status not in states:
        raise ValidationError(
            _("This decision is not open for a licence that is %(status)s.") % {"status": licence.get_status_display()}
        )
    return service(actor=actor, licence=licence, **data)


@transaction.atomic
@transaction.atomic
def licence_expire(*, licence: Licence, today: datetime.date | None = None) -> bool:
    """A valid licence past its expiry date lapses. Idempotent: run daily by beat, and safe
    when two runs meet (the second finds the licence locked, then already expired)."""
    today = today or local_today()
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if licence.status != S.GRANTED or not licence.expires_on or licence.expires_on >= today:
        return False
    transition(obj=licence, to=S.EXPIRED, table=LIFECYCLE, actor=None, reason=_("Expired"))
    return True


@transaction.atomic
def station_close(*, actor, station: Operator, reason: str, legal_basis: str, document_number: str) -> ClosureNotice:
    """L4: a raw-milk station ordered closed (责令关停): its licences close, its equipment is
    sealed or dismantled (tracked), and the closure is notified to the same-level quality
    supervision department and to the farms and dairy producers of the county."""
    require_editable(actor, station, decide=True)
    if station.kind != OperatorKind.PURCHASE_STATION:
        raise ValidationError(_("Only raw-milk purchase stations are closed this way."))
    in_force = [S.GRANTED, S.UNDER_REVIEW, S.RECTIFYING]
    licences = list(Licence.objects.filter(Q(station=station) | Q(operator=station), status__in=in_force))
    if not licences:
        raise ValidationError(_("The station holds no licence in force."))
    for licence in licences:
        _decide(
            licence, actor=actor, to=S.CLOSED, reason=reason, legal_basis=legal_basis, document_number=document_number
        )
    _set_operator_status(station, OperatorStatus.CLOSED, actor=actor, reason=reason)
    _open_follow_ups(licences[0], [MeasureKind.SEAL_STATION, MeasureKind.DISMANTLE_STATION], actor)
    return _notify_closure(station, actor=actor, reason=reason, document_number=document_number)


def _notify_closure(station: Operator, *, actor, reason: str, document_number: str) -> ClosureNotice:
    text = _("Raw-milk purchase station %(name)s (%(address)s) was ordered closed, document %(doc)s: %(reason)s") % {
        "name": station.name,
        "address": station.address,
        "doc": document_number,
        "reason": reason,
    }
    qts = list(Agency.objects.filter(kind=AgencyKind.QTS, jurisdiction_id=station.county_id))
    neighbours = Operator.objects.filter(
        county_id=station.county_id,
        kind__in=[OperatorKind.DAIRY_FARM, OperatorKind.FARMER_COOP, OperatorKind.DAIRY_PRODUCER],
    ).exclude(status__in=[OperatorStatus.CLOSED, OperatorStatus.BANNED])
    notice = ClosureNotice.objects.create(station=station, sent_by=actor, text=text)
    notice.agencies.set(qts)
    notice.operators.set(neighbours)
    url = reverse("operator_detail", args=[station.pk])
    notify_agencies(agencies=qts, title=_("Station closed: %(name)s") % {"name": station.name}, body=text, url=url)
    return notice


def _open_follow_ups(licence: Licence, kinds: list[str], actor) -> list[FollowUpMeasure]:
    county = licence.operator.county
    due = local_today() + datetime.timedelta(days=FOLLOW_UP_DAYS)
    measures = []
    for kind in kinds:
        responsible_kind = (
            AgencyKind.AGR if kind in (MeasureKind.SEAL_STATION, MeasureKind.DISMANTLE_STATION) else AgencyKind.GOV
        )
        responsible = agency_near_required(responsible_kind, county)
        measure = audited_save(
            FollowUpMeasure(licence=licence, kind=kind, responsible=responsible, due_on=due),
            actor=actor,
            reason=_("Opened after %(status)s") % {"status": licence.get_status_display()},
        )
        measures.append(measure)
        notify_agencies(
            agencies=[responsible],
            title=_("Follow-up due %(date)s: %(measure)s") % {"date": due.isoformat(), "measure": measure},
            url=reverse("follow_up_list"),
        )
    return measures


def _set_operator_status(operator: Operator, status: str, *, actor, reason: str):
    if operator.status != status:
        operator.status = status
        audited_save(operator, actor=actor, reason=reason)


def operator_may_sell_dairy(operator: Operator) -> tuple[bool, str]:
    """L5: selling dairy needs a valid distribution licence with dairy approved as a
    separate category; without it the business is unlicensed and is banned (取缔)."""
    if operator.status in (OperatorStatus.CLOSED, OperatorStatus.BANNED) or operator.business_licence_cancelled:
        return False, _("L5: the operator is closed, banned or has lost its business licence.")
    # A seller holds one or two distribution licences: read them rather than query JSON,
    # which SQLite cannot search.
    in_force = operator.licences.filter(type=LicenceType.DISTRIBUTION, status__in=[S.GRANTED, S.UNDER_REVIEW])
    ok = any(ScopeCategory.DAIRY in (licence.scope or []) for licence in in_force)
    if ok:
        return True, ""
    return False, _("L5: no valid distribution licence approves dairy products; selling dairy is unlicensed.")


@transaction.atomic
def seller_cancel_for_over_limit(
    *, actor, seller: Operator, reason: str, document_number: str, legal_basis: str = ""
) -> list[Licence]:
    """L6: a seller found selling dairy over the melamine limit loses its licence and its
    business licence, without exception."""
    require_editable(actor, seller, decide=True)
    if seller.kind not in SELLERS:
        raise ValidationError(_("L6 applies to sellers (wholesalers, supermarkets, retailers)."))
    basis = legal_basis or _("L6: sold dairy with melamine over the temporary limit")
    cancelled = []
    for licence in seller.licences.filter(
        type=LicenceType.DISTRIBUTION, status__in=[S.GRANTED, S.UNDER_REVIEW, S.RECTIFYING]
    ):
        licence_withdraw(
            actor=actor,
            licence=licence,
            to=S.CANCELLED,
            reason=reason,
            legal_basis=basis,
            document_number=document_number,
        )
        cancelled.append(licence)
    seller.refresh_from_db()
    seller.business_licence_cancelled = True
    seller.status = OperatorStatus.CLOSED
    audited_save(seller, actor=actor, reason=reason)
    return cancelled


@transaction.atomic
def follow_up_complete(*, actor, measure: FollowUpMeasure, completed_on: datetime.date, evidence, notes: str = ""):
    """L1/L4: a follow-up measure is done, with the evidence that shows it."""
    require_editable(actor, measure)
    if measure.completed_on:
        raise ValidationError(_("This measure is already completed."))
    if completed_on > local_today():
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
    validate_document(evidence)
    measure.completed_on = completed_on
    measure.notes = notes
    measure.evidence_sha256 = upload_sha256(evidence)
    measure.evidence.save(evidence.name, evidence, save=False)
    return audited_save(measure, actor=actor, reason=_("Completed"))

"""C2 (三.2): suspected crimes transferred to the police promptly (移送公安机关), and the
police's answer. How prompt is "promptly" is the working rule of `cases.rules`."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from dairy_campaign.choices import AgencyKind
from dairy_campaign.models import Agency
from dairy_campaign.ownership import DECIDE_ROLES
from dairy_campaign.scoping import scope_prefix
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify_agencies
from dairy_campaign.transitions import transition

from ..models import Case, CaseStatus, PoliceReferral, PoliceReferralStatus
from ..rules import DEFAULT_REFERRAL_LIMIT_DAYS, REFERRAL_LIMIT_DAYS, referral_late
from .cases import OPEN_REFERRALS, clue_local_date, is_case_reviewer, require_case_reviewer
from .evidence import evidence_attach

R = PoliceReferralStatus
REFERRAL_FLOW = {R.REFERRED: frozenset({R.ACCEPTED, R.RETURNED})}
REFERABLE = frozenset({CaseStatus.FILED, CaseStatus.INVESTIGATING})


def police_units_for(case: Case):
    """C2: the police units a case may go to: public security bureaus at the case's
    jurisdiction or above."""
    place = case.jurisdiction
    codes = [place.code] + [j.code for j in place.ancestors()]
    return Agency.objects.filter(kind=AgencyKind.PSB, jurisdiction_id__in=codes).select_related("jurisdiction")


def may_refer(actor, case: Case) -> bool:
    if case.status not in REFERABLE or not is_case_reviewer(actor, case):
        return False
    return not case.police_referrals.filter(status__in=OPEN_REFERRALS).exists()


def _unit_may_receive(unit: Agency, case: Case) -> bool:
    return (
        unit is not None
        and unit.kind == AgencyKind.PSB
        and case.jurisdiction_id.startswith(scope_prefix(unit.jurisdiction_id))
    )


@transaction.atomic
def police_refer(
    *,
    actor,
    case: Case,
    police_unit: Agency,
    referred_on: datetime.date,
    document_number: str,
    documents=(),
) -> PoliceReferral:
    """C2: transfer a filed case of suspected crime (deliberate addition of melamine, S2)
    to a police unit at or above its jurisdiction, with the transfer documents as evidence.
    The days from the clue count in local dates; the unit's members are notified."""
    require_case_reviewer(actor, case)
    if case.status not in REFERABLE:
        raise ValidationError(_("Only a filed case, or one under investigation, is transferred to the police."))
    if not _unit_may_receive(police_unit, case):
        raise ValidationError(
            {"police_unit": _("Choose a public security bureau at or above the case's jurisdiction.")}
        )
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError({"document_number": _("Give the number of the transfer document.")})
    clue_day = clue_local_date(case)
    if referred_on > local_today():
        raise ValidationError({"referred_on": _("The date cannot be in the future.")})
    if referred_on < clue_day:
        raise ValidationError({"referred_on": _("A case is transferred after its clue was received.")})
    if case.police_referrals.select_for_update().filter(status__in=OPEN_REFERRALS).exists():
        raise ValidationError(_("The case is already with the police."))
    referral = audited_save(
        PoliceReferral(
            case=case,
            police_unit=police_unit,
            referred_on=referred_on,
            document_number=document_number,
            days_from_clue=(referred_on - clue_day).days,
            referred_by=actor,
        ),
        actor=actor,
        reason=_("Transferred to the police"),
    )
    for upload in documents or ():
        try:
            evidence_attach(
                actor=actor,
                case=case,
                upload=upload,
                description=_("Transfer document %(number)s: %(name)s")
                % {"number": document_number, "name": upload.name},
            )
        except ValidationError as error:
            raise ValidationError({"documents": [f"{upload.name}: {m}" for m in error.messages]}) from None
    late = referral_late(referral.days_from_clue, case.agency.kind)
    notify_agencies(
        agencies=[police_unit],
        title=_("Case transferred by %(agency)s: %(title)s") % {"agency": case.agency, "title": case.title},
        body=_("Case %(number)s, transfer document %(doc)s, %(days)d days after the clue%(late)s.")
        % {
            "number": case.number,
            "doc": document_number,
            "days": referral.days_from_clue,
            "late": _(" (late)") if late else "",
        },
        url=reverse("case_detail", args=[case.pk]),
    )
    return referral


def is_receiving_unit_member(actor, referral: PoliceReferral) -> bool:
    """Reviewers of the receiving police unit answer a referral (a superuser for any)."""
    if not actor.is_authenticated:
        return False
    if not PoliceReferral.objects.visible_to(actor).filter(pk=referral.pk).exists():
        return False
    return actor.is_superuser or (actor.agency_id == referral.police_unit_id and actor.role in DECIDE_ROLES)


def police_answers_for(actor, referral: PoliceReferral) -> list[str]:
    """The answers `actor` may give now: accept and return, or nothing."""
    if referral.status != R.REFERRED or not is_receiving_unit_member(actor, referral):
        return []
    return ["accept", "return"]


def _answer(referral: PoliceReferral, *, actor, answered_on: datetime.date):
    if not is_receiving_unit_member(actor, referral):
        raise PermissionDenied(_("Only the receiving police unit answers a transfer."))
    if answered_on > local_today():
        raise ValidationError({"answered_on": _("The date cannot be in the future.")})
    if answered_on < referral.referred_on:
        raise ValidationError({"answered_on": _("The police answer after the transfer.")})


def _tell_department(referral: PoliceReferral, title: str, body: str):
    notify_agencies(
        agencies=[referral.case.agency],
        title=title,
        body=body,
        url=reverse("case_detail", args=[referral.case_id]),
    )


@transaction.atomic
def police_accept(
    *, actor, referral: PoliceReferral, police_case_number: str, answered_on: datetime.date, note: str = ""
) -> PoliceReferral:
    """C2: the police accept the transfer as a criminal case (立案), under their number."""
    _answer(referral, actor=actor, answered_on=answered_on)
    number = (police_case_number or "").strip()
    if not number:
        raise ValidationError({"police_case_number": _("Give the police case number.")})
    note = (note or "").strip()
    transition(
        obj=referral,
        to=R.ACCEPTED,
        table=REFERRAL_FLOW,
        actor=actor,
        reason=note or _("Accepted by the police"),
        document_number=number,
        police_case_number=number,
        answered_on=answered_on,
        answer=note,
    )
    _tell_department(
        referral,
        _("The police accepted case %(number)s") % {"number": referral.case.number},
        _("%(unit)s, police case number %(police)s.") % {"unit": referral.police_unit, "police": number},
    )
    return referral


@transaction.atomic
def police_return(*, actor, referral: PoliceReferral, reason: str, answered_on: datetime.date) -> PoliceReferral:
    """C2: the police return the transfer (no criminal case), saying why; the department
    carries on with the administrative case and may transfer it again."""
    _answer(referral, actor=actor, answered_on=answered_on)
    transition(
        obj=referral,
        to=R.RETURNED,
        table=REFERRAL_FLOW,
        actor=actor,
        reason=reason,
        answered_on=answered_on,
        answer=(reason or "").strip(),
    )
    _tell_department(
        referral,
        _("The police returned case %(number)s") % {"number": referral.case.number},
        (reason or "").strip(),
    )
    return referral


POLICE_ANSWERS = {"accept": police_accept, "return": police_return}


def late_referral_q(prefix: str = "") -> Q:
    """C2: referrals slower than their department's limit, as a query (the same table as
    `referral_late`). `prefix` leads from another model to the referral, e.g. "police_referrals__"."""
    kind, days = f"{prefix}case__agency__kind", f"{prefix}days_from_clue__gt"
    late = Q(**{days: DEFAULT_REFERRAL_LIMIT_DAYS}) & ~Q(**{f"{kind}__in": list(REFERRAL_LIMIT_DAYS)})
    for agency_kind, limit in REFERRAL_LIMIT_DAYS.items():
        late |= Q(**{kind: agency_kind, days: limit})
    return late


def with_late_flag(referrals):
    """Referrals with `late` computed by the database, for lists and exports."""
    return referrals.annotate(late=ExpressionWrapper(late_referral_q(), output_field=BooleanField()))

"""P3 (四.三): consultations, complaints and tip-offs from the 12315 (industry and commerce)
and 12365 (quality supervision) hotlines: intake, routing to the handling department,
answer or case, with the handling deadline tracked."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dairy_campaign.choices import AgencyKind
from dairy_campaign.models import Agency, Jurisdiction
from dairy_campaign.ownership import WRITE_ROLES
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify_agencies
from dairy_campaign.transitions import transition
from licensing.models import Operator
from licensing.services.common import agency_near

from ..models import Case, Complaint, ComplaintKind, ComplaintStatus, Hotline, SourceKind
from .clues import case_open_clue

# The handling time limit. The plan (四.三) asks for complaints to be handled promptly
# (及时受理) but sets no number of days; 15 days from receipt is the campaign's working
# rule, the usual limit for consumer complaints at the time.
HANDLING_DAYS = 15

# A hotline system's clock may run slightly ahead of ours; beyond this, a "future"
# reception time is a typing or clock error.
CLOCK_TOLERANCE = datetime.timedelta(minutes=5)

# Each hotline is run by one department kind (四.三): 12315 by industry and commerce,
# 12365 by quality supervision. "Other" complaints (letters, walk-ins) are recorded by
# any department that writes.
HOTLINE_KIND = {Hotline.AIC_12315: AgencyKind.AIC, Hotline.QTS_12365: AgencyKind.QTS}

# Departments that handle complaints about dairy: the regulators of each link. Police take
# criminal referrals of cases, governments lead sweeps, offices oversee: none of them
# answers a complaint itself.
HANDLING_KINDS = frozenset({AgencyKind.AIC, AgencyKind.QTS, AgencyKind.FDA, AgencyKind.AGR, AgencyKind.CIQ})

S = ComplaintStatus
COMPLAINT_TRANSITIONS = {
    # Re-routing moves a complaint to "being handled" (again, when routed once more).
    S.RECEIVED: frozenset({S.HANDLING, S.ANSWERED, S.CASE_OPENED}),
    S.HANDLING: frozenset({S.HANDLING, S.ANSWERED, S.CASE_OPENED}),
}
FINISHED = frozenset({S.ANSWERED, S.CASE_OPENED})
CASE_KINDS = frozenset({ComplaintKind.COMPLAINT, ComplaintKind.TIP})


def handling_deadline(received_at: datetime.datetime) -> datetime.date:
    """The date the answer is due: the local date received plus HANDLING_DAYS."""
    return timezone.localdate(received_at) + datetime.timedelta(days=HANDLING_DAYS)


def overdue_q(today: datetime.date | None = None) -> Q:
    """P3: past the handling deadline and neither answered nor turned into a case."""
    return Q(deadline__lt=today or local_today()) & ~Q(status__in=FINISHED)


def annotate_overdue(queryset, today: datetime.date | None = None):
    """Each row with `is_overdue`, computed in the database for lists and exports."""
    return queryset.annotate(is_overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()))


def is_overdue(complaint: Complaint, today: datetime.date | None = None) -> bool:
    return complaint.status not in FINISHED and complaint.deadline < (today or local_today())


# --- who may do what ------------------------------------------------------------------


def _writes(actor) -> bool:
    return actor.is_authenticated and (actor.is_superuser or getattr(actor, "role", None) in WRITE_ROLES)


def may_receive(actor, hotline: str | None = None) -> bool:
    """A writing role of the department running the hotline (any department for "other")."""
    if not _writes(actor):
        return False
    if actor.is_superuser:
        return True
    if actor.agency_id is None:
        return False
    kind = HOTLINE_KIND.get(hotline)
    return kind is None or actor.agency.kind == kind


def may_handle(actor, complaint: Complaint) -> bool:
    """A writing member of the handling agency."""
    if not _writes(actor):
        return False
    return actor.is_superuser or actor.agency_id == complaint.assigned_agency_id


def may_route(actor, complaint: Complaint) -> bool:
    """The handling agency, or its own kind of department above it (the city or provincial
    bureau that dispatched the ticket), re-routes a complaint still open."""
    if complaint.status in FINISHED or not _writes(actor):
        return False
    if actor.is_superuser or actor.agency_id == complaint.assigned_agency_id:
        return True
    if actor.agency_id is None:
        return False
    handler = complaint.assigned_agency
    return actor.agency.kind == handler.kind and actor.agency.jurisdiction.contains(handler.jurisdiction_id)


def complaint_actions_for(actor, complaint: Complaint) -> list[str]:
    """The actions open to `actor` on `complaint` now, in the order pages show them."""
    actions = []
    if complaint.status in FINISHED:
        return actions
    if may_handle(actor, complaint):
        actions.append("answer")
        if complaint.kind in CASE_KINDS:
            actions.append("to-case")
    if may_route(actor, complaint):
        actions.append("assign")
    return actions


def _require(allowed: bool, message: str):
    if not allowed:
        raise PermissionDenied(message)


# --- intake ---------------------------------------------------------------------------


def _route(*, actor, hotline: str, jurisdiction: Jurisdiction, assigned_agency: Agency | None) -> Agency:
    """P3: 12315 goes to industry and commerce, 12365 to quality supervision, of the
    jurisdiction or the nearest level above that has one; "other" to the recorder's kind."""
    if assigned_agency is not None:
        _check_handler(assigned_agency, jurisdiction, field="assigned_agency")
        return assigned_agency
    kind = HOTLINE_KIND.get(hotline) or (actor.agency.kind if actor.agency_id else None)
    agency = agency_near(kind, jurisdiction) if kind in HANDLING_KINDS else None
    if agency is None:
        raise ValidationError({"assigned_agency": _("No department can handle complaints here; choose one.")})
    return agency


def _check_handler(agency: Agency, jurisdiction: Jurisdiction, *, field: str):
    if agency.kind not in HANDLING_KINDS:
        raise ValidationError({field: _("Choose a regulating department to handle the complaint.")})
    if not agency.jurisdiction.contains(jurisdiction.code):
        raise ValidationError(
            {field: _("Choose a department of %(place)s or of a level above it.") % {"place": jurisdiction}}
        )


def _check_intake(*, actor, received_at, jurisdiction, operator):
    if not Jurisdiction.objects.visible_to(actor).filter(pk=jurisdiction.pk).exists():
        raise ValidationError({"jurisdiction": _("Choose a jurisdiction within your own.")})
    if received_at is None or received_at > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    if operator is not None:
        if not Operator.objects.visible_to(actor).filter(pk=operator.pk).exists():
            raise ValidationError({"operator": _("Choose an operator within your jurisdiction.")})
        if not jurisdiction.contains(operator.county_id):
            raise ValidationError({"operator": _("The operator is not in the jurisdiction of the complaint.")})


def _existing(actor, hotline: str, ticket_number: str) -> Complaint | None:
    existing = Complaint.objects.filter(hotline=hotline, ticket_number=ticket_number).first()
    if existing is not None and not Complaint.objects.visible_to(actor).filter(pk=existing.pk).exists():
        # Saying more would tell an outsider about another jurisdiction's ticket.
        raise ValidationError({"ticket_number": _("This ticket number is already taken.")})
    return existing


@transaction.atomic
def complaint_receive(
    *,
    actor,
    hotline: str,
    ticket_number: str,
    kind: str,
    received_at: datetime.datetime,
    content: str,
    jurisdiction: Jurisdiction,
    informant_name: str = "",
    informant_phone: str = "",
    informant_address: str = "",
    operator: Operator | None = None,
    party_name: str = "",
    assigned_agency: Agency | None = None,
) -> tuple[Complaint, bool]:
    """P3: record a ticket from a hotline and route it to the handling department, due
    HANDLING_DAYS after receipt. Idempotent on (hotline, ticket number): the same ticket
    again returns the stored record unchanged with created=False; a changed payload for a
    known ticket does not overwrite it. The handling department is notified."""
    _require(may_receive(actor, hotline), _("Your department does not record tickets of this hotline."))
    ticket_number = (ticket_number or "").strip()
    _check_intake(actor=actor, received_at=received_at, jurisdiction=jurisdiction, operator=operator)
    existing = _existing(actor, hotline, ticket_number)
    if existing is not None:
        return existing, False
    agency = _route(actor=actor, hotline=hotline, jurisdiction=jurisdiction, assigned_agency=assigned_agency)
    complaint = Complaint(
        hotline=hotline,
        ticket_number=ticket_number,
        kind=kind,
        received_at=received_at,
        content=(content or "").strip(),
        operator=operator,
        party_name=(party_name or "").strip(),
        informant_name=(informant_name or "").strip(),
        informant_phone=(informant_phone or "").strip(),
        informant_address=(informant_address or "").strip(),
        jurisdiction=jurisdiction,
        assigned_agency=agency,
        deadline=handling_deadline(received_at),
        recorded_by=actor,
    )
    # The ticket's uniqueness is settled by the database below, so that two deliveries of
    # the same ticket at the same moment still leave one record.
    complaint.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            audited_save(
                complaint, actor=actor, reason=_("Received from hotline %(h)s") % {"h": hotline}, validate=False
            )
    except IntegrityError:
        return Complaint.objects.get(hotline=hotline, ticket_number=ticket_number), False
    _notify(complaint, _("New %(kind)s from hotline %(hotline)s"))
    return complaint, True


def _notify(complaint: Complaint, title: str):
    """Tell the handling agency; the informant stays out of notifications and e-mails."""
    notify_agencies(
        agencies=[complaint.assigned_agency],
        title=title % {"kind": complaint.get_kind_display(), "hotline": complaint.hotline, "ticket": complaint},
        body=complaint.content[:500],
        url=reverse("complaint_detail", args=[complaint.pk]),
    )


# --- handling -------------------------------------------------------------------------


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, agency: Agency, reason: str) -> Complaint:
    """P3: re-route an open complaint to another department (e.g. a catering matter to
    the food and drug administration, or down to the county). The new department is
    notified; the deadline stays."""
    _require(may_route(actor, complaint), _("Only the handling department or its superior re-routes a complaint."))
    if agency is None:
        raise ValidationError({"agency": _("Choose the department to handle the complaint.")})
    if agency.pk == complaint.assigned_agency_id:
        raise ValidationError({"agency": _("The complaint is already with this department.")})
    _check_handler(agency, complaint.jurisdiction, field="agency")
    transition(
        obj=complaint,
        to=S.HANDLING,
        table=COMPLAINT_TRANSITIONS,
        actor=actor,
        reason=(reason or "").strip(),
        assigned_agency=agency,
    )
    _notify(complaint, _("Complaint %(ticket)s routed to your department"))
    return complaint


@transaction.atomic
def complaint_answer(*, actor, complaint: Complaint, result: str, answered_on: datetime.date) -> Complaint:
    """P3: the handling department answers the informant and records the result."""
    _require(may_handle(actor, complaint), _("Only the handling department answers this complaint."))
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("Say what was found and answered.")})
    if answered_on is None or answered_on > local_today():
        raise ValidationError({"answered_on": _("The answer date cannot be in the future.")})
    if answered_on < timezone.localdate(complaint.received_at):
        raise ValidationError({"answered_on": _("The answer date cannot be before the complaint was received.")})
    transition(
        obj=complaint,
        to=S.ANSWERED,
        table=COMPLAINT_TRANSITIONS,
        actor=actor,
        reason=result,
        result=result,
        answered_on=answered_on,
    )
    return complaint


@transaction.atomic
def complaint_to_case(
    *, actor, complaint: Complaint, title: str, violations: list[str] | None = None, party_name: str = ""
) -> Case:
    """P3 → C2: a complaint or tip-off that shows a violation becomes a case clue of the
    handling department, linked both ways. Asking again returns the same case. The party
    is the complaint's; `party_name` names one when the complaint did not."""
    _require(may_handle(actor, complaint), _("Only the handling department opens a case from this complaint."))
    if complaint.case_id:
        return complaint.case
    if complaint.kind not in CASE_KINDS:
        raise ValidationError(_("A consultation is answered, not turned into a case."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the case a title.")})
    case = case_open_clue(
        actor=actor,
        agency=complaint.assigned_agency,
        jurisdiction=complaint.jurisdiction,
        source_kind=SourceKind.COMPLAINT,
        title=title,
        facts=complaint.content,
        source=complaint,
        source_label=_("Hotline %(hotline)s ticket %(ticket)s")
        % {"hotline": complaint.hotline, "ticket": complaint.ticket_number},
        operator=complaint.operator,
        party_name=(party_name or "").strip() or complaint.party_name,
        violations=list(violations or []),
    )
    transition(
        obj=complaint,
        to=S.CASE_OPENED,
        table=COMPLAINT_TRANSITIONS,
        actor=actor,
        reason=_("Turned into case %(number)s") % {"number": case.number},
        case=case,
    )
    return case

"""P4: immediate reports of major cases and emergencies (四.四: 对查出的重大案件和出现的突发事件，
要按规定要求及时上报). A department reports; the food-safety office one level up and the
provincial office receive it in their inbox at once."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dairy_campaign.choices import AgencyKind
from dairy_campaign.models import Agency, Jurisdiction
from dairy_campaign.ownership import WRITE_ROLES
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.notifications import notify_agencies

from ..models import Case, IncidentReport

PROVINCE = "320000"


def may_report_incident(user) -> bool:
    """P4: any member of a department with a writing role reports."""
    return (
        user.is_authenticated
        and getattr(user, "agency_id", None) is not None
        and (user.is_superuser or user.role in WRITE_ROLES)
    )


def require_incident_reporter(user):
    if not may_report_incident(user):
        raise PermissionDenied(_("P4: incidents are reported by a department member with a writing role."))


def recipient_places(jurisdiction: Jurisdiction) -> list[str]:
    """P4: where the report goes: the food-safety office one level up (a county's city, a
    city's province) and the provincial office; a province-level report goes to the
    provincial office only. Codes, parent first."""
    places = [jurisdiction.parent_id] if jurisdiction.parent_id else []
    return places if PROVINCE in places else [*places, PROVINCE]


def incident_offices(jurisdiction: Jurisdiction) -> list[Agency]:
    """The food-safety offices of `recipient_places` that are registered."""
    places = recipient_places(jurisdiction)
    offices = {a.jurisdiction_id: a for a in Agency.objects.filter(kind=AgencyKind.FSO, jurisdiction_id__in=places)}
    return [offices[code] for code in places if code in offices]


def missing_offices(report: IncidentReport) -> list[str]:
    """Codes of the places whose food-safety office should have received the report but
    was not registered (and so was not notified). Reads `notified` (prefetch it for lists)."""
    notified = {a.jurisdiction_id for a in report.notified.all()}
    return [code for code in recipient_places(report.jurisdiction) if code not in notified]


@transaction.atomic
def incident_report(
    *,
    actor,
    title: str,
    occurred_at: datetime.datetime,
    description: str,
    products: str = "",
    people_affected: int = 0,
    case: Case | None = None,
) -> IncidentReport:
    """P4: report a major case or an emergency at once. It is the actor's department's
    report, of the actor's jurisdiction; the offices notified are recorded on it. A missing
    office does not hold the report back: the others are notified and the page says which
    one was missing."""
    require_incident_reporter(actor)
    agency = actor.agency
    errors = {}
    if occurred_at and occurred_at > timezone.now():
        errors["occurred_at"] = _("P4: the time of the incident cannot be in the future.")
    if people_affected is not None and people_affected < 0:
        errors["people_affected"] = _("Give the number of people affected (0 if none).")
    if case is not None and not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        errors["case"] = _("Choose a case within your jurisdiction.")
    if errors:
        raise ValidationError(errors)
    report = IncidentReport(
        agency=agency,
        jurisdiction=agency.jurisdiction,
        title=(title or "").strip(),
        occurred_at=occurred_at,
        description=(description or "").strip(),
        products=(products or "").strip(),
        people_affected=people_affected or 0,
        case=case,
        reported_by=actor,
    )
    audited_save(report, actor=actor, reason=_("P4: immediate report"))
    offices = incident_offices(agency.jurisdiction)
    report.notified.set(offices)
    notify_agencies(
        agencies=offices,
        title=_("Immediate report from %(agency)s: %(title)s") % {"agency": agency.name, "title": report.title},
        body=report.description[:500],
        url=reverse("incident_detail", args=[report.pk]),
    )
    return report

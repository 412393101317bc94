"""C2: listed supervision (挂牌督办). A food-safety office of a city or of the province lists
a major or cross-region case of a department below it, with a deadline and a rhythm of
progress reports; the department reports; the office lifts the listing.

Which cases may be listed: the plan lists "重大特大案件和跨地区案件" (三.2). A case its
department has not marked major or cross-region can still be listed, but only when the
office says so explicitly (`mark_major=True`): the listing is then the office's
determination that the case is major, and the case's history says who decided it, under
which document. Without that word the listing is refused, so no case is listed by a slip.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dairy_campaign.choices import AgencyKind
from dairy_campaign.ownership import DECIDE_ROLES, WRITE_ROLES
from dairy_campaign.scoping import level_of
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify_agencies
from dairy_campaign.transitions import transition

from ..models import Case, CaseStatus, Listing, ListingLevel, ListingStatus, ProgressReport

# Offices that list: a county office reports upward, it does not list (C2).
LISTING_LEVELS = frozenset({ListingLevel.CITY, ListingLevel.PROVINCE})
LISTING_TRANSITIONS = {ListingStatus.OPEN: frozenset({ListingStatus.LIFTED})}
CLOSED_CASE_STATES = frozenset({CaseStatus.CLOSED, CaseStatus.DISMISSED})
LEVEL_RANK = {"province": 0, "city": 1, "county": 2}


# --- who may do what -----------------------------------------------------------------


def may_list(user) -> bool:
    """C2: reviewers of a city or provincial food-safety office list cases."""
    agency = getattr(user, "agency", None) if user.is_authenticated else None
    return (
        agency is not None
        and agency.kind == AgencyKind.FSO
        and level_of(agency.jurisdiction_id) in LISTING_LEVELS
        and (user.is_superuser or user.role in DECIDE_ROLES)
    )


def require_lister(user):
    if not may_list(user):
        raise PermissionDenied(_("C2: only reviewers of a city or provincial food-safety office list cases."))


def is_listing_office(user, listing: Listing) -> bool:
    """The office that listed the case, as a reviewer: it lifts the listing."""
    return (
        user.is_authenticated
        and user.agency_id == listing.office_id
        and (user.is_superuser or user.role in DECIDE_ROLES)
    )


def may_report(user, listing: Listing) -> bool:
    """The case's department, with a writing role, reports on an open listing."""
    return (
        user.is_authenticated
        and user.agency_id == listing.case.agency_id
        and (user.is_superuser or user.role in WRITE_ROLES)
    )


def may_lift(user, listing: Listing) -> bool:
    return listing.status == ListingStatus.OPEN and is_listing_office(user, listing)


def is_above(office_code: str, case_code: str) -> bool:
    """C2: the office sits strictly higher than the case and contains it."""
    office_level, case_level = level_of(office_code), level_of(case_code)
    prefix = {"province": office_code[:2], "city": office_code[:4]}.get(office_level)
    return prefix is not None and case_code.startswith(prefix) and LEVEL_RANK[office_level] < LEVEL_RANK[case_level]


# --- listing, reporting, lifting -----------------------------------------------------


@transaction.atomic
def listing_create(
    *,
    actor,
    case: Case,
    level: str,
    deadline: datetime.date,
    report_every_days: int,
    requirements: str,
    document_number: str,
    mark_major: bool = False,
    listed_on: datetime.date | None = None,
) -> Listing:
    """C2: a higher office lists a major or cross-region case (挂牌督办) with a deadline.

    The office is the actor's, a city or provincial food-safety office strictly above the
    case's jurisdiction; the listing's level is the office's. One open listing per office
    and case. The case's department is notified. `listed_on` (default today) lets a
    listing decided earlier be recorded under its own date.
    """
    require_lister(actor)
    office = actor.agency
    office_level = level_of(office.jurisdiction_id)
    case = Case.objects.select_for_update().select_related("agency").get(pk=case.pk)
    if not is_above(office.jurisdiction_id, case.jurisdiction_id):
        raise PermissionDenied(_("C2: a case is listed by an office above its jurisdiction."))
    errors = {}
    if level != office_level:
        errors["level"] = _("C2: your office lists at %(level)s level.") % {"level": ListingLevel(office_level).label}
    if case.status in CLOSED_CASE_STATES:
        errors["case"] = _("C2: a closed or dismissed case is not listed.")
    if not (case.major or case.cross_region or mark_major):
        errors["mark_major"] = _(
            "C2: only major and cross-region cases are listed. "
            "Confirm that your office determines this case to be major."
        )
    listed_on = listed_on or local_today()
    if listed_on > local_today():
        errors["listed_on"] = _("The listing date cannot be in the future.")
    if deadline and deadline <= listed_on:
        errors["deadline"] = _("C2: the deadline falls after the listing date.")
    if not report_every_days or report_every_days < 1:
        errors["report_every_days"] = _("Give the number of days between progress reports (at least 1).")
    if Listing.objects.filter(case=case, office=office, status=ListingStatus.OPEN).exists():
        errors["case"] = _("C2: your office already supervises this case.")
    if errors:
        raise ValidationError(errors)
    listing = Listing(
        case=case,
        office=office,
        level=level,
        listed_on=listed_on,
        deadline=deadline,
        report_every_days=report_every_days,
        requirements=(requirements or "").strip(),
        document_number=(document_number or "").strip(),
        listed_by=actor,
    )
    reason = _("C2: listed for supervision by %(office)s (%(document)s)") % {
        "office": office.name,
        "document": listing.document_number,
    }
    try:
        with transaction.atomic():
            audited_save(listing, actor=actor, reason=reason)
    except IntegrityError:
        raise ValidationError({"case": _("C2: your office already supervises this case.")}) from None
    if not (case.major or case.cross_region):
        case.major = True
        audited_save(case, actor=actor, reason=_("C2: determined major by the listing office: %s") % reason)
    notify_agencies(
        agencies=[case.agency],
        title=_("Case %(number)s listed for supervision, deadline %(deadline)s")
        % {"number": case.number, "deadline": deadline.isoformat()},
        body=listing.requirements[:500],
        url=reverse("listing_detail", args=[listing.pk]),
    )
    return listing


@transaction.atomic
def progress_report_submit(*, actor, listing: Listing, text: str) -> ProgressReport:
    """C2: the case's department reports its progress to the listing office."""
    listing = Listing.objects.select_for_update().select_related("case", "office").get(pk=listing.pk)
    if not may_report(actor, listing):
        raise PermissionDenied(_("C2: progress is reported by the department handling the case."))
    if listing.status != ListingStatus.OPEN:
        raise ValidationError(_("This listing was lifted; no more reports are due."))
    report = ProgressReport(listing=listing, text=(text or "").strip(), submitted_by=actor)
    audited_save(report, actor=actor, reason=_("C2: progress report"))
    notify_agencies(
        agencies=[listing.office],
        title=_("Progress report on listed case %(number)s") % {"number": listing.case.number},
        body=report.text[:500],
        url=reverse("listing_detail", args=[listing.pk]),
    )
    return report


@transaction.atomic
def listing_lift(*, actor, listing: Listing, reason: str, document_number: str = "") -> Listing:
    """C2: the listing office lifts the supervision (解除督办); the department is told."""
    listing = Listing.objects.select_for_update().select_related("case", "case__agency").get(pk=listing.pk)
    reason = (reason or "").strip()
    if not is_listing_office(actor, listing):
        raise PermissionDenied(_("C2: the listing is lifted by the office that listed the case."))
    transition(
        obj=listing,
        to=ListingStatus.LIFTED,
        table=LISTING_TRANSITIONS,
        actor=actor,
        reason=reason,
        document_number=(document_number or "").strip(),
        lifted_on=local_today(),
    )
    notify_agencies(
        agencies=[listing.case.agency],
        title=_("Supervision of case %(number)s lifted") % {"number": listing.case.number},
        body=reason[:500],
        url=reverse("listing_detail", args=[listing.pk]),
    )
    return listing


# --- flags ---------------------------------------------------------------------------


def with_last_report(queryset):
    """Each listing with `last_report_at`, so the flags below cost no query per row."""
    return queryset.annotate(last_report_at=Max("reports__submitted_at")).order_by(*Listing._meta.ordering)


def _last_report_on(listing: Listing) -> datetime.date | None:
    if hasattr(listing, "last_report_at"):
        last = listing.last_report_at
    else:
        last = listing.reports.aggregate(last=Max("submitted_at"))["last"]
    return timezone.localdate(last) if last else None


def next_report_on(listing: Listing) -> datetime.date:
    """C2: the next progress report is owed `report_every_days` after the last one (or
    after the listing, before any report)."""
    since = _last_report_on(listing) or listing.listed_on
    return since + datetime.timedelta(days=listing.report_every_days)


def listing_overdue(listing: Listing, today: datetime.date) -> bool:
    """C2: still open after its deadline."""
    return listing.status == ListingStatus.OPEN and today > listing.deadline


def report_due(listing: Listing, today: datetime.date) -> bool:
    """C2: no progress report within `report_every_days` of the last one (or of the
    listing): on the day the report is owed it is not late yet; the day after it is."""
    return listing.status == ListingStatus.OPEN and today > next_report_on(listing)


def flag(listings, today: datetime.date):
    """Set `overdue`, `report_due` and `next_report_on` on each listing (for pages)."""
    for listing in listings:
        listing.overdue = listing_overdue(listing, today)
        listing.report_due = report_due(listing, today)
        listing.next_report_on = next_report_on(listing)
    return listings


def mine(queryset, user):
    """The listings that concern the user's department: those its office made, or those
    of the cases it handles."""
    agency = getattr(user, "agency", None) if user.is_authenticated else None
    if agency is None:
        return queryset
    if agency.kind == AgencyKind.FSO:
        return queryset.filter(office=agency)
    return queryset.filter(case__agency=agency)


def overdue_ids(queryset, today: datetime.date, which: str) -> list[int]:
    """Ids of the open listings in `queryset` that are overdue (`which="overdue"`) or owe a
    report (`which="report_due"`). Open listings are few (hundreds for the province), and
    the per-row rhythm of reports does not translate into portable SQL."""
    open_rows = with_last_report(queryset.filter(status=ListingStatus.OPEN).select_related(None).prefetch_related(None))
    if which == "overdue":
        return list(open_rows.filter(deadline__lt=today).values_list("pk", flat=True))
    return [
        row.pk for row in open_rows.only("pk", "status", "listed_on", "report_every_days") if report_due(row, today)
    ]

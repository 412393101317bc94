"""Scheduled reminders (beat): summaries not yet submitted (P1), overdue rectification
orders (S4), listed cases past their deadline or owing a progress report (C2, P4), and
licences about to expire.

Each sender runs daily, reads the local date in Asia/Shanghai and posts to the inbox (with
e-mail after commit, see `notify`). A `ReminderLog` row per occasion and recipient commits
with the notifications, so running a sender again, retrying it, or two workers running it
at once never reminds anyone twice of the same occasion.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Listing
from cases.services.supervision import overdue_ids
from dairy_campaign.choices import Role
from dairy_campaign.models import Agency, User
from dairy_campaign.services.campaigns import campaign_current, local_today
from dairy_campaign.services.notifications import notify, notify_agencies
from inspections.models import AssignmentStatus, Measure, MeasureKind, MeasureStatus
from licensing.models import Licence, LicenceStatus

from ..models import SummaryReport
from ..models_reminders import ReminderKind, ReminderLog
from .deadline import DELIVERED

# P1: reminders of the written summary go out on these days of December.
SUMMARY_REMINDER_DAYS = frozenset({(12, 1), (12, 20), (12, 28)})
# Days before expiry on which the issuing department hears of a licence; the last on the day.
LICENCE_THRESHOLDS = (30, 7, 0)


@dataclass(frozen=True)
class Reminder:
    """One occasion to remind one department (all its members) or one person of."""

    kind: str
    occasion: str
    title: str
    body: str = ""
    url: str = ""
    agency: Agency | None = None
    recipient: User | None = None

    @property
    def key(self) -> tuple[str, int | None, int | None]:
        return (self.occasion, getattr(self.agency, "pk", None), getattr(self.recipient, "pk", None))


def _send_once(reminder: Reminder, today: datetime.date) -> bool:
    """Post the reminder unless its occasion was already sent to its recipient.

    The log row and the notifications commit together: a failure sends nothing and leaves
    the occasion for the retry; a row already there means it was sent."""
    with transaction.atomic():
        log = ReminderLog(
            kind=reminder.kind,
            occasion=reminder.occasion,
            agency=reminder.agency,
            recipient=reminder.recipient,
            sent_on=today,
        )
        try:
            with transaction.atomic():
                log.save()
        except IntegrityError:
            return False
        message = {"title": reminder.title, "body": reminder.body, "url": reminder.url}
        if reminder.agency is not None:
            notes = notify_agencies(agencies=[reminder.agency], **message)
        else:
            notes = notify(recipients=[reminder.recipient], **message)
        log.notifications = len(notes)
        log.save(update_fields=["notifications"])
    return True


def _deliver(reminders: list[Reminder], today: datetime.date) -> int:
    """Send each reminder not sent yet; the number sent."""
    occasions = sorted({r.occasion for r in reminders})
    sent_before = set()
    for start in range(0, len(occasions), 500):  # stays under SQLite's limit of parameters
        chunk = occasions[start : start + 500]
        sent_before.update(
            ReminderLog.objects.filter(occasion__in=chunk).values_list("occasion", "agency_id", "recipient_id")
        )
    return sum(_send_once(r, today) for r in reminders if r.key not in sent_before)


# --- P1: the written summaries ---------------------------------------------------------


def summary_missing_agencies(*, campaign) -> list[Agency]:
    """P1: the departments of every level whose summary of `campaign` is not delivered: not
    begun, a draft, or returned for correction. The same departments the deadline table
    counts as missing (every department existing at a jurisdiction, its FSO reporting for
    the whole jurisdiction), so no one is marked missing on 12-30 without being reminded."""
    delivered = SummaryReport.objects.filter(campaign=campaign, status__in=DELIVERED, submitted_at__isnull=False)
    return list(
        Agency.objects.exclude(pk__in=delivered.values("agency_id"))
        .select_related("jurisdiction")
        .order_by("jurisdiction_id", "kind")
    )


def summary_reminders_send(*, today: datetime.date | None = None) -> int:
    """P1: on 1, 20 and 28 December each department (of every jurisdiction) whose written
    summary of the current campaign is not submitted is reminded, with the days left to the
    summary deadline (12-30). Those who submitted hear nothing. Returns the number of
    departments reminded."""
    today = today or local_today()
    if (today.month, today.day) not in SUMMARY_REMINDER_DAYS:
        return 0
    campaign = campaign_current(today)
    if campaign is None or campaign.year != today.year:
        return 0
    days_left = campaign.days_to_deadline(today)
    if days_left < 0:
        return 0
    deadline = campaign.summary_deadline.isoformat()
    title = ngettext(
        "Summary report due by %(deadline)s: %(days)d day left",
        "Summary report due by %(deadline)s: %(days)d days left",
        days_left,
    ) % {"deadline": deadline, "days": days_left}
    url = reverse("summary_mine")
    reminders = [
        Reminder(
            kind=ReminderKind.SUMMARY_DUE,
            occasion=f"summary:{campaign.pk}:{today.isoformat()}",
            title=title,
            body=_(
                "P1: the written summary of %(agency)s on %(campaign)s has not been submitted. "
                "It must reach the provincial food safety office by %(deadline)s."
            )
            % {"agency": agency, "campaign": campaign, "deadline": deadline},
            url=url,
            agency=agency,
        )
        for agency in summary_missing_agencies(campaign=campaign)
    ]
    return _deliver(reminders, today)


# --- S4: rectification orders past their deadline --------------------------------------


def rectifications_overdue(today: datetime.date):
    """S4: rectification orders in effect whose deadline has passed and whose re-inspection
    (if one was given yet) is not done."""
    return (
        Measure.objects.filter(kind=MeasureKind.RECTIFY, status=MeasureStatus.IN_EFFECT, deadline__lt=today)
        .exclude(reinspection__status=AssignmentStatus.DONE)
        .select_related(
            "inspection__agency", "inspection__jurisdiction", "inspection__operator", "inspection__inspector"
        )
        .order_by("deadline", "pk")
    )


def _reviewers_by_agency(agency_ids: Iterable[int]) -> dict[int, list[User]]:
    reviewers = defaultdict(list)
    for user in User.objects.filter(agency_id__in=set(agency_ids), role=Role.REVIEWER, is_active=True):
        reviewers[user.agency_id].append(user)
    return reviewers


def rectification_overdue_send(*, today: datetime.date | None = None) -> int:
    """S4: each day a rectification order stays in effect past its deadline without a
    completed re-inspection, the inspector who issued it and the reviewers of its department
    are reminded, once a day per order. Returns the number of people reminded."""
    today = today or local_today()
    measures = list(rectifications_overdue(today))
    reviewers = _reviewers_by_agency(m.inspection.agency_id for m in measures)
    url = reverse("measure_list")
    reminders = []
    for measure in measures:
        inspection = measure.inspection
        days_late = (today - measure.deadline).days
        title = ngettext(
            "Rectification order overdue by %(days)d day: %(subject)s",
            "Rectification order overdue by %(days)d days: %(subject)s",
            days_late,
        ) % {"days": days_late, "subject": inspection.operator or inspection.jurisdiction}
        body = _("Rectify by %(deadline)s (%(document)s): %(finding)s") % {
            "deadline": measure.deadline.isoformat(),
            "document": measure.document_number or "-",
            "finding": measure.description[:300],
        }
        people = {u.pk: u for u in [inspection.inspector, *reviewers[inspection.agency_id]] if u.is_active}
        reminders += [
            Reminder(
                kind=ReminderKind.RECTIFICATION_OVERDUE,
                occasion=f"rectify:{measure.pk}:{today.isoformat()}",
                title=title,
                body=body,
                url=url,
                recipient=person,
            )
            for person in people.values()
        ]
    return _deliver(reminders, today)


# --- C2: listed supervision ------------------------------------------------------------


def _listing_reminders(listing: Listing, today: datetime.date, *, report_due: bool, overdue: bool) -> list[Reminder]:
    url = reverse("listing_detail", args=[listing.pk])
    number = listing.case.number
    reminders = []
    if report_due:
        reminders.append(
            Reminder(
                kind=ReminderKind.LISTING_REPORT_DUE,
                occasion=f"listing_report:{listing.pk}:{today.isoformat()}",
                title=_("Progress report due on listed case %(number)s") % {"number": number},
                body=_("C2: %(office)s expects a progress report every %(days)d days; the deadline is %(deadline)s.")
                % {
                    "office": listing.office,
                    "days": listing.report_every_days,
                    "deadline": listing.deadline.isoformat(),
                },
                url=url,
                agency=listing.case.agency,
            )
        )
    if overdue:
        days_late = (today - listing.deadline).days
        reminders.append(
            Reminder(
                kind=ReminderKind.LISTING_OVERDUE,
                occasion=f"listing_overdue:{listing.pk}:{today.isoformat()}",
                title=ngettext(
                    "Listed case %(number)s is %(days)d day past its deadline",
                    "Listed case %(number)s is %(days)d days past its deadline",
                    days_late,
                )
                % {"number": number, "days": days_late},
                body=_("C2: the deadline was %(deadline)s; the case is handled by %(agency)s.")
                % {"deadline": listing.deadline.isoformat(), "agency": listing.case.agency},
                url=url,
                agency=listing.office,
            )
        )
    return reminders


def listing_deadlines_send(*, today: datetime.date | None = None) -> int:
    """C2: each day an open listing owes a progress report its case's department is
    reminded; each day it stays open past its deadline the listing office is. At most once
    a day per listing and reminder. Returns the number of departments reminded."""
    today = today or local_today()
    report_due = set(overdue_ids(Listing.objects.all(), today, "report_due"))
    overdue = set(overdue_ids(Listing.objects.all(), today, "overdue"))
    listings = Listing.objects.filter(pk__in=report_due | overdue).select_related("case__agency", "office")
    reminders = []
    for listing in listings.order_by("deadline", "pk"):
        reminders += _listing_reminders(
            listing, today, report_due=listing.pk in report_due, overdue=listing.pk in overdue
        )
    return _deliver(reminders, today)


# --- Licences about to expire ------------------------------------------------------------


def licence_threshold(days_left: int) -> int | None:
    """The expiry reminder a licence with `days_left` days of validity is due for: the
    nearest threshold it has reached (30, 7, or 0 on the day); None when further off or
    past. A run missed on a threshold day is caught up the next day, and a licence granted
    with 5 days left gets the 7-day reminder only."""
    if days_left < 0 or days_left > LICENCE_THRESHOLDS[0]:
        return None
    return min(t for t in LICENCE_THRESHOLDS if t >= days_left)


def _licence_reminder(licence: Licence, today: datetime.date) -> Reminder:
    days_left = (licence.expires_on - today).days
    subject = {"licence": licence, "holder": licence.operator, "date": licence.expires_on.isoformat()}
    if days_left == 0:
        title = _("%(licence)s of %(holder)s expires today") % subject
    else:
        title = ngettext(
            "%(licence)s of %(holder)s expires in %(days)d day (%(date)s)",
            "%(licence)s of %(holder)s expires in %(days)d days (%(date)s)",
            days_left,
        ) % {**subject, "days": days_left}
    return Reminder(
        kind=ReminderKind.LICENCE_EXPIRY,
        # A renewed licence, with a new expiry date, is reminded afresh.
        occasion=f"licence:{licence.pk}:{licence.expires_on.isoformat()}:{licence_threshold(days_left)}",
        title=title,
        body=_("Re-review or renew it in time: the day after its expiry date the licence lapses."),
        url=reverse("licence_detail", args=[licence.pk]),
        agency=licence.issuing_agency,
    )


def licence_expiry_send(*, today: datetime.date | None = None) -> int:
    """Valid licences expiring within 30 days: the issuing department is reminded 30 and 7
    days ahead and on the day of expiry, once per licence and threshold. Returns the number
    of reminders sent."""
    today = today or local_today()
    horizon = today + datetime.timedelta(days=LICENCE_THRESHOLDS[0])
    licences = (
        Licence.objects.filter(status=LicenceStatus.GRANTED, expires_on__gte=today, expires_on__lte=horizon)
        .select_related("operator", "issuing_agency")
        .order_by("expires_on", "pk")
    )
    return _deliver([_licence_reminder(licence, today) for licence in licences], today)

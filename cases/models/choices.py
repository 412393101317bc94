from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SourceKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection finding")
    LAB_RESULT = "lab_result", _("Lab result")
    COMPLAINT = "complaint", _("Complaint or tip-off")
    SWEEP = "sweep", _("Black-den sweep")
    DEPARTMENT = "department", _("Another department")


class Violation(models.TextChoices):
    NO_INTAKE_CHECK = "no_intake_check", _("Missing intake checks")
    NO_RECORDS = "no_records", _("Missing records")
    NO_BATCH_TESTING = "no_batch_testing", _("No batch-by-batch testing")
    DELIBERATE_ADDITION = "deliberate_addition", _("Deliberate addition of melamine or non-food substances")
    UNLICENSED = "unlicensed", _("Unlicensed business")
    OVER_LIMIT = "over_limit", _("Selling over-limit product")
    EXPIRED = "expired", _("Expired or unknown-source product")
    NO_RECALL = "no_recall", _("Recall or suspension reports not made")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    CLUE = "clue", _("Clue")
    FILED = "filed", _("Filed (立案)")
    INVESTIGATING = "investigating", _("Investigating")
    DECIDED = "decided", pgettext_lazy("case state", "Decided")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")
    DISMISSED = "dismissed", _("Not filed")


class Decision(models.TextChoices):
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    CONFISCATION = "confiscation", _("Confiscation of goods and illegal gains")
    LICENCE_CANCELLATION = "licence_cancellation", _("Licence cancellation")
    NO_PENALTY = "no_penalty", _("No penalty")


class PoliceReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Referred, awaiting the police")
    ACCEPTED = "accepted", _("Accepted by the police (立案)")
    RETURNED = "returned", _("Returned by the police")


class ListingLevel(models.TextChoices):
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")


class ListingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("listing state", "Under supervision")
    LIFTED = "lifted", _("Lifted")


class AccountabilityTrigger(models.TextChoices):
    DEN_LEFT = "den_left", _("A black den was left in place")
    POWDER_REENTERED = "powder_reentered", _("Over-limit powder re-entered the supply")


class Hotline(models.TextChoices):
    AIC_12315 = "12315", "12315"
    QTS_12365 = "12365", "12365"
    OTHER = "other", _("Other")


class ComplaintKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")
    TIP = "tip", _("Tip-off")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    HANDLING = "handling", _("Being handled")
    ANSWERED = "answered", _("Answered")
    CASE_OPENED = "case_opened", _("Turned into a case")


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", pgettext_lazy("reward state", "Approved")
    REFUSED = "refused", pgettext_lazy("reward state", "Refused")
    PAID = "paid", _("Paid")

from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    """What a checklist template is filled in about."""

    OPERATOR = "operator", _("An operator of the register")
    JURISDICTION = "jurisdiction", _("A jurisdiction (supervisory inspection)")
    CONSIGNMENT = "consignment", _("An import consignment")
    SWEEP = "sweep", _("A black-den sweep")


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("In use")
    RETIRED = "retired", _("Superseded")


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no / not applicable")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    PHOTO = "photo", _("Photo")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class AssignmentSource(models.TextChoices):
    MANUAL = "manual", _("Assigned")
    PLAN = "plan", _("One-by-one plan (逐家排查)")
    REINSPECTION = "reinspection", _("Re-inspection after a rectification order")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


class Outcome(models.TextChoices):
    CONFORMING = "conforming", _("No problems found")
    PROBLEMS = "problems", _("Problems found")


class MeasureKind(models.TextChoices):
    RECTIFY = "rectify", _("Rectification order with deadline (限期整改)")
    STOP_AND_DESTROY = "stop_destroy", _("Stop use and destroy on the spot")
    DESTROY_EXPIRED = "destroy_expired", _("Destroy expired products under supervision")
    TRACE_SOURCE = "trace_source", _("Trace the source")
    BAN_UNLICENSED = "ban_unlicensed", _("Ban unlicensed dairy business (取缔)")
    BAN_BLACK_DEN = "ban_black_den", _("Ban a black den (取缔)")
    OPEN_CASE = "open_case", _("Open a case")


# Measures that remove product: the plan wants quantity and witness on record (S4).
DESTRUCTION = frozenset({MeasureKind.STOP_AND_DESTROY, MeasureKind.DESTROY_EXPIRED})
BANS = frozenset({MeasureKind.BAN_UNLICENSED, MeasureKind.BAN_BLACK_DEN})


class MeasureStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    IN_EFFECT = "in_effect", _("In effect")
    DONE = "done", _("Done")
    REFERRED = "referred", _("Referred")


class AreaType(models.TextChoices):
    """C1: where black dens hide (三.1)."""

    RURAL = "rural", _("Rural area")
    FRINGE = "fringe", _("Urban-rural fringe")
    TEMPORARY = "temporary", _("Temporary buildings")
    WAREHOUSE = "warehouse", _("Rented warehouses")


class ConsignmentStatus(models.TextChoices):
    HELD = "held", _("Held in the designated warehouse")
    RELEASED = "released", _("Released")
    DESTROYED = "destroyed", _("Destroyed")
    RETURNED = "returned", _("Returned")


class SelfReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for completion")

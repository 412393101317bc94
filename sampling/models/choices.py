from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LotKind(models.TextChoices):
    RAW_MILK = "raw_milk", _("Raw milk purchased (intake)")
    MILK_POWDER = "milk_powder", _("Milk powder purchased (intake)")
    FINISHED = "finished", _("Finished-product batch")
    RETAIL = "retail", _("Product on sale")
    FEED = "feed", _("Feed lot")
    IMPORT = "import", _("Import consignment")


# S1 / Q1: what producers buy and must test batch by batch.
INTAKE_KINDS = frozenset({LotKind.RAW_MILK, LotKind.MILK_POWDER})


class Category(models.TextChoices):
    """Product categories of the 2008 temporary melamine limits (Q7)."""

    INFANT_FORMULA = "infant_formula", _("Infant formula")
    LIQUID_MILK = "liquid_milk", _("Liquid milk, including raw milk")
    MILK_POWDER = "milk_powder", _("Milk powder")
    OTHER_FORMULA = "other_formula", _("Other formula powder")
    MILK_FOOD = "milk_food", _("Food with more than 15% milk")
    FEED = "feed", _("Feed")


class LotStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ON_HOLD = "on_hold", _("On hold (non-conforming result)")
    RELEASED = "released", _("Released after hold")


class Rule(models.TextChoices):
    # xgettext:no-python-format
    Q1 = "Q1", _("Q1 · 15% of purchased raw milk and milk powder batches, per producer")
    Q2 = "Q2", _("Q2 · every raw-milk station, transport vehicle and feed mill")
    # xgettext:no-python-format
    Q3 = "Q3", _("Q3 · 15% of scale dairy farms' concentrate feed, by farm")
    Q4 = "Q4", _("Q4 · finished products of every producer, every week")
    Q5 = "Q5", _("Q5 · infant formula at wholesalers, supermarkets and small shops")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", pgettext_lazy("plan state", "Refused")


class SampleStatus(models.TextChoices):
    """The chain of custody, in order."""

    SAMPLED = "sampled", _("Sampled")
    SENT = "sent", _("Sent to the lab")
    RECEIVED = "received", _("Received by the lab")
    TESTED = "tested", _("Tested")
    REPORTED = "reported", _("Result reported")
    REVIEWED = "reviewed", _("Result reviewed")


class MassUnit(models.TextChoices):
    MG_PER_KG = "mg/kg", "mg/kg"
    UG_PER_KG = "ug/kg", "µg/kg"


class Verdict(models.TextChoices):
    CONFORMING = "conforming", _("Conforming")
    NON_CONFORMING = "non_conforming", _("Non-conforming: over the limit")


class ReferralKind(models.TextChoices):
    CASE = "case", _("Case for the owning department")
    L6_CANCELLATION = "l6", _("L6 cancellation proposed to the licensing reviewer")


class ReferralStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("referral state", "Open")
    TAKEN_UP = "taken_up", _("Taken up")

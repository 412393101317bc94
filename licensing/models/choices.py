from django.db import models
from django.utils.translation import gettext_lazy as _


class OperatorKind(models.TextChoices):
    DAIRY_PRODUCER = "dairy_producer", _("Dairy producer")
    DAIRY_FOOD_PRODUCER = "dairy_food_producer", _("Dairy-containing food producer")
    DAIRY_FARM = "dairy_farm", _("Dairy farm")
    FARMER_COOP = "farmer_coop", _("Dairy-farmer cooperative")
    PURCHASE_STATION = "purchase_station", _("Raw-milk purchase station")
    FEED_MILL = "feed_mill", _("Feed mill")
    WHOLESALER = "wholesaler", _("Wholesaler / general agent")
    SUPERMARKET = "supermarket", _("Large or medium mall / supermarket")
    SMALL_RETAILER = "small_retailer", _("Small shop / grocery / retailer")
    CATERING = "catering", _("Catering unit")
    IMPORTER = "importer", _("Importer (consignee)")
    UNLICENSED = "unlicensed", _("Unlicensed operation")


PRODUCERS = frozenset({OperatorKind.DAIRY_PRODUCER, OperatorKind.DAIRY_FOOD_PRODUCER})
SELLERS = frozenset({OperatorKind.WHOLESALER, OperatorKind.SUPERMARKET, OperatorKind.SMALL_RETAILER})


class OperatorStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")
    BANNED = "banned", _("Banned")


class Arrangement(models.TextChoices):
    """How the business is run (L2): the last three are flagged for review."""

    SELF_RUN = "self_run", _("Self-run")
    CONTRACTED = "contracted", _("Contracted (承包)")
    SUBCONTRACTED = "subcontracted", _("Subcontracted (转包)")
    LEASED = "leased", _("Leased (租赁)")


class LicenceType(models.TextChoices):
    PRODUCTION = "production", _("Production licence")
    PURCHASE = "purchase", _("Raw-milk purchase licence")
    TRANSPORT = "transport", _("Raw-milk transport permit")
    DISTRIBUTION = "distribution", _("Food distribution licence")
    CONSIGNEE_FILING = "consignee_filing", _("Import consignee filing")


class LicenceStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    GRANTED = "granted", _("Valid")
    REFUSED = "refused", _("Refused")
    UNDER_REVIEW = "under_review", _("Under re-review")
    RECTIFYING = "rectifying", _("Stopped, rectifying by deadline")
    REVOKED = "revoked", _("Revoked (撤销)")
    CANCELLED = "cancelled", _("Cancelled (吊销)")
    EXPIRED = "expired", _("Expired")
    CLOSED = "closed", _("Closed (关停)")


class ScopeCategory(models.TextChoices):
    """Categories of a distribution licence; dairy is approved separately (L5)."""

    DAIRY = "dairy", _("Dairy products")
    INFANT_FORMULA = "infant_formula", _("Infant formula")
    PREPACKAGED = "prepackaged", _("Pre-packaged food")
    BULK = "bulk", _("Bulk food")


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class MeasureKind(models.TextChoices):
    RECOVER_INVOICES = "recover_invoices", _("Recover tax invoices")
    DISMANTLE_EQUIPMENT = "dismantle_equipment", _("Dismantle equipment and facilities")
    SEAL_STATION = "seal_station", _("Seal station equipment")
    DISMANTLE_STATION = "dismantle_station", _("Dismantle station equipment")

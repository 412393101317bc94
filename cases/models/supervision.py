from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dairy_campaign.scoping import ScopedQuerySet

from .cases import Case
from .choices import AccountabilityTrigger, ListingLevel, ListingStatus


class ListingQuerySet(ScopedQuerySet):
    """Listed by a food-safety office; the office writes the listing, the case's department
    writes the progress reports."""

    scope_field = "case__jurisdiction"
    owner_kind_field = "office__kind"


class Listing(models.Model):
    """C2: listed supervision (挂牌督办) of a major or cross-region case by a higher office."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="listings")
    office = models.ForeignKey(
        "core.Agency", verbose_name=_("listing office"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=8, choices=ListingLevel.choices)
    listed_on = models.DateField(_("listed on"))
    deadline = models.DateField(_("deadline"))
    report_every_days = models.PositiveSmallIntegerField(_("progress report every (days)"), default=15)
    requirements = models.TextField(_("requirements"))
    document_number = models.CharField(_("document number"), max_length=60)
    status = models.CharField(_("status"), max_length=8, choices=ListingStatus.choices, default=ListingStatus.OPEN)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    listed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ListingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "office"], condition=models.Q(status="open"), name="one_open_listing_per_office"
            )
        ]
        verbose_name = _("listed supervision")
        verbose_name_plural = _("listed supervisions")

    def __str__(self):
        return f"{self.case.number} · {self.office}"


class ProgressReport(models.Model):
    """A progress report the case's department owes the listing office."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("progress"))
    submitted_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["listing", "submitted_at", "id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.listing} · {self.submitted_at:%Y-%m-%d}"


class AccountabilityQuerySet(ScopedQuerySet):
    owner_domain = "accountability"


class Accountability(models.Model):
    """C1: who answers for a den left in place or over-limit powder back in the supply."""

    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    trigger = models.CharField(_("what happened"), max_length=18, choices=AccountabilityTrigger.choices)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="accountability"
    )
    facts = models.TextField(_("facts"))
    officials = models.JSONField(_("officials held to account"), default=list)
    measures = models.TextField(_("measures taken"))
    decided_on = models.DateField(_("decided on"))
    document_number = models.CharField(_("document number"), max_length=60)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = AccountabilityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")

    def __str__(self):
        return f"{self.get_trigger_display()} · {self.jurisdiction}"


class IncidentQuerySet(ScopedQuerySet):
    owner_kind_field = "agency__kind"


class IncidentReport(models.Model):
    """P4: an immediate report of a major case or emergency, to the office one level up and
    the province."""

    agency = models.ForeignKey(
        "core.Agency", verbose_name=_("reporting department"), on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred at"))
    description = models.TextField(_("what happened"))
    products = models.CharField(_("products concerned"), max_length=300, blank=True)
    people_affected = models.PositiveIntegerField(_("people affected"), default=0)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="incident_reports"
    )
    reported_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    notified = models.ManyToManyField("core.Agency", verbose_name=_("offices notified"), related_name="+")

    objects = IncidentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("major incident report")
        verbose_name_plural = _("major incident reports")

    def __str__(self):
        return self.title

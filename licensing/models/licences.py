from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dairy_campaign.scoping import ScopedQuerySet

from .choices import LicenceStatus, LicenceType, MeasureKind, ReviewOutcome, ScopeCategory
from .county_scope import ThroughCountyOperators, register_any_of
from .register import Operator, Vehicle


class LicenceQuerySet(ThroughCountyOperators):
    scope_field = "operator__county"
    owner_prefix = "licence"
    owner_value_field = "type"

    def in_force(self):
        return self.filter(status__in=[LicenceStatus.GRANTED, LicenceStatus.UNDER_REVIEW])


class Licence(models.Model):
    """Any licence of the campaign; its type says which department decides it."""

    type = models.CharField(_("type"), max_length=20, choices=LicenceType.choices)
    operator = models.ForeignKey(Operator, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="licences")
    vehicle = models.ForeignKey(
        Vehicle, verbose_name=_("vehicle"), null=True, blank=True, on_delete=models.PROTECT, related_name="permits"
    )
    station = models.ForeignKey(
        Operator,
        verbose_name=_("purchase station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_licences",
        help_text=_("For a purchase licence: the station it covers, run by the holder."),
    )
    number = models.CharField(_("licence number"), max_length=60, blank=True)
    issuing_agency = models.ForeignKey(
        "core.Agency", verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="licences"
    )
    scope = models.JSONField(_("approved categories"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=LicenceStatus.choices, default=LicenceStatus.APPLIED, db_index=True
    )
    applied_on = models.DateField(_("applied on"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    reviewed_on = models.DateField(_("re-reviewed on"), null=True, blank=True)
    review_outcome = models.CharField(_("re-review outcome"), max_length=8, choices=ReviewOutcome.choices, blank=True)

    objects = LicenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "number"], condition=~models.Q(number=""), name="licence_number_unique_per_type"
            )
        ]
        indexes = [models.Index(fields=["type", "status"], name="licence_type_status")]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")

    def __str__(self):
        number = self.number or _("(applied)")
        return f"{self.get_type_display()} {number}"

    def clean(self):
        errors = {}
        if self.type == LicenceType.TRANSPORT and not self.vehicle_id:
            errors["vehicle"] = _("A transport permit is issued for one vehicle.")
        if self.type != LicenceType.TRANSPORT and self.vehicle_id:
            errors["vehicle"] = _("Only transport permits name a vehicle.")
        if self.vehicle_id and self.operator_id and self.vehicle.owner_id != self.operator_id:
            errors["vehicle"] = _("The vehicle belongs to another operator.")
        if self.station_id and (self.type != LicenceType.PURCHASE or self.station.kind != "purchase_station"):
            errors["station"] = _(
                "Only a purchase licence names a station, and it must be a raw-milk purchase station."
            )
        unknown = set(self.scope or []) - set(ScopeCategory.values)
        if unknown:
            errors["scope"] = _("Unknown categories: %s") % ", ".join(sorted(unknown))
        if self.scope and self.type != LicenceType.DISTRIBUTION:
            errors["scope"] = _("Only distribution licences carry categories.")
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            errors["expires_on"] = _("A licence expires after it is issued.")
        if errors:
            raise ValidationError(errors)


class FollowUpQuerySet(ScopedQuerySet):
    scope_field = "licence__operator__county"
    owner_prefix = "follow_up"
    owner_value_field = "kind"

    def open(self):
        return self.filter(completed_on__isnull=True)


def evidence_upload_to(instance, filename):
    return f"follow-up/{instance.licence_id}/{filename}"


register_any_of(Licence)


class FollowUpMeasure(models.Model):
    """L1/L4: what keeps a revoked plant or a closed station from restarting."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(_("measure"), max_length=24, choices=MeasureKind.choices)
    responsible = models.ForeignKey(
        "core.Agency", verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.FileField(_("completion evidence"), upload_to=evidence_upload_to, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up measure")
        verbose_name_plural = _("follow-up measures")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.licence.operator}"


class ClosureNotice(models.Model):
    """L4: who was told that a station was closed."""

    station = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="closure_notices")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sent_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    agencies = models.ManyToManyField("core.Agency", related_name="+", verbose_name=_("departments notified"))
    operators = models.ManyToManyField(Operator, related_name="+", verbose_name=_("farms and producers notified"))
    text = models.TextField(_("notice"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("closure notice")
        verbose_name_plural = _("closure notices")

    def __str__(self):
        return f"{self.station} · {self.sent_at:%Y-%m-%d}"

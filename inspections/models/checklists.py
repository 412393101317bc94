from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dairy_campaign.scoping import ScopedQuerySet

from .choices import (
    AssignmentSource,
    AssignmentStatus,
    InspectionStatus,
    MeasureKind,
    MeasureStatus,
    Outcome,
)
from .templates import ChecklistTemplate


class AgencyOwnedQuerySet(ScopedQuerySet):
    """Field work belongs to the department that does it: its members write it."""

    owner_kind_field = "agency__kind"


class AssignmentQuerySet(AgencyOwnedQuerySet):
    def pending(self):
        return self.filter(status__in=[AssignmentStatus.OPEN, AssignmentStatus.IN_PROGRESS])


class Assignment(models.Model):
    """An inspector's task: inspect this operator (or jurisdiction) with this checklist by a date."""

    agency = models.ForeignKey("core.Agency", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    operator = models.ForeignKey(
        "licensing.Operator",
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    template_code = models.SlugField(_("checklist"), max_length=40)
    inspector = models.ForeignKey(
        "core.User", verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="tasks"
    )
    assigned_by = models.ForeignKey(
        "core.User", verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    source = models.CharField(_("source"), max_length=12, choices=AssignmentSource.choices)
    origin_measure = models.OneToOneField(
        "inspections.Measure",
        verbose_name=_("rectification order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reinspection",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["inspector", "status", "due_on"], name="task_list")]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.operator or self.jurisdiction} · {self.due_on}"


class InspectionQuerySet(AgencyOwnedQuerySet):
    def filed(self):
        return self.filter(status__in=[InspectionStatus.SUBMITTED, InspectionStatus.APPROVED])


class Inspection(models.Model):
    """A filled-in checklist. Answers are keyed by item code and stay with the template
    version they were filed on."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="inspections"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    agency = models.ForeignKey("core.Agency", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    operator = models.ForeignKey(
        "licensing.Operator",
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    consignment = models.ForeignKey(
        "inspections.Consignment",
        verbose_name=_("import consignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    sweep = models.ForeignKey(
        "inspections.Sweep",
        verbose_name=_("sweep"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        "core.User", verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("inspected on"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT, db_index=True
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # Optimistic lock: every saved draft bumps it; a save based on an older one is a conflict.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    round = models.PositiveSmallIntegerField(_("review round"), default=1)
    signed_by = models.ForeignKey(
        "core.User", verbose_name=_("signed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_name = models.CharField(_("signed name"), max_length=50, blank=True)
    signature_meaning = models.CharField(_("meaning of the signature"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # SHA-256 of the signed content (inspections.services.seal): a later change shows.
    content_seal = models.CharField(_("content seal"), max_length=64, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        "core.User", verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InspectionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "status"], name="inspection_by_place"),
            # A county's checklists in the lists' order: the first page without sorting all.
            models.Index(fields=["jurisdiction", "-inspected_on", "-id"], name="inspections_by_place_date"),
            models.Index(fields=["operator", "status"], name="inspection_by_operator"),
        ]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        subject = self.operator or self.consignment or self.sweep or self.jurisdiction
        return f"{self.template.name} · {subject} · {self.inspected_on}"

    @property
    def editable(self) -> bool:
        return self.status in (InspectionStatus.DRAFT, InspectionStatus.RETURNED)


def photo_upload_to(instance, filename):
    return f"inspections/{instance.inspection_id}/{filename}"


class InspectionPhoto(models.Model):
    """Photo evidence for one checklist item, with when (and optionally where) it was taken."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    item_code = models.SlugField(_("item"), max_length=40)
    image = models.FileField(_("photo"), upload_to=photo_upload_to)
    sha256 = models.CharField(max_length=64, editable=False)
    content_type = models.CharField(max_length=20, editable=False)
    taken_at = models.DateTimeField(_("taken at"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item_code", "taken_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.item_code} · {self.taken_at:%Y-%m-%d %H:%M}"


class MeasureQuerySet(ScopedQuerySet):
    scope_field = "inspection__jurisdiction"
    owner_kind_field = "inspection__agency__kind"

    def rectifications_due(self, today):
        """Rectification orders whose deadline has come, without their re-inspection yet."""
        return self.filter(
            kind=MeasureKind.RECTIFY,
            deadline__lte=today,
            reinspection__isnull=True,
            inspection__status__in=[InspectionStatus.SUBMITTED, InspectionStatus.APPROVED],
        )


class Measure(models.Model):
    """A finding's consequence, decided on the spot or ordered with a deadline (S4, L5, C1)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("measure"), max_length=16, choices=MeasureKind.choices)
    description = models.TextField(_("finding"))
    product = models.CharField(_("product"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    witness = models.CharField(_("witness"), max_length=100, blank=True)
    deadline = models.DateField(_("rectify by"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.RECORDED)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        from .choices import DESTRUCTION

        errors = {}
        if self.kind == MeasureKind.RECTIFY and not self.deadline:
            errors["deadline"] = _("A rectification order sets a deadline.")
        if self.kind != MeasureKind.RECTIFY and self.deadline:
            errors["deadline"] = _("Only rectification orders carry a deadline.")
        if self.kind in DESTRUCTION:
            if not self.product.strip():
                errors["product"] = _("Name the product destroyed (S4).")
            if self.quantity is None or self.quantity <= 0:
                errors["quantity"] = _("Give the quantity destroyed (S4).")
            if not self.unit.strip():
                errors["unit"] = _("Give the unit of the quantity.")
            if not self.witness.strip():
                errors["witness"] = _("Name the witness of the destruction (S4).")
        if errors:
            raise ValidationError(errors)

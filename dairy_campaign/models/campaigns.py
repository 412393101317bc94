import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..scoping import ScopedQuerySet, user_scope_prefix


class PhaseKind(models.TextChoices):
    """The three stages of the plan (三 实施步骤, P1)."""

    INVESTIGATION = "investigation", _("Investigation and rectification")
    SUPERVISION = "supervision", _("Supervisory inspection")
    SUMMARY = "summary", _("Summary")


class Campaign(models.Model):
    """One year's rectification campaign; the written summaries are due by its deadline."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    summary_deadline = models.DateField(_("summary deadline"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError(_("A campaign cannot end before it starts."))
        if self.summary_deadline and self.ends_on and self.summary_deadline > self.ends_on:
            raise ValidationError(_("The summary deadline must fall within the campaign."))

    def days_to_deadline(self, today: datetime.date) -> int:
        """Whole days from `today` (local date) to the summary deadline; 0 on the day."""
        return (self.summary_deadline - today).days


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "kind"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="one_phase_of_each_kind")]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return self.get_kind_display()

    def includes(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class ResponsibilityLetterQuerySet(ScopedQuerySet):
    """Scoped by the signing (lower) level, so both parties and every level above see it."""

    owner_domain = "responsibility_letter"

    def editable_by(self, user):
        # The upper level records the letters it signs with the levels below it.
        qs = super().editable_by(user)
        if user.is_authenticated and user.is_superuser:
            return qs
        prefix = user_scope_prefix(user)
        return qs.filter(issuer_id=user.agency.jurisdiction_id) if prefix else qs.none()


def letter_upload_to(instance, filename):
    return f"letters/{instance.campaign.year}/{instance.jurisdiction_id}/{filename}"


class ResponsibilityLetter(models.Model):
    """A target responsibility letter (目标责任书) signed between two levels (四.一, P2)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="letters")
    issuer = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("issuing level"),
        on_delete=models.PROTECT,
        related_name="letters_issued",
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("signing level"),
        on_delete=models.PROTECT,
        related_name="letters_signed",
    )
    signed_on = models.DateField(_("signed on"))
    issuer_signatory = models.CharField(_("signed for the issuing level by"), max_length=50)
    signatory = models.CharField(_("signed for the signing level by"), max_length=50)
    document = models.FileField(_("scanned letter"), upload_to=letter_upload_to)
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, editable=False)
    recorded_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ResponsibilityLetterQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["jurisdiction_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "jurisdiction"], name="one_letter_per_level")]
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")

    def __str__(self):
        return f"{self.campaign.year} {self.jurisdiction}"

    def clean(self):
        if self.issuer_id and self.jurisdiction_id and self.jurisdiction.parent_id != self.issuer_id:
            raise ValidationError(_("A letter is signed with a jurisdiction directly below the issuer."))

"""The written summaries of the campaign (P1, P4): one report per department and campaign,
with its statistics snapshot, its text and scanned document, reviewed by the level above."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dairy_campaign.choices import AgencyKind
from dairy_campaign.ownership import WRITE_ROLES
from dairy_campaign.scoping import ScopedQuerySet


class SummaryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for correction")


class GenerationState(models.TextChoices):
    """Where the statistics snapshot stands; kept apart from the review status, so that a
    report being recomputed is still a draft."""

    IDLE = "idle", _("Not generated")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Generating")
    DONE = "done", _("Generated")
    FAILED = "failed", _("Failed")


class SummaryReportQuerySet(ScopedQuerySet):
    """Seen by the report's jurisdiction and every level above it (a city sees its own and
    its counties' reports, never its neighbour's); written by its own department only."""

    def editable_by(self, user):
        visible = self.visible_to(user)
        if user.is_authenticated and user.is_superuser:
            return visible
        if getattr(user, "role", None) not in WRITE_ROLES or getattr(user, "agency_id", None) is None:
            return self.none()
        return visible.filter(agency_id=user.agency_id)


def summary_upload_to(instance, filename):
    return f"summaries/{instance.campaign.year}/{instance.jurisdiction_id}/{instance.agency_id}/{filename}"


class SummaryReport(models.Model):
    """A department's written summary of the campaign (P1: every jurisdiction and department,
    to the provincial office by the campaign's summary deadline). The food safety office's
    report is the jurisdiction-wide one, with the figures rolled up from the levels below."""

    campaign = models.ForeignKey(
        "core.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="summaries"
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("core.Agency", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.DRAFT)

    generation_state = models.CharField(
        _("statistics"), max_length=10, choices=GenerationState.choices, default=GenerationState.IDLE
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # The claim of the run allowed to write the snapshot: a newer request or run replaces it.
    task_id = models.CharField(_("task"), max_length=64, blank=True, editable=False)
    generation_requested_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    generated_at = models.DateTimeField(_("statistics generated at"), null=True, blank=True)
    # {"sections": [keys], "own": {figure: value}, "total": {...}, "children": [{"code", "figures"}]};
    # Decimal values are kept as strings, exactly.
    statistics = models.JSONField(_("statistics snapshot"), default=dict, blank=True)

    text = models.TextField(_("written summary"), blank=True)
    document = models.FileField(_("signed document"), upload_to=summary_upload_to, blank=True)
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, blank=True, editable=False)

    created_by = models.ForeignKey(
        "core.User", verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        "core.User", verbose_name=_("submitted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    reviewed_by = models.ForeignKey(
        "core.User", verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    objects = SummaryReportQuerySet.as_manager()
    # The snapshot is large and replaced wholesale: its history is its generation time; once
    # submitted it is frozen in the report itself.
    history = HistoricalRecords(excluded_fields=["progress", "task_id", "statistics"])

    class Meta:
        ordering = ["-campaign__year", "jurisdiction_id", "agency__kind"]
        constraints = [models.UniqueConstraint(fields=["campaign", "agency"], name="one_summary_per_department")]
        indexes = [models.Index(fields=["campaign", "jurisdiction"], name="summary_campaign_place")]
        verbose_name = _("summary report")
        verbose_name_plural = _("summary reports")

    def __str__(self):
        return f"{self.campaign.year} · {self.agency}"

    @property
    def jurisdiction_wide(self) -> bool:
        """The food safety office reports for its whole jurisdiction, rolled up."""
        return self.agency.kind == AgencyKind.FSO

    @property
    def generating(self) -> bool:
        return self.generation_state in (GenerationState.QUEUED, GenerationState.RUNNING)

    @property
    def percent(self) -> int:
        return 100 if self.generation_state == GenerationState.DONE else min(self.progress, 100)

    @property
    def editable(self) -> bool:
        return self.status in (SummaryStatus.DRAFT, SummaryStatus.RETURNED)

from django.db import models
from django.utils.translation import gettext_lazy as _

from dairy_campaign.scoping import ScopedQuerySet
from licensing.models.imports import FINISHED, ImportStatus


class IntakeImportQuerySet(ScopedQuerySet):
    """Jobs are seen by the uploader's jurisdiction and the levels above it, and committed
    by writers of the same kind of department."""

    scope_field = "created_by__agency__jurisdiction"
    owner_kind_field = "created_by__agency__kind"


def intake_upload_to(instance, filename):
    return f"intake-imports/{instance.created_by_id}/{filename}"


class IntakeImport(models.Model):
    """One upload of producers' intake records (S1: raw milk and milk powder bought, batch by
    batch, with the producer's own melamine test): its dry run, then its commit, all rows or
    none. The statuses and their moves are the register import's (licensing)."""

    file = models.FileField(_("file"), upload_to=intake_upload_to)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{row, column, message, params}]: `message` is the English msgid, translated when shown.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    committed_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("committed by")
    )
    committed_count = models.PositiveIntegerField(_("lots recorded"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = IntakeImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("intake import")
        verbose_name_plural = _("intake imports")

    def __str__(self):
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status in FINISHED:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

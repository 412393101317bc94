from django.db import models
from django.utils.translation import gettext_lazy as _

from dairy_campaign.scoping import ScopedQuerySet


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking")
    VALID = "valid", _("Ready to commit")
    INVALID = "invalid", _("Has errors")
    COMMITTING = "committing", _("Committing")
    COMMITTED = "committed", _("Committed")
    FAILED = "failed", _("Failed")


# The moves a job may make. Workers move a job only with a conditional update on the
# state it must come from, so a repeated or late task finds nothing to do. Any unfinished
# job can fail (an unreadable file, a database error).
IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportStatus.QUEUED: frozenset({ImportStatus.VALIDATING, ImportStatus.FAILED}),
    # A validating job is picked up again when its worker died half-way.
    ImportStatus.VALIDATING: frozenset(
        {ImportStatus.VALIDATING, ImportStatus.VALID, ImportStatus.INVALID, ImportStatus.FAILED}
    ),
    ImportStatus.VALID: frozenset({ImportStatus.COMMITTING}),
    # The register may have changed since the dry run: the re-check can still find errors.
    ImportStatus.COMMITTING: frozenset({ImportStatus.COMMITTED, ImportStatus.INVALID, ImportStatus.FAILED}),
}
# States in which no worker is busy with the job: the page stops polling.
FINISHED = frozenset({ImportStatus.VALID, ImportStatus.INVALID, ImportStatus.COMMITTED, ImportStatus.FAILED})

# Errors kept for display; the count covers them all.
MAX_STORED_ERRORS = 1000


class ImportJobQuerySet(ScopedQuerySet):
    """Jobs are seen by the uploader's jurisdiction and the levels above it, and committed
    by writers of the same kind of department."""

    scope_field = "created_by__agency__jurisdiction"
    owner_kind_field = "created_by__agency__kind"


class ImportJob(models.Model):
    """An uploaded workbook's dry run and then its commit, all rows or none. Concrete jobs add
    their file field and say what a commit creates (`committed_count`)."""

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
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

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


def import_upload_to(instance, filename):
    return f"imports/{instance.created_by_id}/{filename}"


class RegisterImport(ImportJob):
    """One upload of an operator register file (摸清底数, P1): its dry run, then its commit."""

    file = models.FileField(_("file"), upload_to=import_upload_to)
    # The rows as the dry run read them (gzipped JSON lines): the commit checks them again
    # without parsing the workbook a second time.
    rows_file = models.FileField(_("rows read"), upload_to=import_upload_to, blank=True, editable=False)
    committed_count = models.PositiveIntegerField(_("operators created"), default=0)

    class Meta(ImportJob.Meta):
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

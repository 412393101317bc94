from django.db import models
from django.utils.translation import gettext_lazy as _

from licensing.models.imports import ImportJob


def intake_upload_to(instance, filename):
    return f"intake-imports/{instance.created_by_id}/{filename}"


class IntakeImport(ImportJob):
    """One upload of producers' intake records (S1: raw milk and milk powder bought, batch by
    batch, with the producer's own melamine test): its dry run, then its commit, all rows or
    none. The statuses and their moves are the register import's (licensing)."""

    file = models.FileField(_("file"), upload_to=intake_upload_to)
    committed_count = models.PositiveIntegerField(_("lots recorded"), default=0)

    class Meta(ImportJob.Meta):
        verbose_name = _("intake import")
        verbose_name_plural = _("intake imports")

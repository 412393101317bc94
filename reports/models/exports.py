"""Exports too large to build within a request: built by the worker, row by row, into a
file that only the user who asked for it downloads."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Exporting")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        # An export holds whatever its user could see: it is theirs alone.
        return self.filter(user_id=user.pk) if user.is_authenticated else self.none()


def export_upload_to(instance, filename):
    return f"exports/{instance.user_id}/{filename}"


class ExportJob(models.Model):
    """One list page's filtered rows, exported by the worker: the list's URL name, its
    arguments and query string are kept, so the worker rebuilds the very same rows with the
    user's own scoping."""

    user = models.ForeignKey("core.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    url_name = models.CharField(_("list"), max_length=100)
    url_kwargs = models.JSONField(default=dict, blank=True)
    query = models.TextField(_("filters"), blank=True)
    language = models.CharField(max_length=10, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True)
    file_name = models.CharField(_("file name"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return self.file_name or self.url_name

    @property
    def finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        if not self.row_count:
            return 0
        return min(99, self.rows_written * 100 // self.row_count)

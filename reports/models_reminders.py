"""What the scheduled reminders sent to whom, so that no occasion is announced twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    SUMMARY_DUE = "summary_due", _("Summary report not submitted (P1)")
    RECTIFICATION_OVERDUE = "rectify_overdue", _("Rectification order overdue")
    LISTING_OVERDUE = "listing_overdue", _("Listed case past its deadline (C2)")
    LISTING_REPORT_DUE = "listing_report", _("Progress report due on a listed case (C2)")
    LICENCE_EXPIRY = "licence_expiry", _("Licence expiring")


class ReminderLog(models.Model):
    """One reminder for one occasion to one department or one person.

    The occasion names the subject and the moment (`summary:<campaign>:<date>`,
    `licence:<id>:<expiry>:<threshold>` …). The row is written in the same transaction as
    the notifications, so a task that is retried, run twice or run by two workers at once
    reminds each recipient of an occasion once.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    occasion = models.CharField(_("occasion"), max_length=100)
    agency = models.ForeignKey(
        "core.Agency",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    recipient = models.ForeignKey(
        "core.User",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    notifications = models.PositiveIntegerField(_("notifications posted"), default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "agency"], condition=models.Q(agency__isnull=False), name="reminder_once_per_agency"
            ),
            models.UniqueConstraint(
                fields=["occasion", "recipient"],
                condition=models.Q(recipient__isnull=False),
                name="reminder_once_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False, recipient__isnull=True)
                | models.Q(agency__isnull=True, recipient__isnull=False),
                name="reminder_to_agency_or_person",
            ),
        ]
        indexes = [models.Index(fields=["occasion"], name="reminder_by_occasion")]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return f"{self.occasion} → {self.agency or self.recipient}"

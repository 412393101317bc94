from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from dairy_campaign.scoping import ScopedQuerySet

from .cases import Case
from .choices import ComplaintKind, ComplaintStatus, Hotline, RewardStatus

INFORMANT_FIELDS = ("informant_name", "informant_phone", "informant_address")


class ComplaintQuerySet(ScopedQuerySet):
    owner_kind_field = "assigned_agency__kind"


class Complaint(models.Model):
    """P3: a consultation, complaint or tip-off from the 12315 / 12365 hotlines. The
    informant's identity is shown only to the handling agency (DESIGN §1)."""

    hotline = models.CharField(_("hotline"), max_length=6, choices=Hotline.choices)
    ticket_number = models.CharField(_("ticket number"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=ComplaintKind.choices)
    received_at = models.DateTimeField(_("received at"))
    content = models.TextField(_("content"))
    operator = models.ForeignKey(
        "licensing.Operator",
        verbose_name=_("operator concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    party_name = models.CharField(_("party named"), max_length=200, blank=True)
    informant_name = models.CharField(_("informant"), max_length=50, blank=True)
    informant_phone = models.CharField(_("informant's phone"), max_length=30, blank=True)
    informant_address = models.CharField(_("informant's address"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_agency = models.ForeignKey(
        "core.Agency", verbose_name=_("handling agency"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("handling deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    result = models.TextField(pgettext_lazy("complaint", "result"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    case = models.OneToOneField(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="complaint"
    )
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ComplaintQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["hotline", "ticket_number"], name="one_complaint_per_ticket")]
        verbose_name = _("complaint or tip-off")
        verbose_name_plural = _("complaints and tip-offs")

    def __str__(self):
        return f"{self.hotline} {self.ticket_number}"

    def history_hidden_from(self, user) -> set[str]:
        """The informant's identity stays masked in the history outside the handling agency."""
        from ..services.masking import informant_visible

        return set() if informant_visible(user, self) else set(INFORMANT_FIELDS)


class RewardQuerySet(ScopedQuerySet):
    scope_field = "complaint__jurisdiction"
    owner_kind_field = "complaint__assigned_agency__kind"


class Reward(models.Model):
    """P3: the reward for a tip-off that proved true."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="reward")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    grounds = models.TextField(_("grounds"))
    status = models.CharField(_("status"), max_length=9, choices=RewardStatus.choices, default=RewardStatus.PROPOSED)
    approved_by = models.ForeignKey(
        "core.User", verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    proposed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = RewardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")

    def __str__(self):
        return f"{self.complaint} · {self.amount}"

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from dairy_campaign.scoping import ScopedQuerySet

from .choices import CaseStatus, Decision, PoliceReferralStatus, SourceKind


class CaseQuerySet(ScopedQuerySet):
    """A case belongs to the department handling it; every level above reads it, and so
    does any office listing it (挂牌督办), whose jurisdiction is above the case's anyway."""

    owner_kind_field = "agency__kind"

    def open(self):
        return self.exclude(status__in=[CaseStatus.CLOSED, CaseStatus.DISMISSED])


class Case(models.Model):
    """C2: an administrative case, from its clue to its closure."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    source_kind = models.CharField(pgettext_lazy("case", "source"), max_length=12, choices=SourceKind.choices)
    # What the case came from, as handed over by the app that found it (an inspection
    # measure, a lab result, a complaint, a den): the cases app never imports those apps.
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=40, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("source record"), max_length=300, blank=True)
    operator = models.ForeignKey(
        "licensing.Operator",
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    party_name = models.CharField(_("party (unregistered)"), max_length=200, blank=True)
    agency = models.ForeignKey("core.Agency", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    violations = models.JSONField(_("violations"), default=list, blank=True)
    facts = models.TextField(_("facts"))
    status = models.CharField(
        _("status"), max_length=14, choices=CaseStatus.choices, default=CaseStatus.CLUE, db_index=True
    )
    major = models.BooleanField(_("major case"), default=False)
    cross_region = models.BooleanField(_("cross-region case"), default=False)
    clue_at = models.DateTimeField(_("clue received at"))
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=22, choices=Decision.choices, blank=True)
    fine_amount = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    confiscated = models.CharField(_("confiscated"), max_length=300, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_number = models.CharField(_("decision document number"), max_length=60, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-clue_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=~models.Q(source_id=""),
                name="one_case_per_source_record",
            )
        ]
        indexes = [models.Index(fields=["jurisdiction", "status"], name="cases_by_place")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        errors = {}
        if not self.operator_id and not self.party_name.strip():
            errors["party_name"] = _("Name the party: an operator of the register or an unregistered party.")
        if self.fine_amount is not None and self.fine_amount <= 0:
            errors["fine_amount"] = _("A fine is a positive amount.")
        if errors:
            raise ValidationError(errors)

    @property
    def party(self) -> str:
        return self.operator.name if self.operator_id else self.party_name


class PoliceReferralQuerySet(ScopedQuerySet):
    """The referring department and the receiving police unit both write it."""

    scope_field = "case__jurisdiction"

    def editable_by(self, user):
        visible = self.visible_to(user)
        if user.is_authenticated and user.is_superuser:
            return visible
        agency = getattr(user, "agency_id", None)
        return visible.filter(models.Q(case__agency_id=agency) | models.Q(police_unit_id=agency))


class PoliceReferral(models.Model):
    """C2: a suspected crime transferred to the police (移送公安机关)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="police_referrals")
    police_unit = models.ForeignKey(
        "core.Agency", verbose_name=_("receiving police unit"), on_delete=models.PROTECT, related_name="+"
    )
    referred_on = models.DateField(_("referred on"))
    document_number = models.CharField(_("transfer document number"), max_length=60)
    days_from_clue = models.PositiveIntegerField(_("days from clue to referral"))
    status = models.CharField(
        _("status"), max_length=10, choices=PoliceReferralStatus.choices, default=PoliceReferralStatus.REFERRED
    )
    police_case_number = models.CharField(_("police case number"), max_length=60, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("police answer"), blank=True)
    referred_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = PoliceReferralQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("police referral")
        verbose_name_plural = _("police referrals")

    def __str__(self):
        return f"{self.case.number} → {self.police_unit}"


class TaskForce(models.Model):
    """C2: a task force (专案组) for a case that meets the filing conditions."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="task_force")
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey("core.User", verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField("core.User", verbose_name=_("members"), related_name="task_forces")
    formed_on = models.DateField(_("formed on"))

    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")

    def __str__(self):
        return self.name


def evidence_upload_to(instance, filename):
    return f"cases/{instance.case_id}/evidence/{filename}"


class Evidence(models.Model):
    """C2: evidence attached to a case, kept with its SHA-256; never changed once attached."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_upload_to)
    sha256 = models.CharField(max_length=64, editable=False)
    content_type = models.CharField(max_length=40, editable=False)
    size = models.PositiveIntegerField(editable=False)
    description = models.CharField(_("description"), max_length=300)
    attached_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(_("attached at"), auto_now_add=True)

    class Meta:
        ordering = ["case", "attached_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.description

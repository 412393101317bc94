from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dairy_campaign.scoping import ScopedQuerySet
from licensing.models.county_scope import ThroughCountyOperators

from .choices import Category, MassUnit, ReferralKind, ReferralStatus, SampleStatus, Verdict
from .lots import Lot
from .plans import PlanLine


class SampleQuerySet(ScopedQuerySet):
    """Samples belong to the department that took them; its clerks enter the results. They
    are seen in the county of the lot's holder, kept on the sample (`Sample.county`)."""

    scope_field = "county"
    owner_kind_field = "agency__kind"


class Sample(models.Model):
    code = models.CharField(_("sample code"), max_length=32, unique=True)
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="samples")
    plan_line = models.ForeignKey(
        PlanLine, verbose_name=_("plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="samples"
    )
    agency = models.ForeignKey("core.Agency", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    samplers = models.CharField(_("samplers"), max_length=100)
    sampled_at = models.DateTimeField(_("sampled at"))
    quantity = models.DecimalField(_("quantity sampled"), max_digits=10, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20)
    seal_number = models.CharField(_("seal number"), max_length=40)
    lab = models.CharField(_("laboratory"), max_length=100, blank=True)
    status = models.CharField(
        _("custody"), max_length=10, choices=SampleStatus.choices, default=SampleStatus.SAMPLED, db_index=True
    )
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    # The county of the lot's holder, where the sample is seen: kept here so that a county's
    # samples and results are read from an index of their own, not found through every lot
    # of the county's operators (issue #8). Filled on saving; it follows a correction of the
    # holder's county (sampling.signals). Derived, so not part of the sample's history.
    county = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("county"),
        blank=True,
        editable=False,
        db_index=False,  # `samples_by_county` leads with it
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = SampleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["county"])

    class Meta:
        ordering = ["-sampled_at", "-id"]
        indexes = [models.Index(fields=["county", "-sampled_at", "-id"], name="samples_by_county")]
        verbose_name = _("sample")
        verbose_name_plural = _("samples")

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if self.county_id is None and self.lot_id is not None:
            self.county_id = Lot.objects.filter(pk=self.lot_id).values_list("operator__county", flat=True).get()
        super().save(*args, **kwargs)


class CustodyEvent(models.Model):
    """One hand-over in the chain of custody: who, when, what."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="custody")
    step = models.CharField(_("step"), max_length=10, choices=SampleStatus.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey("core.User", verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["sample", "at", "id"]
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")

    def __str__(self):
        return f"{self.sample} · {self.get_step_display()}"


class ResultQuerySet(ScopedQuerySet):
    scope_field = "sample__county"
    owner_kind_field = "sample__agency__kind"


class LabResult(models.Model):
    """The melamine result of a sample, in mg/kg (Decimal), and its verdict under Q7."""

    sample = models.OneToOneField(Sample, on_delete=models.PROTECT, related_name="result")
    entered_value = models.DecimalField(_("value as entered"), max_digits=12, decimal_places=4)
    entered_unit = models.CharField(_("unit as entered"), max_length=5, choices=MassUnit.choices)
    mg_per_kg = models.DecimalField(_("melamine (mg/kg)"), max_digits=12, decimal_places=4)
    detection_limit = models.DecimalField(_("detection limit (mg/kg)"), max_digits=10, decimal_places=4)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    limit = models.DecimalField(_("limit (mg/kg)"), max_digits=6, decimal_places=3)
    verdict = models.CharField(_("verdict"), max_length=14, choices=Verdict.choices)
    method = models.CharField(_("method"), max_length=100)
    lab = models.CharField(_("laboratory"), max_length=100)
    tested_on = models.DateField(_("tested on"))
    entered_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        "core.User", verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # SHA-256 of the reviewed content (sampling.services.seal): a later change shows.
    content_seal = models.CharField(_("content seal"), max_length=64, blank=True, editable=False)

    objects = ResultQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-tested_on", "-id"]
        verbose_name = _("lab result")
        verbose_name_plural = _("lab results")

    def __str__(self):
        return f"{self.sample} · {self.mg_per_kg} mg/kg"

    @property
    def detected(self) -> bool:
        return self.mg_per_kg >= self.detection_limit


class ReferralQuerySet(ThroughCountyOperators):
    """Referrals are read by the department they go to and by everyone above in scope."""

    scope_field = "lot__operator__county"
    operator_path = "lot__operator"
    owner_kind_field = "to_agency__kind"


class Referral(models.Model):
    """Q8: what a non-conforming result sets going beyond the lot: a case for the owning
    department (recorded here until cases are kept), and for a seller the L6 cancellation
    proposed to the licensing reviewer."""

    kind = models.CharField(_("kind"), max_length=8, choices=ReferralKind.choices)
    result = models.ForeignKey(LabResult, on_delete=models.PROTECT, related_name="referrals")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="referrals")
    to_agency = models.ForeignKey(
        "core.Agency", verbose_name=_("to department"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary"))
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReferralQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["result", "kind"], name="one_referral_of_each_kind")]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.lot}"

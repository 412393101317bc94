from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import AgencyKind, Role
from ..scoping import ScopedQuerySet

# How each kind of department is named after its jurisdiction (e.g. 南京市质量技术监督局).
AGENCY_SUFFIX = {
    AgencyKind.FSO: ("食品安全委员会办公室", "Food Safety Office"),
    AgencyKind.QTS: ("质量技术监督局", "Quality and Technical Supervision Bureau"),
    AgencyKind.AIC: ("工商行政管理局", "Administration for Industry and Commerce"),
    AgencyKind.FDA: ("食品药品监督管理局", "Food and Drug Administration"),
    AgencyKind.AGR: ("农业委员会", "Agriculture Commission"),
    AgencyKind.CIQ: ("出入境检验检疫局", "Entry-Exit Inspection and Quarantine Bureau"),
    AgencyKind.PSB: ("公安局", "Public Security Bureau"),
    AgencyKind.GOV: ("人民政府", "People's Government"),
}


class AdministeredQuerySet(ScopedQuerySet):
    """Departments and accounts are managed by account administrators, within their
    jurisdiction and below."""

    def editable_by(self, user):
        if user.is_authenticated and user.is_superuser:
            return self.all()
        if getattr(user, "role", None) != Role.ADMIN:
            return self.none()
        return self.visible_to(user)


class Agency(models.Model):
    """A department of one kind at one jurisdiction."""

    kind = models.CharField(_("kind"), max_length=3, choices=AgencyKind.choices)
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)

    objects = AdministeredQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["jurisdiction_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "jurisdiction"], name="one_agency_per_kind_and_place")]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class UserQuerySet(AdministeredQuerySet):
    scope_field = "agency__jurisdiction"


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person with one membership: an agency (hence a jurisdiction) and a role."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, blank=True)

    objects = ScopedUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if not self.is_superuser and (self.agency_id is None or not self.role):
            raise ValidationError(_("Every account needs an agency and a role."))

    @property
    def jurisdiction(self):
        return self.agency.jurisdiction if self.agency_id else None

    @property
    def kind(self) -> str | None:
        return self.agency.kind if self.agency_id else None

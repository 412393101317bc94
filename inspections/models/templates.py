from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dairy_campaign.choices import AgencyKind

from .choices import AnswerType, Subject, TemplateStatus


class TemplateQuerySet(models.QuerySet):
    """Templates are province-wide forms: every signed-in member reads them."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or getattr(user, "agency_id", None):
            return self.all()
        return self.none()

    def published(self):
        return self.filter(status=TemplateStatus.PUBLISHED)

    def for_operator_kind(self, kind: str):
        """Published operator templates whose kinds include `kind` (read in Python: SQLite
        cannot search JSON lists, and there are a dozen templates)."""
        ids = [t.pk for t in self.published().filter(subject=Subject.OPERATOR) if kind in t.operator_kinds]
        return self.filter(pk__in=ids)


class ChecklistTemplate(models.Model):
    """One version of a checklist form. A published version never changes: editing makes a
    new version, and a filed checklist points at the version it was filed on."""

    code = models.SlugField(_("checklist code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=14, choices=Subject.choices, default=Subject.OPERATOR)
    operator_kinds = models.JSONField(_("operator kinds"), default=list, blank=True)
    owner_kind = models.CharField(_("department"), max_length=3, choices=AgencyKind.choices)
    rules = models.CharField(_("rules"), max_length=60, blank=True, help_text=_("Plan rules it checks, e.g. S2."))
    status = models.CharField(_("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        "core.User", verbose_name=_("published by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="template_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(status="published"), name="one_published_version"
            ),
            models.UniqueConstraint(fields=["code"], condition=models.Q(status="draft"), name="one_draft_version"),
        ]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self):
        return f"{self.name} v{self.version}"

    def clean(self):
        if self.subject == Subject.OPERATOR and not self.operator_kinds:
            raise ValidationError({"operator_kinds": _("Name the operator kinds this checklist is for.")})

    def items_in_order(self):
        return TemplateItem.objects.filter(section__template=self).select_related("section")


class TemplateSection(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=120)

    class Meta:
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="section_order_unique")]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title


class TemplateItem(models.Model):
    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(
        _("item code"), max_length=40, help_text=_("Stable across versions; answers are keyed by it.")
    )
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("guidance"), max_length=300, blank=True)
    answer_type = models.CharField(_("answer type"), max_length=8, choices=AnswerType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    required = models.BooleanField(_("required"), default=True)
    note_on_no = models.BooleanField(_("note required when “no”"), default=False)
    photo_on_no = models.BooleanField(_("photo required when “no”"), default=False)
    rule = models.CharField(_("rule"), max_length=20, blank=True)

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["section", "order"], name="item_order_unique")]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.text

    def clean(self):
        errors = {}
        if self.answer_type == AnswerType.CHOICE and len(self.choices or []) < 2:
            errors["choices"] = _("A choice item lists at least two choices.")
        if self.answer_type != AnswerType.CHOICE and self.choices:
            errors["choices"] = _("Only choice items list choices.")
        if (self.note_on_no or self.photo_on_no) and self.answer_type != AnswerType.YES_NO:
            errors["note_on_no"] = _("Evidence on “no” applies to yes/no items.")
        if errors:
            raise ValidationError(errors)

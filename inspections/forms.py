from django import forms
from django.utils.translation import gettext_lazy as _

from dairy_campaign.forms import StyledForm
from dairy_campaign.models import Jurisdiction, User
from licensing.models import Operator, OperatorKind

from .models import ChecklistTemplate, MeasureKind

DATE = {"type": "date"}


def field_staff(actor):
    return User.objects.filter(agency_id=actor.agency_id, is_active=True, role__in=["inspector", "reviewer"]).order_by(
        "full_name", "username"
    )


def templates_of(actor):
    qs = ChecklistTemplate.objects.published().order_by("code")
    return qs if actor.is_superuser else qs.filter(owner_kind=actor.kind)


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (v{obj.version})"


class AssignmentForm(StyledForm):
    template = TemplateChoiceField(label=_("checklist"), queryset=ChecklistTemplate.objects.none())
    operator = forms.ModelChoiceField(
        label=_("operator"), queryset=Operator.objects.none(), required=False, widget=forms.NumberInput
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("jurisdiction (supervisory inspection)"), queryset=Jurisdiction.objects.all(), required=False
    )
    inspector = forms.ModelChoiceField(label=_("inspector"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("due on"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates_of(actor)
        self.fields["operator"].queryset = Operator.objects.visible_to(actor)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.visible_to(actor)
        self.fields["operator"].help_text = _("The operator's number in the register (shown on its page).")
        self.fields["inspector"].queryset = field_staff(actor)


class PlanForm(StyledForm):
    """S2/S4 逐家排查: every operator of some kinds in the county, shared among inspectors."""

    template = TemplateChoiceField(label=_("checklist"), queryset=ChecklistTemplate.objects.none())
    operator_kinds = forms.MultipleChoiceField(
        label=_("operator kinds"), choices=OperatorKind.choices, widget=forms.CheckboxSelectMultiple
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("inspectors"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    due_on = forms.DateField(label=_("due on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        templates = templates_of(actor).filter(subject="operator")
        self.fields["template"].queryset = templates
        kinds = {k for t in templates for k in t.operator_kinds}
        self.fields["operator_kinds"].choices = [c for c in OperatorKind.choices if c[0] in kinds]
        self.fields["inspectors"].queryset = field_staff(actor)


class StartForm(StyledForm):
    template = TemplateChoiceField(label=_("checklist"), queryset=ChecklistTemplate.objects.none())
    operator = forms.ModelChoiceField(
        label=_("operator"), queryset=Operator.objects.none(), required=False, widget=forms.HiddenInput
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("jurisdiction (supervisory inspection)"), queryset=Jurisdiction.objects.all(), required=False
    )
    inspected_on = forms.DateField(label=_("inspected on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, actor, operator=None, **kwargs):
        super().__init__(*args, **kwargs)
        templates = templates_of(actor)
        if operator is not None:
            templates = templates.filter(pk__in=ChecklistTemplate.objects.for_operator_kind(operator.kind))
            del self.fields["jurisdiction"]
        else:
            templates = templates.exclude(subject="operator")
        self.fields["template"].queryset = templates
        self.fields["operator"].queryset = Operator.objects.visible_to(actor)
        if "jurisdiction" in self.fields:
            self.fields["jurisdiction"].queryset = Jurisdiction.objects.visible_to(actor)


class MeasureForm(StyledForm):
    kind = forms.ChoiceField(label=_("measure"), choices=MeasureKind.choices)
    description = forms.CharField(label=_("finding"), widget=forms.Textarea(attrs={"rows": 3}))
    product = forms.CharField(label=_("product"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("quantity"), max_digits=12, decimal_places=3, required=False, min_value=0)
    unit = forms.CharField(label=_("unit"), max_length=20, required=False)
    witness = forms.CharField(label=_("witness"), max_length=100, required=False)
    deadline = forms.DateField(label=_("rectify by"), required=False, widget=forms.DateInput(attrs=DATE))
    document_number = forms.CharField(label=_("document number"), max_length=60, required=False)


class PhotoForm(StyledForm):
    item_code = forms.SlugField(widget=forms.HiddenInput)
    image = forms.FileField(label=_("photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    taken_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput)


class SignForm(StyledForm):
    signed_name = forms.CharField(label=_("your name"), max_length=50)
    confirm = forms.BooleanField(label=_("I confirm the meaning of my signature"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(StyledForm):
    note = forms.CharField(label=_("review note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("reason"), max_length=300)

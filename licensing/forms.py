from django import forms
from django.utils.translation import gettext_lazy as _

from dairy_campaign.forms import StyledForm, bootstrapify
from dairy_campaign.models import Jurisdiction
from dairy_campaign.ownership import WRITE_ROLES, owned_values
from dairy_campaign.scoping import user_kind, user_scope_prefix
from dairy_campaign.services.campaigns import local_today

from .models import Arrangement, LicenceType, Operator, OperatorKind, ScopeCategory, Vehicle


def county_choices(user):
    qs = Jurisdiction.objects.filter(level="county")
    if not user.is_superuser:
        qs = qs.filter(code__startswith=user_scope_prefix(user) or "-")
    return qs.select_related("parent").order_by("code")


def owned_choices(choices, prefix, user):
    if user.is_superuser:
        return choices.choices
    if user.role not in WRITE_ROLES:
        return []
    owned = set(owned_values(prefix, user_kind(user)))
    return [(value, label) for value, label in choices.choices if value in owned]


class OperatorForm(StyledForm):
    kind = forms.ChoiceField(label=_("kind"))
    name = forms.CharField(label=_("name"), max_length=200)
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=18, required=False)
    county = forms.ModelChoiceField(label=_("county"), queryset=Jurisdiction.objects.none())
    address = forms.CharField(label=_("address"), max_length=300)
    contact_person = forms.CharField(label=_("contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    registered_with_aic = forms.BooleanField(label=_("registered with industry and commerce"), required=False)
    infant_formula = forms.BooleanField(label=_("infant-formula producer"), required=False)
    scale_farm = forms.BooleanField(label=_("scale farm"), required=False)
    herd_size = forms.IntegerField(label=_("herd size"), min_value=0, required=False)
    arrangement = forms.ChoiceField(label=_("operating arrangement"), choices=Arrangement.choices)
    actual_operator = forms.CharField(label=_("actual operator"), max_length=200, required=False)

    def __init__(self, *args, user, with_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = owned_choices(OperatorKind, "operator", user)
        self.fields["county"].queryset = county_choices(user)
        if with_reason:
            self.fields["reason"] = forms.CharField(label=_("reason for the change"), max_length=500)
            bootstrapify(self)

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()


class VehicleForm(StyledForm):
    plate = forms.CharField(label=_("plate number"), max_length=12)
    capacity_tonnes = forms.DecimalField(label=_("capacity (t)"), max_digits=6, decimal_places=2, min_value=0)


class LicenceApplyForm(StyledForm):
    type = forms.ChoiceField(label=_("type"))
    vehicle = forms.ModelChoiceField(label=_("vehicle"), queryset=Vehicle.objects.none(), required=False)
    station = forms.ModelChoiceField(label=_("purchase station"), queryset=Operator.objects.none(), required=False)
    scope = forms.MultipleChoiceField(
        label=_("approved categories"),
        choices=ScopeCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    applied_on = forms.DateField(
        label=_("applied on"), widget=forms.DateInput(attrs={"type": "date"}), initial=local_today, required=False
    )

    def __init__(self, *args, user, operator: Operator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = owned_choices(LicenceType, "licence", user)
        self.fields["vehicle"].queryset = operator.vehicles.all()
        self.fields["station"].queryset = Operator.objects.visible_to(user).filter(
            kind=OperatorKind.PURCHASE_STATION, county_id=operator.county_id
        )


class DecisionForm(StyledForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=_("legal basis"), max_length=300, required=False)
    document_number = forms.CharField(label=_("document number"), max_length=100, required=False)


class GrantForm(DecisionForm):
    number = forms.CharField(label=_("licence number"), max_length=60)
    issued_on = forms.DateField(label=_("issued on"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("expires on"), widget=forms.DateInput(attrs={"type": "date"}))


class RectifyForm(DecisionForm):
    rectify_by = forms.DateField(label=_("rectify by"), widget=forms.DateInput(attrs={"type": "date"}))


class FollowUpCompleteForm(StyledForm):
    completed_on = forms.DateField(label=_("completed on"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.FileField(label=_("completion evidence (PDF, JPEG or PNG)"))
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

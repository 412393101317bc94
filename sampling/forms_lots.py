"""Forms of the lot and intake-import pages; the services validate the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dairy_campaign.forms import StyledForm
from dairy_campaign.services.campaigns import local_today
from inspections.models import Consignment
from licensing.models import Vehicle

from .models import Category, LotKind
from .services.lots import holders_for, suppliers_for


class OperatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.get_kind_display()}"


def _text(label, rows=2, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class LotForm(StyledForm):
    kind = forms.ChoiceField(label=_("kind"), choices=LotKind.choices)
    operator = OperatorChoiceField(label=_("held by"), queryset=None)
    supplier = OperatorChoiceField(
        label=_("supplier"),
        queryset=None,
        required=False,
        help_text=_("From the register; otherwise write its name below."),
    )
    supplier_name = forms.CharField(label=_("supplier (as recorded)"), max_length=200, required=False)
    vehicle = forms.ModelChoiceField(label=_("vehicle"), queryset=None, required=False)
    consignment = forms.ModelChoiceField(label=_("import consignment"), queryset=None, required=False)
    batch_number = forms.CharField(label=_("batch number"), max_length=60)
    product = forms.CharField(label=_("product"), max_length=200)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    dated = forms.DateField(
        label=_("date"),
        initial=local_today,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Intake, production or sampling date."),
    )
    quantity = forms.DecimalField(label=_("quantity"), max_digits=14, decimal_places=3)
    unit = forms.CharField(label=_("unit"), max_length=20)
    own_test_mg_per_kg = forms.DecimalField(
        label=_("producer's own melamine test (mg/kg)"),
        max_digits=10,
        decimal_places=4,
        min_value=0,
        required=False,
        help_text=_("Purchased raw milk and milk powder only; blank if the producer has not tested the batch (S1)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = holders_for(user)
        self.fields["supplier"].queryset = suppliers_for(user)
        self.fields["vehicle"].queryset = Vehicle.objects.visible_to(user)
        self.fields["consignment"].queryset = Consignment.objects.visible_to(user).filter(lot__isnull=True)


class LotReleaseForm(StyledForm):
    reason = _text(_("reason"), help_text=_("Destroyed, recalled, or cleared by a conforming re-test."))
    document_number = forms.CharField(label=_("document number"), max_length=100, required=False)


class OwnTestForm(StyledForm):
    mg_per_kg = forms.DecimalField(
        label=_("producer's own melamine test (mg/kg)"), max_digits=10, decimal_places=4, min_value=0
    )
    reason = _text(_("reason"), help_text=_("Where the result comes from: the producer's test report."))


class IntakeUploadForm(StyledForm):
    file = forms.FileField(
        label=_("Intake file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

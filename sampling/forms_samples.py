"""Forms of the sample, result and referral pages; the services validate the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dairy_campaign.forms import StyledForm
from dairy_campaign.services.campaigns import local_today

from .models import MassUnit

DEFAULT_METHOD = "GB/T 22388-2008"


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


def _datetime(label, **kwargs):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    return forms.DateTimeField(label=label, widget=widget, **kwargs)


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


class SampleForm(StyledForm):
    samplers = forms.CharField(label=_("samplers"), max_length=100, help_text=_("The officers who took the sample."))
    sampled_at = _datetime(_("sampled at"), initial=_now)
    quantity = forms.DecimalField(label=_("quantity sampled"), max_digits=10, decimal_places=3, min_value=0)
    unit = forms.CharField(label=_("unit"), max_length=20, initial="kg")
    seal_number = forms.CharField(label=_("seal number"), max_length=40)
    lab = forms.CharField(label=_("laboratory"), max_length=100, required=False)


class CustodyForm(StyledForm):
    at = _datetime(_("at"), required=False, help_text=_("Leave empty for now."))
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class ResultForm(StyledForm):
    value = forms.DecimalField(label=_("melamine"), max_digits=12, decimal_places=4, min_value=0)
    unit = forms.ChoiceField(label=_("unit"), choices=MassUnit.choices, initial=MassUnit.MG_PER_KG)
    detection_limit = forms.DecimalField(
        label=_("detection limit"), max_digits=10, decimal_places=4, help_text=_("In the same unit as the value.")
    )
    method = forms.CharField(label=_("method"), max_length=100, initial=DEFAULT_METHOD)
    lab = forms.CharField(label=_("laboratory"), max_length=100)
    tested_on = _date(_("tested on"), initial=local_today)


class CorrectionForm(ResultForm):
    reason = forms.CharField(
        label=_("reason for the correction"),
        max_length=500,
        required=False,
        help_text=_("Required once the result has been reviewed."),
    )

    @classmethod
    def for_result(cls, result, **kwargs):
        initial = {
            "value": plain(result.entered_value),
            "unit": result.entered_unit,
            "detection_limit": _in_unit(result.detection_limit, result.entered_unit),
            "method": result.method,
            "lab": result.lab,
            "tested_on": result.tested_on,
        }
        return cls(initial=initial, **kwargs)


def plain(number) -> str:
    """A Decimal without trailing zeros and without an exponent (3200, not 3.2E+3); "" for
    none. Exports write it as text, read as typed."""
    return "" if number is None else f"{number.normalize():f}"


def _in_unit(mg_per_kg, unit) -> str:
    return plain(mg_per_kg * 1000 if unit == MassUnit.UG_PER_KG else mg_per_kg)


class GridRowForm(ResultForm):
    """One row of the results grid: left empty, the sample is skipped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    @property
    def blank(self) -> bool:
        return self.is_bound and not (self.data.get(self.add_prefix("value")) or "").strip()

    def clean(self):
        data = super().clean()
        if not self.blank:
            for name in ("unit", "detection_limit", "method", "lab", "tested_on"):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        return data


class UploadForm(StyledForm):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class TakeUpForm(StyledForm):
    note = forms.CharField(label=_("note"), max_length=300, required=False)

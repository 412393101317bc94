from django import forms
from django.utils.translation import gettext_lazy as _

from dairy_campaign.choices import AgencyKind, Level
from dairy_campaign.forms import StyledForm

from .services.deadline import DeadlineState
from .services.summaries import TEXT_MAX


class SummaryTextForm(StyledForm):
    text = forms.CharField(
        label=_("written summary"), widget=forms.Textarea(attrs={"rows": 10}), max_length=TEXT_MAX, required=False
    )
    document = forms.FileField(
        label=_("signed document"),
        required=False,
        help_text=_("The signed and stamped summary, scanned: PDF, JPEG or PNG."),
    )


class SummaryDecisionForm(StyledForm):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SummaryReturnForm(StyledForm):
    note = forms.CharField(label=_("what is to be corrected"), widget=forms.Textarea(attrs={"rows": 2}))


class DeadlineFilterForm(StyledForm):
    level = forms.ChoiceField(label=_("level"), choices=[("", "---------"), *Level.choices], required=False)
    kind = forms.ChoiceField(label=_("department"), choices=[("", "---------"), *AgencyKind.choices], required=False)
    state = forms.ChoiceField(label=_("deadline"), choices=[("", "---------"), *DeadlineState.choices], required=False)

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dairy_campaign.forms import StyledForm
from dairy_campaign.models import Jurisdiction
from dairy_campaign.scoping import user_scope_prefix

from .models import Rule
from .services.plans import rules_drawn_up_by

DATE = {"type": "date"}


class PlanForm(StyledForm):
    rule = forms.ChoiceField(label=_("rule"))
    jurisdiction = forms.ModelChoiceField(label=_("jurisdiction"), queryset=Jurisdiction.objects.none())
    period_start = forms.DateField(label=pgettext_lazy("period", "from"), widget=forms.DateInput(attrs=DATE))
    period_end = forms.DateField(label=pgettext_lazy("period", "until"), widget=forms.DateInput(attrs=DATE))
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        mine = set(rules_drawn_up_by(user))
        self.fields["rule"].choices = [(value, label) for value, label in Rule.choices if value in mine]
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(
            code__startswith=user_scope_prefix(user) or "-"
        ).order_by("code")
        if user.agency_id:
            self.fields["jurisdiction"].initial = user.agency.jurisdiction_id


class PlanDecisionForm(StyledForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    document_number = forms.CharField(label=_("document number"), max_length=100, required=False)


class PlanSubmitForm(StyledForm):
    reason = forms.CharField(label=_("note to the reviewer"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PlannedCountsForm(forms.Form):
    """The grid: one `planned-<line id>` number per line shown, all posted together."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[self.key(line.pk)] = forms.IntegerField(
                label=str(line.unit),
                min_value=0,
                max_value=100000,
                initial=line.planned,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "inputmode": "numeric"}),
            )

    @staticmethod
    def key(pk: int) -> str:
        return f"planned-{pk}"

    @staticmethod
    def line_ids(data) -> list[int]:
        """The line ids a posted grid names."""
        ids = []
        for name in data:
            prefix, _sep, pk = name.partition("-")
            if prefix == "planned" and pk.isdigit():
                ids.append(int(pk))
        return ids

    def planned(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[self.key(line.pk)] for line in self.lines}

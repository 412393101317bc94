"""Forms of the listed-supervision (C2), accountability (C1) and incident (P4) pages; the
services validate the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dairy_campaign.forms import StyledForm, bootstrapify
from dairy_campaign.models import Jurisdiction
from dairy_campaign.scoping import level_of
from dairy_campaign.services.campaigns import local_today

from .models import AccountabilityTrigger, Case, ListingLevel

OFFICIAL_ROWS = 4


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


def _datetime(label, **kwargs):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    return forms.DateTimeField(label=label, widget=widget, **kwargs)


def _text(label, rows=3, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


class CaseNumberField(forms.CharField):
    """A case named by its number, among the cases the user sees (3k cases make no menu)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.user = None

    def clean(self, value):
        number = super().clean(value).strip()
        if not number:
            return None
        case = Case.objects.visible_to(self.user).filter(number=number).first()
        if case is None:
            raise forms.ValidationError(_("No case with this number within your jurisdiction."))
        return case


class ListingForm(StyledForm):
    level = forms.ChoiceField(label=_("level"), choices=ListingLevel.choices)
    deadline = _date(_("deadline"))
    report_every_days = forms.IntegerField(
        label=_("progress report every (days)"), min_value=1, max_value=365, initial=15
    )
    requirements = _text(_("requirements"), help_text=_("What the department must do, and by when."))
    document_number = forms.CharField(label=_("document number"), max_length=60)
    mark_major = forms.BooleanField(
        label=_("My office determines this case to be major"),
        required=False,
        help_text=_("C2: only major and cross-region cases are listed; this case is not marked as either."),
    )

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        if user.agency_id and level_of(user.agency.jurisdiction_id) in ListingLevel.values:
            self.fields["level"].initial = level_of(user.agency.jurisdiction_id)
        if case.major or case.cross_region:
            del self.fields["mark_major"]


class ProgressReportForm(StyledForm):
    text = _text(_("progress"), rows=5)


class ListingLiftForm(StyledForm):
    reason = _text(_("reason"), rows=2)
    document_number = forms.CharField(label=_("document number"), max_length=60, required=False)


class AccountabilityForm(StyledForm):
    jurisdiction = forms.ModelChoiceField(label=_("jurisdiction"), queryset=Jurisdiction.objects.none())
    trigger = forms.ChoiceField(label=_("what happened"), choices=AccountabilityTrigger.choices)
    concerned = forms.CharField(
        label=_("den or lot concerned"),
        max_length=300,
        required=False,
        help_text=_("The den (name and address, as in the sweep register) or the lot of powder."),
    )
    facts = _text(_("facts"), rows=4)
    measures = _text(_("measures taken"), rows=3)
    decided_on = _date(_("decided on"), initial=local_today)
    document_number = forms.CharField(label=_("document number"), max_length=60)
    case = CaseNumberField(label=_("case number"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.visible_to(user).order_by("code")
        self.fields["case"].user = user


class OfficialForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50, required=False)
    position = forms.CharField(label=_("position"), max_length=100, required=False)
    unit = forms.CharField(label=_("unit"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)


OfficialFormSet = forms.formset_factory(OfficialForm, extra=OFFICIAL_ROWS, max_num=20)


class IncidentForm(StyledForm):
    title = forms.CharField(label=_("title"), max_length=200)
    occurred_at = _datetime(_("occurred at"), initial=_now)
    description = _text(_("what happened"), rows=5)
    products = forms.CharField(label=_("products concerned"), max_length=300, required=False)
    people_affected = forms.IntegerField(label=_("people affected"), min_value=0, initial=0)
    case = CaseNumberField(label=_("case number"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].user = user

"""Forms of the complaint and reward pages (phone-friendly: native date, time and phone
inputs, one column); the services validate the rules."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dairy_campaign.forms import StyledForm
from dairy_campaign.models import Agency, Jurisdiction

from .models import ComplaintKind, Hotline, Violation
from .services.complaints import HANDLING_KINDS, HOTLINE_KIND, may_receive

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


def _text(label, rows=3, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def _now_local() -> str:
    return timezone.localtime().strftime(DATETIME_LOCAL)


def _today():
    return timezone.localdate()


def handlers_for(place: Jurisdiction):
    """Departments that may handle a complaint of `place`: its own and those above it."""
    codes = [place.code] + [a.code for a in place.ancestors()]
    return Agency.objects.filter(kind__in=HANDLING_KINDS, jurisdiction_id__in=codes).select_related("jurisdiction")


class ComplaintForm(StyledForm):
    hotline = forms.ChoiceField(label=_("hotline"), choices=Hotline.choices)
    ticket_number = forms.CharField(label=_("ticket number"), max_length=60)
    kind = forms.ChoiceField(label=_("kind"), choices=ComplaintKind.choices, widget=forms.RadioSelect)
    received_at = forms.DateTimeField(
        label=_("received at"),
        initial=_now_local,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    jurisdiction = forms.ModelChoiceField(label=_("jurisdiction"), queryset=Jurisdiction.objects.none())
    party_name = forms.CharField(label=_("party named"), max_length=200, required=False)
    content = _text(_("content"), rows=4)
    informant_name = forms.CharField(label=_("informant"), max_length=50, required=False)
    informant_phone = forms.CharField(
        label=_("informant's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    informant_address = forms.CharField(label=_("informant's address"), max_length=200, required=False)
    assigned_agency = forms.ModelChoiceField(
        label=_("handling agency"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Leave empty: 12315 goes to industry and commerce, 12365 to quality supervision of the place."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotline"].choices = [
            (value, label) for value, label in Hotline.choices if may_receive(user, value)
        ] or Hotline.choices
        if user.agency_id and not user.is_superuser:
            own = next((h for h, kind in HOTLINE_KIND.items() if kind == user.agency.kind), None)
            self.fields["hotline"].initial = own or Hotline.OTHER
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.visible_to(user).order_by("code")
        self.fields["assigned_agency"].queryset = (
            Agency.objects.visible_to(user).filter(kind__in=HANDLING_KINDS).select_related("jurisdiction")
        )


class AssignForm(StyledForm):
    agency = forms.ModelChoiceField(label=_("handling agency"), queryset=Agency.objects.none())
    reason = _text(_("reason"), rows=2)

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = handlers_for(complaint.jurisdiction).exclude(pk=complaint.assigned_agency_id)


class AnswerForm(StyledForm):
    result = _text(pgettext_lazy("complaint", "result"), rows=4)
    answered_on = _date(_("answered on"), initial=_today)


class ToCaseForm(StyledForm):
    title = forms.CharField(label=_("case title"), max_length=200)
    violations = forms.MultipleChoiceField(
        label=_("violations"), choices=Violation.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    party_name = forms.CharField(
        label=_("party"),
        max_length=200,
        required=False,
        help_text=_("Only when the complaint names no party."),
    )


class RewardProposeForm(StyledForm):
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    grounds = _text(_("grounds"), rows=3)


class RewardDecisionForm(StyledForm):
    reason = _text(_("reason"), rows=2, required=False)


class RewardRefuseForm(StyledForm):
    reason = _text(_("reason"), rows=2)


class RewardPayForm(StyledForm):
    paid_on = _date(_("paid on"), initial=_today)
    reason = forms.CharField(label=_("payment reference"), max_length=300, required=False)

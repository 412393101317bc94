"""Forms of the sweep, consignment and self-inspection pages; the services validate the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dairy_campaign.forms import StyledForm
from dairy_campaign.models import Jurisdiction
from dairy_campaign.services.campaigns import local_today
from licensing.forms import county_choices
from licensing.models import Licence, LicenceStatus, LicenceType, Operator, OperatorKind

from .models import AreaType
from .services.consignments import FailedItem


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


def _text(label, rows=3, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class SweepForm(StyledForm):
    jurisdiction = forms.ModelChoiceField(label=_("county"), queryset=Jurisdiction.objects.none())
    area_type = forms.ChoiceField(label=_("area type"), choices=AreaType.choices)
    area = forms.CharField(label=_("area swept"), max_length=200)
    swept_on = _date(_("swept on"), initial=local_today)
    leader = forms.CharField(label=_("leader"), max_length=50, help_text=_("The government leader in charge (C1)."))
    leader_title = forms.CharField(label=_("leader's position"), max_length=100)
    participants = forms.CharField(label=_("participating departments"), max_length=300, required=False)
    notes = _text(_("notes"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = county_choices(user)


class DenForm(StyledForm):
    name = forms.CharField(label=_("name or description of the den"), max_length=200)
    address = forms.CharField(label=_("address"), max_length=300)
    activity = forms.CharField(label=_("activity found"), max_length=200)
    banned = forms.BooleanField(label=_("banned on the spot (取缔)"), required=False)
    document_number = forms.CharField(label=_("ban document number"), max_length=100, required=False)
    seized_product = forms.CharField(label=_("product seized"), max_length=200, required=False)
    seized_quantity = forms.DecimalField(
        label=_("quantity seized"), max_digits=12, decimal_places=3, min_value=0, required=False
    )
    seized_unit = forms.CharField(label=_("unit"), max_length=20, required=False)


class DenBanForm(StyledForm):
    reason = _text(_("reason"), rows=2)
    document_number = forms.CharField(label=_("document number"), max_length=100)
    banned_on = _date(_("banned on"), initial=local_today)


class ConsignmentForm(StyledForm):
    importer = forms.ModelChoiceField(label=_("importer"), queryset=Operator.objects.none())
    consignee_filing = forms.ModelChoiceField(
        label=_("consignee filing"), queryset=Licence.objects.none(), required=False
    )
    product = forms.CharField(label=_("product"), max_length=200)
    quantity = forms.DecimalField(label=_("quantity"), max_digits=12, decimal_places=3)
    unit = forms.CharField(label=_("unit"), max_length=20)
    origin_country = forms.CharField(label=_("country of origin"), max_length=60)
    arrived_on = _date(_("arrived on"), initial=local_today)
    health_certificate_number = forms.CharField(label=_("health certificate number"), max_length=60)
    certificate_content_ok = forms.BooleanField(label=_("certificate content checked"), required=False)
    certificate_seal_ok = forms.BooleanField(label=_("certificate seal checked"), required=False)
    certificate_signatory_ok = forms.BooleanField(label=_("authorised signatory checked"), required=False)
    quarantine_permit_required = forms.BooleanField(label=_("quarantine permit required"), required=False)
    quarantine_permit_number = forms.CharField(label=_("quarantine permit number"), max_length=60, required=False)
    warehouse = forms.CharField(label=_("designated warehouse"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["importer"].queryset = importers_for(user)
        self.fields["consignee_filing"].queryset = filings_for(user)


def importers_for(user):
    return Operator.objects.visible_to(user).filter(kind=OperatorKind.IMPORTER).select_related("county")


def filings_for(user, importer=None):
    filings = Licence.objects.visible_to(user).filter(
        type=LicenceType.CONSIGNEE_FILING, status=LicenceStatus.GRANTED, operator__kind=OperatorKind.IMPORTER
    )
    return filings.filter(operator=importer) if importer is not None else filings.select_related("operator")


class ConsignmentChecksForm(StyledForm):
    consignee_filing = forms.ModelChoiceField(
        label=_("consignee filing"), queryset=Licence.objects.none(), required=False
    )
    certificate_content_ok = forms.BooleanField(label=_("certificate content checked"), required=False)
    certificate_seal_ok = forms.BooleanField(label=_("certificate seal checked"), required=False)
    certificate_signatory_ok = forms.BooleanField(label=_("authorised signatory checked"), required=False)
    quarantine_permit_required = forms.BooleanField(label=_("quarantine permit required"), required=False)
    quarantine_permit_number = forms.CharField(label=_("quarantine permit number"), max_length=60, required=False)
    warehouse = forms.CharField(label=_("designated warehouse"), max_length=200)
    reason = forms.CharField(label=_("reason for the change"), max_length=500, required=False)

    def __init__(self, *args, user, importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consignee_filing"].queryset = filings_for(user, importer)


class LabResultForm(StyledForm):
    conforming = forms.TypedChoiceField(
        label=_("lab result"),
        choices=[("yes", _("Conforms")), ("no", _("Does not conform"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(label=_("lab report or sample number"), max_length=100)


class ConsignmentDecisionForm(StyledForm):
    reason = _text(_("reason"), rows=2)
    document_number = forms.CharField(label=_("document number"), max_length=100)
    legal_basis = forms.CharField(label=_("legal basis"), max_length=300, required=False)


class ConsignmentFailureForm(ConsignmentDecisionForm):
    failed_items = forms.MultipleChoiceField(
        label=_("failing items"), choices=FailedItem.choices, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["failed_items", "reason", "document_number", "legal_basis"]


class OperatorPickForm(StyledForm):
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=18)

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()


class SelfReportForm(StyledForm):
    received_on = _date(_("received on"), initial=local_today)
    problems_found = _text(_("problems found"))
    actions_taken = _text(_("corrective actions"))
    document = forms.FileField(label=_("signed report (PDF, JPEG or PNG)"))


class SelfReportDecisionForm(StyledForm):
    note = _text(_("review note"), rows=2, required=False)

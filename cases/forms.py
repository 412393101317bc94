"""Forms of the case pages: they collect what the services take, nothing more."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dairy_campaign.forms import StyledForm
from dairy_campaign.models import Jurisdiction
from dairy_campaign.scoping import user_scope_prefix
from dairy_campaign.services.campaigns import local_today
from licensing.models import Licence, Operator

from .models import Decision, SourceKind, Violation
from .services.cases import LICENCES_IN_FORCE, MANUAL_SOURCES, cancellable_elsewhere, task_force_candidates
from .services.police import police_units_for

DATE = forms.DateInput(attrs={"type": "date"})


def jurisdictions_for(user):
    qs = Jurisdiction.objects.exclude(level="province")
    if not user.is_superuser:
        qs = qs.filter(code__startswith=user_scope_prefix(user) or "-")
    return qs.order_by("code")


class ViolationsField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("violations"))
        super().__init__(choices=Violation.choices, widget=forms.CheckboxSelectMultiple, **kwargs)


class CaseNewForm(StyledForm):
    title = forms.CharField(label=_("title"), max_length=200)
    source_kind = forms.ChoiceField(
        label=pgettext_lazy("case", "source"),
        choices=[(v, label) for v, label in SourceKind.choices if v in MANUAL_SOURCES],
    )
    source_label = forms.CharField(
        label=_("source record"),
        max_length=300,
        required=False,
        help_text=_("E.g. the letter of the department that handed the clue over."),
    )
    jurisdiction = forms.ModelChoiceField(label=_("jurisdiction"), queryset=Jurisdiction.objects.none())
    credit_code = forms.CharField(
        label=_("party's unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("For an operator of the register; otherwise name the party below."),
    )
    party_name = forms.CharField(label=_("party (unregistered)"), max_length=200, required=False)
    violations = ViolationsField(required=False)
    facts = forms.CharField(label=_("facts"), widget=forms.Textarea(attrs={"rows": 4}))
    major = forms.BooleanField(label=_("major case"), required=False)
    cross_region = forms.BooleanField(label=_("cross-region case"), required=False)

    def __init__(self, *args, user, operator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["jurisdiction"].queryset = jurisdictions_for(user)
        if user.agency_id:
            self.fields["jurisdiction"].initial = user.agency.jurisdiction_id
        if operator is not None:
            self.fields["credit_code"].initial = operator.credit_code
            self.fields["jurisdiction"].initial = operator.county_id

    def clean(self):
        data = super().clean()
        code = (data.get("credit_code") or "").strip().upper()
        data["operator"] = None
        if code:
            data["operator"] = Operator.objects.visible_to(self.user).filter(credit_code=code).first()
            if data["operator"] is None:
                self.add_error("credit_code", _("No operator with this code within your jurisdiction."))
        elif not (data.get("party_name") or "").strip():
            self.add_error("party_name", _("Name the party: an operator of the register or an unregistered party."))
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("credit_code", None)
        return data


class CaseActionForm(StyledForm):
    """A decision on a case; some need the case, or the deciding user, to offer choices."""

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(case, user)

    def setup(self, case, user):
        pass


class CaseFileForm(CaseActionForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    document_number = forms.CharField(label=_("filing approval number"), max_length=60)
    violations = ViolationsField()
    legal_basis = forms.CharField(label=_("legal basis"), max_length=300, required=False)
    major = forms.BooleanField(label=_("major case"), required=False)
    cross_region = forms.BooleanField(label=_("cross-region case"), required=False)

    def setup(self, case, user):
        self.fields["violations"].initial = case.violations
        self.fields["major"].initial = case.major
        self.fields["cross_region"].initial = case.cross_region


class CaseDismissForm(CaseActionForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    document_number = forms.CharField(label=_("document number"), max_length=60, required=False)


class CaseReasonForm(CaseActionForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CaseDecideForm(CaseActionForm):
    decision = forms.ChoiceField(label=_("decision"), choices=Decision.choices)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=_("legal basis"), max_length=300, required=False)
    document_number = forms.CharField(label=_("decision document number"), max_length=60)
    fine_amount = forms.DecimalField(
        label=_("fine (yuan)"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    confiscated = forms.CharField(label=_("confiscated"), max_length=300, required=False)
    licence = forms.ModelChoiceField(
        label=_("licence to cancel"),
        queryset=Licence.objects.none(),
        required=False,
        help_text=_("For a licence cancellation: only the department that issued the licence cancels it."),
    )

    def setup(self, case, user):
        if case.operator_id:
            # Only the licences the user's department issued: the others are proposed to
            # their issuer (the "propose" decision).
            self.fields["licence"].queryset = (
                Licence.objects.editable_by(user)
                .filter(operator_id=case.operator_id, status__in=LICENCES_IN_FORCE)
                .select_related("issuing_agency")
            )


class ProposeCancellationForm(CaseActionForm):
    licence = forms.ModelChoiceField(label=_("licence"), queryset=Licence.objects.none())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self, case, user):
        self.fields["licence"].queryset = cancellable_elsewhere(user, case)


ACTION_FORMS = {
    "file": CaseFileForm,
    "dismiss": CaseDismissForm,
    "investigate": CaseReasonForm,
    "decide": CaseDecideForm,
    "close": CaseReasonForm,
    "propose_cancellation": ProposeCancellationForm,
}


def action_form(action: str, *, case, user, data=None):
    return ACTION_FORMS[action](data, case=case, user=user, prefix=action)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PoliceReferForm(StyledForm):
    police_unit = forms.ModelChoiceField(label=_("receiving police unit"), queryset=None)
    referred_on = forms.DateField(label=_("referred on"), widget=DATE, initial=local_today)
    document_number = forms.CharField(label=_("transfer document number"), max_length=60)
    documents = MultipleFileField(
        label=_("transfer documents (PDF, JPEG or PNG)"),
        required=False,
        help_text=_("Attached to the case as evidence."),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["police_unit"].queryset = police_units_for(case)


class PoliceAcceptForm(StyledForm):
    police_case_number = forms.CharField(label=_("police case number"), max_length=60)
    answered_on = forms.DateField(label=_("answered on"), widget=DATE, initial=local_today)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PoliceReturnForm(StyledForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    answered_on = forms.DateField(label=_("answered on"), widget=DATE, initial=local_today)


POLICE_FORMS = {"accept": PoliceAcceptForm, "return": PoliceReturnForm}


class EvidenceForm(StyledForm):
    upload = forms.FileField(label=_("file (PDF, JPEG or PNG)"))
    description = forms.CharField(label=_("description"), max_length=300)


class TaskForceForm(StyledForm):
    name = forms.CharField(label=_("name"), max_length=100)
    leader = forms.ModelChoiceField(label=_("leader"), queryset=None)
    members = forms.ModelMultipleChoiceField(
        label=_("members"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    formed_on = forms.DateField(label=_("formed on"), widget=DATE, initial=local_today)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        people = task_force_candidates(case).order_by("agency__jurisdiction_id", "agency__kind", "username")
        self.fields["leader"].queryset = people
        self.fields["members"].queryset = people
        self.fields["leader"].label_from_instance = self.fields["members"].label_from_instance = lambda u: (
            f"{u} · {u.agency}"
        )
        task_force = getattr(case, "task_force", None)
        if task_force is not None and not self.is_bound:
            self.initial.update(
                {
                    "name": task_force.name,
                    "leader": task_force.leader_id,
                    "members": list(task_force.members.values_list("pk", flat=True)),
                    "formed_on": task_force.formed_on,
                }
            )

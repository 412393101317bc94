from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .models import Agency, Jurisdiction

# The browser's date pickers read and write ISO values, whatever the page's language.
PICKER_FORMATS = {"date": "%Y-%m-%d", "datetime-local": "%Y-%m-%dT%H:%M", "time": "%H:%M"}


def bootstrapify(form):
    """Give every widget of `form` its Bootstrap class (phone-sized tap targets in app.css),
    and date pickers the ISO format they need to show a value."""
    for field in form.fields.values():
        widget = field.widget
        picker = PICKER_FORMATS.get(widget.attrs.get("type") or getattr(widget, "input_type", ""))
        if picker and hasattr(widget, "format"):
            widget.format = picker
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)


class StyledAuthenticationForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)


class StyledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)


class UserCreateForm(StyledForm):
    username = forms.RegexField(label=_("username"), max_length=150, regex=r"^[\w.@+-]+$")
    full_name = forms.CharField(label=_("full name"), max_length=50)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    agency = forms.ModelChoiceField(label=_("agency"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    password = forms.CharField(
        label=_("initial password"), widget=forms.PasswordInput, help_text=password_validators_help_text_html()
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.editable_by(actor).select_related("jurisdiction")


class UserEditForm(StyledForm):
    full_name = forms.CharField(label=_("full name"), max_length=50)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    agency = forms.ModelChoiceField(label=_("agency"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("active"), required=False)
    reason = forms.CharField(label=_("reason for the change"), max_length=500)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.editable_by(actor).select_related("jurisdiction")


class PasswordResetForm(StyledForm):
    password = forms.CharField(
        label=_("new password"), widget=forms.PasswordInput, help_text=password_validators_help_text_html()
    )


class LetterForm(StyledForm):
    jurisdiction = forms.ModelChoiceField(label=_("signing level"), queryset=Jurisdiction.objects.none())
    signed_on = forms.DateField(label=_("signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    issuer_signatory = forms.CharField(label=_("signed for the issuing level by"), max_length=50)
    signatory = forms.CharField(label=_("signed for the signing level by"), max_length=50)
    document = forms.FileField(label=_("scanned letter (PDF, JPEG or PNG)"))

    def __init__(self, *args, issuer: Jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = issuer.children.order_by("code")

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError):
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def decision_forms(names, labels, make_form, *, bound=None, bound_action=None) -> list[dict]:
    """The decisions offered on a record, for `core/partials/decision_forms.html`: one entry
    per name, the posted (bound) form kept for the decision that was just tried."""
    return [
        {"name": name, "label": labels[name], "form": bound if name == bound_action else make_form(name)}
        for name in names
    ]

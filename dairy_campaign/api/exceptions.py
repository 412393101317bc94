from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from ..db_unavailable import is_database_unavailable, unavailable_response


def exception_handler(exc, context):
    """Services raise Django's ValidationError; the API answers it with a 400, not a 500.
    A database that cannot be reached is a 503 with Retry-After, as for the pages."""
    if is_database_unavailable(exc):
        set_rollback()
        return unavailable_response(context["request"], exc)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)

"""When the database cannot be reached, pages and the API answer 503 with a clear message
and a Retry-After header, never a traceback.

A view's failure reaches `process_exception`. A failure in the middleware below this one
(the session is saved on every response, after the view) has already been turned into a
500 page by Django when it gets here: the `got_request_exception` signal notes its cause
on the request, and the 500 is answered as the 503 it is.

Nothing half-written stays behind: every service is atomic, and PostgreSQL discards the
open transaction of a connection it lost. A persistent connection left broken by the
outage is replaced at the next request (CONN_HEALTH_CHECKS in the settings).
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
TEMPLATE = "503.html"
API_PREFIX = "/api/"
_CAUSE = "_database_unavailable"


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Connection failures (the server is down, unreachable, or dropped the connection), and
    what drivers report the same way: a lock or statement timeout, a deadlock. All of them
    pass with time, so a 503 with Retry-After fits them all; the log names the cause."""
    return isinstance(exc, (OperationalError, InterfaceError))


def unavailable_message() -> str:
    return _(
        "The database cannot be reached at the moment, so this request was not completed. Please try again shortly."
    )


def _language(request) -> str:
    # The locale middleware may not have run (or its work may be lost): read the choice
    # the same way it does, Chinese unless the user picked another language.
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language and check_for_language(language) else settings.LANGUAGE_CODE


def _spare_the_session(request):
    # On the way out the session middleware reads the session once more (its expiry), which
    # fails again with the database down and would be logged as a 500. An empty copy in
    # memory lets it pass; a 5xx response saves no session, so the stored one is untouched.
    session = getattr(request, "session", None)
    if session is not None and not hasattr(session, "_session_cache"):
        session._session_cache = {}


def unavailable_response(request, exc: BaseException) -> HttpResponse:
    """503 with Retry-After: JSON `{"detail": ...}` under /api/, otherwise a plain page
    that needs neither the database nor the signed-in user."""
    logger.warning("Database unavailable during %s %s: %s", request.method, request.path, exc)
    _spare_the_session(request)
    with translation.override(_language(request)):
        if request.path.startswith(API_PREFIX):
            response = JsonResponse({"detail": unavailable_message()}, status=503)
        else:
            response = HttpResponse(render_to_string(TEMPLATE, {"message": unavailable_message()}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _note_cause(sender, request=None, **kwargs):
    # Called by Django while it handles the exception: sys.exc_info() is that exception.
    exc = sys.exc_info()[1]
    if request is not None and is_database_unavailable(exc):
        setattr(request, _CAUSE, exc)


got_request_exception.connect(_note_cause, dispatch_uid="dairy_campaign.db_unavailable")


class DatabaseUnavailableMiddleware:
    """Placed above the session middleware, so that it also sees the session's save fail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cause = getattr(request, _CAUSE, None)
        if cause is not None and response.status_code == 500:
            return unavailable_response(request, cause)
        return response

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return unavailable_response(request, exception)
        return None

"""A database that cannot be reached is a 503 with a clear message and Retry-After: a plain
page for the pages, `{"detail": ...}` for the API, never a traceback. Here the database
connection is made to fail inside Django; test_database_faults.py stops a real PostgreSQL."""

import json

import pytest
from django.core.signals import got_request_exception
from django.db import OperationalError, connection
from django.http import HttpResponseServerError
from django.utils import translation
from rest_framework.test import APIClient

from dairy_campaign.db_unavailable import RETRY_AFTER_SECONDS, DatabaseUnavailableMiddleware, unavailable_message

from ..factories import member

pytestmark = pytest.mark.django_db
REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


def refuse(*args, **kwargs):
    raise OperationalError(REFUSED)


def message_in(language: str) -> str:
    with translation.override(language):
        return unavailable_message()


@pytest.fixture
def user(tree):
    return member("320115")


def test_a_page_is_a_plain_503_in_chinese_by_default(client, user, monkeypatch):
    client.force_login(user)
    with monkeypatch.context() as m:
        m.setattr(connection, "cursor", refuse)
        response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert message_in("zh-hans") in body and "<html" in body and REFUSED not in body


def test_a_page_is_in_english_for_who_chose_english(client, user, monkeypatch, settings):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with monkeypatch.context() as m:
        m.setattr(connection, "cursor", refuse)
        response = client.get("/reports/summaries/")
    assert response.status_code == 503 and message_in("en") in response.content.decode()


def test_the_session_is_left_as_it_was(client, user, monkeypatch, settings):
    client.force_login(user)
    with monkeypatch.context() as m:
        m.setattr(connection, "cursor", refuse)
        response = client.get("/")
    assert response.status_code == 503 and settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.get("/").status_code == 200  # still signed in once the database is back


def test_the_api_answers_json_detail(user, monkeypatch):
    api = APIClient()
    api.force_login(user)
    with monkeypatch.context() as m:
        m.setattr(connection, "cursor", refuse)
        response = api.get("/api/v1/summary-reports/")
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"detail": message_in("zh-hans")}


def _failing_below(exc):
    """What Django makes of an exception raised in a middleware below: a 500 response,
    after announcing the exception."""

    def get_response(request):
        try:
            raise exc
        except Exception:
            got_request_exception.send(sender=None, request=request)
            return HttpResponseServerError()

    return get_response


def test_a_session_that_fails_to_save_below_the_middleware_is_a_503_too(rf):
    request = rf.get("/inbox/")
    response = DatabaseUnavailableMiddleware(_failing_below(OperationalError(REFUSED)))(request)
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_any_other_failure_stays_a_500(rf):
    request = rf.get("/inbox/")
    response = DatabaseUnavailableMiddleware(_failing_below(ValueError("a bug")))(request)
    assert response.status_code == 500

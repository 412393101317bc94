"""Account hardening beyond tests/dairy_campaign/test_auth.py: the lockout also guards the back
office and survives forged client addresses behind a trusted proxy; every way of setting a
password applies the policy; an idle session also ends for the API; the production settings
pass `check --deploy` with the Content-Security-Policy in place."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.client_address import client_address

from ..factories import PASSWORD, member

pytestmark = pytest.mark.django_db

REAL_CLIENT = "203.0.113.7"
PROXY = "10.0.0.2"


def login(client, username, password, url=None, **extra):
    return client.post(url or reverse("login"), {"username": username, "password": password}, **extra)


def test_the_back_office_login_counts_towards_the_same_lockout(client, county_inspector):
    for _ in range(5):
        login(client, county_inspector.username, "wrong-password", url="/admin/login/")
    assert login(client, county_inspector.username, PASSWORD).status_code == 429


def test_a_forged_forwarded_for_does_not_escape_the_address_lockout(client, county_inspector):
    """Five failures on five different accounts (credential stuffing) lock the address; a
    forged X-Forwarded-For is not read without a trusted proxy, so it changes nothing."""
    for n in range(5):
        login(client, f"guess{n}", "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    forged = login(client, county_inspector.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert forged.status_code == 429


def test_behind_a_trusted_proxy_a_forged_forwarded_for_neither_escapes_nor_resets_the_lockout(
    client, county_inspector, settings
):
    """With DJANGO_TRUSTED_PROXY_COUNT=1 the client is the address the proxy appended last;
    whatever the client itself put in front of it is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        forged = f"198.51.100.{n}, {REAL_CLIENT}"
        login(client, f"guess{n}", "wrong-password", HTTP_X_FORWARDED_FOR=forged, REMOTE_ADDR=PROXY)
    again = login(
        client,
        county_inspector.username,
        PASSWORD,
        HTTP_X_FORWARDED_FOR=f"192.0.2.99, {REAL_CLIENT}",
        REMOTE_ADDR=PROXY,
    )
    assert again.status_code == 429
    # Another client behind the same proxy is not locked out by the first one's failures.
    other = login(client, county_inspector.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", REMOTE_ADDR=PROXY)
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "address"),
    [
        (0, "198.51.100.1", "10.0.0.2"),  # no proxy: the header is the client's own words
        (1, "", "10.0.0.2"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (1, " 198.51.100.1 ,203.0.113.7 ", "203.0.113.7"),
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2"),  # fewer hops than proxies: the header is not trusted
    ],
)
def test_the_lockout_counts_by_the_address_the_trusted_proxies_saw(settings, rf, proxies, forwarded_for, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.post("/accounts/login/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="10.0.0.2")
    assert client_address(request) == address


def test_a_locked_account_stays_locked_for_another_address(client, county_inspector):
    """The lockout is by username too: moving to another address does not reset it."""
    for _ in range(5):
        login(client, county_inspector.username, "wrong-password", REMOTE_ADDR="192.0.2.10")
    assert login(client, county_inspector.username, PASSWORD, REMOTE_ADDR="192.0.2.200").status_code == 429


@pytest.mark.parametrize("weak", ["short1A!", "alllowercaseletters", "1234567890123", "Password123"])
def test_changing_ones_own_password_applies_the_policy(client, county_inspector, weak, english):
    client.force_login(county_inspector)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
    )
    assert response.status_code == 200 and response.context["form"].errors.get("new_password2")
    county_inspector.refresh_from_db()
    assert county_inspector.check_password(PASSWORD)


def test_an_administrator_resetting_a_password_applies_the_policy(client, county_inspector, english):
    admin = member("320100", AgencyKind.FSO, Role.ADMIN)
    client.force_login(admin)
    url = reverse("user_password", args=[county_inspector.pk])
    response = client.post(url, {"password": "alllowercaseletters", "password2": "alllowercaseletters"})
    assert response.status_code == 200
    county_inspector.refresh_from_db()
    assert county_inspector.check_password(PASSWORD)
    api = APIClient()
    api.force_authenticate(admin)
    refused = api.patch(f"/api/v1/users/{county_inspector.pk}/", {"password": "1234567890123"}, format="json")
    assert refused.status_code == 400
    county_inspector.refresh_from_db()
    assert county_inspector.check_password(PASSWORD)


def test_an_idle_session_also_ends_for_the_api(client, county_inspector):
    start = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        login(client, county_inspector.username, PASSWORD)
        assert client.get("/api/v1/me/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        assert client.get("/api/v1/me/").status_code == 401


def test_the_session_cookie_is_http_only_and_never_outlives_the_browser(client, county_inspector):
    response = login(client, county_inspector.username, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie

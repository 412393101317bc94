import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_a_user_logs_in_and_out(client, county_inspector):
    response = login(client, county_inspector.username, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_five_failed_logins_lock_the_account(client, county_inspector):
    for _ in range(5):
        assert login(client, county_inspector.username, "wrong-password").status_code in (200, 429)
    response = login(client, county_inspector.username, PASSWORD)
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower() or "锁定" in response.content.decode()


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, county_inspector):
    for n in range(5):
        login(client, county_inspector.username, "wrong-password", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = login(client, county_inspector.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


def test_four_failures_then_success_does_not_lock(client, county_inspector):
    for _ in range(4):
        login(client, county_inspector.username, "wrong-password")
    assert login(client, county_inspector.username, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("short1A!", False),  # too short
        ("alllowercaseletters", False),  # one character class
        ("lowercase123456", False),  # two classes
        ("1234567890123", False),  # numeric
        ("Lowercase-and-1", True),
        ("Dairy-2026-demo", True),
    ],
)
def test_password_policy_requires_length_and_mixed_characters(password, accepted):
    user = UserFactory.build(username="someone")
    if accepted:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_a_session_ends_after_thirty_idle_minutes(client, county_inspector):
    start = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        login(client, county_inspector.username, PASSWORD)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_the_interface_is_chinese_by_default_and_switches_to_english(client, county_inspector, campaign):
    client.force_login(county_inspector)
    # Chinese even for a browser set to English, until the user switches.
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "消息" in page
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in page and "Inbox" in page

"""Which real services a test needs, and what happens when one is missing.

Missing PostgreSQL, Redis or Chromium skips the test with a reason, except under
REQUIRE_SERVICES=1 (CI), where it fails.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM = "/usr/bin/chromium"


def required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def need(available: bool, reason: str):
    if available:
        return
    if required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def redis_reachable() -> bool:
    url = settings.REDIS_URL
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def need_redis():
    need(redis_reachable(), "Redis is not configured or not reachable (set REDIS_URL)")


def need_postgresql():
    need(connection.vendor == "postgresql", "the tests are not running on PostgreSQL (set DATABASE_URL)")


def need_chromium():
    need(os.path.exists(CHROMIUM) or bool(shutil.which("chromium")), f"Chromium is not installed at {CHROMIUM}")

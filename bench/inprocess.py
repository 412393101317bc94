"""Timing pages and API answers in-process: Django's test client, logged in with
`force_login`, against the database at DATABASE_URL. What is measured is the server's own
time (middleware, view, queries, template), without a network or a web server in front."""

import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench.table import p
from dairy_campaign.warm import load_and_freeze


@contextmanager
def served():
    """The test client's host name is allowed; static files are named without the manifest,
    which `collectstatic` writes and the benchmark does not need. The program is loaded and
    frozen as the web server's WSGI module does it (dairy_campaign.warm)."""
    load_and_freeze()
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=storages):
        yield


def client_for(username: str) -> Client:
    user = get_user_model().objects.select_related("agency").get(username=username)
    client = Client()
    client.force_login(user)
    return client


@dataclass(frozen=True)
class Timing:
    samples_ms: list[float]
    queries: int  # the most any measured request ran

    @property
    def p50(self) -> float:
        return p(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return p(self.samples_ms, 95)


def timed_get(client: Client, url: str) -> tuple[float, int]:
    """(milliseconds, queries) of one GET, which must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return elapsed, len(queries)


def time_gets(client: Client, url: str, *, warmup: int, requests: int) -> Timing:
    for _ in range(warmup):
        timed_get(client, url)
    samples, most = [], 0
    for _ in range(requests):
        elapsed, queries = timed_get(client, url)
        samples.append(elapsed)
        most = max(most, queries)
    return Timing(samples, most)

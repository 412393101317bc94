import uuid

import pytest
from celery.app.routes import prepare
from django.conf import settings
from django.db import connection

from dairy_campaign.celery import app as celery_app
from dairy_campaign.jurisdiction_data import load_jurisdictions
from dairy_campaign.models import Jurisdiction

from ..services import need_postgresql, need_redis
from .support import base_env, database_url

# Short, so that a task of a killed worker is handed out again at once (in production it
# must exceed the longest task: see settings.REDIS_VISIBILITY_TIMEOUT).
VISIBILITY_TIMEOUT = 1


@pytest.fixture
def tree(db):
    """The jurisdiction tree of the data migration; reloaded when a transactional test of an
    earlier run (--reuse-db) flushed it."""
    if not Jurisdiction.objects.exists():
        load_jurisdictions(Jurisdiction)


@pytest.fixture
def real_broker(request):
    """PostgreSQL (which a worker process can share, unlike SQLite in memory) and Redis;
    checked before the jurisdiction tree and the campaign are loaded."""
    need_postgresql()
    need_redis()
    request.getfixturevalue("jurisdictions")
    request.getfixturevalue("campaign")
    celery_app.conf.task_always_eager = False


@pytest.fixture
def worker_env(real_broker):
    """The environment of a worker process: the test database and Redis of this test run."""
    return base_env(
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=settings.REDIS_URL,
        CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT,
    )


@pytest.fixture
def queue(monkeypatch):
    """A queue of this test's own: its workers take nothing else from the shared broker, and
    the summary task, queued by the service as in production, is routed there."""
    name = f"faults-{uuid.uuid4().hex[:8]}"
    routes = prepare({"reports.tasks.generate_summary": {"queue": name}, "dairy_campaign.tasks.ping": {"queue": name}})
    monkeypatch.setattr(celery_app.amqp.router, "routes", routes)
    return name


@pytest.fixture
def processes():
    """Processes started by a test, stopped (by their own ids) whatever happens."""
    started = []
    yield started
    for process in reversed(started):
        process.stop()

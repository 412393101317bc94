"""A round trip through the real broker: Redis when configured (always in CI), otherwise
the embedded filesystem broker that `make run` uses."""

import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from dairy_campaign.celery import app
from dairy_campaign.services.notifications import notify
from dairy_campaign.tasks import ping, send_notification_emails

from ..factories import member
from ..services import need_redis, required

pytestmark = pytest.mark.usefixtures("jurisdictions")


@pytest.fixture
def worker_queue():
    if settings.REDIS_URL or required():
        need_redis()
        assert app.conf.broker_url.startswith("redis://")
    app.conf.task_always_eager = False
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=10):
        yield queue


def test_a_task_round_trips_through_the_broker_and_result_backend(worker_queue):
    result = ping.apply_async(queue=worker_queue)
    assert result.get(timeout=20) == "pong"


def test_a_worker_sends_the_notification_emails_once(worker_queue):
    user = member("320115", email="inspector@example.com")
    [note] = notify(recipients=[user], title="任务提醒", email=False)
    result = send_notification_emails.apply_async(([note.pk],), queue=worker_queue)
    assert result.get(timeout=20) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None and [m.subject for m in mail.outbox] == ["任务提醒"]

"""A task is queued only once the transaction that asked for it has committed: one that
rolls back never runs (a worker would otherwise act on rows that do not exist, or act
twice). And the worker settings that give a dead worker's task back to the queue."""

import ast
from pathlib import Path

import pytest
from celery.app.task import Task
from django.conf import settings
from django.db import transaction

from dairy_campaign.celery import app as celery_app
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.notifications import notify
from reports.models import GenerationState, SummaryReport
from reports.services import summaries as svc

from ..factories import member
from ..services import need_redis

BASE_DIR = Path(settings.BASE_DIR)
APPS = ("dairy_campaign", "licensing", "cases", "inspections", "sampling", "reports")
ENQUEUE = {"delay", "apply_async"}


class Abandon(Exception):
    pass


def _calls_outside_on_commit(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def inside_on_commit(node) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "on_commit":
                return True
        return False

    return [
        f"{path.relative_to(BASE_DIR)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ENQUEUE
        and not inside_on_commit(node)
    ]


def test_every_task_is_queued_from_an_on_commit_callback():
    sources = [p for app in APPS for p in (BASE_DIR / app).rglob("*.py") if "migrations" not in p.parts]
    offenders = [where for path in sources for where in _calls_outside_on_commit(path)]
    assert offenders == [], "queue tasks with transaction.on_commit(lambda: task.delay(...))"


@pytest.fixture
def queued(monkeypatch):
    """Every task handed to Celery, by name, instead of being sent."""
    sent = []
    monkeypatch.setattr(Task, "apply_async", lambda self, *args, **kwargs: sent.append(self.name))
    return sent


@pytest.fixture
def province_fso(tree):
    return member("320000", AgencyKind.FSO, Role.REVIEWER, email="fso@example.com")


def test_a_summary_generation_rolled_back_queues_nothing(
    province_fso, campaign, queued, django_capture_on_commit_callbacks
):
    report = svc.summary_start(actor=province_fso)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandon), transaction.atomic():
        svc.summary_generate(actor=province_fso, report=report)
        raise Abandon
    assert queued == [] and SummaryReport.objects.get(pk=report.pk).generation_state == GenerationState.IDLE
    with django_capture_on_commit_callbacks(execute=True):
        svc.summary_generate(actor=province_fso, report=report)
    assert queued == ["reports.tasks.generate_summary"]


def test_a_notification_rolled_back_sends_no_email(province_fso, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandon), transaction.atomic():
        notify(recipients=[province_fso], title="任务提醒")
        raise Abandon
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[province_fso], title="任务提醒")
    assert queued == ["dairy_campaign.tasks.send_notification_emails"]


@pytest.mark.services
def test_a_task_rolled_back_never_reaches_the_real_broker(
    province_fso, campaign, queue, django_capture_on_commit_callbacks
):
    need_redis()
    celery_app.conf.task_always_eager = False
    report = svc.summary_start(actor=province_fso)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandon), transaction.atomic():
        svc.summary_generate(actor=province_fso, report=report)
        raise Abandon
    with celery_app.connection_for_write() as conn:
        redis = conn.default_channel.client
        assert redis.llen(queue) == 0
        with django_capture_on_commit_callbacks(execute=True):
            svc.summary_generate(actor=province_fso, report=report)
        assert redis.llen(queue) == 1  # the same call, committed, is queued
        redis.delete(queue)


def test_a_dead_workers_task_goes_back_to_the_queue_and_runs_once_at_a_time():
    """Late acknowledgement, requeued when the pool process dies, one task at a time, and
    time limits below Redis' visibility timeout (else a task still running is redelivered)."""
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit < settings.REDIS_VISIBILITY_TIMEOUT

"""Celery under faults, with real worker processes and a real Redis: a worker killed in the
middle of a summary report, a Redis restarted with tasks queued. Tasks are acknowledged late,
so what a dead worker held goes back to the queue, and the summary task is safe to run again
(each run claims the report; only the latest claim writes)."""

import signal
import time

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django_celery_results.models import TaskResult

from dairy_campaign.celery import app as celery_app
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.tasks import ping
from reports.models import GenerationState, SummaryReport
from reports.services import summaries as svc
from reports.services.workbook import summary_workbook
from reports.tasks import generate_summary

from ..factories import member
from .conftest import VISIBILITY_TIMEOUT
from .support import PrivateRedis, free_port, start_worker, wait_until

# Transactional: the workers, other processes, read what the test wrote.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
G = GenerationState


def generated_reason() -> str:
    # History reasons are written in the platform's working language.
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Statistics generated")


@pytest.fixture
def province_report(real_broker):
    """The provincial food-safety office's summary report: the largest roll-up there is."""
    actor = member("320000", AgencyKind.FSO, Role.REVIEWER)
    return actor, svc.summary_start(actor=actor)


def state(report) -> SummaryReport:
    return SummaryReport.objects.get(pk=report.pk)


def history_reasons(report) -> list[str]:
    return list(report.history.order_by("history_date").values_list("history_change_reason", flat=True))


def test_a_summary_whose_worker_is_killed_half_way_completes_once_on_a_new_worker(
    province_report, worker_env, queue, processes, tmp_path
):
    actor, report = province_report
    svc.summary_generate(actor=actor, report=report)  # queued on commit, as from the page

    first = start_worker(env=worker_env, queue=queue, log=tmp_path / "worker-1.log", step_delay=0.4)
    processes.append(first)
    running = wait_until(
        lambda: (r := state(report)).generation_state == G.RUNNING and r.progress > 0 and r,
        timeout=30,
        what=f"the first worker to be half-way\n{first.tail()}",
    )
    seen_running_at = time.monotonic()  # after the task was handed out
    first.kill(signal.SIGKILL)  # the worker and its pool process, with no chance to clean up
    first.popen.wait(10)

    stuck = state(report)
    assert stuck.generation_state == G.RUNNING and 0 < running.progress <= stuck.progress < 100
    assert stuck.statistics == {} and generated_reason() not in history_reasons(stuck)

    # Redis hands the unacknowledged task out again once its visibility timeout has passed;
    # a worker looks for such tasks as it starts.
    time.sleep(max(0.0, VISIBILITY_TIMEOUT - (time.monotonic() - seen_running_at)))
    second = start_worker(env=worker_env, queue=queue, log=tmp_path / "worker-2.log")
    processes.append(second)
    done = wait_until(
        lambda: (r := state(report)).generation_state == G.DONE and r,
        timeout=30,
        what=f"the second worker to finish the report\n{second.tail()}",
    )
    second.stop()

    assert done.progress == 100 and done.statistics["sections"] and done.generated_at
    assert history_reasons(done).count(generated_reason()) == 1
    [result] = TaskResult.objects.filter(task_name=generate_summary.name)
    assert result.status == "SUCCESS"
    # The workbook is built from that one snapshot: a sheet for the text, each section and city.
    sheets = summary_workbook(done).sheetnames
    assert len(sheets) == 1 + len(done.statistics["sections"]) + len(done.statistics["children"])
    with celery_app.connection_for_write() as conn:
        assert conn.default_channel.client.llen(queue) == 0


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path, free_port(preferred=6391))
    server.start()
    yield server
    server.stop()


def test_tasks_queued_before_redis_restarts_all_run_afterwards(
    province_report, worker_env, queue, processes, private_redis, tmp_path
):
    actor, report = province_report
    SummaryReport.objects.filter(pk=report.pk).update(generation_state=G.QUEUED, generation_requested_by=actor)
    with celery_app.connection_for_write(private_redis.url) as conn:
        pings = [ping.apply_async(queue=queue, connection=conn) for _ in range(5)]
        summary = generate_summary.apply_async((report.pk,), queue=queue, connection=conn)
    assert private_redis.client().llen(queue) == 6  # no worker yet: all of them wait in Redis

    private_redis.crash()
    private_redis.start()  # from its append-only file
    assert private_redis.client().llen(queue) == 6

    worker = start_worker(env={**worker_env, "REDIS_URL": private_redis.url}, queue=queue, log=tmp_path / "w.log")
    processes.append(worker)
    ids = [p.id for p in pings] + [summary.id]
    wait_until(
        lambda: TaskResult.objects.filter(task_id__in=ids, status="SUCCESS").count() == len(ids),
        timeout=30,
        what=f"the six tasks to run\n{worker.tail()}",
    )
    assert state(report).generation_state == G.DONE
    assert set(TaskResult.objects.filter(task_id__in=[p.id for p in pings]).values_list("result", flat=True)) == {
        '"pong"'
    }

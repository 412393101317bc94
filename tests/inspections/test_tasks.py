"""The daily Celery task that turns due rectification orders into re-inspection tasks (S4)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import OperationalError

from inspections import tasks
from inspections.models import Assignment, AssignmentSource, MeasureKind
from inspections.services.filing import inspection_save_draft, inspection_start, inspection_submit
from inspections.services.measures import measure_record

from .factories import GOOD_ANSWERS

DEADLINE = datetime.date(2026, 11, 25)


def at(day: datetime.date):
    """Half past midnight in Shanghai, when beat runs the task."""
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(0, 30), shanghai), tick=False)


@pytest.fixture
def order(fda_inspector, catering_template, restaurant):
    with at(datetime.date(2026, 11, 20)):
        inspection = inspection_start(actor=fda_inspector, template=catering_template, operator=restaurant)
        measure = measure_record(
            actor=fda_inspector,
            inspection=inspection,
            kind=MeasureKind.RECTIFY,
            description="冷藏柜温度超标",
            deadline=DEADLINE,
        )
        inspection_save_draft(actor=fda_inspector, inspection=inspection, revision=1, answers=GOOD_ANSWERS)
        inspection_submit(actor=fda_inspector, inspection=inspection, signed_name="王检查", confirm=True, revision=2)
    return measure


def test_s4_beat_runs_the_reinspection_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["reinspections-daily"]
    assert entry["task"] == "inspections.tasks.reinspections_due" == tasks.reinspections_due.name


def test_s4_reinspections_due_creates_the_task_on_the_deadline_and_is_idempotent(order, fda_inspector):
    with at(DEADLINE - datetime.timedelta(days=1)):
        assert tasks.reinspections_due.delay().get() == 0
    with at(DEADLINE):
        assert tasks.reinspections_due.delay().get() == 1
        assert tasks.reinspections_due.delay().get() == 0
    with at(datetime.date(2026, 11, 27)):
        assert tasks.reinspections_due.delay().get() == 0
    task = Assignment.objects.get()
    assert task.source == AssignmentSource.REINSPECTION and task.origin_measure == order
    assert task.inspector == fda_inspector and task.due_on == datetime.date(2026, 12, 2)
    assert fda_inspector.notifications.filter(title__contains="Re-inspection due").count() == 1


def test_s4_reinspections_due_reads_the_day_in_shanghai_time(order):
    # 23:30 UTC on the 24th is already the 25th in Shanghai: the deadline has come.
    with time_machine.travel(datetime.datetime(2026, 11, 24, 23, 30, tzinfo=datetime.UTC), tick=False):
        assert tasks.reinspections_due.delay().get() == 1


def test_s4_reinspections_due_with_nothing_due_creates_nothing(db):
    with at(datetime.date(2026, 11, 27)):
        assert tasks.reinspections_due.delay().get() == 0
    assert not Assignment.objects.exists()


def test_s4_reinspections_due_is_retried_after_a_lost_database_connection(order, monkeypatch):
    real = tasks.reinspections_create_due
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "reinspections_create_due", flaky)
    with at(DEADLINE):
        result = tasks.reinspections_due.apply()
    assert result.get() == 1 and len(calls) == 2
    assert Assignment.objects.count() == 1

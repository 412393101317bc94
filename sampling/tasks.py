"""Celery tasks of sampling: they take ids, call services and are safe to retry."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from .services.intake_import import intake_import_fail, intake_import_validate, intake_import_write


class IntakeImportTask(Task):
    """Retries when the database was briefly unreachable; a task that gives up marks its job
    failed, so the progress page stops waiting."""

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = True
    max_retries = 3

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_id = kwargs.get("job_id", args[0] if args else None)
        if job_id is not None:
            intake_import_fail(job_id=job_id)


@shared_task(base=IntakeImportTask)
def validate_intake_import(job_id: int) -> str:
    """S1: the dry run of an intake file."""
    return intake_import_validate(job_id=job_id).status


@shared_task(base=IntakeImportTask)
def commit_intake_import(job_id: int) -> str:
    """S1: record every batch of a checked intake file, or none."""
    return intake_import_write(job_id=job_id).status

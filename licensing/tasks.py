"""Celery tasks of the register: they take ids, call services and are safe to retry."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from dairy_campaign.services.campaigns import local_today

from .models import Licence, LicenceStatus
from .services.imports import register_import_fail, register_import_validate, register_import_write
from .services.licences import licence_expire


class RegisterImportTask(Task):
    """Retries when the database was briefly unreachable; a task that gives up marks its job
    failed, so the progress page stops waiting."""

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = True
    max_retries = 3

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_id = kwargs.get("job_id", args[0] if args else None)
        if job_id is not None:
            register_import_fail(job_id=job_id)


@shared_task(base=RegisterImportTask)
def validate_register_import(job_id: int) -> str:
    return register_import_validate(job_id=job_id).status


@shared_task(base=RegisterImportTask)
def commit_register_import(job_id: int) -> str:
    return register_import_write(job_id=job_id).status


@shared_task
def licences_expire_due() -> int:
    """Daily (beat): valid licences past their expiry date lapse. Idempotent."""
    today = local_today()
    due = Licence.objects.filter(status=LicenceStatus.GRANTED, expires_on__lt=today).values_list("pk", flat=True)
    return sum(licence_expire(licence=licence, today=today) for licence in Licence.objects.filter(pk__in=list(due)))

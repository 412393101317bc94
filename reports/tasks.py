"""Celery tasks of reports: they take ids, call services and are safe to retry."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from .services.exports import export_fail, export_run
from .services.summaries import summary_generate_run, summary_generation_fail


class _JobTask(Task):
    """Retries when the database was briefly unreachable; a task that gives up marks its
    record failed, so the progress bar stops waiting."""

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = True
    max_retries = 3

    def fail(self, record_id):
        raise NotImplementedError

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        record_id = args[0] if args else next(iter(kwargs.values()), None)
        if record_id is not None:
            self.fail(record_id)


class SummaryTask(_JobTask):
    def fail(self, report_id):
        summary_generation_fail(report_id=report_id)


class ExportTask(_JobTask):
    def fail(self, job_id):
        export_fail(job_id=job_id)


@shared_task(base=SummaryTask)
def generate_summary(report_id: int) -> str | None:
    """P4: compute a summary report's statistics snapshot, section by section."""
    report = summary_generate_run(report_id=report_id)
    return report.generation_state if report else None


@shared_task(base=ExportTask)
def run_export(job_id: int) -> str | None:
    """Stream a list page's filtered rows into the job's workbook."""
    job = export_run(job_id=job_id)
    return job.state if job else None

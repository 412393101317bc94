"""Large list exports, built by the worker.

A list page's export above `EXPORT_SYNC_MAX_ROWS` rows comes here (`queue_export`, the hook
named by `LARGE_EXPORT_HANDLER`): the job keeps the list's URL name, arguments and query
string and the user. The worker resolves the list view again, rebuilds its filtered rows
for that user (the same `visible_to` scoping, the same filters and columns), and streams
them from the database in chunks into a write-only workbook on disk, so memory stays flat
however many rows there are. The file is the user's alone.
"""

import contextlib
import os
import tempfile
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dairy_campaign.exports import write_sheet
from dairy_campaign.views.lists import ScopedListView

from ..models import ExportJob, ExportState

E = ExportState
CHUNK = 2000


class Superseded(Exception):
    """Another run of the same job took over; this one stops without writing."""


def _list_view_class(url_name: str, url_kwargs: dict):
    try:
        path = reverse(url_name, kwargs=url_kwargs or None)
        match = resolve(path)
    except (NoReverseMatch, Resolver404):
        raise ValidationError(_("This list cannot be exported.")) from None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, ScopedListView) or not view_class.export_columns:
        raise ValidationError(_("This list cannot be exported."))
    return view_class, path, match


@transaction.atomic
def export_start(*, actor, url_name: str, url_kwargs: dict | None = None, query: str = "") -> ExportJob:
    """Queue the export of a list page's filtered rows for `actor`."""
    if not actor.is_authenticated:
        raise PermissionDenied
    from ..tasks import run_export

    _list_view_class(url_name, url_kwargs or {})
    job = ExportJob(
        user=actor,
        url_name=url_name,
        url_kwargs=url_kwargs or {},
        query=query,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def queue_export(*, actor, url_name: str, url_kwargs: dict | None = None, query: str = "") -> str:
    """The `LARGE_EXPORT_HANDLER` hook: queue the export, answer the job page's URL."""
    job = export_start(actor=actor, url_name=url_name, url_kwargs=url_kwargs, query=query)
    return reverse("export_job", args=[job.pk])


def rebuild_list_view(job: ExportJob) -> ScopedListView:
    """The list view as the job's user saw it, with the job's filters."""
    view_class, path, match = _list_view_class(job.url_name, job.url_kwargs)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(job.query)
    request.user = job.user
    request.resolver_match = match
    request.LANGUAGE_CODE = job.language
    view = view_class()
    view.setup(request, **match.kwargs)
    return view


def _claim(job_id: int) -> str | None:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in (E.QUEUED, E.RUNNING):
            return None
        token = uuid.uuid4().hex
        ExportJob.objects.filter(pk=job_id).update(state=E.RUNNING, task_id=token, rows_written=0)
        return token


def _progress(job_id: int, token: str, **fields):
    # An UPDATE of its own, outside any transaction, so the page sees it at once.
    if not ExportJob.objects.filter(pk=job_id, task_id=token, state=E.RUNNING).update(**fields):
        raise Superseded


def _rows(view: ScopedListView, queryset, job_id: int, token: str):
    written = 0
    for row in queryset.iterator(chunk_size=CHUNK):
        yield view.export_row(row)
        written += 1
        if written % CHUNK == 0:
            _progress(job_id, token, rows_written=written)
    _progress(job_id, token, rows_written=written)


def export_run(*, job_id: int) -> ExportJob | None:
    """In the worker: write the job's rows to its file. Safe to repeat: a finished job is
    left as it is, and of two runs at once only the latest claim writes its file."""
    token = _claim(job_id)
    if token is None:
        return ExportJob.objects.filter(pk=job_id).first()
    job = ExportJob.objects.select_related("user__agency__jurisdiction").get(pk=job_id)
    if not job.user.is_active:
        export_fail(job_id=job_id)
        return None
    with translation.override(job.language or settings.LANGUAGE_CODE):
        view = rebuild_list_view(job)
        queryset = view.export_queryset()
        _progress(job_id, token, row_count=queryset.count())
        name = view.export_filename()
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            _write(view, queryset, job_id, token, path)
            return _finish(job_id, token, path, name)
        except Superseded:
            return None
        finally:
            os.unlink(path)


def _write(view: ScopedListView, queryset, job_id: int, token: str, path: str):
    workbook = Workbook(write_only=True)
    try:
        write_sheet(workbook, view.export_name, view.export_headers(), _rows(view, queryset, job_id, token))
    except BaseException:
        _discard(workbook)
        raise
    workbook.save(path)


def _discard(workbook: Workbook):
    """Close and remove the half-written sheets of a run that stopped, so their temporary
    files are not left behind (nor written to after they are gone)."""
    for sheet in workbook.worksheets:
        with contextlib.suppress(Exception):
            sheet.close()
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError, ValueError):
                writer.cleanup()


def _finish(job_id: int, token: str, path: str, name: str) -> ExportJob | None:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.task_id != token:
            return None
        old = job.file.name
        with open(path, "rb") as handle:
            job.file.save(name, File(handle), save=False)
        job.file_name = name
        job.state = E.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "file_name", "state", "finished_at"])
    if old and old != job.file.name:
        job.file.storage.delete(old)
    return job


def export_fail(*, job_id: int) -> None:
    """A job whose task gave up is marked failed, so its page stops waiting."""
    ExportJob.objects.filter(pk=job_id, state__in=(E.QUEUED, E.RUNNING)).update(
        state=E.FAILED, finished_at=timezone.now()
    )

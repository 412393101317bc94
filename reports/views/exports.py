"""Large exports, built by the worker: the job's page with its progress, and the file,
for the user who asked for it only (anyone else gets a 404)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django_htmx.http import HttpResponseClientRefresh

from ..models import ExportJob, ExportState


def _own(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)


def _list_url(job: ExportJob) -> str:
    try:
        url = reverse(job.url_name, kwargs=job.url_kwargs or None)
    except NoReverseMatch:
        return ""
    return f"{url}?{job.query}" if job.query else url


@login_required
def export_job(request, pk):
    job = _own(request, pk)
    return render(request, "reports/export_job.html", {"job": job, "list_url": _list_url(job)})


@login_required
def export_progress(request, pk):
    """The progress bar, polled by htmx; the page reloads itself once the file is ready."""
    job = _own(request, pk)
    if job.finished and request.htmx:
        return HttpResponseClientRefresh()
    return render(request, "reports/export_progress.html", {"job": job})


@login_required
def export_download(request, pk):
    job = _own(request, pk)
    if job.state != ExportState.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)

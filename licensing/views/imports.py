"""Pages of the register import (摸清底数, P1): upload, follow the dry run, commit."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from dairy_campaign.exports import XLSX_MIME
from dairy_campaign.views.forms_support import add_service_errors

from ..imports import MAX_ROWS, template_workbook, translated
from ..models import ImportStatus, RegisterImport
from ..services import imports as services
from ..services.imports import may_import, register_import_start, require_importer

RECENT_JOBS = 20


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )


def _visible_jobs(user):
    return RegisterImport.objects.visible_to(user).select_related("created_by", "committed_by")


@login_required
def register_import(request):
    """The upload form, for those who keep operators, and the jurisdiction's recent imports."""
    form = None
    if request.method == "POST":
        require_importer(request.user)
        form = RegisterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = register_import_start(actor=request.user, upload=form.cleaned_data["file"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("register_import_detail", job.pk)
    elif may_import(request.user):
        form = RegisterUploadForm()
    return render(
        request,
        "licensing/register_import.html",
        {"form": form, "jobs": _visible_jobs(request.user)[:RECENT_JOBS], "max_rows": MAX_ROWS},
    )


@login_required
def register_import_template(request):
    response = HttpResponse(content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('经营者名录导入模板.xlsx')}"
    template_workbook().save(response)
    return response


@login_required
def register_import_detail(request, pk):
    job = get_object_or_404(_visible_jobs(request.user), pk=pk)
    may_commit = (
        job.status == ImportStatus.VALID
        and may_import(request.user)
        and RegisterImport.objects.editable_by(request.user).filter(pk=pk).exists()
    )
    return render(
        request,
        "licensing/register_import_detail.html",
        {
            "job": job,
            "errors": [{**error, "message": translated(error)} for error in job.errors],
            "may_commit": may_commit,
        },
    )


@login_required
def register_import_progress(request, pk):
    """The progress bar, polled by htmx; once the worker is done the page reloads itself
    to show the errors or the commit button."""
    job = get_object_or_404(_visible_jobs(request.user), pk=pk)
    if job.finished and request.htmx:
        return HttpResponseClientRefresh()
    return render(request, "licensing/register_import_progress.html", {"job": job})


@require_POST
@login_required
def register_import_commit(request, pk):
    job = get_object_or_404(_visible_jobs(request.user), pk=pk)
    try:
        services.register_import_commit(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The operators are being written to the register."))
    return redirect("register_import_detail", pk)

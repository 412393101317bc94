"""Lot pages: the list, a lot with its samples and trace (Q8), recording lots, producers'
own tests (S1), the release of a hold; and the Excel import of intake records (S1)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from dairy_campaign.exports import XLSX_MIME
from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView
from licensing.imports import translated

from ..filters_lots import LotFilter
from ..forms_lots import IntakeUploadForm, LotForm, LotReleaseForm, OwnTestForm
from ..models import IntakeImport, Lot, Sample
from ..rules import melamine_limit, melamine_verdict
from ..services import intake_import as imports
from ..services.lots import (
    lot_actions_for,
    lot_record,
    lot_release,
    lot_trace,
    lot_update_own_test,
    may_record_intake,
    may_record_lots,
)

RECENT_JOBS = 20


def _supplier(lot: Lot) -> str:
    return lot.supplier.name if lot.supplier else lot.supplier_name


def _own_test(lot: Lot):
    if lot.own_test_missing:
        return _("not tested")
    return lot.own_test_mg_per_kg if lot.own_test_mg_per_kg is not None else ""


class LotListView(ScopedListView):
    model = Lot
    filterset_class = LotFilter
    template_name = "sampling/lot_list.html"
    related = ("operator__county", "supplier", "vehicle")
    export_name = "lots"
    export_columns = [
        (gettext_lazy("kind"), lambda lot: lot.get_kind_display()),
        (gettext_lazy("held by"), lambda lot: lot.operator.name),
        (gettext_lazy("county"), lambda lot: lot.operator.county.name),
        (gettext_lazy("batch number"), lambda lot: lot.batch_number),
        (gettext_lazy("product"), lambda lot: lot.product),
        (gettext_lazy("category"), lambda lot: lot.get_category_display()),
        (gettext_lazy("date"), lambda lot: lot.dated),
        (gettext_lazy("quantity"), lambda lot: lot.quantity),
        (gettext_lazy("unit"), lambda lot: lot.unit),
        (gettext_lazy("supplier"), _supplier),
        (gettext_lazy("vehicle"), lambda lot: lot.vehicle.plate if lot.vehicle else ""),
        (gettext_lazy("producer's own melamine test (mg/kg)"), _own_test),
        (gettext_lazy("status"), lambda lot: lot.get_status_display()),
    ]

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(may_record=may_record_lots(user), may_import=may_record_intake(user), **kwargs)


def _visible(request, pk) -> Lot:
    return get_object_or_404(
        Lot.objects.visible_to(request.user).select_related(
            "operator__county", "supplier", "vehicle", "consignment", "recorded_by"
        ),
        pk=pk,
    )


def _detail(request, lot: Lot, *, release_form=None, status=200):
    actions = lot_actions_for(request.user, lot)
    own_test = lot.own_test_mg_per_kg
    return render(
        request,
        "sampling/lot_detail.html",
        {
            "lot": lot,
            "samples": Sample.objects.visible_to(request.user).filter(lot=lot).select_related("result"),
            "trace": lot_trace(lot, viewer=request.user),
            "changes": state_changes(lot),
            "actions": actions,
            "release_form": release_form or (LotReleaseForm() if actions["release"] else None),
            "limit": melamine_limit(lot.category),
            "own_test_verdict": melamine_verdict(own_test, lot.category) if own_test is not None else None,
        },
        status=status,
    )


@login_required
def lot_detail(request, pk):
    return _detail(request, _visible(request, pk))


@login_required
def lot_new(request):
    if not may_record_lots(request.user):
        raise PermissionDenied(_("Lots are recorded by the inspectors, reviewers and clerks who keep their holders."))
    initial = {"operator": request.GET.get("operator")} if request.GET.get("operator", "").isdigit() else {}
    form = LotForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lot = lot_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Lot %(batch)s recorded.") % {"batch": lot.batch_number})
            return redirect("lot_detail", lot.pk)
    return render(request, "sampling/lot_form.html", {"form": form, "title": _("Record a lot")})


@login_required
@require_POST
def lot_release_view(request, pk):
    lot = _visible(request, pk)
    if not lot_actions_for(request.user, lot)["release"]:
        raise PermissionDenied(_("Only reviewers of the owning department release a lot on hold."))
    form = LotReleaseForm(request.POST)
    if form.is_valid():
        try:
            lot_release(actor=request.user, lot=lot, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The hold is lifted."))
            return redirect("lot_detail", lot.pk)
    return _detail(request, lot, release_form=form, status=400)


@login_required
def lot_own_test(request, pk):
    """S1: the producer's own melamine result of a purchased batch, recorded later."""
    lot = _visible(request, pk)
    if not lot_actions_for(request.user, lot)["own_test"]:
        raise PermissionDenied(_("Your department does not keep this record."))
    form = OwnTestForm(request.POST or None, initial={"mg_per_kg": lot.own_test_mg_per_kg})
    if request.method == "POST" and form.is_valid():
        try:
            lot_update_own_test(actor=request.user, lot=lot, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Own test recorded."))
            return redirect("lot_detail", lot.pk)
    title = _("Producer's own test: %(lot)s") % {"lot": lot}
    return render(request, "sampling/lot_form.html", {"form": form, "title": title, "lot": lot})


# The intake import (S1).


def _visible_jobs(user):
    return IntakeImport.objects.visible_to(user).select_related("created_by", "committed_by")


@login_required
def intake_import(request):
    """The upload form, for the departments keeping producers, and the recent imports."""
    form = None
    if request.method == "POST":
        imports.require_intake_importer(request.user)
        form = IntakeUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = imports.intake_import_start(actor=request.user, upload=form.cleaned_data["file"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("intake_import_detail", job.pk)
    elif may_record_intake(request.user):
        form = IntakeUploadForm()
    return render(
        request,
        "sampling/intake_import.html",
        {"form": form, "jobs": _visible_jobs(request.user)[:RECENT_JOBS], "max_rows": imports.MAX_ROWS},
    )


@login_required
def intake_import_template(request):
    response = HttpResponse(content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('进货查验记录导入模板.xlsx')}"
    imports.template_workbook().save(response)
    return response


@login_required
def intake_import_detail(request, pk):
    job = get_object_or_404(_visible_jobs(request.user), pk=pk)
    may_commit = (
        job.status == imports.S.VALID
        and may_record_intake(request.user)
        and IntakeImport.objects.editable_by(request.user).filter(pk=pk).exists()
    )
    return render(
        request,
        "sampling/intake_import_detail.html",
        {"job": job, "errors": [{**e, "message": translated(e)} for e in job.errors], "may_commit": may_commit},
    )


@login_required
def intake_import_progress(request, pk):
    """The progress bar, polled by htmx; once the worker is done the page reloads itself
    to show the errors or the commit button."""
    job = get_object_or_404(_visible_jobs(request.user), pk=pk)
    if job.finished and request.htmx:
        return HttpResponseClientRefresh()
    return render(request, "sampling/intake_import_progress.html", {"job": job})


@login_required
@require_POST
def intake_import_commit(request, pk):
    job = get_object_or_404(_visible_jobs(request.user), pk=pk)
    try:
        imports.intake_import_commit(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The batches are being recorded."))
    return redirect("intake_import_detail", pk)

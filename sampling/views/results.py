"""Result pages (Q7): enter, review, correct, the results grid and the Excel upload; and
the Q8 referrals a non-conforming result sends out."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.selectors import cases_for_sources
from dairy_campaign.exports import xlsx_response
from dairy_campaign.ownership import DECIDE_ROLES
from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView
from licensing.models import Operator

from ..filters_samples import ReferralFilter
from ..forms_samples import DEFAULT_METHOD, CorrectionForm, GridRowForm, ResultForm, TakeUpForm, UploadForm, plain
from ..models import LabResult, MassUnit, Referral, ReferralKind, Sample, SampleStatus
from ..services.consequences import may_take_up, referral_take_up
from ..services.lots import lot_trace
from ..services.results import (
    MAX_UPLOAD_ROWS,
    ResultRow,
    RowsRejected,
    awaiting_results,
    require_result_writer,
    result_correct,
    result_enter,
    result_review,
    result_upload,
    results_enter_many,
)
from ..services.samples import require_sample_writer
from .samples import lot_url, shown, visible_sample

# The grid shows the oldest samples waiting first; a lab works through them page by page.
GRID_ROWS = 50


def visible_result(request, pk) -> LabResult:
    return get_object_or_404(
        LabResult.objects.visible_to(request.user).select_related("sample__lot__operator", "sample__agency"), pk=pk
    )


@login_required
def result_enter_view(request, pk):
    """Q7: the result of one sample received by the lab."""
    sample = visible_sample(request, pk)
    require_sample_writer(request.user, sample)
    form = ResultForm(request.POST or None, initial={"lab": sample.lab})
    if request.method == "POST" and form.is_valid():
        try:
            result = result_enter(actor=request.user, sample=sample, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Result recorded: %(verdict)s.") % {"verdict": result.get_verdict_display()},
            )
            return redirect("sample_detail", sample.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "sample": sample, "received": sample.status == SampleStatus.RECEIVED}
    return render(request, "sampling/result_form.html", context, status=status)


@login_required
@require_POST
def result_review_view(request, pk):
    result = visible_result(request, pk)
    try:
        result_review(actor=request.user, result=result)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Result reviewed."))
    return redirect("sample_detail", result.sample_id)


@login_required
def result_correct_view(request, pk):
    result = visible_result(request, pk)
    require_sample_writer(request.user, result.sample)
    if request.method == "POST":
        form = CorrectionForm(request.POST, prefix="correct")
    else:
        form = CorrectionForm.for_result(result, prefix="correct")
    if request.method == "POST" and form.is_valid():
        try:
            result_correct(actor=request.user, result=result, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Result corrected; the earlier value stays in its history."))
            return redirect("sample_detail", result.sample_id)
    status = 400 if form.is_bound else 200
    context = {"form": form, "sample": result.sample, "result": shown(result)}
    return render(request, "sampling/result_correct.html", context, status=status)


# --- the grid --------------------------------------------------------------------------


def _grid_rows(request, samples, bound: bool):
    rows = []
    for sample in samples:
        prefix = f"s{sample.pk}"
        if bound:
            form = GridRowForm(request.POST, prefix=prefix)
        else:
            form = GridRowForm(prefix=prefix, initial={"lab": sample.lab})
        rows.append({"sample": sample, "form": form, "errors": []})
    return rows


@login_required
def result_grid(request):
    """Many received samples at once on one form, all or nothing: if any row is refused,
    nothing is saved and each refused row says why."""
    require_result_writer(request.user)
    problems = []
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("sample") if i.isdigit()]
        samples = list(Sample.objects.editable_by(request.user).filter(pk__in=ids).select_related("lot__operator"))
        samples.sort(key=lambda s: ids.index(s.pk))
        rows = _grid_rows(request, samples, bound=True)
        if len(samples) != len(set(ids)):
            problems.append(_("Some samples of this page are no longer yours to enter; reload the page."))
        filled = [row for row in rows if not row["form"].blank]
        checked = [row["form"].is_valid() for row in filled]  # every row, so each shows its errors
        valid = all(checked)
        if not filled:
            problems.append(_("Enter at least one result."))
        if valid and filled and not problems:
            try:
                results = results_enter_many(
                    actor=request.user,
                    rows=[
                        ResultRow(key=r["sample"].code, sample=r["sample"], values=r["form"].cleaned_data)
                        for r in filled
                    ],
                )
            except RowsRejected as rejected:
                for row in filled:
                    row["errors"] = rejected.rows.get(row["sample"].code, [])
                problems.append(_("Nothing was saved: correct the rows marked below."))
            except ValidationError as error:
                problems.extend(error.messages)
            else:
                messages.success(request, _("%(n)d results saved.") % {"n": len(results)})
                return redirect("result_grid")
        elif not valid:
            problems.append(_("Nothing was saved: correct the rows marked below."))
        status = 400
    else:
        waiting = awaiting_results(request.user)
        rows = _grid_rows(request, list(waiting[:GRID_ROWS]), bound=False)
        status = 200
    context = {
        "rows": rows,
        "problems": problems,
        "units": MassUnit.choices,
        "default_method": DEFAULT_METHOD,
        "grid_rows": GRID_ROWS,
    }
    return render(request, "sampling/result_grid.html", context, status=status)


# --- the upload --------------------------------------------------------------------------

TEMPLATE_HEADERS = [
    gettext_lazy("sample code"),
    gettext_lazy("value"),
    gettext_lazy("unit (mg/kg or µg/kg)"),
    gettext_lazy("detection limit (same unit)"),
    gettext_lazy("method"),
    gettext_lazy("laboratory"),
    gettext_lazy("tested on (YYYY-MM-DD)"),
]


def _template_response(user):
    samples = awaiting_results(user)[:MAX_UPLOAD_ROWS]
    rows = ([s.code, None, MassUnit.MG_PER_KG.value, None, DEFAULT_METHOD, s.lab, None] for s in samples)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"results-{stamp}.xlsx", "results", [str(h) for h in TEMPLATE_HEADERS], rows)


@login_required
def result_upload_view(request):
    """Results from an Excel file, all or nothing, with the errors of each row; checked and
    saved while the clerk waits, up to MAX_UPLOAD_ROWS rows."""
    require_result_writer(request.user)
    if request.GET.get("template") == "xlsx":
        return _template_response(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    row_errors = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                results = result_upload(actor=request.user, upload=form.cleaned_data["file"])
            except RowsRejected as rejected:
                row_errors = sorted(rejected.rows.items(), key=lambda item: int(item[0]))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(n)d results saved.") % {"n": len(results)})
                return redirect("sample_list")
    context = {"form": form, "row_errors": row_errors, "max_rows": MAX_UPLOAD_ROWS}
    return render(request, "sampling/result_upload.html", context, status=status)


# --- Q8 referrals ------------------------------------------------------------------------


class ReferralListView(ScopedListView):
    model = Referral
    filterset_class = ReferralFilter
    template_name = "sampling/referral_list.html"
    related = ("lot__operator__county", "to_agency", "result__sample")
    export_name = "referrals"
    export_columns = [
        (gettext_lazy("kind"), lambda r: r.get_kind_display()),
        (gettext_lazy("status"), lambda r: r.get_status_display()),
        (gettext_lazy("to department"), lambda r: r.to_agency.name),
        (gettext_lazy("sample code"), lambda r: r.result.sample.code),
        (gettext_lazy("held by"), lambda r: r.lot.operator.name),
        (gettext_lazy("county"), lambda r: r.lot.operator.county.name),
        (gettext_lazy("product"), lambda r: r.lot.product),
        (gettext_lazy("batch number"), lambda r: r.lot.batch_number),
        (gettext_lazy("melamine (mg/kg)"), lambda r: plain(r.result.mg_per_kg)),
        (gettext_lazy("limit (mg/kg)"), lambda r: plain(r.result.limit)),
        (gettext_lazy("summary"), lambda r: r.summary),
        (gettext_lazy("created at"), lambda r: r.created_at),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for referral in context["object_list"]:
            shown(referral.result)
        return context


def lot_trace_of(lot, viewer):
    """Where the lot came from and went (Q8), as far as the viewer sees."""
    return lot_trace(lot, viewer=viewer)


def _referral_detail(request, referral, *, form=None, status=200):
    lot = referral.lot
    context = {
        "referral": referral,
        "result": shown(referral.result),
        "sample": referral.result.sample,
        "lot": lot,
        "lot_url": lot_url(lot),
        "trace": lot_trace_of(lot, request.user),
        "may_take_up": may_take_up(request.user, referral),
        "take_up_form": form or TakeUpForm(prefix="take-up"),
        "changes": state_changes(referral),
        "case": cases_for_sources([referral]).get(referral.pk),
        "sanction_url": (
            reverse("operator_sanction", args=[lot.operator_id, "cancel-seller"])
            if referral.kind == ReferralKind.L6_CANCELLATION and may_sanction(request.user, lot.operator)
            else ""
        ),
    }
    return render(request, "sampling/referral_detail.html", context, status=status)


def may_sanction(user, operator) -> bool:
    """L6 is decided by a reviewer of the department keeping the seller."""
    decides = user.is_superuser or getattr(user, "role", None) in DECIDE_ROLES
    return decides and Operator.objects.editable_by(user).filter(pk=operator.pk).exists()


def visible_referral(request, pk) -> Referral:
    return get_object_or_404(
        Referral.objects.visible_to(request.user).select_related(
            "lot__operator__county", "lot__supplier", "to_agency", "result__sample__agency"
        ),
        pk=pk,
    )


@login_required
def referral_detail(request, pk):
    return _referral_detail(request, visible_referral(request, pk))


@login_required
@require_POST
def referral_take_up_view(request, pk):
    referral = visible_referral(request, pk)
    form = TakeUpForm(request.POST, prefix="take-up")
    if form.is_valid():
        try:
            referral_take_up(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Referral taken up."))
            return redirect("referral_detail", referral.pk)
    referral.refresh_from_db()
    return _referral_detail(request, referral, form=form, status=400)

"""Summary report pages (P1, P4): the list, the department's own report, a report with its
statistics, progress, written summary and review, its workbook; and the deadline table."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from dairy_campaign.exports import XLSX_MIME, xlsx_response
from dairy_campaign.services.campaigns import campaign_current
from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors, decision_forms
from dairy_campaign.views.lists import ScopedListView

from ..filters import SummaryReportFilter
from ..forms import DeadlineFilterForm, SummaryDecisionForm, SummaryReturnForm, SummaryTextForm
from ..models import SummaryReport
from ..services import summaries as svc
from ..services.deadline import KINDS, DeadlineState, deadline_flat_rows, deadline_table
from ..services.workbook import summary_workbook, summary_workbook_name

ACTION_LABELS = {
    "submit": gettext_lazy("Submit to the level above"),
    "accept": gettext_lazy("Accept"),
    "return": gettext_lazy("Return for correction"),
}
ACTION_FORMS = {"submit": SummaryDecisionForm, "accept": SummaryDecisionForm, "return": SummaryReturnForm}


class SummaryListView(ScopedListView):
    """The user's own reports and those of the levels below, the ones to review first."""

    model = SummaryReport
    filterset_class = SummaryReportFilter
    template_name = "reports/summary_list.html"
    related = ("campaign", "jurisdiction", "agency", "submitted_by", "reviewed_by")
    export_name = "summary-reports"
    export_columns = [
        (gettext_lazy("year"), lambda r: r.campaign.year),
        (gettext_lazy("jurisdiction code"), lambda r: r.jurisdiction_id),
        (gettext_lazy("jurisdiction"), lambda r: r.jurisdiction.display_name),
        (gettext_lazy("department"), lambda r: str(r.agency)),
        (gettext_lazy("status"), lambda r: r.get_status_display()),
        (gettext_lazy("statistics"), lambda r: r.get_generation_state_display()),
        (gettext_lazy("statistics generated at"), lambda r: r.generated_at),
        (gettext_lazy("submitted by"), lambda r: str(r.submitted_by or "")),
        (gettext_lazy("submitted at"), lambda r: r.submitted_at),
        (gettext_lazy("reviewed by"), lambda r: str(r.reviewed_by or "")),
        (gettext_lazy("reviewed at"), lambda r: r.reviewed_at),
        (gettext_lazy("review note"), lambda r: r.review_note),
    ]

    def get_context_data(self, **kwargs):
        user = self.request.user
        waiting = svc.reports_to_review(user).select_related("campaign", "jurisdiction", "agency", "submitted_by")
        return super().get_context_data(
            may_start=svc.may_prepare(user), to_review=list(waiting[:50]), to_review_count=waiting.count(), **kwargs
        )


def _visible(request, pk) -> SummaryReport:
    return get_object_or_404(
        SummaryReport.objects.visible_to(request.user).select_related(
            "campaign", "jurisdiction", "agency", "created_by", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


@login_required
def summary_mine(request):
    """The user's department's report on the current campaign: opened, or started on POST."""
    campaign = campaign_current()
    if campaign is None:
        raise Http404(_("No campaign has been set up yet."))
    if not svc.may_prepare(request.user):
        raise PermissionDenied(_("Summary reports are prepared by the departments' inspectors, reviewers and clerks."))
    existing = SummaryReport.objects.filter(campaign=campaign, agency=request.user.agency).first()
    if existing is not None:
        return redirect("summary_detail", existing.pk)
    if request.method == "POST":
        report = svc.summary_start(actor=request.user, campaign=campaign)
        messages.success(request, _("Summary report started."))
        return redirect("summary_detail", report.pk)
    return render(request, "reports/summary_mine.html", {"campaign": campaign, "agency": request.user.agency})


def _detail(request, report: SummaryReport, *, text_form=None, bound=None, bound_action=None, status=200):
    writer = svc.may_write_report(request.user, report)
    allowed = svc.summary_actions_for(request.user, report, writer=writer)
    actions = decision_forms(
        [name for name in ("submit", "accept", "return") if name in allowed],
        ACTION_LABELS,
        lambda name: ACTION_FORMS[name](),
        bound=bound,
        bound_action=bound_action,
    )
    if "text" in allowed and text_form is None:
        text_form = SummaryTextForm(initial={"text": report.text})
    return render(
        request,
        "reports/summary_detail.html",
        {
            "report": report,
            "tables": svc.snapshot_tables(report),
            "allowed": allowed,
            "actions": actions,
            "open_action": bound_action,
            "text_form": text_form if "text" in allowed else None,
            "changes": state_changes(report),
            "reviewing_code": svc.reviewing_jurisdiction_code(report),
        },
        status=status,
    )


@login_required
def summary_detail(request, pk):
    return _detail(request, _visible(request, pk))


@login_required
@require_POST
def summary_generate(request, pk):
    report = _visible(request, pk)
    try:
        svc.summary_generate(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The statistics are being computed."))
    return redirect("summary_detail", pk)


@login_required
def summary_progress(request, pk):
    """The progress bar, polled by htmx; once the worker is done the page reloads itself to
    show the tables."""
    report = _visible(request, pk)
    if request.htmx and not report.generating and request.GET.get("was") == "running":
        return HttpResponseClientRefresh()
    return render(request, "reports/summary_progress.html", {"report": report})


@login_required
@require_POST
def summary_text(request, pk):
    report = _visible(request, pk)
    if not svc.may_write_report(request.user, report):
        raise PermissionDenied(_("A summary report is prepared by its own department."))
    form = SummaryTextForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            svc.summary_text_set(actor=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Written summary saved."))
            return redirect("summary_detail", pk)
    return _detail(request, report, text_form=form, status=400)


@login_required
@require_POST
def summary_act(request, pk, action):
    report = _visible(request, pk)
    if action not in ACTION_FORMS:
        raise Http404
    if action not in svc.summary_actions_for(request.user, report):
        raise PermissionDenied(_("This decision is not yours to take on this report now."))
    form = ACTION_FORMS[action](request.POST)
    if form.is_valid():
        try:
            svc.summary_decide(actor=request.user, report=report, action=action, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
            return redirect("summary_detail", pk)
    return _detail(request, report, bound=form, bound_action=action, status=400)


@login_required
def summary_workbook_download(request, pk):
    report = _visible(request, pk)
    response = HttpResponse(content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(summary_workbook_name(report))}"
    summary_workbook(report).save(response)
    return response


@login_required
def summary_document(request, pk):
    report = _visible(request, pk)
    if not report.document:
        raise Http404
    return FileResponse(
        report.document.open("rb"), as_attachment=True, filename=report.document.name.rsplit("/", 1)[-1]
    )


@login_required
def deadline(request):
    """P1: every jurisdiction and department within the user's, on time, late or missing."""
    campaign = campaign_current()
    if campaign is None:
        raise Http404(_("No campaign has been set up yet."))
    form = DeadlineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    table = deadline_table(user=request.user, campaign=campaign, **{k: v for k, v in filters.items() if v})
    if request.GET.get("export") == "xlsx":
        return _deadline_export(table)
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "reports/deadline.html",
        {
            "campaign": campaign,
            "table": table,
            "form": form,
            "kinds": KINDS,
            "states": DeadlineState,
            "querystring": query.urlencode(),
        },
    )


def _deadline_export(table):
    headers = [
        _("jurisdiction code"),
        _("jurisdiction"),
        _("department"),
        _("deadline"),
        _("status"),
        _("submitted at"),
    ]
    rows = (
        [
            place.code,
            place.display_name,
            str(cell.agency) if cell.agency else _("(no food safety office)"),
            cell.label,
            cell.report.get_status_display() if cell.report else "",
            cell.report.submitted_at if cell.report else None,
        ]
        for place, cell in deadline_flat_rows(table)
    )
    return xlsx_response(f"summary-deadline-{table.campaign.year}.xlsx", _("Deadline"), headers, rows)

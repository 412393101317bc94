"""Self-inspection report pages (自查自纠, P1): receive a report from an operator, review it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.services.campaigns import campaign_current
from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors, decision_forms
from dairy_campaign.views.lists import ScopedListView
from licensing.models import Operator

from ..filters_field import SelfReportFilter
from ..forms_field import OperatorPickForm, SelfReportDecisionForm, SelfReportForm
from ..models import SelfInspectionReport
from ..services.self_reports import (
    SELF_REPORT_DECISIONS,
    may_receive_self_reports,
    self_report_decide,
    self_report_decisions_for,
    self_report_record,
)

DECISION_LABELS = {"accept": gettext_lazy("Accept"), "return": gettext_lazy("Return for completion")}


class SelfReportListView(ScopedListView):
    model = SelfInspectionReport
    filterset_class = SelfReportFilter
    template_name = "inspections/self_report_list.html"
    related = ("operator__county", "campaign")
    export_name = "self-inspection-reports"
    export_columns = [
        (gettext_lazy("operator"), lambda r: r.operator.name),
        (gettext_lazy("kind"), lambda r: r.operator.get_kind_display()),
        (gettext_lazy("unified social credit code"), lambda r: r.operator.credit_code or ""),
        (gettext_lazy("county"), lambda r: r.operator.county.name),
        (gettext_lazy("received on"), lambda r: r.received_on),
        (gettext_lazy("problems found"), lambda r: r.problems_found),
        (gettext_lazy("corrective actions"), lambda r: r.actions_taken),
        (gettext_lazy("status"), lambda r: r.get_status_display()),
        (gettext_lazy("review note"), lambda r: r.review_note),
        (gettext_lazy("SHA-256"), lambda r: r.document_sha256),
    ]


def _pick_operator(request):
    """Without ?operator=, the clerk gives the operator's credit code first."""
    form = OperatorPickForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["credit_code"]
        operator = Operator.objects.visible_to(request.user).filter(credit_code=code).first()
        if operator is None:
            form.add_error("credit_code", _("No operator of your jurisdiction has this credit code."))
        else:
            return redirect(f"{reverse('self_report_new')}?operator={operator.pk}")
    return render(
        request, "inspections/self_report_form.html", {"form": form, "title": _("Record a self-inspection report")}
    )


@login_required
def self_report_new(request):
    operator_id = request.GET.get("operator", "")
    if not operator_id:
        return _pick_operator(request)
    if not operator_id.isdigit():
        raise Http404
    operator = get_object_or_404(Operator.objects.visible_to(request.user).select_related("county"), pk=operator_id)
    if not may_receive_self_reports(request.user, operator):
        raise PermissionDenied(_("Self-inspection reports are received by the department that keeps this operator."))
    form = SelfReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = self_report_record(
                actor=request.user, operator=operator, campaign=campaign_current(), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Self-inspection report recorded."))
            return redirect("self_report_detail", report.pk)
    title = _("Self-inspection report of %(name)s") % {"name": operator.name}
    return render(
        request,
        "inspections/self_report_form.html",
        {"form": form, "title": title, "operator": operator, "multipart": True},
    )


def _visible(request, pk) -> SelfInspectionReport:
    return get_object_or_404(
        SelfInspectionReport.objects.visible_to(request.user).select_related("operator__county", "campaign"), pk=pk
    )


def _detail(request, report, *, bound=None, bound_decision=None, status=200):
    decisions = decision_forms(
        self_report_decisions_for(request.user, report),
        DECISION_LABELS,
        lambda name: SelfReportDecisionForm(prefix=name),
        bound=bound,
        bound_action=bound_decision,
    )
    return render(
        request,
        "inspections/self_report_detail.html",
        {
            "report": report,
            "decisions": decisions,
            "open_decision": bound_decision,
            "changes": state_changes(report),
        },
        status=status,
    )


@login_required
def self_report_detail(request, pk):
    return _detail(request, _visible(request, pk))


@login_required
def self_report_document(request, pk):
    report = _visible(request, pk)
    name = report.document.name.rsplit("/", 1)[-1]
    return FileResponse(report.document.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def self_report_decide_view(request, pk, decision):
    report = _visible(request, pk)
    if decision not in SELF_REPORT_DECISIONS:
        raise Http404
    if decision not in self_report_decisions_for(request.user, report):
        raise PermissionDenied(_("This decision is not yours to take now."))
    form = SelfReportDecisionForm(request.POST, prefix=decision)
    if form.is_valid():
        try:
            self_report_decide(actor=request.user, report=report, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded: %(label)s.") % {"label": DECISION_LABELS[decision]})
            return redirect("self_report_detail", report.pk)
    report.refresh_from_db()
    return _detail(request, report, bound=form, bound_decision=decision, status=400)

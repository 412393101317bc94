"""Pages of listed supervision (C2), accountability (C1) and immediate incident reports (P4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dairy_campaign.models import Jurisdiction
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView

from ..filters_supervision import AccountabilityFilter, IncidentFilter, ListingFilter
from ..forms_supervision import (
    AccountabilityForm,
    IncidentForm,
    ListingForm,
    ListingLiftForm,
    OfficialFormSet,
    ProgressReportForm,
)
from ..models import Accountability, Case, IncidentReport, Listing
from ..services.accountability import accountability_record, may_record_accountability, officials_text
from ..services.incidents import incident_report, may_report_incident, missing_offices
from ..services.supervision import (
    flag,
    listing_create,
    listing_lift,
    listing_overdue,
    may_lift,
    may_list,
    may_report,
    next_report_on,
    progress_report_submit,
    report_due,
    with_last_report,
)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


# --- C2: listed supervision ----------------------------------------------------------


class ListingListView(ScopedListView):
    """C2: offices see their listings, departments the listings of their cases, with the
    overdue and report-due flags."""

    model = Listing
    filterset_class = ListingFilter
    template_name = "cases/listing_list.html"
    related = ("case__agency", "case__jurisdiction", "case__operator", "office")
    export_name = "listed-supervision"
    export_columns = [
        (gettext_lazy("case number"), lambda x: x.case.number),
        (gettext_lazy("title"), lambda x: x.case.title),
        (gettext_lazy("party"), lambda x: x.case.party),
        (gettext_lazy("case status"), lambda x: x.case.get_status_display()),
        (gettext_lazy("department"), lambda x: x.case.agency.name),
        (gettext_lazy("jurisdiction"), lambda x: x.case.jurisdiction.name),
        (gettext_lazy("listing office"), lambda x: x.office.name),
        (gettext_lazy("level"), lambda x: x.get_level_display()),
        (gettext_lazy("document number"), lambda x: x.document_number),
        (gettext_lazy("listed on"), lambda x: x.listed_on),
        (gettext_lazy("deadline"), lambda x: x.deadline),
        (gettext_lazy("status"), lambda x: x.get_status_display()),
        (gettext_lazy("lifted on"), lambda x: x.lifted_on),
        (gettext_lazy("past the deadline"), lambda x: _yes_no(listing_overdue(x, local_today()))),
        (gettext_lazy("next progress report due"), lambda x: next_report_on(x)),
        (gettext_lazy("progress report late"), lambda x: _yes_no(report_due(x, local_today()))),
    ]

    def get_queryset(self):
        return with_last_report(super().get_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        flag(ctx["object_list"], local_today())
        return ctx


def _listing(request, pk) -> Listing:
    listings = Listing.objects.visible_to(request.user).select_related(
        "case__agency", "case__jurisdiction", "case__operator", "office", "listed_by"
    )
    return get_object_or_404(with_last_report(listings), pk=pk)


@login_required
def listing_new(request, case_pk):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("agency", "operator"), pk=case_pk)
    if not may_list(request.user):
        raise PermissionDenied(_("C2: only reviewers of a city or provincial food-safety office list cases."))
    form = ListingForm(request.POST or None, user=request.user, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            listing = listing_create(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Case listed for supervision."))
            return redirect("listing_detail", listing.pk)
    title = _("List case %(number)s for supervision (挂牌督办)") % {"number": case.number}
    return render(request, "cases/listing_form.html", {"form": form, "title": title, "case": case})


@login_required
def listing_detail(request, pk):
    listing = _listing(request, pk)
    flag([listing], local_today())
    return render(
        request,
        "cases/listing_detail.html",
        {
            "listing": listing,
            "case": listing.case,
            "reports": listing.reports.select_related("submitted_by"),
            "changes": state_changes(listing),
            "may_report": listing.status == "open" and may_report(request.user, listing),
            "may_lift": may_lift(request.user, listing),
        },
    )


@login_required
def listing_report(request, pk):
    listing = _listing(request, pk)
    if not may_report(request.user, listing):
        raise PermissionDenied(_("C2: progress is reported by the department handling the case."))
    form = ProgressReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            progress_report_submit(actor=request.user, listing=listing, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Progress report sent to the listing office."))
            return redirect("listing_detail", listing.pk)
    title = _("Progress report on case %(number)s") % {"number": listing.case.number}
    return render(request, "cases/listing_form.html", {"form": form, "title": title, "listing": listing})


@login_required
def listing_lift_view(request, pk):
    listing = _listing(request, pk)
    if not may_lift(request.user, listing):
        raise PermissionDenied(_("C2: the listing is lifted by the office that listed the case."))
    form = ListingLiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing_lift(actor=request.user, listing=listing, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Supervision lifted."))
            return redirect("listing_detail", listing.pk)
    title = _("Lift the supervision of case %(number)s") % {"number": listing.case.number}
    return render(request, "cases/listing_form.html", {"form": form, "title": title, "listing": listing})


# --- C1: accountability --------------------------------------------------------------


class AccountabilityListView(ScopedListView):
    model = Accountability
    filterset_class = AccountabilityFilter
    template_name = "cases/accountability_list.html"
    related = ("jurisdiction", "case")
    export_name = "accountability"
    export_columns = [
        (gettext_lazy("jurisdiction"), lambda a: a.jurisdiction.name),
        (gettext_lazy("what happened"), lambda a: a.get_trigger_display()),
        (gettext_lazy("facts"), lambda a: a.facts),
        (gettext_lazy("officials held to account"), officials_text),
        (gettext_lazy("measures taken"), lambda a: a.measures),
        (gettext_lazy("decided on"), lambda a: a.decided_on),
        (gettext_lazy("document number"), lambda a: a.document_number),
        (gettext_lazy("case number"), lambda a: a.case.number if a.case_id else ""),
    ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_record=may_record_accountability(self.request.user), **kwargs)


@login_required
def accountability_new(request):
    if not may_record_accountability(request.user):
        raise PermissionDenied(_("C1: accountability is recorded by food-safety offices and local governments."))
    form = AccountabilityForm(request.POST or None, user=request.user)
    officials = OfficialFormSet(request.POST or None, prefix="officials")
    if request.method == "POST" and all([form.is_valid(), officials.is_valid()]):
        rows = [f.cleaned_data for f in officials.forms if f.cleaned_data]
        try:
            record = accountability_record(actor=request.user, officials=rows, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Accountability recorded."))
            return redirect("accountability_detail", record.pk)
    title = _("Record accountability (C1)")
    return render(request, "cases/accountability_form.html", {"form": form, "officials": officials, "title": title})


@login_required
def accountability_detail(request, pk):
    record = get_object_or_404(
        Accountability.objects.visible_to(request.user).select_related("jurisdiction", "case", "recorded_by"), pk=pk
    )
    return render(request, "cases/accountability_detail.html", {"record": record})


# --- P4: immediate incident reports --------------------------------------------------


class IncidentListView(ScopedListView):
    """P4: a department sees the reports of its jurisdiction; an office those from below."""

    model = IncidentReport
    filterset_class = IncidentFilter
    template_name = "cases/incident_list.html"
    related = ("agency", "jurisdiction")
    export_name = "incident-reports"
    export_columns = [
        (gettext_lazy("title"), lambda r: r.title),
        (gettext_lazy("reporting department"), lambda r: r.agency.name),
        (gettext_lazy("jurisdiction"), lambda r: r.jurisdiction.name),
        (gettext_lazy("occurred at"), lambda r: r.occurred_at),
        (gettext_lazy("reported at"), lambda r: r.reported_at),
        (gettext_lazy("products concerned"), lambda r: r.products),
        (gettext_lazy("people affected"), lambda r: r.people_affected),
        (gettext_lazy("what happened"), lambda r: r.description),
    ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_report=may_report_incident(self.request.user), **kwargs)


@login_required
def incident_new(request):
    if not may_report_incident(request.user):
        raise PermissionDenied(_("P4: incidents are reported by a department member with a writing role."))
    form = IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = incident_report(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Report sent."))
            for place in Jurisdiction.objects.filter(code__in=missing_offices(report)):
                messages.warning(
                    request,
                    _("No food-safety office is registered for %(place)s: it was not notified.")
                    % {"place": place.display_name},
                )
            return redirect("incident_detail", report.pk)
    title = _("Immediate report of a major case or emergency (P4)")
    return render(request, "cases/incident_form.html", {"form": form, "title": title})


@login_required
def incident_detail(request, pk):
    report = get_object_or_404(
        IncidentReport.objects.visible_to(request.user).select_related("agency", "jurisdiction", "case", "reported_by"),
        pk=pk,
    )
    return render(
        request,
        "cases/incident_detail.html",
        {
            "report": report,
            "notified": report.notified.select_related("jurisdiction"),
            "missing": Jurisdiction.objects.filter(code__in=missing_offices(report)),
        },
    )

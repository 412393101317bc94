"""Import consignment pages (S5): register, certificate checks, lab result, decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors, decision_forms
from dairy_campaign.views.lists import ScopedListView

from ..filters_field import ConsignmentFilter
from ..forms_field import (
    ConsignmentChecksForm,
    ConsignmentDecisionForm,
    ConsignmentFailureForm,
    ConsignmentForm,
    LabResultForm,
)
from ..models import Consignment
from ..services.consignments import (
    CHECK_FIELDS,
    CONSIGNMENT_ACTIONS,
    consignment_act,
    consignment_actions_for,
    consignment_lab_result_record,
    consignment_register,
    consignment_update_checks,
    may_record_lab_result,
    may_register_consignments,
    release_blockers,
)

ACTION_FORMS = {"release": ConsignmentDecisionForm, "destroy": ConsignmentFailureForm, "return": ConsignmentFailureForm}
ACTION_LABELS = {
    "release": gettext_lazy("Release"),
    "destroy": gettext_lazy("Order destruction"),
    "return": gettext_lazy("Order return (退运)"),
}


def _lab_label(consignment) -> str:
    if consignment.lab_conforming is None:
        return _("Awaiting result")
    return _("Conforms") if consignment.lab_conforming else _("Does not conform")


class ConsignmentListView(ScopedListView):
    model = Consignment
    filterset_class = ConsignmentFilter
    template_name = "inspections/consignment_list.html"
    related = ("importer__county",)
    export_name = "import-consignments"
    export_columns = [
        (gettext_lazy("importer"), lambda c: c.importer.name),
        (gettext_lazy("county"), lambda c: c.importer.county.name),
        (gettext_lazy("product"), lambda c: c.product),
        (gettext_lazy("quantity"), lambda c: c.quantity),
        (gettext_lazy("unit"), lambda c: c.unit),
        (gettext_lazy("country of origin"), lambda c: c.origin_country),
        (gettext_lazy("arrived on"), lambda c: c.arrived_on),
        (gettext_lazy("health certificate number"), lambda c: c.health_certificate_number),
        (gettext_lazy("quarantine permit number"), lambda c: c.quarantine_permit_number),
        (gettext_lazy("designated warehouse"), lambda c: c.warehouse),
        (gettext_lazy("lab result"), _lab_label),
        (gettext_lazy("lab report or sample number"), lambda c: c.lab_reference),
        (gettext_lazy("status"), lambda c: c.get_status_display()),
    ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_register=may_register_consignments(self.request.user), **kwargs)


@login_required
def consignment_new(request):
    if not may_register_consignments(request.user):
        raise PermissionDenied(_("Import consignments are kept by entry-exit inspection and quarantine."))
    form = ConsignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            consignment = consignment_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Consignment registered and held."))
            return redirect("consignment_detail", consignment.pk)
    return render(request, "inspections/consignment_form.html", {"form": form, "title": _("Register an import batch")})


def _visible(request, pk) -> Consignment:
    return get_object_or_404(
        Consignment.objects.visible_to(request.user).select_related("importer__county", "consignee_filing"), pk=pk
    )


def _detail(request, consignment, *, bound=None, bound_action=None, status=200):
    actions = decision_forms(
        consignment_actions_for(request.user, consignment),
        ACTION_LABELS,
        lambda name: ACTION_FORMS[name](prefix=name),
        bound=bound,
        bound_action=bound_action,
    )
    editable = Consignment.objects.editable_by(request.user).filter(pk=consignment.pk).exists()
    return render(
        request,
        "inspections/consignment_detail.html",
        {
            "consignment": consignment,
            "lab_label": _lab_label(consignment),
            "blockers": release_blockers(consignment) if consignment.status == "held" else [],
            "actions": actions,
            "open_action": bound_action,
            "changes": state_changes(consignment),
            "editable": editable and consignment.status == "held",
            "may_record_lab": consignment.status == "held" and may_record_lab_result(request.user, consignment),
        },
        status=status,
    )


@login_required
def consignment_detail(request, pk):
    return _detail(request, _visible(request, pk))


@login_required
@require_POST
def consignment_act_view(request, pk, action):
    consignment = _visible(request, pk)
    if action not in CONSIGNMENT_ACTIONS:
        raise Http404
    if action not in consignment_actions_for(request.user, consignment):
        raise PermissionDenied(_("This decision is not yours to take now."))
    form = ACTION_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        try:
            consignment_act(actor=request.user, consignment=consignment, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded: %(label)s.") % {"label": ACTION_LABELS[action]})
            return redirect("consignment_detail", consignment.pk)
    consignment.refresh_from_db()
    return _detail(request, consignment, bound=form, bound_action=action, status=400)


@login_required
def consignment_checks(request, pk):
    consignment = _visible(request, pk)
    if not Consignment.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("Your department does not keep this record."))
    initial = {name: getattr(consignment, name) for name in CHECK_FIELDS}
    form = ConsignmentChecksForm(
        request.POST or None, initial=initial, user=request.user, importer=consignment.importer
    )
    if request.method == "POST" and form.is_valid():
        try:
            consignment_update_checks(actor=request.user, consignment=consignment, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Checks recorded."))
            return redirect("consignment_detail", consignment.pk)
    title = _("Certificate checks: %(consignment)s") % {"consignment": consignment}
    return render(request, "inspections/consignment_form.html", {"form": form, "title": title})


@login_required
def consignment_lab_result(request, pk):
    """The lab clerk records a result by hand; the sampling app calls the same service."""
    consignment = _visible(request, pk)
    if not may_record_lab_result(request.user, consignment):
        raise PermissionDenied(_("Only lab and data clerks who see this consignment record its lab result."))
    form = LabResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consignment_lab_result_record(actor=request.user, consignment=consignment, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Lab result recorded."))
            return redirect("consignment_detail", consignment.pk)
    title = _("Lab result: %(consignment)s") % {"consignment": consignment}
    return render(request, "inspections/consignment_form.html", {"form": form, "title": title})

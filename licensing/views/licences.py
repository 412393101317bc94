from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.services.campaigns import local_today
from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors, decision_forms
from dairy_campaign.views.lists import ScopedListView

from ..filters import FollowUpFilter, LicenceFilter
from ..forms import DecisionForm, FollowUpCompleteForm, GrantForm, RectifyForm
from ..models import FollowUpMeasure, Licence, Operator
from ..selectors import review_coverage
from ..services.licences import (
    follow_up_complete,
    licence_act,
    licence_actions_for,
    seller_cancel_for_over_limit,
    station_close,
)

ACTION_FORMS = {"grant": GrantForm, "order_rectification": RectifyForm}
ACTION_LABELS = {
    "grant": gettext_lazy("Grant"),
    "refuse": gettext_lazy("Refuse"),
    "start_review": gettext_lazy("Start re-review"),
    "pass_review": gettext_lazy("Passed"),
    "order_rectification": gettext_lazy("Order to stop and rectify"),
    "revoke": gettext_lazy("Revoke (撤销)"),
    "cancel": gettext_lazy("Cancel (吊销)"),
}


class LicenceListView(ScopedListView):
    model = Licence
    filterset_class = LicenceFilter
    template_name = "licensing/licence_list.html"
    related = ("operator__county", "vehicle")
    export_name = "licences"
    export_columns = [
        (gettext_lazy("type"), lambda x: x.get_type_display()),
        (gettext_lazy("licence number"), lambda x: x.number),
        (gettext_lazy("holder"), lambda x: x.operator.name),
        (gettext_lazy("county"), lambda x: x.operator.county.name),
        (gettext_lazy("vehicle"), lambda x: x.vehicle.plate if x.vehicle else ""),
        (gettext_lazy("approved categories"), lambda x: ", ".join(x.scope or [])),
        (gettext_lazy("status"), lambda x: x.get_status_display()),
        (gettext_lazy("issued on"), lambda x: x.issued_on),
        (gettext_lazy("expires on"), lambda x: x.expires_on),
        (gettext_lazy("rectify by"), lambda x: x.rectify_by),
        (gettext_lazy("re-review outcome"), lambda x: x.get_review_outcome_display()),
    ]


def action_forms(user, licence, bound=None, bound_action=None):
    return decision_forms(
        licence_actions_for(user, licence),
        ACTION_LABELS,
        lambda name: ACTION_FORMS.get(name, DecisionForm)(prefix=name),
        bound=bound,
        bound_action=bound_action,
    )


@login_required
def licence_detail(request, pk):
    licence = get_object_or_404(
        Licence.objects.visible_to(request.user).select_related("operator__county", "vehicle", "issuing_agency"), pk=pk
    )
    return render(
        request,
        "licensing/licence_detail.html",
        {
            "licence": licence,
            "actions": action_forms(request.user, licence),
            "changes": state_changes(licence),
            "follow_ups": licence.follow_ups.select_related("responsible"),
        },
    )


@login_required
@require_POST
def licence_decide(request, pk, action):
    licence = get_object_or_404(Licence.objects.visible_to(request.user).select_related("operator"), pk=pk)
    if action not in licence_actions_for(request.user, licence):
        raise PermissionDenied(_("This decision is not yours to take now."))
    form = ACTION_FORMS.get(action, DecisionForm)(request.POST, prefix=action)
    if form.is_valid():
        try:
            licence_act(actor=request.user, licence=licence, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded: %(label)s.") % {"label": ACTION_LABELS[action]})
            return redirect("licence_detail", licence.pk)
    licence.refresh_from_db()
    return render(
        request,
        "licensing/licence_detail.html",
        {
            "licence": licence,
            "actions": action_forms(request.user, licence, form, action),
            "changes": state_changes(licence),
            "follow_ups": licence.follow_ups.all(),
            "open_action": action,
        },
        status=400,
    )


@login_required
def operator_sanction(request, pk, sanction):
    """L4 station closure and L6 seller cancellation: decisions on the operator itself."""
    services = {"close-station": station_close, "cancel-seller": seller_cancel_for_over_limit}
    if sanction not in services:
        raise Http404
    operator = get_object_or_404(Operator.objects.visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = {"station": operator} if sanction == "close-station" else {"seller": operator}
        try:
            services[sanction](actor=request.user, **target, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("operator_detail", operator.pk)
    title = (
        _("Close the station") if sanction == "close-station" else _("Cancel licences after an over-limit finding (L6)")
    )
    return render(request, "licensing/form.html", {"form": form, "title": f"{title}: {operator.name}"})


class FollowUpListView(ScopedListView):
    model = FollowUpMeasure
    filterset_class = FollowUpFilter
    template_name = "licensing/follow_up_list.html"
    related = ("licence__operator__county", "responsible")
    export_name = "follow-ups"
    export_columns = [
        (gettext_lazy("measure"), lambda m: m.get_kind_display()),
        (gettext_lazy("holder"), lambda m: m.licence.operator.name),
        (gettext_lazy("county"), lambda m: m.licence.operator.county.name),
        (gettext_lazy("responsible department"), lambda m: m.responsible.name),
        (gettext_lazy("due on"), lambda m: m.due_on),
        (gettext_lazy("completed on"), lambda m: m.completed_on),
        (gettext_lazy("notes"), lambda m: m.notes),
    ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=local_today(), **kwargs)


@login_required
def follow_up_done(request, pk):
    measure = get_object_or_404(FollowUpMeasure.objects.visible_to(request.user).select_related("licence"), pk=pk)
    form = FollowUpCompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_complete(actor=request.user, measure=measure, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Measure completed."))
            return redirect("follow_up_list")
    return render(request, "licensing/form.html", {"form": form, "title": str(measure), "multipart": True})


@login_required
def coverage(request):
    """L1: re-review progress of production licences, per jurisdiction below the user's."""
    place = request.user.jurisdiction
    if place is None:
        raise Http404
    return render(request, "licensing/coverage.html", {"rows": review_coverage(request.user, place), "place": place})

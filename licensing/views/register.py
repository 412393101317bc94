from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView

from ..filters import OperatorFilter
from ..forms import LicenceApplyForm, OperatorForm, VehicleForm, owned_choices
from ..models import LicenceType, Operator
from ..models.choices import SELLERS
from ..services.licences import licence_apply, operator_may_sell_dairy
from ..services.register import OPERATOR_FIELDS, operator_create, operator_update, vehicle_register


class OperatorListView(ScopedListView):
    model = Operator
    filterset_class = OperatorFilter
    template_name = "licensing/operator_list.html"
    related = ("county",)
    export_name = "operators"
    export_columns = [
        (gettext_lazy("name"), lambda o: o.name),
        (gettext_lazy("kind"), lambda o: o.get_kind_display()),
        (gettext_lazy("unified social credit code"), lambda o: o.credit_code or ""),
        (gettext_lazy("county"), lambda o: o.county.name),
        (gettext_lazy("address"), lambda o: o.address),
        (gettext_lazy("contact person"), lambda o: o.contact_person),
        (gettext_lazy("phone"), lambda o: o.phone),
        (gettext_lazy("status"), lambda o: o.get_status_display()),
        (gettext_lazy("operating arrangement"), lambda o: o.get_arrangement_display()),
        (gettext_lazy("actual operator"), lambda o: o.actual_operator),
    ]


@login_required
def operator_detail(request, pk):
    operator = get_object_or_404(Operator.objects.visible_to(request.user).select_related("county"), pk=pk)
    licences = list(operator.licences.select_related("vehicle", "issuing_agency").prefetch_related("follow_ups"))
    may_sell, why_not = operator_may_sell_dairy(operator) if operator.kind in SELLERS else (None, "")
    editable = Operator.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "licensing/operator_detail.html",
        {
            "operator": operator,
            "licences": licences,
            "vehicles": operator.vehicles.all(),
            "follow_ups": [m for lic in licences for m in lic.follow_ups.all()],
            "notices": operator.closure_notices.all(),
            "may_sell": may_sell,
            "why_not": why_not,
            "editable": editable,
            "may_apply": bool(owned_choices(LicenceType, "licence", request.user)),
        },
    )


@login_required
def operator_new(request):
    form = OperatorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            operator = operator_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s registered.") % {"name": operator.name})
            return redirect("operator_detail", operator.pk)
    return render(request, "licensing/form.html", {"form": form, "title": _("Register an operator")})


@login_required
def operator_edit(request, pk):
    operator = get_object_or_404(Operator.objects.visible_to(request.user), pk=pk)
    initial = {f: getattr(operator, f) for f in OPERATOR_FIELDS}
    form = OperatorForm(request.POST or None, initial=initial, user=request.user, with_reason=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            operator_update(actor=request.user, operator=operator, reason=reason, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Register entry updated."))
            return redirect("operator_detail", operator.pk)
    return render(request, "licensing/form.html", {"form": form, "title": operator.name})


@login_required
def vehicle_new(request, pk):
    operator = get_object_or_404(Operator.objects.visible_to(request.user), pk=pk)
    form = VehicleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vehicle_register(actor=request.user, owner=operator, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Vehicle registered."))
            return redirect("operator_detail", operator.pk)
    return render(request, "licensing/form.html", {"form": form, "title": _("Register a vehicle")})


@login_required
def licence_new(request, pk):
    operator = get_object_or_404(Operator.objects.visible_to(request.user), pk=pk)
    form = LicenceApplyForm(request.POST or None, user=request.user, operator=operator)
    if not form.fields["type"].choices:
        raise PermissionDenied(_("Your department does not decide licences."))
    if request.method == "POST" and form.is_valid():
        try:
            licence = licence_apply(actor=request.user, operator=operator, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Application recorded."))
            return redirect("licence_detail", licence.pk)
    return render(
        request,
        "licensing/form.html",
        {"form": form, "title": _("Licence application: %(name)s") % {"name": operator.name}},
    )

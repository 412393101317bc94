"""Black-den sweep pages (C1): list with totals, record a sweep, its dens and their bans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView

from ..filters_field import SweepFilter
from ..forms_field import DenBanForm, DenForm, SweepForm
from ..models import Den, Sweep
from ..services.sweeps import den_ban, den_record, may_sweep, sweep_record, sweep_totals, sweeps_with_counts


class SweepListView(ScopedListView):
    model = Sweep
    filterset_class = SweepFilter
    template_name = "inspections/sweep_list.html"
    related = ("jurisdiction", "agency")
    export_name = "black-den-sweeps"
    export_columns = [
        (gettext_lazy("county"), lambda s: s.jurisdiction.name),
        (gettext_lazy("area type"), lambda s: s.get_area_type_display()),
        (gettext_lazy("area swept"), lambda s: s.area),
        (gettext_lazy("swept on"), lambda s: s.swept_on),
        (gettext_lazy("leader"), lambda s: s.leader),
        (gettext_lazy("leader's position"), lambda s: s.leader_title),
        (gettext_lazy("participating departments"), lambda s: s.participants),
        (gettext_lazy("department"), lambda s: s.agency.name),
        (gettext_lazy("dens found"), lambda s: s.den_count),
        (gettext_lazy("dens banned"), lambda s: s.banned_count),
    ]

    def get_queryset(self):
        return sweeps_with_counts(super().get_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["totals"] = sweep_totals(self.object_list)
        ctx["may_sweep"] = may_sweep(self.request.user)
        return ctx


@login_required
def sweep_new(request):
    if not may_sweep(request.user):
        raise PermissionDenied(_("Black-den sweeps are recorded by local governments and industry and commerce."))
    form = SweepForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sweep = sweep_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Sweep recorded."))
            return redirect("sweep_detail", sweep.pk)
    return render(request, "inspections/sweep_form.html", {"form": form, "title": _("Record a black-den sweep")})


def _editable(user, record) -> bool:
    return type(record).objects.editable_by(user).filter(pk=record.pk).exists()


@login_required
def sweep_detail(request, pk):
    sweep = get_object_or_404(Sweep.objects.visible_to(request.user).select_related("jurisdiction", "agency"), pk=pk)
    dens = sweep.dens.select_related("operator")
    return render(
        request,
        "inspections/sweep_detail.html",
        {
            "sweep": sweep,
            "dens": dens,
            "totals": sweep_totals(Sweep.objects.filter(pk=sweep.pk)),
            "editable": _editable(request.user, sweep),
        },
    )


@login_required
def den_new(request, pk):
    sweep = get_object_or_404(Sweep.objects.visible_to(request.user).select_related("jurisdiction"), pk=pk)
    if not _editable(request.user, sweep):
        raise PermissionDenied(_("Your department does not keep this record."))
    form = DenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            den = den_record(actor=request.user, sweep=sweep, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Den recorded: %(name)s.") % {"name": den.operator.name})
            return redirect("sweep_detail", sweep.pk)
    title = _("Record a den found in the sweep of %(area)s") % {"area": sweep.area}
    return render(request, "inspections/den_form.html", {"form": form, "title": title, "sweep": sweep})


@login_required
def den_ban_view(request, pk):
    den = get_object_or_404(Den.objects.visible_to(request.user).select_related("sweep", "operator"), pk=pk)
    if not _editable(request.user, den):
        raise PermissionDenied(_("Your department does not keep this record."))
    form = DenBanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            den_ban(actor=request.user, den=den, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Den banned: %(name)s.") % {"name": den.operator.name})
            return redirect("sweep_detail", den.sweep_id)
    title = _("Ban the den %(name)s (取缔)") % {"name": den.operator.name}
    return render(request, "inspections/den_ban.html", {"form": form, "title": title, "den": den})

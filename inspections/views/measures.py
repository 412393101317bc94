from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.services.campaigns import local_today
from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView

from ..filters import MeasureFilter
from ..forms import MeasureForm
from ..models import Inspection, Measure
from ..services.measures import measure_record, measure_remove


class MeasureListView(ScopedListView):
    model = Measure
    filterset_class = MeasureFilter
    template_name = "inspections/measure_list.html"
    related = ("inspection__operator", "inspection__jurisdiction", "reinspection")
    export_name = "measures"
    export_columns = [
        (gettext_lazy("measure"), lambda m: m.get_kind_display()),
        (gettext_lazy("operator"), lambda m: m.inspection.operator.name if m.inspection.operator else ""),
        (gettext_lazy("jurisdiction"), lambda m: m.inspection.jurisdiction.name),
        (gettext_lazy("inspected on"), lambda m: m.inspection.inspected_on),
        (gettext_lazy("finding"), lambda m: m.description),
        (gettext_lazy("product"), lambda m: m.product),
        (gettext_lazy("quantity"), lambda m: m.quantity),
        (gettext_lazy("unit"), lambda m: m.unit),
        (gettext_lazy("witness"), lambda m: m.witness),
        (gettext_lazy("rectify by"), lambda m: m.deadline),
        (gettext_lazy("document number"), lambda m: m.document_number),
        (gettext_lazy("status"), lambda m: m.get_status_display()),
    ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=local_today(), **kwargs)


@login_required
def measure_new(request, pk):
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user).select_related("operator"), pk=pk)
    form = MeasureForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measure_record(
                actor=request.user,
                inspection=inspection,
                kind=data.pop("kind"),
                **{k: v for k, v in data.items() if v not in (None, "")},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Measure recorded."))
            return redirect("inspection_edit", inspection.pk)
    title = _("Record a measure: %s") % (inspection.operator or inspection.jurisdiction)
    return render(
        request,
        "inspections/form.html",
        {
            "form": form,
            "title": title,
            "intro": _(
                "Destruction needs the product, quantity, unit and a witness (S4); a rectification order needs a "
                "deadline, on which a re-inspection task is created."
            ),
        },
    )


@login_required
@require_POST
def measure_delete(request, pk):
    measure = get_object_or_404(Measure.objects.visible_to(request.user).select_related("inspection"), pk=pk)
    try:
        measure_remove(actor=request.user, measure=measure)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("inspection_edit", measure.inspection_id)

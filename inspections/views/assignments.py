from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.ownership import DECIDE_ROLES
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView

from ..filters import AssignmentFilter
from ..forms import AssignmentForm, CancelForm, PlanForm
from ..models import Assignment
from ..services.assignments import assignment_cancel as cancel_service
from ..services.assignments import assignment_create, assignments_plan
from ..services.assignments import task_list as tasks_of
from ..services.filing import inspection_start


def _is_assigner(user) -> bool:
    return user.is_superuser or (user.agency_id is not None and user.role in DECIDE_ROLES)


@login_required
def task_list(request):
    """The inspector's task list, overdue first (逐家排查 work of the day)."""
    return render(request, "inspections/task_list.html", {"tasks": tasks_of(request.user), "today": local_today()})


class AssignmentListView(ScopedListView):
    model = Assignment
    filterset_class = AssignmentFilter
    template_name = "inspections/assignment_list.html"
    related = ("operator", "jurisdiction", "inspector")
    export_name = "assignments"
    export_columns = [
        (gettext_lazy("operator"), lambda a: a.operator.name if a.operator else ""),
        (gettext_lazy("jurisdiction"), lambda a: a.jurisdiction.name),
        (gettext_lazy("checklist"), lambda a: a.template_code),
        (gettext_lazy("inspector"), lambda a: a.inspector.full_name or a.inspector.username),
        (gettext_lazy("due on"), lambda a: a.due_on),
        (gettext_lazy("status"), lambda a: a.get_status_display()),
        (gettext_lazy("source"), lambda a: a.get_source_display()),
        (gettext_lazy("note"), lambda a: a.note),
    ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=local_today(), may_assign=_is_assigner(self.request.user), **kwargs)


def _require_assigner(user):
    if not _is_assigner(user):
        raise PermissionDenied(_("Only reviewers of a department assign inspections."))


@login_required
def assignment_new(request):
    _require_assigner(request.user)
    initial = {"operator": request.GET.get("operator")}
    form = AssignmentForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment_create(
                actor=request.user,
                inspector=data["inspector"],
                due_on=data["due_on"],
                template_code=data["template"].code,
                operator=data["operator"],
                jurisdiction=data["jurisdiction"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Assignment created."))
            return redirect("assignment_list")
    return render(request, "inspections/form.html", {"form": form, "title": _("Assign an inspection")})


@login_required
def assignment_plan(request):
    """S2/S4 逐家排查 in one click: every operator of the chosen kinds in the jurisdiction."""
    _require_assigner(request.user)
    form = PlanForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = assignments_plan(
                actor=request.user,
                template_code=data["template"].code,
                operator_kinds=data["operator_kinds"],
                inspectors=list(data["inspectors"]),
                due_on=data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(n)d assignments created.") % {"n": created})
            return redirect("assignment_list")
    return render(
        request,
        "inspections/form.html",
        {
            "form": form,
            "title": _("Plan: inspect every operator, one by one (逐家排查)"),
            "intro": _(
                "Every operating operator of the chosen kinds in your jurisdiction without a pending task on this "
                "checklist gets one, shared out among the chosen inspectors in turn."
            ),
        },
    )


@login_required
@require_POST
def assignment_start(request, pk):
    assignment = get_object_or_404(Assignment.objects.visible_to(request.user), pk=pk)
    try:
        inspection = inspection_start(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("task_list")
    return redirect("inspection_edit", inspection.pk)


@login_required
def assignment_cancel(request, pk):
    assignment = get_object_or_404(Assignment.objects.visible_to(request.user), pk=pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_service(actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Assignment cancelled."))
            return redirect("assignment_list")
    return render(
        request, "inspections/form.html", {"form": form, "title": _("Cancel the assignment: %s") % assignment}
    )

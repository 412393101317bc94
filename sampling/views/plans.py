"""Sampling plan pages (二.1–二.3, Q6): list, draw up, fill in the grid, decide, draw Q1 batches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors, decision_forms
from dairy_campaign.views.lists import ScopedListView

from ..filters_plans import PlanFilter
from ..forms_plans import PlanDecisionForm, PlanForm, PlannedCountsForm, PlanSubmitForm
from ..models import Lot, PlanLine, PlanStatus, Rule, SamplingPlan
from ..services.plans import (
    PLAN_DECISIONS,
    line_minimum,
    may_write_plan,
    plan_actions_for,
    plan_create,
    plan_decide,
    plan_fill_minimums,
    plan_lines_set,
    q3_minimum,
    rules_drawn_up_by,
    shortfalls_of,
)
from ..services.selection import line_select, selections_verify

LINES_PER_PAGE = 100
SHORTFALLS_SHOWN = 50
ACTION_FORMS = {"submit": PlanSubmitForm, "approve": PlanDecisionForm, "refuse": PlanDecisionForm}
ACTION_LABELS = {
    "submit": gettext_lazy("Submit for approval"),
    "approve": gettext_lazy("Approve"),
    "refuse": gettext_lazy("Refuse and send back"),
}
BASE_LABELS = {
    Rule.Q1: gettext_lazy("batches bought in the period"),
    Rule.Q2: gettext_lazy("units"),
    Rule.Q3: gettext_lazy("farms"),
    Rule.Q4: gettext_lazy("weeks"),
    Rule.Q5: gettext_lazy("months"),
}


class PlanListView(ScopedListView):
    model = SamplingPlan
    filterset_class = PlanFilter
    template_name = "sampling/plan_list.html"
    related = ("jurisdiction", "agency", "created_by", "decided_by")
    export_name = "sampling-plans"
    export_columns = [
        (gettext_lazy("rule"), lambda p: p.get_rule_display()),
        (gettext_lazy("jurisdiction"), lambda p: p.jurisdiction.display_name),
        (gettext_lazy("department"), lambda p: str(p.agency)),
        (pgettext_lazy("period", "from"), lambda p: p.period_start),
        (pgettext_lazy("period", "until"), lambda p: p.period_end),
        (gettext_lazy("status"), lambda p: p.get_status_display()),
        (gettext_lazy("units"), lambda p: p.line_count),
        (gettext_lazy("planned samples"), lambda p: p.planned_total),
        (gettext_lazy("drawn up by"), lambda p: str(p.created_by)),
        (gettext_lazy("decided by"), lambda p: str(p.decided_by or "")),
        (gettext_lazy("decided at"), lambda p: p.decided_at),
        (gettext_lazy("notes"), lambda p: p.notes),
    ]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(line_count=Count("lines"), planned_total=Coalesce(Sum("lines__planned"), 0))
            .order_by(*SamplingPlan._meta.ordering)  # aggregating drops Meta.ordering
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_create=bool(rules_drawn_up_by(self.request.user)), **kwargs)


@login_required
def plan_new(request):
    if not rules_drawn_up_by(request.user):
        raise PermissionDenied(_("Sampling plans are drawn up by the departments that take the samples."))
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan drawn up from the register; fill in the planned counts."))
            return redirect("plan_detail", plan.pk)
    return render(request, "sampling/plan_form.html", {"form": form, "title": _("Draw up a sampling plan")})


def _visible(request, pk) -> SamplingPlan:
    return get_object_or_404(
        SamplingPlan.objects.visible_to(request.user).select_related(
            "jurisdiction", "agency", "created_by", "decided_by"
        ),
        pk=pk,
    )


def _page_number(request):
    return request.POST.get("page") or request.GET.get("page") or 1


def _rows(plan, lines, grid, *, editable):
    """One row per line shown: its minimum, its input, and for Q1 the batches drawn."""
    drawn_ids = {pk for line in lines for pk in line.selected_lot_ids or []}
    lots = Lot.objects.in_bulk(drawn_ids) if drawn_ids else {}
    verified = selections_verify(lines) if plan.rule == Rule.Q1 else {}
    rows = []
    for line in lines:
        minimum = None if plan.rule == Rule.Q3 else line_minimum(plan.rule, line)
        key = PlannedCountsForm.key(line.pk)
        rows.append(
            {
                "line": line,
                "minimum": minimum,
                "short": minimum is not None and line.planned < minimum,
                "field": grid[key] if editable and key in grid.fields else None,
                "lots": [lots[pk] for pk in line.selected_lot_ids or [] if pk in lots],
                "verified": verified.get(line.pk),
            }
        )
    return rows


def _detail(request, plan, *, grid=None, bound=None, bound_action=None, status=200):
    writer = may_write_plan(request.user, plan)
    lines = list(
        plan.lines.select_related("operator__county", "vehicle__owner").order_by("id")
    )  # every line: the minimums are the plan's, whatever page is shown
    for line in lines:
        line.plan = plan
    shortfalls = shortfalls_of(plan.rule, lines)
    page = Paginator(lines, LINES_PER_PAGE).get_page(_page_number(request))
    editable = writer and plan.editable
    if grid is None or not editable:
        grid = PlannedCountsForm(lines=page.object_list)
    actions = decision_forms(
        plan_actions_for(request.user, plan, writer=writer),
        ACTION_LABELS,
        lambda name: ACTION_FORMS[name](prefix=name),
        bound=bound,
        bound_action=bound_action,
    )
    farms_sampled = sum(1 for line in lines if line.planned >= 1)
    page_sampled = sum(1 for line in page.object_list if line.planned >= 1)
    return render(
        request,
        "sampling/plan_detail.html",
        {
            "plan": plan,
            "rows": _rows(plan, page.object_list, grid, editable=editable),
            "grid": grid,
            "page_obj": page,
            "querystring": "",
            "line_count": len(lines),
            "planned_total": sum(line.planned for line in lines),
            "base_label": BASE_LABELS[plan.rule],
            "shortfalls": shortfalls[:SHORTFALLS_SHOWN],
            "shortfall_count": len(shortfalls),
            "missing_total": sum(s.missing for s in shortfalls),
            "q3": {
                "farms": len(lines),
                "need": q3_minimum(len(lines)),
                "sampled": farms_sampled,
                "elsewhere": farms_sampled - page_sampled,
            }
            if plan.rule == Rule.Q3
            else None,
            "editable": editable,
            "may_draw": writer and plan.rule == Rule.Q1 and plan.status == PlanStatus.APPROVED,
            "actions": actions,
            "open_action": bound_action,
            "changes": state_changes(plan),
        },
        status=status,
    )


@login_required
def plan_detail(request, pk):
    return _detail(request, _visible(request, pk))


def _back(plan, page=None, anchor=""):
    url = reverse("plan_detail", args=[plan.pk])
    if page and str(page) != "1":
        url += f"?page={page}"
    return redirect(url + anchor)


@login_required
@require_POST
def plan_lines(request, pk):
    """The grid: every line's planned count shown on the page, posted together."""
    plan = _visible(request, pk)
    if not may_write_plan(request.user, plan):
        raise PermissionDenied(_("This plan is kept by another department."))
    ids = PlannedCountsForm.line_ids(request.POST)
    lines = list(plan.lines.select_related("operator", "vehicle").filter(pk__in=ids).order_by("id"))
    form = PlannedCountsForm(request.POST, lines=lines)
    if form.is_valid():
        try:
            changed = plan_lines_set(actor=request.user, plan=plan, planned=form.planned())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Planned counts saved (%(n)s changed).") % {"n": changed})
            return _back(plan, request.POST.get("page"))
    return _detail(request, plan, grid=form, status=400)


@login_required
@require_POST
def plan_fill(request, pk):
    """Q6: raise every line below its minimum to the minimum."""
    plan = _visible(request, pk)
    try:
        changed = plan_fill_minimums(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Minimums filled in on %(n)s lines.") % {"n": changed})
    return _back(plan)


@login_required
@require_POST
def plan_decide_view(request, pk, action):
    plan = _visible(request, pk)
    if action not in PLAN_DECISIONS:
        raise Http404
    if action not in plan_actions_for(request.user, plan):
        raise PermissionDenied(_("This decision is not yours to take now."))
    form = ACTION_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        try:
            plan_decide(actor=request.user, plan=plan, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded: %(label)s.") % {"label": ACTION_LABELS[action]})
            return _back(plan)
    plan.refresh_from_db()
    return _detail(request, plan, bound=form, bound_action=action, status=400)


@login_required
@require_POST
def line_select_view(request, pk):
    """Q1: draw the batches to sample for one producer."""
    line = get_object_or_404(PlanLine.objects.visible_to(request.user).select_related("plan"), pk=pk)
    try:
        line_select(actor=request.user, line=line)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Batches drawn for %(unit)s.") % {"unit": line.unit})
    return _back(line.plan, request.POST.get("page"), f"#line-{line.pk}")

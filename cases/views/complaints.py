"""Complaint and reward pages (P3): the list with its Excel export, the intake form, the
detail with the handling and reward decisions. The informant is shown through
`masking.informant_of` everywhere, so only the handling agency sees who told us."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors, decision_forms
from dairy_campaign.views.lists import ScopedListView

from ..filters_complaints import ComplaintFilter
from ..forms_complaints import (
    AnswerForm,
    AssignForm,
    ComplaintForm,
    RewardDecisionForm,
    RewardPayForm,
    RewardProposeForm,
    RewardRefuseForm,
    ToCaseForm,
)
from ..models import Complaint, Reward
from ..services.complaints import (
    annotate_overdue,
    complaint_actions_for,
    complaint_answer,
    complaint_assign,
    complaint_receive,
    complaint_to_case,
    is_overdue,
    may_handle,
    may_receive,
)
from ..services.masking import informant_of
from ..services.rewards import REWARD_DECISIONS, reward_actions_for, reward_decide, reward_propose, reward_refusal

ACTION_LABELS = {
    "answer": gettext_lazy("Answer"),
    "to-case": gettext_lazy("Turn into a case"),
    "assign": gettext_lazy("Re-route to another department"),
}
ACTION_FORMS = {"answer": AnswerForm, "to-case": ToCaseForm, "assign": AssignForm}
ACTION_SERVICES = {"answer": complaint_answer, "to-case": complaint_to_case, "assign": complaint_assign}
REWARD_LABELS = {
    "approve": gettext_lazy("Approve the reward"),
    "refuse": gettext_lazy("Refuse the reward"),
    "pay": gettext_lazy("Record the payment"),
}
REWARD_FORMS = {"approve": RewardDecisionForm, "refuse": RewardRefuseForm, "pay": RewardPayForm}


def complaint_export_columns(user) -> list:
    """The export's columns; the informant's go through `informant_of` for `user`."""

    def informant(key):
        return lambda c: informant_of(user, c)[key]

    return [
        (gettext_lazy("hotline"), lambda c: c.get_hotline_display()),
        (gettext_lazy("ticket number"), lambda c: c.ticket_number),
        (gettext_lazy("kind"), lambda c: c.get_kind_display()),
        (gettext_lazy("received at"), lambda c: c.received_at),
        (gettext_lazy("jurisdiction"), lambda c: c.jurisdiction.name),
        (gettext_lazy("party"), lambda c: c.operator.name if c.operator_id else c.party_name),
        (gettext_lazy("content"), lambda c: c.content),
        (gettext_lazy("informant"), informant("name")),
        (gettext_lazy("informant's phone"), informant("phone")),
        (gettext_lazy("informant's address"), informant("address")),
        (gettext_lazy("handling agency"), lambda c: c.assigned_agency.name),
        (gettext_lazy("handling deadline"), lambda c: c.deadline),
        (gettext_lazy("status"), lambda c: c.get_status_display()),
        (gettext_lazy("overdue"), lambda c: _("yes") if c.is_overdue else ""),
        (gettext_lazy("answered on"), lambda c: c.answered_on),
        (pgettext_lazy("complaint", "result"), lambda c: c.result),
    ]


class ComplaintListView(ScopedListView):
    model = Complaint
    filterset_class = ComplaintFilter
    template_name = "cases/complaint_list.html"
    related = ("jurisdiction", "assigned_agency", "operator")
    export_name = "complaints"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.export_columns = complaint_export_columns(request.user)

    def get_queryset(self):
        return annotate_overdue(super().get_queryset())

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_receive=may_receive(self.request.user), **kwargs)


@login_required
def complaint_new(request):
    """P3: a clerk records a ticket taken by phone, letter or in person."""
    if not may_receive(request.user):
        raise PermissionDenied(_("Your role does not record complaints."))
    form = ComplaintForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            complaint, created = complaint_receive(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                messages.success(request, _("Recorded and sent to %(agency)s.") % {"agency": complaint.assigned_agency})
            else:
                messages.warning(request, _("This ticket was already recorded; the stored record was kept."))
            return redirect("complaint_detail", complaint.pk)
    return render(request, "cases/complaint_form.html", {"form": form, "title": _("Record a complaint or tip-off")})


def _visible(request, pk) -> Complaint:
    return get_object_or_404(
        Complaint.objects.visible_to(request.user).select_related(
            "jurisdiction", "assigned_agency__jurisdiction", "operator", "case", "recorded_by"
        ),
        pk=pk,
    )


def _action_forms(user, complaint, bound=None, bound_action=None) -> list[dict]:
    def make(name):
        kwargs = {"complaint": complaint} if name == "assign" else {}
        return ACTION_FORMS[name](prefix=name, **kwargs)

    names = complaint_actions_for(user, complaint)
    return decision_forms(names, ACTION_LABELS, make, bound=bound, bound_action=bound_action)


def _reward_forms(user, reward, bound=None, bound_action=None) -> list[dict]:
    if reward is None:
        return []
    return decision_forms(
        reward_actions_for(user, reward),
        REWARD_LABELS,
        lambda name: REWARD_FORMS[name](prefix=name),
        bound=bound,
        bound_action=bound_action,
    )


def _detail(request, complaint, *, bound=None, bound_action=None, status=200):
    reward = Reward.objects.filter(complaint=complaint).select_related("proposed_by", "approved_by").first()
    is_reward_action = bound_action in REWARD_DECISIONS
    return render(
        request,
        "cases/complaint_detail.html",
        {
            "complaint": complaint,
            "informant": informant_of(request.user, complaint),
            "overdue": is_overdue(complaint),
            "actions": _action_forms(request.user, complaint, *((bound, bound_action) if not is_reward_action else ())),
            "open_action": bound_action,
            "changes": state_changes(complaint),
            "reward": reward,
            "reward_actions": _reward_forms(request.user, reward, *((bound, bound_action) if is_reward_action else ())),
            "reward_changes": state_changes(reward) if reward else [],
            "may_propose_reward": reward is None
            and may_handle(request.user, complaint)
            and reward_refusal(complaint) is None,
        },
        status=status,
    )


@login_required
def complaint_detail(request, pk):
    return _detail(request, _visible(request, pk))


@login_required
@require_POST
def complaint_act(request, pk, action):
    complaint = _visible(request, pk)
    if action not in ACTION_SERVICES:
        raise Http404
    if action not in complaint_actions_for(request.user, complaint):
        raise PermissionDenied(_("This decision is not yours to take now."))
    kwargs = {"complaint": complaint} if action == "assign" else {}
    form = ACTION_FORMS[action](request.POST, prefix=action, **kwargs)
    if form.is_valid():
        try:
            ACTION_SERVICES[action](actor=request.user, complaint=complaint, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded: %(label)s.") % {"label": ACTION_LABELS[action]})
            return redirect("complaint_detail", complaint.pk)
    complaint.refresh_from_db()
    return _detail(request, complaint, bound=form, bound_action=action, status=400)


@login_required
def reward_propose_view(request, pk):
    """P3: the handling department proposes a reward for a tip-off turned into a case."""
    complaint = _visible(request, pk)
    if not may_handle(request.user, complaint):
        raise PermissionDenied(_("Only the handling department proposes a reward for this tip-off."))
    form = RewardProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reward_propose(actor=request.user, complaint=complaint, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Reward proposed; a reviewer of your department decides on it."))
            return redirect("complaint_detail", complaint.pk)
    status = 400 if request.method == "POST" else 200
    title = _("Propose a reward for tip-off %(ticket)s") % {"ticket": complaint}
    return render(
        request,
        "cases/reward_form.html",
        {"form": form, "title": title, "complaint": complaint, "refusal": reward_refusal(complaint)},
        status=status,
    )


@login_required
@require_POST
def reward_act(request, pk, action):
    reward = get_object_or_404(Reward.objects.visible_to(request.user).select_related("complaint"), pk=pk)
    if action not in REWARD_DECISIONS:
        raise Http404
    if action not in reward_actions_for(request.user, reward):
        raise PermissionDenied(_("This decision is not yours to take now."))
    form = REWARD_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        try:
            reward_decide(actor=request.user, reward=reward, decision=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded: %(label)s.") % {"label": REWARD_LABELS[action]})
            return redirect("complaint_detail", reward.complaint_id)
    return _detail(request, _visible(request, reward.complaint_id), bound=form, bound_action=action, status=400)

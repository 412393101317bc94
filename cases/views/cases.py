"""Case pages (C2): list, clue, detail with its decisions, police referrals, evidence and
task force. Every page starts from `visible_to(user)`; the services decide who acts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.choices import AgencyKind
from dairy_campaign.ownership import DECIDE_ROLES
from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors, decision_forms
from dairy_campaign.views.lists import ScopedListView
from licensing.models import Operator

from ..filters import CaseFilter, PoliceReferralFilter, late_referral_exists
from ..forms import POLICE_FORMS, CaseNewForm, EvidenceForm, PoliceReferForm, TaskForceForm, action_form
from ..models import Case, Evidence, PoliceReferral, Violation
from ..rules import referral_limit_days
from ..services.cases import (
    case_act,
    case_actions_for,
    case_create,
    case_task_force,
    is_case_reviewer,
    is_case_writer,
    may_attach_evidence,
    may_form_task_force,
    may_open_cases,
)
from ..services.evidence import evidence_attach, evidence_verify
from ..services.police import POLICE_ANSWERS, may_refer, police_answers_for, police_refer, with_late_flag

ACTION_LABELS = {
    "file": gettext_lazy("File the case (立案)"),
    "dismiss": gettext_lazy("Do not file"),
    "investigate": gettext_lazy("Start the investigation"),
    "decide": gettext_lazy("Decide the penalty"),
    "close": gettext_lazy("Close the case"),
    "propose_cancellation": gettext_lazy("Propose licence cancellation to the issuing department"),
}
ANSWER_LABELS = {"accept": gettext_lazy("Accept (立案)"), "return": gettext_lazy("Return")}
VIOLATION_LABELS = dict(Violation.choices)


def violations_text(case: Case) -> str:
    return "; ".join(str(VIOLATION_LABELS.get(v, v)) for v in case.violations or [])


class CaseListView(ScopedListView):
    model = Case
    filterset_class = CaseFilter
    template_name = "cases/case_list.html"
    related = ("agency", "jurisdiction", "operator")
    export_name = "cases"
    export_columns = [
        (gettext_lazy("case number"), lambda c: c.number),
        (gettext_lazy("title"), lambda c: c.title),
        (gettext_lazy("department"), lambda c: str(c.agency)),
        (gettext_lazy("jurisdiction"), lambda c: c.jurisdiction.display_name),
        (gettext_lazy("party"), lambda c: c.party),
        (gettext_lazy("source"), lambda c: c.get_source_kind_display()),
        (gettext_lazy("violations"), violations_text),
        (gettext_lazy("status"), lambda c: c.get_status_display()),
        (gettext_lazy("major case"), lambda c: _("yes") if c.major else ""),
        (gettext_lazy("cross-region case"), lambda c: _("yes") if c.cross_region else ""),
        (gettext_lazy("clue received at"), lambda c: c.clue_at),
        (gettext_lazy("filed on"), lambda c: c.filed_on),
        (gettext_lazy("decision"), lambda c: c.get_decision_display()),
        (gettext_lazy("fine (yuan)"), lambda c: c.fine_amount),
        (gettext_lazy("decided on"), lambda c: c.decided_on),
        (gettext_lazy("decision document number"), lambda c: c.decision_number),
        (gettext_lazy("closed on"), lambda c: c.closed_on),
        (gettext_lazy("late police referral"), lambda c: _("yes") if c.late_referral else ""),
    ]

    def get_queryset(self):
        return super().get_queryset().annotate(late_referral=late_referral_exists())

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_open=may_open_cases(self.request.user), **kwargs)


def _visible_case(request, pk) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related("agency", "jurisdiction", "operator", "created_by"),
        pk=pk,
    )


def action_forms(user, case, bound=None, bound_action=None) -> list[dict]:
    return decision_forms(
        case_actions_for(user, case),
        ACTION_LABELS,
        lambda name: action_form(name, case=case, user=user),
        bound=bound,
        bound_action=bound_action,
    )


def _detail_context(request, case: Case, **extra) -> dict:
    user = request.user
    referrals = list(with_late_flag(case.police_referrals.select_related("police_unit", "referred_by")))
    for referral in referrals:
        referral.answers = [(a, ANSWER_LABELS[a]) for a in police_answers_for(user, referral)]
    evidence = list(case.evidence.select_related("attached_by"))
    # Re-reading every file is slow for large scans: the check runs when asked for.
    verify = request.GET.get("verify") == "1"
    for item in evidence:
        item.verified = evidence_verify(item) if verify else None
    task_force = getattr(case, "task_force", None)
    return {
        "case": case,
        "violation_labels": [VIOLATION_LABELS.get(v, v) for v in case.violations or []],
        "actions": action_forms(user, case),
        "changes": state_changes(case),
        "referrals": referrals,
        "referral_limit": referral_limit_days(case.agency.kind),
        "evidence": evidence,
        "task_force": task_force,
        "task_force_members": task_force.members.select_related("agency") if task_force else [],
        "may_refer": may_refer(user, case),
        "may_attach": may_attach_evidence(user, case),
        "may_form_task_force": may_form_task_force(user, case),
        **extra,
    }


@login_required
def case_detail(request, pk):
    case = _visible_case(request, pk)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_act_view(request, pk, action):
    case = _visible_case(request, pk)
    if action not in case_actions_for(request.user, case):
        raise PermissionDenied(_("This decision is not yours to take now."))
    form = action_form(action, case=case, user=request.user, data=request.POST)
    if form.is_valid():
        try:
            case_act(actor=request.user, case=case, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded: %(label)s.") % {"label": ACTION_LABELS[action]})
            return redirect("case_detail", case.pk)
    case.refresh_from_db()
    context = _detail_context(request, case, open_action=action)
    context["actions"] = action_forms(request.user, case, form, action)
    return render(request, "cases/case_detail.html", context, status=400)


def _form_page(request, form, title, case=None, status=200):
    return render(request, "cases/case_form.html", {"form": form, "title": title, "case": case}, status=status)


@login_required
def case_new(request):
    """C2: a clue typed in by hand."""
    if not may_open_cases(request.user):
        raise PermissionDenied(_("Clues are recorded by writing members of an enforcement department."))
    operator = None
    if request.GET.get("operator", "").isdigit():
        operator = Operator.objects.visible_to(request.user).filter(pk=request.GET["operator"]).first()
    form = CaseNewForm(request.POST or None, user=request.user, operator=operator)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_create(actor=request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Clue recorded as %(number)s.") % {"number": case.number})
            return redirect("case_detail", case.pk)
    return _form_page(request, form, _("New clue"))


@login_required
def case_police_refer(request, pk):
    """C2: transfer to the police, with the transfer documents."""
    case = _visible_case(request, pk)
    if not is_case_reviewer(request.user, case):
        raise PermissionDenied(_("Only reviewers of the department handling the case take this decision."))
    form = PoliceReferForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            police_refer(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Case transferred to the police."))
            return redirect("case_detail", case.pk)
    return _form_page(request, form, _("Transfer to the police: %(case)s") % {"case": case}, case)


class PoliceReferralListView(ScopedListView):
    """C2: referrals in the user's jurisdiction; a police user sees those sent to its unit."""

    model = PoliceReferral
    filterset_class = PoliceReferralFilter
    template_name = "cases/police_referral_list.html"
    related = ("case__agency", "case__jurisdiction", "police_unit")
    export_name = "police-referrals"
    export_columns = [
        (gettext_lazy("case number"), lambda r: r.case.number),
        (gettext_lazy("title"), lambda r: r.case.title),
        (gettext_lazy("department"), lambda r: str(r.case.agency)),
        (gettext_lazy("receiving police unit"), lambda r: str(r.police_unit)),
        (gettext_lazy("referred on"), lambda r: r.referred_on),
        (gettext_lazy("transfer document number"), lambda r: r.document_number),
        (gettext_lazy("days from clue to referral"), lambda r: r.days_from_clue),
        (gettext_lazy("late referral"), lambda r: _("yes") if r.late else ""),
        (gettext_lazy("status"), lambda r: r.get_status_display()),
        (gettext_lazy("police case number"), lambda r: r.police_case_number),
        (gettext_lazy("answered on"), lambda r: r.answered_on),
    ]

    def get_queryset(self):
        queryset = with_late_flag(super().get_queryset())
        user = self.request.user
        if not user.is_superuser and getattr(user, "kind", None) == AgencyKind.PSB:
            queryset = queryset.filter(police_unit_id=user.agency_id)
        return queryset

    def get_context_data(self, **kwargs):
        user = self.request.user
        incoming = not user.is_superuser and getattr(user, "kind", None) == AgencyKind.PSB
        answering_unit = user.agency_id if incoming and user.role in DECIDE_ROLES else None
        return super().get_context_data(incoming=incoming, answering_unit=answering_unit, **kwargs)


@login_required
def police_answer(request, pk, answer):
    """C2: the receiving police unit accepts or returns a transfer."""
    if answer not in POLICE_ANSWERS:
        raise Http404
    referral = get_object_or_404(
        PoliceReferral.objects.visible_to(request.user).select_related("case", "police_unit"), pk=pk
    )
    if answer not in police_answers_for(request.user, referral):
        raise PermissionDenied(_("Only the receiving police unit answers a transfer."))
    form = POLICE_FORMS[answer](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            POLICE_ANSWERS[answer](actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Answer recorded."))
            return redirect("police_referral_list")
    title = f"{ANSWER_LABELS[answer]}: {referral.case.number} {referral.case.title}"
    return render(request, "cases/police_answer.html", {"form": form, "title": title, "referral": referral})


@login_required
def case_evidence_add(request, pk):
    """C2: attach a piece of evidence (kept with its SHA-256, never changed)."""
    case = _visible_case(request, pk)
    if not is_case_writer(request.user, case):
        raise PermissionDenied(_("Only the department handling the case adds to it."))
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_attach(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Evidence attached."))
            return redirect("case_detail", case.pk)
    return _form_page(request, form, _("Attach evidence: %(case)s") % {"case": case}, case)


@login_required
def evidence_file(request, pk):
    """The stored file, to anyone who sees the case."""
    evidence = get_object_or_404(Evidence.objects.filter(case__in=Case.objects.visible_to(request.user)), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment=evidence.content_type == "application/pdf",
        filename=evidence.file.name.rsplit("/", 1)[-1],
    )


@login_required
def case_task_force_view(request, pk):
    """C2: form (or change) the case's task force."""
    case = _visible_case(request, pk)
    if not is_case_reviewer(request.user, case):
        raise PermissionDenied(_("Only reviewers of the department handling the case take this decision."))
    form = TaskForceForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            case_task_force(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Task force saved."))
            return redirect("case_detail", case.pk)
    return _form_page(request, form, _("Task force: %(case)s") % {"case": case}, case)

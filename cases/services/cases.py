"""C2 (三.2): a case after its clue: filed (立案), investigated, decided, closed, or not
filed; task forces (专案组) for filed cases.

Every decision is taken by a reviewer of the department handling the case (the case's
`agency`), through `transition` with CASE_FLOW, and is logged with who, when, why and the
document number. Licence cancellation is decided through the licensing services, by the
department that issued the licence (see `case_decide`).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dairy_campaign.choices import AgencyKind
from dairy_campaign.models import User
from dairy_campaign.ownership import DECIDE_ROLES, WRITE_ROLES
from dairy_campaign.scoping import user_scope_prefix
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify_agencies
from dairy_campaign.transitions import transition
from licensing.models import Licence, LicenceStatus, Operator
from licensing.models.choices import SELLERS
from licensing.services.licences import licence_withdraw, seller_cancel_for_over_limit

from ..models import Case, CaseStatus, Decision, PoliceReferralStatus, SourceKind, TaskForce, Violation
from .clues import case_open_clue

S = CaseStatus
CASE_FLOW = {
    S.CLUE: frozenset({S.FILED, S.DISMISSED}),
    S.FILED: frozenset({S.INVESTIGATING, S.CLOSED}),
    S.INVESTIGATING: frozenset({S.DECIDED, S.CLOSED}),
    S.DECIDED: frozenset({S.CLOSED}),
}

# The enforcement departments that handle administrative cases. Food-safety offices
# oversee (listed supervision), the police receive referrals, governments lead sweeps.
CASE_KINDS = frozenset({AgencyKind.QTS, AgencyKind.AIC, AgencyKind.FDA, AgencyKind.AGR, AgencyKind.CIQ})

# Clues typed in by hand; the other sources reach `case_open_clue` from their own app.
MANUAL_SOURCES = frozenset({SourceKind.DEPARTMENT, SourceKind.COMPLAINT})

LICENCES_IN_FORCE = (LicenceStatus.GRANTED, LicenceStatus.UNDER_REVIEW, LicenceStatus.RECTIFYING)
OPEN_REFERRALS = (PoliceReferralStatus.REFERRED, PoliceReferralStatus.ACCEPTED)
TASK_FORCE_STATES = frozenset({S.FILED, S.INVESTIGATING})
CLOSED_STATES = frozenset({S.CLOSED, S.DISMISSED})
CENT = Decimal("0.01")


# ---------------------------------------------------------------------------------------
# Who may do what


def may_open_cases(actor) -> bool:
    """Writers of an enforcement department record clues in its name."""
    if not actor.is_authenticated or actor.agency_id is None:
        return False
    if actor.agency.kind not in CASE_KINDS:
        return False
    return actor.is_superuser or actor.role in WRITE_ROLES


def _handles(actor, case: Case) -> bool:
    """The actor belongs to the department handling the case (a superuser acts for any)."""
    if not actor.is_authenticated:
        return False
    # A list annotates `user_may_edit` for its rows (one query for the page).
    editable = getattr(case, "user_may_edit", None)
    if editable is None:
        editable = Case.objects.editable_by(actor).filter(pk=case.pk).exists()
    if not editable:
        return False
    return actor.is_superuser or actor.agency_id == case.agency_id


def is_case_writer(actor, case: Case) -> bool:
    return _handles(actor, case)


def is_case_reviewer(actor, case: Case) -> bool:
    return _handles(actor, case) and (actor.is_superuser or actor.role in DECIDE_ROLES)


def may_attach_evidence(actor, case: Case) -> bool:
    return case.status not in CLOSED_STATES and is_case_writer(actor, case)


def may_form_task_force(actor, case: Case) -> bool:
    return case.status in TASK_FORCE_STATES and is_case_reviewer(actor, case)


def require_case_writer(actor, case: Case):
    if not is_case_writer(actor, case):
        raise PermissionDenied(_("Only the department handling the case adds to it."))


def require_case_reviewer(actor, case: Case):
    if not is_case_reviewer(actor, case):
        raise PermissionDenied(_("Only reviewers of the department handling the case take this decision."))


def _current(case: Case):
    """Lock the case row; a decision taken meanwhile by someone else refuses this one."""
    status = Case.objects.select_for_update().filter(pk=case.pk).values_list("status", flat=True).first()
    if status != case.status:
        raise ValidationError(_("The case changed meanwhile; reload it and decide again."))


def _checked_violations(violations) -> list[str]:
    values = sorted(set(violations or []))
    unknown = set(values) - set(Violation.values)
    if unknown:
        raise ValidationError({"violations": _("Unknown violation types: %s") % ", ".join(sorted(unknown))})
    return values


# ---------------------------------------------------------------------------------------
# Clue


@transaction.atomic
def case_create(
    *,
    actor,
    title: str,
    facts: str,
    jurisdiction,
    source_kind: str = SourceKind.DEPARTMENT,
    source_label: str = "",
    operator: Operator | None = None,
    party_name: str = "",
    violations: list[str] | None = None,
    major: bool = False,
    cross_region: bool = False,
) -> Case:
    """C2: a clue typed in by hand, for the actor's own department: handed over by another
    department, or a complaint or tip-off received outside the hotline systems."""
    if not may_open_cases(actor):
        raise PermissionDenied(_("Clues are recorded by writing members of an enforcement department."))
    if source_kind not in MANUAL_SOURCES:
        raise ValidationError(
            {"source_kind": _("Inspections, lab results and sweeps open their cases from their own pages.")}
        )
    prefix = "" if actor.is_superuser else (user_scope_prefix(actor) or "-")
    if jurisdiction is None or not jurisdiction.code.startswith(prefix):
        raise ValidationError({"jurisdiction": _("Choose a jurisdiction within yours.")})
    if operator is not None and not Operator.objects.visible_to(actor).filter(pk=operator.pk).exists():
        raise ValidationError({"operator": _("Choose an operator within your jurisdiction.")})
    if not (title or "").strip() or not (facts or "").strip():
        raise ValidationError(_("Give the clue a title and its facts."))
    case = case_open_clue(
        actor=actor,
        agency=actor.agency,
        jurisdiction=jurisdiction,
        source_kind=source_kind,
        title=title.strip(),
        facts=facts.strip(),
        source_label=source_label.strip(),
        operator=operator,
        party_name="" if operator is not None else party_name.strip(),
        violations=violations,
    )
    if major or cross_region:
        case.major, case.cross_region = major, cross_region
        audited_save(case, actor=actor, reason=_("Major or cross-region case"))
    return case


# ---------------------------------------------------------------------------------------
# Lifecycle


def _move(case: Case, *, actor, to: str, reason: str, legal_basis: str = "", document_number: str = "", **changes):
    require_case_reviewer(actor, case)
    _current(case)
    return transition(
        obj=case,
        to=to,
        table=CASE_FLOW,
        actor=actor,
        reason=reason,
        legal_basis=legal_basis,
        document_number=document_number,
        **changes,
    )


@transaction.atomic
def case_file(
    *,
    actor,
    case: Case,
    reason: str,
    document_number: str,
    violations: list[str],
    legal_basis: str = "",
    major: bool | None = None,
    cross_region: bool | None = None,
) -> Case:
    """C2: the clue meets the filing conditions and is filed (立案), naming the suspected
    violations, under the number of the filing approval."""
    values = _checked_violations(violations)
    if not values:
        raise ValidationError({"violations": _("Name at least one suspected violation.")})
    if not (document_number or "").strip():
        raise ValidationError({"document_number": _("Give the number of the filing approval.")})
    changes = {"violations": values, "filed_on": local_today()}
    if major is not None:
        changes["major"] = major
    if cross_region is not None:
        changes["cross_region"] = cross_region
    _move(
        case,
        actor=actor,
        to=S.FILED,
        reason=reason,
        legal_basis=legal_basis,
        document_number=document_number.strip(),
        **changes,
    )
    return case


@transaction.atomic
def case_dismiss(*, actor, case: Case, reason: str, document_number: str = "") -> Case:
    """C2: the clue does not meet the filing conditions and is not filed, with the reason."""
    _move(case, actor=actor, to=S.DISMISSED, reason=reason, document_number=(document_number or "").strip())
    return case


@transaction.atomic
def case_investigate(*, actor, case: Case, reason: str) -> Case:
    """C2: investigation of the filed case starts: evidence collected and fixed."""
    _move(case, actor=actor, to=S.INVESTIGATING, reason=reason)
    return case


def _fine(amount) -> Decimal | None:
    """A fine in yuan, exact: a Decimal (or int, or numeric text), positive, to the fen."""
    if amount is None or amount == "":
        return None
    if isinstance(amount, (float, bool)):
        raise ValidationError({"fine_amount": _("Give the fine as an exact amount in yuan.")})
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation:
        raise ValidationError({"fine_amount": _("Give the fine as an exact amount in yuan.")}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({"fine_amount": _("A fine is a positive amount in yuan.")})
    if value != value.quantize(CENT):
        raise ValidationError({"fine_amount": _("A fine is given in yuan and fen, two decimals at most.")})
    return value.quantize(CENT)


def _check_penalties(decision: str, fine: Decimal | None, confiscated: str):
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose the decision.")})
    if decision == Decision.FINE and fine is None:
        raise ValidationError({"fine_amount": _("A fine is a positive amount in yuan.")})
    if decision == Decision.CONFISCATION and not confiscated:
        raise ValidationError({"confiscated": _("Name the goods and illegal gains confiscated.")})
    if decision == Decision.NO_PENALTY and (fine is not None or confiscated):
        raise ValidationError(_("A decision of no penalty carries no fine and no confiscation."))


def _issuer_refusal(licence: Licence) -> ValidationError:
    return ValidationError(
        {
            "licence": _(
                "A %(type)s is cancelled only by the department that issued it (%(issuer)s). "
                "Take your own decision and propose the cancellation to that department."
            )
            % {"type": licence.get_type_display(), "issuer": licence.issuing_agency}
        }
    )


def _l6_applies(case: Case) -> bool:
    """L6: a seller found selling over-limit dairy loses all its licences at once."""
    return case.operator.kind in SELLERS and Violation.OVER_LIMIT in (case.violations or [])


def _cancel_licences(
    case: Case, *, actor, licence: Licence | None, reason: str, legal_basis: str, document_number: str
):
    """Licence cancellation through the licensing services, which require the actor to be
    a reviewer of the issuing department. A case of another department is refused here
    with a clear message (nothing is cancelled); its reviewer proposes the cancellation to
    the issuing department instead (`case_propose_licence_cancellation`)."""
    if case.operator_id is None:
        raise ValidationError({"licence": _("Only a registered operator's licence can be cancelled.")})
    if licence is not None and licence.operator_id != case.operator_id:
        raise ValidationError({"licence": _("Choose a licence held by the party of the case.")})
    if _l6_applies(case):
        if not Operator.objects.editable_by(actor).filter(pk=case.operator_id).exists():
            issuer = licence or case.operator.licences.filter(status__in=LICENCES_IN_FORCE).first()
            if issuer is not None:
                raise _issuer_refusal(issuer)
            raise ValidationError({"licence": _("The seller's licences are cancelled by the department keeping it.")})
        seller_cancel_for_over_limit(
            actor=actor,
            seller=case.operator,
            reason=reason,
            document_number=document_number,
            legal_basis=legal_basis,
        )
        return
    if licence is None:
        raise ValidationError({"licence": _("Name the licence to cancel.")})
    if licence.status not in LICENCES_IN_FORCE:
        raise ValidationError({"licence": _("This licence is not in force.")})
    if not Licence.objects.editable_by(actor).filter(pk=licence.pk).exists():
        raise _issuer_refusal(licence)
    licence_withdraw(
        actor=actor,
        licence=licence,
        to=LicenceStatus.CANCELLED,
        reason=reason,
        legal_basis=legal_basis or _("C2: administrative case %(number)s") % {"number": case.number},
        document_number=document_number,
    )


@transaction.atomic
def case_decide(
    *,
    actor,
    case: Case,
    decision: str,
    reason: str,
    document_number: str,
    fine_amount=None,
    confiscated: str = "",
    licence: Licence | None = None,
    legal_basis: str = "",
) -> Case:
    """C2: the penalty decision (行政处罚决定), under its document number. A fine is a
    positive amount in yuan (a Decimal, never a float); confiscation names what is taken;
    licence cancellation goes through the licensing services (L6 for a seller that sold
    over-limit dairy: all its licences and its business licence)."""
    require_case_reviewer(actor, case)
    fine = _fine(fine_amount)
    confiscated = (confiscated or "").strip()
    _check_penalties(decision, fine, confiscated)
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError({"document_number": _("Give the number of the penalty decision.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for this decision.")})
    _current(case)
    if case.status != S.INVESTIGATING:
        # Checked before a licence is touched; `transition` checks again.
        raise ValidationError(_("Only a case under investigation is decided."))
    if decision == Decision.LICENCE_CANCELLATION:
        _cancel_licences(
            case,
            actor=actor,
            licence=licence,
            reason=reason,
            legal_basis=legal_basis,
            document_number=document_number,
        )
    _move(
        case,
        actor=actor,
        to=S.DECIDED,
        reason=reason,
        legal_basis=legal_basis,
        document_number=document_number,
        decision=decision,
        fine_amount=fine,
        confiscated=confiscated,
        decided_on=local_today(),
        decision_number=document_number,
    )
    return case


def police_took_over(case: Case) -> bool:
    prefetched = getattr(case, "_prefetched_objects_cache", {}).get("police_referrals")
    if prefetched is not None:  # a list prefetches them: no query per row
        return any(referral.status == PoliceReferralStatus.ACCEPTED for referral in prefetched)
    return case.police_referrals.filter(status=PoliceReferralStatus.ACCEPTED).exists()


@transaction.atomic
def case_close(*, actor, case: Case, reason: str) -> Case:
    """C2: the case is closed (结案): after its decision, or without one once the police
    accepted it as a criminal case."""
    if case.status in (S.FILED, S.INVESTIGATING) and not police_took_over(case):
        raise ValidationError(
            _("A case is closed after its decision, or once the police accepted it as a criminal case.")
        )
    _move(case, actor=actor, to=S.CLOSED, reason=reason, closed_on=local_today())
    return case


def mark_cancellable_elsewhere(actor, cases) -> None:
    """For a page of cases, one query: set `user_may_propose_cancellation` on each, which
    `case_actions_for` reads instead of asking `cancellable_elsewhere` case by case."""
    operators = {case.operator_id for case in cases if case.operator_id is not None}
    mine = Licence.objects.editable_by(actor).values("pk")
    found = set(
        Licence.objects.filter(operator_id__in=operators, status__in=LICENCES_IN_FORCE)
        .exclude(pk__in=mine)
        .order_by()
        .values_list("operator_id", flat=True)
    )
    for case in cases:
        case.user_may_propose_cancellation = case.operator_id in found


def _any_cancellable_elsewhere(actor, case: Case) -> bool:
    annotated = getattr(case, "user_may_propose_cancellation", None)  # set by a list
    return annotated if annotated is not None else cancellable_elsewhere(actor, case).exists()


def cancellable_elsewhere(actor, case: Case):
    """The party's licences in force that another department issued."""
    if case.operator_id is None:
        return Licence.objects.none()
    mine = Licence.objects.editable_by(actor).values("pk")
    return (
        Licence.objects.filter(operator_id=case.operator_id, status__in=LICENCES_IN_FORCE)
        .exclude(pk__in=mine)
        .select_related("issuing_agency")
    )


@transaction.atomic
def case_propose_licence_cancellation(*, actor, case: Case, licence: Licence, reason: str) -> Case:
    """C2/L1/L6: a department that does not issue the party's licence proposes its
    cancellation to the issuing department, which decides it on the licence's own page.
    The proposal is kept in the case's history and the issuing department is notified."""
    require_case_reviewer(actor, case)
    if case.status not in (S.INVESTIGATING, S.DECIDED):
        raise ValidationError(_("A cancellation is proposed while investigating or after the decision."))
    if not cancellable_elsewhere(actor, case).filter(pk=licence.pk).exists():
        raise ValidationError({"licence": _("Choose a licence in force of the party, issued by another department.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for this decision.")})
    text = _("Case %(number)s proposes cancelling %(licence)s of %(party)s: %(reason)s") % {
        "number": case.number,
        "licence": licence,
        "party": case.party,
        "reason": reason.strip(),
    }
    audited_save(case, actor=actor, reason=text)
    notify_agencies(
        agencies=[licence.issuing_agency],
        title=_("Licence cancellation proposed: %(licence)s") % {"licence": licence},
        body=text,
        url=reverse("licence_detail", args=[licence.pk]),
    )
    return case


# The decisions a reviewer takes on a case, by name, with the states each starts from.
# Pages and API offer exactly these.
CASE_ACTIONS = {
    "file": (frozenset({S.CLUE}), case_file),
    "dismiss": (frozenset({S.CLUE}), case_dismiss),
    "investigate": (frozenset({S.FILED}), case_investigate),
    "decide": (frozenset({S.INVESTIGATING}), case_decide),
    "close": (frozenset({S.DECIDED, S.FILED, S.INVESTIGATING}), case_close),
    "propose_cancellation": (frozenset({S.INVESTIGATING, S.DECIDED}), case_propose_licence_cancellation),
}


def case_actions_for(actor, case: Case) -> list[str]:
    """The decisions `actor` may take on `case` now (empty for anyone but its reviewers)."""
    if not is_case_reviewer(actor, case):
        return []
    names = [name for name, (states, _fn) in CASE_ACTIONS.items() if case.status in states]
    if "close" in names and case.status != S.DECIDED and not police_took_over(case):
        names.remove("close")
    if "propose_cancellation" in names and not _any_cancellable_elsewhere(actor, case):
        names.remove("propose_cancellation")
    return names


def case_act(*, actor, case: Case, action: str, **data):
    """Take the named decision through its service."""
    try:
        states, service = CASE_ACTIONS[action]
    except KeyError:
        raise ValidationError(_("Unknown decision.")) from None
    if case.status not in states:
        raise ValidationError(
            _("This decision is not open for a case that is %(status)s.") % {"status": case.get_status_display()}
        )
    return service(actor=actor, case=case, **data)


# ---------------------------------------------------------------------------------------
# Task force


def task_force_candidates(case: Case):
    """People who may sit on the case's task force: active members of any department at the
    case's jurisdiction or above, i.e. those who see the case (police and departments of a
    joint task force included)."""
    place = case.jurisdiction
    codes = [place.code] + [j.code for j in place.ancestors()]
    return User.objects.filter(is_active=True, agency__jurisdiction_id__in=codes).select_related("agency")


@transaction.atomic
def case_task_force(*, actor, case: Case, name: str, leader, members, formed_on: datetime.date) -> TaskForce:
    """C2: a task force (专案组) for a case that meets the filing conditions, with a leader
    among its members; forming it again changes its name, leader and members."""
    require_case_reviewer(actor, case)
    if case.status not in TASK_FORCE_STATES:
        raise ValidationError(_("A task force is formed for a filed case under investigation."))
    if not (name or "").strip():
        raise ValidationError({"name": _("Name the task force.")})
    if formed_on > local_today():
        raise ValidationError({"formed_on": _("The date cannot be in the future.")})
    if case.filed_on and formed_on < case.filed_on:
        raise ValidationError({"formed_on": _("A task force is formed once the case is filed.")})
    people = {u.pk: u for u in [*members, leader] if u is not None}
    if leader is None:
        raise ValidationError({"leader": _("Name the leader of the task force.")})
    allowed = set(task_force_candidates(case).filter(pk__in=list(people)).values_list("pk", flat=True))
    outsiders = [str(u) for pk, u in people.items() if pk not in allowed]
    if outsiders:
        raise ValidationError(
            {"members": _("Not able to work on this case: %(names)s") % {"names": ", ".join(sorted(outsiders))}}
        )
    task_force = TaskForce.objects.filter(case=case).first() or TaskForce(case=case)
    reason = _("Task force changed") if task_force.pk else _("Task force formed")
    task_force.name, task_force.leader, task_force.formed_on = name.strip(), leader, formed_on
    audited_save(task_force, actor=actor, reason=reason)
    task_force.members.set(list(people.values()))
    return task_force


def clue_local_date(case: Case) -> datetime.date:
    """The clue's date where the campaign runs (Asia/Shanghai), whatever the server's zone."""
    return timezone.localdate(case.clue_at)

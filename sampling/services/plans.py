"""Sampling plans (二.1–二.3): a department's planned counts per unit of the register, held
against the minimums of Q1–Q5 and approved only when every minimum is met (Q6)."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Jurisdiction, User
from dairy_campaign.ownership import DECIDE_ROLES, WRITE_ROLES
from dairy_campaign.scoping import scope_prefix, user_kind, user_scope_prefix
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.notifications import notify
from dairy_campaign.transitions import allowed, transition
from licensing.models import Operator, OperatorKind, OperatorStatus, Vehicle
from licensing.models.choices import PRODUCERS, SELLERS

from ..models import INTAKE_KINDS, Lot, PlanLine, PlanStatus, Rule, SamplingPlan
from ..rules import RULE_DEPARTMENTS, fifteen_percent_minimum, months_in, q5_minimum, week_starts

P = PlanStatus
PLAN_FLOW = {
    P.DRAFT: frozenset({P.SUBMITTED}),
    P.SUBMITTED: frozenset({P.APPROVED, P.REFUSED}),
    P.REFUSED: frozenset({P.SUBMITTED}),
}

# Units of the register are planned while in business; closed and banned ones are not.
IN_BUSINESS = (OperatorStatus.OPERATING, OperatorStatus.SUSPENDED)
K = OperatorKind
RULE_OPERATOR_KINDS: dict[str, frozenset[str]] = {
    Rule.Q1: PRODUCERS,
    Rule.Q2: frozenset({K.PURCHASE_STATION, K.FEED_MILL}),
    Rule.Q3: frozenset({K.DAIRY_FARM}),
    Rule.Q4: frozenset({K.DAIRY_PRODUCER}),
    Rule.Q5: SELLERS,
}
BATCH = 1000


# --- Q6: the minimums ------------------------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    """One unit (or, for Q3, the plan's farms together) planned below its rule's minimum."""

    rule: str
    unit: str
    minimum: int
    planned: int
    missing: int
    base: int = 0
    line_id: int | None = None

    @property
    def message(self) -> str:
        return shortfall_message(self)


def line_minimum(rule: str, line: PlanLine) -> int:
    """The least a line may plan under its rule (Q6):
    Q1 ceil(15%) of the producer's purchased batches; Q2 one per station, vehicle and mill;
    Q4 one a week; Q5 per the outlet's frequency (q5_minimum). Q3 is reckoned on the plan's
    farms together (see plan_shortfalls), so a single farm line has no minimum of its own."""
    if rule == Rule.Q1:
        return fifteen_percent_minimum(line.base)
    if rule == Rule.Q2:
        return 1
    if rule == Rule.Q3:
        return 0
    if rule == Rule.Q4:
        return line.base
    if rule == Rule.Q5:
        return q5_minimum(line.operator.kind, line.base)
    raise ValueError(f"unknown rule {rule!r}")


def q3_minimum(farms: int) -> int:
    """Q3: at least 15% of the scale dairy farms are sampled, by farm."""
    return fifteen_percent_minimum(farms)


def shortfalls_of(rule: str, lines: Iterable[PlanLine]) -> list[Shortfall]:
    """Q6: every unit below its minimum, with how many samples it lacks."""
    lines = list(lines)
    if rule == Rule.Q3:
        need = q3_minimum(len(lines))
        sampled = sum(1 for line in lines if line.planned >= 1)
        if sampled >= need:
            return []
        return [Shortfall(rule, _("scale farms"), need, sampled, need - sampled, base=len(lines))]
    found = []
    for line in lines:
        minimum = line_minimum(rule, line)
        if line.planned < minimum:
            found.append(
                Shortfall(rule, str(line.unit), minimum, line.planned, minimum - line.planned, line.base, line.pk)
            )
    return found


def plan_lines_with_units(plan: SamplingPlan):
    """The plan's lines with the units their minimums and messages read, in one query."""
    return plan.lines.select_related("operator", "vehicle").order_by("id")


def plan_shortfalls(plan: SamplingPlan) -> list[Shortfall]:
    """Q6: why the plan cannot be approved as it stands (empty when it can)."""
    return shortfalls_of(plan.rule, plan_lines_with_units(plan))


def _at_least(minimum: int) -> str:
    return ngettext("at least %(n)s sample", "at least %(n)s samples", minimum) % {"n": minimum}


def shortfall_message(s: Shortfall) -> str:
    """Q6: the refusal names the rule, the unit and by how much it falls short, e.g.
    "Q1: 江宁新鲜乳品有限公司 — 20 batches need at least 3 samples, 2 planned (1 short)."."""
    values = {
        "unit": s.unit,
        "base": s.base,
        "minimum": s.minimum,
        "planned": s.planned,
        "missing": s.missing,
        "samples": _at_least(s.minimum),
    }
    if s.rule == Rule.Q1:
        values["batches"] = ngettext("%(n)s batch", "%(n)s batches", s.base) % {"n": s.base}
        template = ngettext(
            "Q1: %(unit)s — %(batches)s needs %(samples)s, %(planned)s planned (%(missing)s short).",
            "Q1: %(unit)s — %(batches)s need %(samples)s, %(planned)s planned (%(missing)s short).",
            s.base,
        )
    elif s.rule == Rule.Q2:
        template = _(
            "Q2: %(unit)s — every raw-milk station, transport vehicle and feed mill is sampled at least once, "
            "%(planned)s planned (%(missing)s short)."
        )
    elif s.rule == Rule.Q3:
        template = ngettext(
            "Q3: %(base)s scale farm needs at least %(minimum)s sampled, %(planned)s planned (%(missing)s short).",
            "Q3: %(base)s scale farms need at least %(minimum)s sampled, %(planned)s planned (%(missing)s short).",
            s.base,
        )
    elif s.rule == Rule.Q4:
        values["weeks"] = ngettext("%(n)s week", "%(n)s weeks", s.base) % {"n": s.base}
        template = ngettext(
            "Q4: %(unit)s — %(weeks)s needs %(samples)s (one a week), %(planned)s planned (%(missing)s short).",
            "Q4: %(unit)s — %(weeks)s need %(samples)s (one a week), %(planned)s planned (%(missing)s short).",
            s.base,
        )
    else:
        values["months"] = ngettext("%(n)s month", "%(n)s months", s.base) % {"n": s.base}
        template = ngettext(
            "Q5: %(unit)s — %(months)s needs %(samples)s, %(planned)s planned (%(missing)s short).",
            "Q5: %(unit)s — %(months)s need %(samples)s, %(planned)s planned (%(missing)s short).",
            s.base,
        )
    return template % values


# --- who may do what -------------------------------------------------------------------


def department_of(rule: str) -> str:
    return RULE_DEPARTMENTS[rule]


def rules_drawn_up_by(user) -> list[str]:
    """The rules whose plans `user` draws up: those of its department, with a writing role."""
    if getattr(user, "agency_id", None) is None or getattr(user, "role", None) not in WRITE_ROLES:
        return []
    return [rule for rule in Rule.values if RULE_DEPARTMENTS[rule] == user_kind(user)]


def _require_department(actor, rule: str):
    if rule not in Rule.values:
        raise ValidationError({"rule": _("Choose one of the rules Q1–Q5.")})
    if rule not in rules_drawn_up_by(actor):
        raise PermissionDenied(
            _("%(rule)s plans are drawn up by %(department)s.")
            % {"rule": rule, "department": AgencyKind(department_of(rule)).label}
        )


def may_write_plan(actor, plan: SamplingPlan) -> bool:
    return SamplingPlan.objects.editable_by(actor).filter(pk=plan.pk).exists()


def _require_writer(actor, plan: SamplingPlan):
    if not may_write_plan(actor, plan):
        raise PermissionDenied(_("This plan is kept by another department."))


def _is_decider(actor, plan: SamplingPlan) -> bool:
    return (actor.is_superuser or actor.role in DECIDE_ROLES) and plan.created_by_id != actor.pk


def _require_decider(actor, plan: SamplingPlan):
    _require_writer(actor, plan)
    if not (actor.is_superuser or actor.role in DECIDE_ROLES):
        raise PermissionDenied(_("Only reviewers of the department approve or refuse a sampling plan."))
    if plan.created_by_id == actor.pk:
        raise PermissionDenied(_("A plan is decided by a reviewer other than the one who drew it up."))


def _require_editable(plan: SamplingPlan):
    if not plan.editable:
        raise ValidationError(
            _("The plan is %(status)s; planned counts change only in a draft or a refused plan.")
            % {"status": plan.get_status_display()}
        )


def plan_actions_for(actor, plan: SamplingPlan, *, writer: bool | None = None) -> list[str]:
    """The moves `actor` may make on `plan` now: submit, approve, refuse."""
    if writer is None:
        writer = may_write_plan(actor, plan)
    if not writer:
        return []
    if plan.editable:
        return ["submit"]
    if plan.status == P.SUBMITTED and _is_decider(actor, plan):
        return ["approve", "refuse"]
    return []


# --- building the lines from the register ----------------------------------------------


def _register_units(rule: str, jurisdiction: Jurisdiction, start: datetime.date, end: datetime.date):
    """{(operator id, vehicle id): base} of every unit the rule covers in the jurisdiction."""
    prefix = scope_prefix(jurisdiction.code)
    operators = Operator.objects.filter(
        county__code__startswith=prefix, kind__in=RULE_OPERATOR_KINDS[rule], status__in=IN_BUSINESS
    )
    if rule == Rule.Q3:
        operators = operators.filter(scale_farm=True)
    ids = list(operators.order_by("county_id", "name", "id").values_list("id", flat=True))
    base = {Rule.Q2: 1, Rule.Q3: 1, Rule.Q4: len(week_starts(start, end)), Rule.Q5: months_in(start, end)}
    if rule == Rule.Q1:
        counts = intake_counts(ids, start, end)
        units = {(pk, None): counts.get(pk, 0) for pk in ids}
    else:
        units = {(pk, None): base[rule] for pk in ids}
    if rule == Rule.Q2:
        vehicles = Vehicle.objects.filter(owner__county__code__startswith=prefix, owner__status__in=IN_BUSINESS)
        units.update({(None, pk): 1 for pk in vehicles.order_by("plate").values_list("id", flat=True)})
    return units


def intake_counts(operator_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Q1: purchased raw-milk and milk-powder batches per producer, dated in [start, end]."""
    rows = (
        Lot.objects.filter(kind__in=INTAKE_KINDS, operator_id__in=list(operator_ids), dated__range=(start, end))
        .order_by()
        .values("operator_id")
        .annotate(n=Count("id"))
    )
    return {row["operator_id"]: row["n"] for row in rows}


def _sync_lines(plan: SamplingPlan, *, actor, reason: str) -> None:
    """Bring the plan's lines up to the register: units registered since join it with nothing
    planned, and Q1 bases count every batch recorded in the period so far."""
    units = _register_units(plan.rule, plan.jurisdiction, plan.period_start, plan.period_end)
    existing = {(line.operator_id, line.vehicle_id): line for line in plan.lines.all()}
    if plan.rule == Rule.Q1:
        # Producers closed since keep their line; their batches in the period still count.
        gone = {key[0] for key in existing if key not in units}
        counts = intake_counts(gone, plan.period_start, plan.period_end) if gone else {}
        stale = {key: units[key] if key in units else counts.get(key[0], 0) for key in existing}
    else:
        stale = {key: units[key] for key in existing if key in units}
    changed = []
    for key, base in stale.items():
        line = existing[key]
        if line.base != base:
            line.base = base
            changed.append(line)
    new = [
        PlanLine(plan=plan, operator_id=operator_id, vehicle_id=vehicle_id, base=base)
        for (operator_id, vehicle_id), base in units.items()
        if (operator_id, vehicle_id) not in existing
    ]
    if new:
        bulk_create_with_history(new, PlanLine, batch_size=BATCH, default_user=actor, default_change_reason=reason)
    if changed:
        bulk_update_with_history(
            changed, PlanLine, ["base"], batch_size=BATCH, default_user=actor, default_change_reason=reason
        )


# --- the services ----------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor,
    rule: str,
    jurisdiction: Jurisdiction,
    period_start: datetime.date,
    period_end: datetime.date,
    notes: str = "",
) -> SamplingPlan:
    """Draw up a plan for one rule: a line for every unit the rule covers in the jurisdiction
    (Q1 producers with their batches in the period, Q2 stations, vehicles and feed mills,
    Q3 scale farms, Q4 dairy producers with the weeks, Q5 outlets with the months), each
    with nothing planned until the department fills in its counts."""
    _require_department(actor, rule)
    if not jurisdiction.code.startswith(user_scope_prefix(actor) or "-"):
        raise ValidationError({"jurisdiction": _("Choose a jurisdiction within yours.")})
    plan = SamplingPlan(
        jurisdiction=jurisdiction,
        agency=actor.agency,
        rule=rule,
        period_start=period_start,
        period_end=period_end,
        notes=notes.strip(),
        created_by=actor,
    )
    plan.full_clean()
    twin = SamplingPlan.objects.filter(
        agency=plan.agency, rule=rule, jurisdiction=jurisdiction, period_start=period_start, period_end=period_end
    ).exclude(status=P.REFUSED)
    if twin.exists():
        raise ValidationError(_("Your department already has a plan for this rule, jurisdiction and period."))
    audited_save(plan, actor=actor, reason=_("Plan drawn up"))
    _sync_lines(plan, actor=actor, reason=_("Built from the register"))
    return plan


def _check_planned(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(_("A planned count is a whole number, zero or more."))
    return value


@transaction.atomic
def plan_line_set(*, actor, line: PlanLine, planned: int) -> PlanLine:
    """Set one unit's planned count, in a draft or refused plan."""
    plan = line.plan
    _require_writer(actor, plan)
    _require_editable(plan)
    line.planned = _check_planned(planned)
    return audited_save(line, actor=actor, reason=_("Planned count set"))


@transaction.atomic
def plan_lines_set(*, actor, plan: SamplingPlan, planned: Mapping[int, int]) -> int:
    """Set many units' planned counts at once ({line id: count}); returns how many changed."""
    _require_writer(actor, plan)
    _require_editable(plan)
    counts = {int(pk): _check_planned(value) for pk, value in planned.items()}
    lines = list(plan.lines.filter(pk__in=list(counts)))
    if len(lines) != len(counts):
        raise ValidationError(_("Some lines are not lines of this plan."))
    changed = [line for line in lines if line.planned != counts[line.pk]]
    for line in changed:
        line.planned = counts[line.pk]
    if changed:
        bulk_update_with_history(
            changed,
            PlanLine,
            ["planned"],
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=_("Planned counts set"),
        )
    return len(changed)


@transaction.atomic
def plan_fill_minimums(*, actor, plan: SamplingPlan) -> int:
    """Raise every line below its minimum to the minimum (Q6), after bringing the lines up to
    the register. For Q3 the farms still short are taken largest herd first. Returns how
    many lines changed."""
    _require_writer(actor, plan)
    _require_editable(plan)
    _sync_lines(plan, actor=actor, reason=_("Brought up to the register"))
    lines = list(plan_lines_with_units(plan))
    changed = []
    if plan.rule == Rule.Q3:
        short = q3_minimum(len(lines)) - sum(1 for line in lines if line.planned >= 1)
        idle = sorted(
            (line for line in lines if line.planned == 0),
            key=lambda line: (-(line.operator.herd_size or 0), line.operator.name, line.pk),
        )
        changed = idle[: max(short, 0)]
        for line in changed:
            line.planned = 1
    else:
        for line in lines:
            minimum = line_minimum(plan.rule, line)
            if line.planned < minimum:
                line.planned = minimum
                changed.append(line)
    if changed:
        bulk_update_with_history(
            changed,
            PlanLine,
            ["planned"],
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=_("Minimums filled in"),
        )
    return len(changed)


def _plan_url(plan: SamplingPlan) -> str:
    return reverse("plan_detail", args=[plan.pk])


@transaction.atomic
def plan_submit(*, actor, plan: SamplingPlan, reason: str = "") -> SamplingPlan:
    """Send a draft (or a refused plan, corrected) to the department's reviewers."""
    _require_writer(actor, plan)
    _require_editable(plan)
    _sync_lines(plan, actor=actor, reason=_("Brought up to the register"))
    transition(obj=plan, to=P.SUBMITTED, table=PLAN_FLOW, actor=actor, reason=reason.strip() or _("Submitted"))
    reviewers = User.objects.filter(agency_id=plan.agency_id, role=Role.REVIEWER, is_active=True).exclude(pk=actor.pk)
    notify(
        recipients=reviewers,
        title=_("Sampling plan to approve: %(plan)s") % {"plan": plan},
        body=reason,
        url=_plan_url(plan),
    )
    return plan


def _require_submitted(plan: SamplingPlan, to: str):
    if not allowed(PLAN_FLOW, plan.status, to):
        raise ValidationError(
            _("The plan is %(status)s; only a submitted plan is approved or refused.")
            % {"status": plan.get_status_display()}
        )


@transaction.atomic
def plan_approve(*, actor, plan: SamplingPlan, reason: str, document_number: str = "") -> SamplingPlan:
    """Q6: approve a submitted plan only when every unit meets its rule's minimum, reckoned
    on the register as it stands now (Q1 batches recorded since the plan was made count).
    Otherwise refuse with one message per unit, naming the rule, the unit and the shortfall."""
    _require_decider(actor, plan)
    _require_submitted(plan, P.APPROVED)
    _sync_lines(plan, actor=actor, reason=_("Brought up to the register for approval"))
    shortfalls = plan_shortfalls(plan)
    if shortfalls:
        raise ValidationError([s.message for s in shortfalls])
    transition(
        obj=plan,
        to=P.APPROVED,
        table=PLAN_FLOW,
        actor=actor,
        reason=reason,
        document_number=document_number,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    notify(
        recipients=[plan.created_by],
        title=_("Sampling plan approved: %(plan)s") % {"plan": plan},
        body=reason,
        url=_plan_url(plan),
    )
    return plan


@transaction.atomic
def plan_refuse(*, actor, plan: SamplingPlan, reason: str, document_number: str = "") -> SamplingPlan:
    """Send a submitted plan back to its drafter, who is told why."""
    _require_decider(actor, plan)
    _require_submitted(plan, P.REFUSED)
    transition(
        obj=plan,
        to=P.REFUSED,
        table=PLAN_FLOW,
        actor=actor,
        reason=reason,
        document_number=document_number,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    notify(
        recipients=[plan.created_by],
        title=_("Sampling plan refused: %(plan)s") % {"plan": plan},
        body=reason,
        url=_plan_url(plan),
    )
    return plan


PLAN_DECISIONS = {"submit": plan_submit, "approve": plan_approve, "refuse": plan_refuse}


def plan_decide(*, actor, plan: SamplingPlan, action: str, reason: str = "", document_number: str = ""):
    """Make the named move through its service (pages and API offer exactly these)."""
    if action not in PLAN_DECISIONS:
        raise ValidationError(_("Unknown decision."))
    if action == "submit":
        return plan_submit(actor=actor, plan=plan, reason=reason)
    return PLAN_DECISIONS[action](actor=actor, plan=plan, reason=reason, document_number=document_number)

"""Assignments: reviewers give operators to inspectors with due dates, one at a time or as
a plan covering every operator of a kind in the county (逐家排查, S2, S4)."""

import datetime
import itertools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from dairy_campaign.batching import batched
from dairy_campaign.choices import Role
from dairy_campaign.models import User
from dairy_campaign.ownership import DECIDE_ROLES
from dairy_campaign.scoping import user_scope_prefix
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify
from licensing.models import Operator
from licensing.services.common import require_editable

from ..models import Assignment, AssignmentSource, AssignmentStatus, ChecklistTemplate, Subject
from ..selectors import IN_BUSINESS

PLAN_BATCH = 1000
FIELD_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER})


def _require_assigner(actor):
    """Reviewers of a department assign its inspectors."""
    if actor.is_superuser:
        return
    if actor.agency_id is None or actor.role not in DECIDE_ROLES:
        raise PermissionDenied(_("Only reviewers of a department assign inspections."))


def _check_inspector(actor, inspector: User):
    if inspector.agency_id != actor.agency_id or not inspector.is_active or inspector.role not in FIELD_ROLES:
        raise ValidationError({"inspector": _("Choose an active inspector of your department.")})


def _check_due(due_on: datetime.date):
    if due_on < local_today():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})


def _template_for(actor, code: str, operator_kind: str | None = None) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.published().filter(code=code).first()
    if template is None:
        raise ValidationError({"template_code": _("Choose a checklist in use.")})
    if not actor.is_superuser and template.owner_kind != actor.kind:
        raise ValidationError({"template_code": _("This checklist is filed by another department.")})
    if operator_kind and operator_kind not in template.operator_kinds:
        raise ValidationError(
            {"template_code": _("The checklist “%(name)s” is not for this kind of operator.") % {"name": template.name}}
        )
    return template


@transaction.atomic
def assignment_create(
    *, actor, inspector: User, due_on: datetime.date, template_code: str, operator=None, jurisdiction=None, note=""
) -> Assignment:
    _require_assigner(actor)
    _check_inspector(actor, inspector)
    _check_due(due_on)
    template = _template_for(actor, template_code, operator.kind if operator else None)
    if template.subject == Subject.OPERATOR:
        if operator is None or not Operator.objects.visible_to(actor).filter(pk=operator.pk).exists():
            raise ValidationError({"operator": _("Choose an operator within your jurisdiction.")})
        if operator.status not in IN_BUSINESS:
            raise ValidationError({"operator": _("This operator is closed or banned; it is no longer inspected.")})
        jurisdiction = operator.county
    elif jurisdiction is None or not jurisdiction.code.startswith(user_scope_prefix(actor) or "-"):
        raise ValidationError({"jurisdiction": _("Choose a jurisdiction within yours.")})
    assignment = Assignment(
        agency=actor.agency,
        jurisdiction=jurisdiction,
        operator=operator,
        template_code=template.code,
        inspector=inspector,
        assigned_by=actor,
        due_on=due_on,
        source=AssignmentSource.MANUAL,
        note=note.strip(),
    )
    audited_save(assignment, actor=actor, reason=_("Assigned"))
    _tell(inspector, 1, due_on)
    return assignment


@transaction.atomic
def assignments_plan(
    *, actor, template_code: str, operator_kinds: list[str], inspectors: list[User], due_on: datetime.date
) -> int:
    """S2/S4 逐家排查: every operator in business (operating or suspended) of the given kinds in the reviewer's
    jurisdiction that was never given this checklist (or whose task was cancelled) gets one,
    shared out among the chosen inspectors in turn. Returns how many tasks were created;
    running it again only adds operators registered since."""
    _require_assigner(actor)
    _check_due(due_on)
    if not inspectors:
        raise ValidationError({"inspectors": _("Choose at least one inspector.")})
    for inspector in inspectors:
        _check_inspector(actor, inspector)
    if not operator_kinds:
        raise ValidationError({"operator_kinds": _("Choose at least one kind of operator.")})
    for kind in operator_kinds:
        template = _template_for(actor, template_code, kind)
    # Operators already given this checklist (pending or done) are not planned twice.
    planned = Assignment.objects.exclude(status=AssignmentStatus.CANCELLED).filter(
        template_code=template.code, operator__isnull=False
    )
    operators = (
        Operator.objects.visible_to(actor)
        .filter(kind__in=operator_kinds, status__in=IN_BUSINESS)
        .exclude(pk__in=planned.values("operator_id"))
        .order_by("county_id", "name")
        .values_list("pk", "county_id")
    )
    turn = itertools.cycle(inspectors)
    counts: dict[int, int] = {}
    created = 0
    for batch in batched(operators.iterator(chunk_size=PLAN_BATCH), PLAN_BATCH):
        rows = []
        for operator_id, county_id in batch:
            inspector = next(turn)
            counts[inspector.pk] = counts.get(inspector.pk, 0) + 1
            rows.append(
                Assignment(
                    agency=actor.agency,
                    jurisdiction_id=county_id,
                    operator_id=operator_id,
                    template_code=template.code,
                    inspector=inspector,
                    assigned_by=actor,
                    due_on=due_on,
                    source=AssignmentSource.PLAN,
                )
            )
        bulk_create_with_history(rows, Assignment, default_user=actor, default_change_reason=_("Planned one by one"))
        created += len(rows)
    for inspector in inspectors:
        if counts.get(inspector.pk):
            _tell(inspector, counts[inspector.pk], due_on)
    return created


@transaction.atomic
def assignment_cancel(*, actor, assignment: Assignment, reason: str) -> Assignment:
    require_editable(actor, assignment, decide=True)
    if assignment.status not in (AssignmentStatus.OPEN, AssignmentStatus.IN_PROGRESS):
        raise ValidationError(_("This assignment is closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    assignment.status = AssignmentStatus.CANCELLED
    return audited_save(assignment, actor=actor, reason=reason)


def _tell(inspector: User, count: int, due_on: datetime.date):
    notify(
        recipients=[inspector],
        title=_("%(count)d inspection(s) assigned to you, due %(date)s") % {"count": count, "date": due_on.isoformat()},
        url=reverse("task_list"),
    )


def task_list(user):
    """The inspector's pending tasks, overdue ones first (earliest due first)."""
    return (
        Assignment.objects.visible_to(user)
        .pending()
        .filter(inspector=user)
        .select_related("operator", "jurisdiction")
        .order_by("due_on", "id")
    )

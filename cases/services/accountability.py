"""C1: accountability (问责) of the local government and department heads when a black den
was left in place or over-limit powder re-entered the supply (三.1).

The cases app does not import inspections: the den or lot concerned is named in words,
kept at the head of the facts, not as a link to the sweep register.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dairy_campaign.scoping import may_write, scope_prefix, user_scope_prefix
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today

from ..models import Accountability, Case

OFFICIAL_KEYS = ("name", "position", "unit")


def may_record_accountability(user) -> bool:
    """C1: food-safety offices and governments record accountability, with a writing role."""
    return user.is_authenticated and (user.is_superuser or may_write(user, "accountability"))


def require_accountability_writer(user):
    if not may_record_accountability(user):
        raise PermissionDenied(_("C1: accountability is recorded by food-safety offices and local governments."))


def clean_officials(officials) -> list[dict]:
    """C1: at least one official, each with a name and a position (the unit is optional).

    Rows left wholly blank (the empty lines of a form) are dropped."""
    if not isinstance(officials, list | tuple):
        raise ValidationError({"officials": _("List the officials held to account.")})
    cleaned, problems = [], []
    for number, official in enumerate(officials, start=1):
        if not isinstance(official, dict):
            problems.append(_("Official %(n)d: give a name and a position.") % {"n": number})
            continue
        unknown = set(official) - set(OFFICIAL_KEYS)
        if unknown:
            problems.append(
                _("Official %(n)d: unknown fields %(fields)s.") % {"n": number, "fields": ", ".join(sorted(unknown))}
            )
            continue
        row = {key: str(official.get(key) or "").strip() for key in OFFICIAL_KEYS}
        if not any(row.values()):
            continue
        if not row["name"] or not row["position"]:
            problems.append(_("Official %(n)d: give a name and a position.") % {"n": number})
            continue
        cleaned.append(row)
    if problems:
        raise ValidationError({"officials": problems})
    if not cleaned:
        raise ValidationError({"officials": _("C1: name at least one official held to account.")})
    return cleaned


def _facts(facts: str, concerned: str) -> str:
    facts, concerned = (facts or "").strip(), (concerned or "").strip()
    if not concerned or not facts:
        return facts
    label = _("Den or lot concerned")
    return f"{label}: {concerned}\n\n{facts}"


@transaction.atomic
def accountability_record(
    *,
    actor,
    jurisdiction,
    trigger: str,
    facts: str,
    officials: list[dict],
    measures: str,
    decided_on: datetime.date,
    document_number: str,
    case: Case | None = None,
    concerned: str = "",
) -> Accountability:
    """C1: record who answers for a den left in place or over-limit powder back in the
    supply, in a jurisdiction within the actor's (`concerned`: the den or lot, in words)."""
    require_accountability_writer(actor)
    errors = {}
    prefix = "" if actor.is_superuser else (user_scope_prefix(actor) or "-")
    if jurisdiction is None or not jurisdiction.code.startswith(prefix):
        errors["jurisdiction"] = _("Choose a jurisdiction within yours.")
    try:
        officials = clean_officials(officials)
    except ValidationError as error:
        errors.update(error.message_dict)
    if decided_on and decided_on > local_today():
        errors["decided_on"] = _("The decision date cannot be in the future.")
    if case is not None and "jurisdiction" not in errors:
        if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
            errors["case"] = _("Choose a case within your jurisdiction.")
        elif not case.jurisdiction_id.startswith(scope_prefix(jurisdiction.code)):
            errors["case"] = _("C1: the case lies outside the jurisdiction held to account.")
    if errors:
        raise ValidationError(errors)
    record = Accountability(
        jurisdiction=jurisdiction,
        trigger=trigger,
        case=case,
        facts=_facts(facts, concerned),
        officials=officials,
        measures=(measures or "").strip(),
        decided_on=decided_on,
        document_number=(document_number or "").strip(),
        recorded_by=actor,
    )
    return audited_save(record, actor=actor, reason=_("C1: accountability recorded"))


def officials_text(record: Accountability) -> str:
    """`name (position, unit)` per official, for lists and exports."""
    parts = []
    for official in record.officials or []:
        detail = ", ".join(v for v in (official.get("position"), official.get("unit")) if v)
        parts.append(f"{official.get('name', '')} ({detail})" if detail else official.get("name", ""))
    return "; ".join(parts)

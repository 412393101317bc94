"""C2: how a case begins. Inspections, lab results, complaints and sweeps hand their finding
over as a clue; the cases app keeps a generic reference to it and never imports them."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.notifications import notify_agencies

from ..models import Case, SourceKind, Violation

NUMBER_ATTEMPTS = 5


def case_number(jurisdiction_code: str, when: datetime.datetime) -> str:
    """`<county>-<year>-AJ<serial>`: the next serial of the jurisdiction's year."""
    year = timezone.localtime(when).year
    prefix = f"{jurisdiction_code}-{year}-AJ"
    last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    serial = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def case_open_clue(
    *,
    actor,
    agency,
    jurisdiction,
    source_kind: str,
    title: str,
    facts: str,
    source=None,
    source_label: str = "",
    operator=None,
    party_name: str = "",
    violations: list[str] | None = None,
    notify: bool = True,
) -> Case:
    """C2: record a clue for `agency` (the department owning the party). Called by the apps
    that find things: an inspection's "open a case" measure, a non-conforming lab result
    (Q8), a tip-off, a sweep. A source record opens at most one case: asking again returns
    the case it opened. The department is notified unless the caller already told it."""
    if source_kind not in SourceKind.values:
        raise ValidationError({"source_kind": _("Choose where the case comes from.")})
    unknown = set(violations or []) - set(Violation.values)
    if unknown:
        raise ValidationError({"violations": _("Unknown violation types: %s") % ", ".join(sorted(unknown))})
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    source_id = str(source.pk) if source is not None else ""
    if source is not None:
        existing = Case.objects.filter(source_type=source_type, source_id=source_id).first()
        if existing:
            return existing
    now = timezone.now()
    case = Case(
        title=title[:200],
        source_kind=source_kind,
        source_type=source_type,
        source_id=source_id,
        source_label=(source_label or (str(source) if source is not None else ""))[:300],
        operator=operator,
        party_name=party_name,
        agency=agency,
        jurisdiction=jurisdiction,
        violations=sorted(set(violations or [])),
        facts=facts,
        clue_at=now,
        created_by=actor,
    )
    case = _save_numbered(case, actor=actor)
    if not notify:
        return case
    notify_agencies(
        agencies=[agency],
        title=_("New case clue: %(title)s") % {"title": case.title},
        body=facts[:500],
        url=reverse("case_detail", args=[case.pk]),
    )
    return case


def _save_numbered(case: Case, *, actor) -> Case:
    """Give the case the next number; two clues at the same moment retry with the next."""
    for _attempt in range(NUMBER_ATTEMPTS):
        case.number = case_number(case.jurisdiction_id, case.clue_at)
        try:
            with transaction.atomic():
                return audited_save(case, actor=actor, reason=_("Clue received"))
        except IntegrityError:
            case.pk = None
            continue
    raise ValidationError(_("Could not number the case; try again."))

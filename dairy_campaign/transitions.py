"""Status transitions (DESIGN §3.4): an explicit table of allowed moves, and one function
that checks a move, saves the record with its audit row and logs the StateChange."""

from collections.abc import Mapping

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models.transitions import StateChange
from .services.audit import audited_save

Table = Mapping[str, frozenset[str]]


def allowed(table: Table, current: str, target: str) -> bool:
    return target in table.get(current, frozenset())


def transition(
    *,
    obj,
    to: str,
    table: Table,
    actor,
    reason: str,
    legal_basis: str = "",
    document_number: str = "",
    field: str = "status",
    **changes,
) -> StateChange:
    """Move `obj.<field>` to `to` if the table allows it, with the other `changes`.

    Caller holds the transaction; a refused move raises ValidationError and changes nothing.
    The row is locked first: of two people deciding on the same record at once, the second
    is told it changed meanwhile instead of overwriting the first one's decision.
    """
    with transaction.atomic():
        _require_current(obj, field)
        return _move(
            obj,
            to=to,
            table=table,
            actor=actor,
            reason=reason,
            legal_basis=legal_basis,
            document_number=document_number,
            field=field,
            changes=changes,
        )


def _require_current(obj, field: str):
    """Lock the record's row and refuse a move decided on a copy older than the row."""
    if obj.pk is None:
        return
    manager = type(obj)._base_manager
    stored = manager.select_for_update().filter(pk=obj.pk).values_list(field, flat=True).first()
    current = getattr(obj, field)
    if stored is not None and stored != current:
        choices = dict(obj._meta.get_field(field).flatchoices)
        raise ValidationError(
            _("Someone else changed this record meanwhile: it is now “%(state)s”. Reload it and decide again.")
            % {"state": choices.get(stored, stored)}
        )


def _move(obj, *, to, table, actor, reason, legal_basis, document_number, field, changes) -> StateChange:
    current = getattr(obj, field)
    if not allowed(table, current, to):
        choices = dict(obj._meta.get_field(field).flatchoices)
        raise ValidationError(
            _("Cannot go from “%(a)s” to “%(b)s”.") % {"a": choices.get(current, current), "b": choices.get(to, to)}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for this decision.")})
    setattr(obj, field, to)
    for name, value in changes.items():
        setattr(obj, name, value)
    audited_save(obj, actor=actor, reason=reason)
    return StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        from_state=current,
        to_state=to,
        actor=actor,
        reason=reason,
        legal_basis=legal_basis,
        document_number=document_number,
    )


def state_changes(obj, field: str = "status") -> list[StateChange]:
    """The record's transitions, oldest first, each with the labels of its two states."""
    labels = dict(obj._meta.get_field(field).flatchoices)
    changes = list(
        StateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).select_related("actor")
    )
    for change in changes:
        change.from_label = labels.get(change.from_state, change.from_state)
        change.to_label = labels.get(change.to_state, change.to_state)
    return changes

"""The audit trail every app uses: who, when, what before and after, and why.

History rows are written by django-simple-history; services only say who acts and why
through `audited_save`, so a change made anywhere carries its actor and reason.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _


def audited_save(instance: models.Model, *, actor, reason: str = "", validate: bool = True):
    """Validate and save `instance`, recording `actor` and `reason` in its history row."""
    if validate:
        _validate(instance)
    instance._history_user = actor
    instance._change_reason = reason
    instance.save()
    return instance


def _validate(instance: models.Model):
    """`full_clean`, except that a related record the instance holds as read from the
    database is not looked up again: Django's check costs a query for each foreign key, a
    third of the queries of a signature. Unique fields and constraints are checked in full."""
    instance.full_clean(exclude=_relations_read(instance), validate_unique=False, validate_constraints=False)
    instance.validate_unique()
    instance.validate_constraints()


def _relations_read(instance: models.Model) -> list[str]:
    """Foreign keys whose related record the instance holds, read from the database and
    still the one its key names: it exists (and the database checks the key on save)."""
    names = []
    for field in instance._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or not field.is_cached(instance):
            continue
        related = field.get_cached_value(instance)
        if (
            related is not None
            and not related._state.adding
            and getattr(related, field.target_field.attname) == getattr(instance, field.attname)
        ):
            names.append(field.name)
    return names


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: object
    after: object


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: object
    kind: str
    reason: str
    changes: list[FieldChange]


def _shown(model, record, name):
    """A field's value as people read it: a choice's label, a related record's name, yes/no."""
    field = model._meta.get_field(name)
    value = getattr(record, field.attname, None)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and value is not None:
        try:
            return str(getattr(record, field.name))
        except ObjectDoesNotExist:
            return value  # the related record was deleted since
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _change(model, name, before, after) -> FieldChange:
    label = str(model._meta.get_field(name).verbose_name)
    return FieldChange(name, label, before and _shown(model, before, name), _shown(model, after, name))


MASK = "＊＊＊"


def history_of(obj, hidden: frozenset[str] = frozenset()) -> list[HistoryEntry]:
    """Every version of `obj`, newest first, each with its changes against the one before.
    The values of `hidden` fields are masked (the change itself stays visible)."""
    model = type(obj)
    tracked = [f.name for f in obj.history.model.tracked_fields if f.name != "id"]
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    entries, previous = [], None
    for record in records:
        if previous is None:
            names = [n for n in tracked if getattr(record, n, None) not in (None, "")]
        else:
            names = [c.field for c in record.diff_against(previous).changes]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                kind=record.get_history_type_display(),
                reason=record.history_change_reason or "",
                changes=[_masked(_change(model, n, previous, record), hidden) for n in names],
            )
        )
        previous = record
    return list(reversed(entries))


def _masked(change: FieldChange, hidden) -> FieldChange:
    if change.name not in hidden:
        return change
    return FieldChange(change.name, change.label, change.before and MASK, change.after and MASK)


def hidden_fields(obj, user) -> frozenset[str]:
    """Fields of `obj` whose values `user` may not read in its history: a model declares
    them with `history_hidden_from(user)` (a complaint's informant, DESIGN §1)."""
    declared = getattr(obj, "history_hidden_from", None)
    return frozenset(declared(user)) if declared else frozenset()


def audited_model(label: str) -> type[models.Model]:
    """The model for `app_label.model_name` if it keeps a history and is scoped; else 404."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not hasattr(model, "history") or not hasattr(model._default_manager, "visible_to"):
        raise Http404
    return model

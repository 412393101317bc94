"""Lots, what is sampled: producers' intake records of raw milk and milk powder with their own
melamine test (S1), finished batches, products on sale, feed lots and import consignments;
the hold a non-conforming result puts on a lot and its release, and where a lot came from and
went (Q8).

One set of rules (`LotChecker`) serves the form, the API, the bulk API and the Excel import:
it checks many rows with a handful of queries, so a file of thousands of intake batches costs
what one batch does.
"""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from dairy_campaign.ownership import DECIDE_ROLES, WRITE_ROLES
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.transitions import transition
from inspections.models import Consignment
from licensing.models import Operator, OperatorKind, Vehicle
from licensing.models.choices import PRODUCERS, SELLERS
from licensing.services.common import require_editable
from licensing.services.register import kinds_kept_by

from ..models import INTAKE_KINDS, Category, Lot, LotKind, LotStatus

K = OperatorKind
L = LotKind

LOT_FIELDS = frozenset(
    {
        "kind",
        "operator",
        "supplier",
        "supplier_name",
        "vehicle",
        "consignment",
        "batch_number",
        "product",
        "category",
        "dated",
        "quantity",
        "unit",
        "own_test_mg_per_kg",
    }
)
RELATED = ("operator", "supplier", "vehicle", "consignment")
# The bulk API's limit per request: a month of a large producer's intake fits in one.
MAX_BULK = 1000
WRITE_BATCH = 500

# Who holds each kind of lot.
HOLDERS: dict[str, frozenset[str]] = {
    # Raw milk is also sampled in a station's tanks and trucks (Q2), before a producer buys it.
    L.RAW_MILK: PRODUCERS | {K.PURCHASE_STATION},
    L.MILK_POWDER: PRODUCERS,
    L.FINISHED: PRODUCERS,
    L.RETAIL: SELLERS | {K.CATERING},
    L.FEED: frozenset({K.FEED_MILL, K.DAIRY_FARM}),
    L.IMPORT: frozenset({K.IMPORTER}),
}
HOLDER_RULES = {
    L.RAW_MILK: _(
        "S1: raw milk and milk powder are bought by dairy producers and dairy-containing food producers; "
        "choose one of them as the holder."
    ),
    L.FINISHED: _("A finished-product batch is held by the dairy or dairy-containing food producer that made it."),
    L.RETAIL: _("A product on sale is held by a wholesaler, a supermarket, a small retailer or a catering unit."),
    L.FEED: _("A feed lot is held by a feed mill or a dairy farm."),
    L.IMPORT: _("An import lot is held by the importer of its consignment."),
}
HOLDER_RULES[L.MILK_POWDER] = HOLDER_RULES[L.RAW_MILK]
HOLDER_RULES[L.RAW_MILK] = _(
    "S1: raw milk is held by the dairy producer or dairy-containing food producer that bought it, or by the "
    "purchase station collecting it (Q2); choose one of them as the holder."
)

# Whom each kind of lot is bought from, when the supplier is in the register. A finished
# batch is made by its holder and an import lot comes from abroad: neither names one.
SUPPLIERS: dict[str, frozenset[str]] = {
    L.RAW_MILK: frozenset({K.PURCHASE_STATION, K.DAIRY_FARM, K.FARMER_COOP}) | PRODUCERS,
    L.MILK_POWDER: frozenset({K.PURCHASE_STATION, K.DAIRY_FARM, K.FARMER_COOP}) | PRODUCERS,
    L.FINISHED: frozenset(),
    L.RETAIL: PRODUCERS | SELLERS | {K.IMPORTER},
    L.FEED: frozenset({K.FEED_MILL}),
    L.IMPORT: frozenset(),
}
SUPPLIER_RULES = {
    L.RAW_MILK: _(
        "S1: raw milk and milk powder are bought from purchase stations, dairy farms, dairy-farmer "
        "cooperatives or other dairy producers."
    ),
    L.FINISHED: _("A finished-product batch is made by its holder and names no supplier."),
    L.RETAIL: _("A product on sale is bought from a producer, a wholesaler, a supermarket or an importer."),
    L.FEED: _("Feed is bought from a feed mill."),
    L.IMPORT: _("An import lot comes from abroad: write the foreign supplier's name, its consignment says the rest."),
}
SUPPLIER_RULES[L.MILK_POWDER] = SUPPLIER_RULES[L.RAW_MILK]

# Q7: the category, which sets the melamine limit, must fit the kind of lot.
NOT_FEED = frozenset(Category.values) - {Category.FEED}
CATEGORIES: dict[str, frozenset[str]] = {
    L.RAW_MILK: frozenset({Category.LIQUID_MILK}),
    L.MILK_POWDER: frozenset({Category.MILK_POWDER, Category.OTHER_FORMULA}),
    L.FINISHED: NOT_FEED,
    L.RETAIL: NOT_FEED,
    L.FEED: frozenset({Category.FEED}),
    L.IMPORT: NOT_FEED,
}
CATEGORY_RULES = {
    L.RAW_MILK: _("Q7: raw milk is in the liquid-milk category."),
    L.MILK_POWDER: _("Q7: milk powder bought is in the milk-powder or other-formula-powder category."),
    L.FEED: _("Q7: a feed lot is in the feed category."),
}
NOT_FEED_RULE = _("Q7: only feed lots are in the feed category.")

# Q8: the hold a non-conforming result puts on a lot, and its release by a reviewer.
S = LotStatus
LOT_TRANSITIONS = {
    S.NORMAL: frozenset({S.ON_HOLD}),
    S.ON_HOLD: frozenset({S.RELEASED}),
    S.RELEASED: frozenset({S.ON_HOLD}),
}
# Q8: how far apart an intake and a finished batch may be and still be linked in a trace.
TRACE_DAYS = 7
TRACE_LIMIT = 200


# Who records lots.


def may_record_lots(actor) -> bool:
    return actor.is_authenticated and bool(kinds_kept_by(actor) & frozenset().union(*HOLDERS.values()))


def may_record_intake(actor) -> bool:
    """S1: the department keeping producers records (and imports) their intake."""
    return actor.is_authenticated and bool(kinds_kept_by(actor) & HOLDERS[L.RAW_MILK])


def require_lot_recorder(actor):
    if not may_record_lots(actor):
        raise PermissionDenied(_("Lots are recorded by the inspectors, reviewers and clerks who keep their holders."))


def holders_for(actor):
    """Operators whose lots `actor` records."""
    return Operator.objects.editable_by(actor).filter(kind__in=frozenset().union(*HOLDERS.values()))


def suppliers_for(actor):
    return Operator.objects.visible_to(actor).filter(kind__in=frozenset().union(*SUPPLIERS.values()))


# The rules, for one row or thousands.


@dataclass
class Checked:
    """A row checked: the unsaved Lot, or its errors by field."""

    lot: Lot | None
    errors: dict[str, list[ValidationError]] = field(default_factory=dict)


def _pk(value):
    return getattr(value, "pk", value) if value not in ("", None) else None


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _decimal(value):
    """A Decimal, never through float arithmetic; None for a blank value."""
    if value in (None, ""):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return value  # the model field reports it


class LotChecker:
    """The rules of a lot (S1, Q7, ownership), checked for many rows with a few queries.

    Rows name related records by instance or by primary key. The checker remembers the
    batches it has seen, so a batch twice in one file or request is refused, naming the
    label (row number or index) of its first occurrence.
    """

    def __init__(self, actor, *, today: datetime.date | None = None):
        self.actor = actor
        self.today = today or local_today()
        self.kinds = kinds_kept_by(actor)
        self.seen: dict[tuple, object] = {}
        self.seen_consignments: dict[int, object] = {}

    def check(self, rows: Sequence[Mapping], labels: Sequence | None = None) -> list[Checked]:
        labels = list(labels) if labels is not None else list(range(len(rows)))
        found = self._load(rows)
        return [self._row(dict(row), label, found) for row, label in zip(rows, labels, strict=True)]

    def _load(self, rows: Sequence[Mapping]) -> dict:
        def ids(name):
            return {pk for row in rows if isinstance(pk := _pk(row.get(name)), int)}

        consignments = {}
        if wanted := ids("consignment"):
            consignments = Consignment.objects.visible_to(self.actor).select_related("importer").in_bulk(wanted)
        holder_ids = ids("operator") | {c.importer_id for c in consignments.values()}
        operators = Operator.objects.visible_to(self.actor).in_bulk(holder_ids | ids("supplier"))
        vehicles = Vehicle.objects.visible_to(self.actor).in_bulk(ids("vehicle")) if ids("vehicle") else {}
        batches = {_text(row.get("batch_number")) for row in rows} - {""}
        existing = set()
        if holder_ids and batches:
            existing = set(
                Lot.objects.filter(operator_id__in=holder_ids, batch_number__in=batches).values_list(
                    "operator_id", "kind", "batch_number"
                )
            )
        lotted = set()
        if consignments:
            lotted = set(Lot.objects.filter(consignment_id__in=consignments).values_list("consignment_id", flat=True))
        return {
            "consignments": consignments,
            "operators": operators,
            "vehicles": vehicles,
            "existing": existing,
            "lotted": lotted,
        }

    def _row(self, row: dict, label, found: dict) -> Checked:
        errors: dict[str, list[ValidationError]] = defaultdict(list)

        def fail(at, message, **params):
            errors[at].append(ValidationError(message, params=params or None))

        unknown = set(row) - LOT_FIELDS
        if unknown:
            fail(NON_FIELD_ERRORS, _("Unknown fields: %(names)s"), names=", ".join(sorted(unknown)))
        kind = row.get("kind")
        if kind not in L.values:
            fail("kind", _("Choose the kind of lot."))
            kind = None
        consignment = self._consignment(row, kind, found, fail)
        holder_pk = _pk(row.get("operator")) or (consignment.importer_id if consignment else None)
        holder = self._holder(holder_pk, kind, found, fail)
        if holder and consignment and holder.pk != consignment.importer_id:
            fail("operator", HOLDER_RULES[L.IMPORT])
            holder = None
        supplier = self._supplier(row, kind, holder, found, fail)
        vehicle = self._vehicle(row, kind, found, fail)

        lot = Lot(
            kind=kind or "",
            operator=holder,
            supplier=supplier,
            supplier_name=_text(row.get("supplier_name")),
            vehicle=vehicle,
            consignment=consignment,
            batch_number=_text(row.get("batch_number")),
            product=_text(row.get("product")),
            category=_text(row.get("category")),
            dated=row.get("dated"),
            quantity=_decimal(row.get("quantity")),
            unit=_text(row.get("unit")),
            own_test_mg_per_kg=_decimal(row.get("own_test_mg_per_kg")),
            recorded_by=self.actor,
        )
        try:
            # The related records were checked above; uniqueness below, against the whole batch.
            lot.full_clean(
                exclude=[*RELATED, "recorded_by", *errors], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, items in error.error_dict.items():
                errors[name].extend(items)
        if kind and holder and "category" not in errors and lot.category not in CATEGORIES[kind]:
            fail("category", CATEGORY_RULES.get(kind, NOT_FEED_RULE))
        if (
            kind == L.FINISHED
            and holder
            and lot.category == Category.INFANT_FORMULA
            and not holder.infant_formula
            and "category" not in errors
        ):
            fail("category", _("%(name)s is not registered as an infant-formula producer."), name=holder.name)
        if "dated" not in errors and isinstance(lot.dated, datetime.date) and lot.dated > self.today:
            fail("dated", _("The date cannot be in the future."))
        if kind in INTAKE_KINDS and not supplier and not lot.supplier_name and "supplier" not in errors:
            fail("supplier", _("S1: name the supplier of a purchased batch, from the register or by its name."))
        if not errors:
            self._unique(lot, label, found, fail)
        if errors:
            return Checked(None, dict(errors))
        return Checked(lot)

    def _consignment(self, row, kind, found, fail):
        pk = _pk(row.get("consignment"))
        if pk is None:
            return None  # Lot.clean() asks an import lot for one
        if kind != L.IMPORT:
            fail("consignment", _("Only an import lot names a consignment."))
            return None
        consignment = found["consignments"].get(pk)
        if consignment is None:
            fail("consignment", _("Choose an import consignment within your jurisdiction."))
        return consignment

    def _holder(self, pk, kind, found, fail):
        if pk is None:
            fail("operator", _("Choose the operator holding the lot."))
            return None
        holder = found["operators"].get(pk)
        if holder is None:
            fail("operator", _("Choose an operator of the register within your jurisdiction."))
            return None
        if holder.kind not in self.kinds:
            fail("operator", _("Your department does not keep the records of %(name)s."), name=holder.name)
            return None
        if kind and holder.kind not in HOLDERS[kind]:
            fail("operator", HOLDER_RULES[kind])
            return None
        return holder

    def _supplier(self, row, kind, holder, found, fail):
        pk = _pk(row.get("supplier"))
        named = _text(row.get("supplier_name"))
        if kind == L.FINISHED and (pk or named):
            fail("supplier", SUPPLIER_RULES[kind])
            return None
        if pk is None:
            return None
        supplier = found["operators"].get(pk)
        if supplier is None:
            fail("supplier", _("Choose a supplier of the register within your jurisdiction, or write its name."))
        elif kind and supplier.kind not in SUPPLIERS[kind]:
            fail("supplier", SUPPLIER_RULES[kind])
        elif holder and supplier.pk == holder.pk:
            fail("supplier", _("A lot is not supplied by its own holder."))
        else:
            return supplier
        return None

    def _vehicle(self, row, kind, found, fail):
        pk = _pk(row.get("vehicle"))
        if pk is None:
            return None
        if kind != L.RAW_MILK:
            fail("vehicle", _("A raw-milk transport vehicle is recorded for raw-milk intakes."))
            return None
        vehicle = found["vehicles"].get(pk)
        if vehicle is None:
            fail("vehicle", _("Choose a raw-milk transport vehicle of the register within your jurisdiction."))
        return vehicle

    def _unique(self, lot: Lot, label, found, fail):
        """One record per batch of a holder (and per consignment): already recorded, or
        earlier in the same file or request."""
        key = (lot.operator_id, lot.kind, lot.batch_number)
        if key in found["existing"]:
            fail(
                "batch_number",
                _("Batch %(batch)s of %(holder)s is already recorded."),
                batch=lot.batch_number,
                holder=lot.operator.name,
            )
        elif key in self.seen:
            fail(
                "batch_number",
                _("Batch %(batch)s is also on row %(other)s."),
                batch=lot.batch_number,
                other=self.seen[key],
            )
        else:
            self.seen[key] = label
        if lot.consignment_id:
            if lot.consignment_id in found["lotted"] or lot.consignment_id in self.seen_consignments:
                fail("consignment", _("This consignment already has its lot."))
            self.seen_consignments.setdefault(lot.consignment_id, label)


def error_messages(errors: Mapping[str, list[ValidationError]]) -> dict[str, list[str]]:
    """Errors by field, as text in the active language."""
    return {name: [message for item in items for message in item] for name, items in errors.items()}


def error_msgids(errors: Mapping[str, list[ValidationError]]) -> list[tuple[str, str, dict]]:
    """Errors as (field, English msgid, params), for records translated when shown."""
    found = []
    for name, items in errors.items():
        for item in items:
            for part in item.error_list:
                params = dict(part.params or {})
                with translation.override(None):
                    message = str(part.message)
                if not message:
                    # A plural message (Django's length limits) has no msgid of its own:
                    # kept as worded now, in the working language.
                    with translation.override(settings.LANGUAGE_CODE):
                        message, params = str(part.message % params if params else part.message), {}
                found.append((name, message, params))
    return found


# Recording.


@transaction.atomic
def lot_record(*, actor, **fields) -> Lot:
    """Record a lot. S1: a producer's purchase of raw milk or milk powder names its supplier
    (from the register or by name) and carries the producer's own melamine test, or is
    flagged as untested until it is recorded (`lot_update_own_test`).

    The holder is an operator of the register within the actor's jurisdiction, of a kind the
    actor's department keeps; it fits the kind of lot, as do the supplier and the category
    (Q7); the date is not in the future; a holder records each batch once."""
    require_lot_recorder(actor)
    checked = LotChecker(actor).check([fields])[0]
    if checked.errors:
        raise ValidationError(checked.errors)
    return audited_save(checked.lot, actor=actor, reason=gettext("Recorded"))


class LotRowsInvalid(ValidationError):
    """Rows of a batch refused, by their index: nothing of the batch was recorded."""

    def __init__(self, rows: Mapping[int, Mapping[str, list[ValidationError]]]):
        self.rows = dict(rows)
        super().__init__(
            _("%(count)d rows have errors; nothing was recorded."), params={"count": len(self.rows)}, code="rows"
        )

    def by_row(self) -> dict[str, dict[str, list[str]]]:
        return {str(index): error_messages(errors) for index, errors in sorted(self.rows.items())}


@transaction.atomic
def lot_record_many(*, actor, rows: Sequence[Mapping]) -> list[Lot]:
    """S1 bulk entry (hundreds of batches per producer a month): every row is checked with
    `lot_record`'s rules, then all are recorded, or none (`LotRowsInvalid`, by row index)."""
    require_lot_recorder(actor)
    if not rows:
        raise ValidationError(_("Send at least one lot."))
    if len(rows) > MAX_BULK:
        raise ValidationError(_("At most %(limit)d lots per request."), params={"limit": MAX_BULK})
    checked = LotChecker(actor).check(rows)
    refused = {index: c.errors for index, c in enumerate(checked) if c.errors}
    if refused:
        raise LotRowsInvalid(refused)
    return lots_create([c.lot for c in checked], actor=actor, reason=gettext("Recorded in bulk"))


def lots_create(lots: list[Lot], *, actor, reason: str) -> list[Lot]:
    """Insert checked lots with their history rows, naming the actor and the reason.

    The caller holds the transaction; the unique constraint still guards a batch recorded by
    someone else since the check (IntegrityError, and nothing is written)."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(reason)
    return bulk_create_with_history(
        lots,
        Lot,
        batch_size=WRITE_BATCH,
        default_user=actor,
        default_change_reason=reason,
        default_date=timezone.now(),
    )


def _locked(lot: Lot) -> Lot:
    """The lot re-read under a row lock, so a hold and a release cannot cross."""
    return Lot.objects.select_for_update().get(pk=lot.pk)


@transaction.atomic
def lot_update_own_test(*, actor, lot: Lot, mg_per_kg, reason: str) -> Lot:
    """S1: the producer's own melamine result of a purchased batch, recorded after the
    intake (or corrected), with the reason; it lifts the batch's untested flag."""
    require_editable(actor, lot)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for the change.")})
    value = _decimal(mg_per_kg)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError({"own_test_mg_per_kg": _("Write the result in mg/kg as a number.")})
    lot = _locked(lot)
    if lot.kind not in INTAKE_KINDS:
        raise ValidationError(
            {"own_test_mg_per_kg": _("The producer's own test is recorded for purchased batches (S1).")}
        )
    lot.own_test_mg_per_kg = value
    return audited_save(lot, actor=actor, reason=reason.strip())


@transaction.atomic
def lot_hold(*, actor, lot: Lot, reason: str, document_number: str = "") -> Lot:
    """Q8: a non-conforming result puts the lot on hold (NORMAL or RELEASED → ON_HOLD).

    Called by the results service with the clerk or reviewer who entered or reviewed the
    result: any writing user who sees the lot, whatever its department, as the lab of one
    department tests the lots another keeps. A lot already on hold stays as it is, so the
    caller may retry safely."""
    if not Lot.objects.visible_to(actor).filter(pk=lot.pk).exists():
        raise PermissionDenied(_("This lot is outside your jurisdiction."))
    if not actor.is_superuser and getattr(actor, "role", None) not in WRITE_ROLES:
        raise PermissionDenied(_("Your role does not record results."))
    locked = _locked(lot)
    if locked.status != S.ON_HOLD:
        transition(
            obj=locked, to=S.ON_HOLD, table=LOT_TRANSITIONS, actor=actor, reason=reason, document_number=document_number
        )
    lot.status = locked.status
    return locked


@transaction.atomic
def lot_release(*, actor, lot: Lot, reason: str, document_number: str = "") -> Lot:
    """Q8: a reviewer of the department keeping the holder lifts a hold (ON_HOLD → RELEASED),
    with the reason (destroyed, recalled, a conforming re-test) and the document number."""
    require_editable(actor, lot, decide=True)
    locked = _locked(lot)
    transition(
        obj=locked, to=S.RELEASED, table=LOT_TRANSITIONS, actor=actor, reason=reason, document_number=document_number
    )
    lot.status = locked.status
    return locked


def lot_actions_for(user, lot: Lot) -> dict[str, bool]:
    """What the user may do on the lot's page."""
    editable = Lot.objects.editable_by(user).filter(pk=lot.pk).exists()
    decides = user.is_superuser or getattr(user, "role", None) in DECIDE_ROLES
    return {
        "release": editable and decides and lot.status == S.ON_HOLD,
        "own_test": editable and lot.kind in INTAKE_KINDS,
    }


# Q8: where a lot came from and where it went.


@dataclass
class Trace:
    """Q8: where a lot came from and went.

    The campaign keeps no sales ledger yet: "went to" is what the next holders recorded
    (sellers naming this lot's holder as their supplier with the same batch number) and, for
    a purchased batch, the holder's finished batches of the following days. Lots outside the
    viewer's jurisdiction are counted in `hidden`, not shown: the level above sees them.
    """

    supplier: Operator | None
    supplier_name: str
    vehicle: Vehicle | None
    supplier_lots: list[Lot]  # the supplier's own lot of the same batch number
    intake_lots: list[Lot]  # a finished batch: the holder's intakes of the days before
    next_lots: list[Lot]  # lots whose holders name this holder as supplier, same batch
    finished_lots: list[Lot]  # a purchased batch: the holder's finished batches of the days after
    hidden: int = 0

    @property
    def came_from(self) -> list[Lot]:
        return self.supplier_lots + self.intake_lots

    @property
    def went_to(self) -> list[Lot]:
        return self.next_lots + self.finished_lots


def lot_trace(lot: Lot, *, viewer=None) -> Trace:
    """Q8: came from = the supplier (from the register or as recorded) and the vehicle, the
    supplier's own lot of the same batch number, and for a finished batch the holder's
    intakes dated within TRACE_DAYS before it; went to = the lots of holders who recorded this
    lot's holder as their supplier with the same batch number (sellers, farms buying feed),
    and for a purchased batch the holder's finished batches dated within TRACE_DAYS after.

    With `viewer`, lots outside the viewer's jurisdiction are left out and counted."""
    linked = Lot.objects.exclude(pk=lot.pk).select_related("operator__county", "supplier")
    days = datetime.timedelta(days=TRACE_DAYS)
    supplier_lots, intake, finished = [], [], []
    if lot.supplier_id:
        supplier_lots = list(
            linked.filter(operator_id=lot.supplier_id, batch_number=lot.batch_number).exclude(kind__in=INTAKE_KINDS)
        )
    if lot.kind == L.FINISHED:
        intake = list(
            linked.filter(
                operator_id=lot.operator_id, kind__in=INTAKE_KINDS, dated__range=(lot.dated - days, lot.dated)
            ).order_by("-dated", "-id")[:TRACE_LIMIT]
        )
    if lot.kind in INTAKE_KINDS:
        finished = list(
            linked.filter(
                operator_id=lot.operator_id, kind=L.FINISHED, dated__range=(lot.dated, lot.dated + days)
            ).order_by("dated", "id")[:TRACE_LIMIT]
        )
    next_lots = list(
        linked.filter(supplier_id=lot.operator_id, batch_number=lot.batch_number, kind__in=(L.RETAIL, L.FEED))
    )
    trace = Trace(
        supplier=lot.supplier,
        supplier_name=lot.supplier_name,
        vehicle=lot.vehicle,
        supplier_lots=supplier_lots,
        intake_lots=intake,
        next_lots=next_lots,
        finished_lots=finished,
    )
    if viewer is not None:
        _scope_trace(trace, viewer)
    return trace


def _scope_trace(trace: Trace, viewer):
    names = ("supplier_lots", "intake_lots", "next_lots", "finished_lots")
    every = {lot.pk for name in names for lot in getattr(trace, name)}
    if not every:
        return
    visible = set(Lot.objects.visible_to(viewer).filter(pk__in=every).values_list("pk", flat=True))
    for name in names:
        setattr(trace, name, [lot for lot in getattr(trace, name) if lot.pk in visible])
    trace.hidden = len(every - visible)

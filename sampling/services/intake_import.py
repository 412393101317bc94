"""S1 bulk entry: producers' intake records of raw milk and milk powder, from Excel.

Producers buy hundreds of batches a month, each to be tested (批批检验); offices collect
their intake registers as workbooks. An upload is checked in the worker, row by row, with
the rules of `lot_record` (`LotChecker`), writing nothing (`intake_import_validate`). A file
without errors may be committed: the worker checks it again, against the records as they
are by then and with the committing user's rights, and records every batch in one
transaction, or none (`intake_import_write`). The same batch uploaded again is refused, row
by row, as already recorded.

Errors are stored as English msgids with parameters and translated when shown, like the
register import's.
"""

import contextlib
import datetime
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dairy_campaign.batching import batched
from dairy_campaign.exports import write_sheet
from dairy_campaign.uploads import upload_sha256
from licensing.credit_code import credit_code_problem
from licensing.imports import Column, RowError, UnreadableFile, WorkbookFile, cell_text, validate_register_upload
from licensing.models import Operator, Vehicle
from licensing.models.imports import IMPORT_TRANSITIONS, ImportStatus
from licensing.services.imports import Outcome as FileOutcome

from ..models import Category, IntakeImport, Lot, LotKind
from .lots import SUPPLIERS, LotChecker, error_msgids, lots_create, may_record_intake

S = ImportStatus
# A county's producers over a few months; a bigger file is split.
MAX_ROWS = 20_000
# Rows checked between two progress reports (and two look-ups of the records).
CHUNK = 500

COLUMNS = (
    Column("producer", "生产企业统一社会信用代码", required=True, text=True),
    Column("kind", "类别", required=True),
    Column("batch_number", "批号", required=True, text=True),
    Column("supplier", "供货方（信用代码或名称）", required=True, text=True),
    Column("vehicle", "运输车辆号牌", text=True),
    Column("dated", "进货日期", required=True),
    Column("quantity", "数量", required=True),
    Column("unit", "单位", required=True),
    Column("product", "品名", required=True),
    Column("own_test", "自检三聚氰胺(mg/kg)"),
)
HEADER = {c.field: c.header for c in COLUMNS}
# Where a rule's error on a Lot field is shown in the file.
FIELD_COLUMN = {
    "operator": "producer",
    "kind": "kind",
    "category": "kind",
    "batch_number": "batch_number",
    "supplier": "supplier",
    "supplier_name": "supplier",
    "vehicle": "vehicle",
    "dated": "dated",
    "quantity": "quantity",
    "unit": "unit",
    "product": "product",
    "own_test_mg_per_kg": "own_test",
}
# What offices write in the kind column, with the category (Q7) each kind is recorded in.
KIND_WORDS = {
    "生鲜乳": LotKind.RAW_MILK,
    "生乳": LotKind.RAW_MILK,
    "原料乳": LotKind.RAW_MILK,
    "raw_milk": LotKind.RAW_MILK,
    "乳粉": LotKind.MILK_POWDER,
    "奶粉": LotKind.MILK_POWDER,
    "原料乳粉": LotKind.MILK_POWDER,
    "milk_powder": LotKind.MILK_POWDER,
}
KIND_CATEGORY = {LotKind.RAW_MILK: Category.LIQUID_MILK, LotKind.MILK_POWDER: Category.MILK_POWDER}
# A test that found nothing was still done (S1): recorded as 0 mg/kg.
NOT_DETECTED = frozenset({"未检出", "nd", "n.d.", "阴性"})
TEXT_LIMITS = {"batch_number": 60, "unit": 20, "product": 200, "supplier": 200}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")

RACE = gettext_noop("A batch of this file was recorded while it was being written; upload it again.")
UNEXPECTED = gettext_noop("The import stopped on an unexpected error; upload the file again.")
EMPTY = gettext_noop("The file has no rows below the header.")


def _normal(value: str) -> str:
    return "".join(value.split()).replace("（", "(").replace("）", ")").casefold()


def _plate(value: str) -> str:
    return re.sub(r"[\s·.\-]", "", value).upper()


def require_intake_importer(actor):
    if not may_record_intake(actor):
        raise PermissionDenied(_("Intake records are imported by the departments that keep dairy producers."))


# Reading the workbook.


@contextlib.contextmanager
def _workbook_rows(job: IntakeImport):
    """(header errors, estimated row count, rows of (Excel row number, {field: value}))."""
    with job.file.open("rb") as fileobj, WorkbookFile(fileobj, COLUMNS, MAX_ROWS, _normal) as intake:
        yield intake.header_errors, intake.estimated_rows, intake.rows()


# One row's cells, read.


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _number(value) -> Decimal | None:
    """A Decimal from a cell, through its text so that no float digits creep in."""
    if isinstance(value, bool):
        return None
    text = cell_text(value).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass
class Lookups:
    """What the rows of one chunk name, found in the register within the actor's scope."""

    producers: dict[str, Operator] = field(default_factory=dict)
    suppliers_by_code: dict[str, Operator] = field(default_factory=dict)
    suppliers_by_name: dict[str, list[Operator]] = field(default_factory=dict)


def _lookups(chunk, actor) -> Lookups:
    visible = Operator.objects.visible_to(actor)
    producer_codes = {cell_text(v.get("producer")).replace(" ", "").upper() for _, v in chunk} - {""}
    supplier_texts = {cell_text(v.get("supplier")) for _, v in chunk} - {""}
    codes = {t.upper() for t in supplier_texts if credit_code_problem(t.upper()) is None}
    found = Lookups()
    for operator in visible.filter(credit_code__in=producer_codes | codes):
        if operator.credit_code in producer_codes:
            found.producers[operator.credit_code] = operator
        if operator.credit_code in codes:
            found.suppliers_by_code[operator.credit_code] = operator
    kinds = SUPPLIERS[LotKind.RAW_MILK]
    for operator in visible.filter(kind__in=kinds, name__in=supplier_texts - codes):
        found.suppliers_by_name.setdefault(operator.name, []).append(operator)
    return found


def _vehicles(actor) -> dict[str, Vehicle]:
    # Few per jurisdiction (2,000 in the province): loaded once per file, matched however written.
    return {_plate(v.plate): v for v in Vehicle.objects.visible_to(actor)}


def read_row(values: Mapping, *, row: int, lookups: Lookups, vehicles: Mapping) -> tuple[dict, list[RowError]]:
    """One row's cells → (the fields of `lot_record`, errors of the cells themselves)."""
    errors: list[RowError] = []

    def fail(name, message, **params):
        errors.append(RowError(row, HEADER[name], message, params))

    texts = {c.field: cell_text(values.get(c.field)) for c in COLUMNS}
    for column in COLUMNS:
        if column.required and not texts[column.field]:
            fail(column.field, gettext_noop("Fill in this column."))
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            fail(name, gettext_noop("Write at most %(limit)d characters."), limit=limit)
    fields = {
        "batch_number": texts["batch_number"],
        "unit": texts["unit"],
        "product": texts["product"],
    }

    kind = KIND_WORDS.get(_normal(texts["kind"]))
    if texts["kind"] and kind is None:
        fail("kind", gettext_noop("“%(value)s” is not a kind of intake: write 生鲜乳 or 乳粉."), value=texts["kind"])
    if kind:
        fields.update(kind=kind, category=KIND_CATEGORY[kind])

    code = texts["producer"].replace(" ", "").upper()
    producer = lookups.producers.get(code)
    if code and producer is None:
        fail(
            "producer",
            gettext_noop("No operator with the credit code %(code)s is in the register within your jurisdiction."),
            code=code,
        )
    fields["operator"] = producer

    supplier = texts["supplier"]
    if supplier and credit_code_problem(supplier.upper()) is None:
        fields["supplier"] = lookups.suppliers_by_code.get(supplier.upper())
        if fields["supplier"] is None:
            fail(
                "supplier",
                gettext_noop(
                    "No operator with the credit code %(code)s is in the register within your jurisdiction; "
                    "write the supplier's name instead."
                ),
                code=supplier.upper(),
            )
    elif supplier:
        # A name that is one supplier of the register is linked to it, for the trace (Q8).
        named = lookups.suppliers_by_name.get(supplier, [])
        fields["supplier"] = named[0] if len(named) == 1 else None
        fields["supplier_name"] = supplier

    plate = texts["vehicle"]
    if plate:
        fields["vehicle"] = vehicles.get(_plate(plate))
        if fields["vehicle"] is None:
            fail(
                "vehicle",
                gettext_noop("No raw-milk vehicle %(plate)s is registered within your jurisdiction."),
                plate=plate,
            )

    if texts["dated"]:
        fields["dated"] = _date(values.get("dated"))
        if fields["dated"] is None:
            fail("dated", gettext_noop("Write the date as 2026-11-02."))
    if texts["quantity"]:
        fields["quantity"] = _number(values.get("quantity"))
        if fields["quantity"] is None:
            fail("quantity", gettext_noop("Write the quantity as a number."))
    own_test = texts["own_test"]
    if _normal(own_test) in NOT_DETECTED:
        fields["own_test_mg_per_kg"] = Decimal(0)
    elif own_test:
        fields["own_test_mg_per_kg"] = _number(values.get("own_test"))
        if fields["own_test_mg_per_kg"] is None:
            fail("own_test", gettext_noop("Write the result in mg/kg as a number, 未检出, or leave it blank."))
    if kind is None:
        # Whether the batch carries an own test depends on its kind, already reported.
        fields.pop("own_test_mg_per_kg", None)
    return fields, errors


# The job.


@dataclass
class Outcome(FileOutcome):
    """The register import's outcome, over this file's columns, and for a file without
    errors, its lots ready to insert."""

    columns: ClassVar[Sequence[Column]] = COLUMNS
    lots: list[Lot] = field(default_factory=list)


def intake_import_start(*, actor, upload) -> IntakeImport:
    """S1: keep an uploaded intake file and queue its dry run."""
    from ..tasks import validate_intake_import

    require_intake_importer(actor)
    if upload is None:
        raise ValidationError({"file": _("Attach the intake file.")})
    validate_register_upload(upload)
    name = os.path.basename(upload.name or "") or "intake.xlsx"
    job = IntakeImport(created_by=actor, file_name=name[:255], file_sha256=upload_sha256(upload))
    job.file.save(name, upload, save=False)
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: validate_intake_import.delay(job.pk))
    return job


def intake_import_validate(*, job_id: int) -> IntakeImport:
    """S1: the dry run. Check every row, writing nothing but the job's progress and errors.
    Safe to repeat: a job already checked is left as it is."""
    if _move(job_id, {S.QUEUED, S.VALIDATING}, S.VALIDATING, processed_rows=0):
        job = IntakeImport.objects.select_related("created_by__agency").get(pk=job_id)
        outcome = _check(job, actor=job.created_by)
        _move(job_id, {S.VALIDATING}, S.INVALID if outcome.error_count else S.VALID, **outcome.fields())
    return IntakeImport.objects.get(pk=job_id)


@transaction.atomic
def intake_import_commit(*, actor, job: IntakeImport) -> IntakeImport:
    """S1: have a file checked without errors recorded by the worker. Only a job of the
    actor's kind of department, within its jurisdiction, is committed."""
    from ..tasks import commit_intake_import

    require_intake_importer(actor)
    locked = IntakeImport.objects.editable_by(actor).select_for_update(of=("self",)).filter(pk=job.pk).first()
    if locked is None:
        raise PermissionDenied(_("This import belongs to another department."))
    if locked.status != S.VALID:
        raise ValidationError(_("Only a file checked without errors can be committed."))
    locked.status = S.COMMITTING
    locked.committed_by = actor
    locked.processed_rows = 0
    locked.save(update_fields=["status", "committed_by", "processed_rows"])
    transaction.on_commit(lambda: commit_intake_import.delay(locked.pk))
    return locked


def intake_import_write(*, job_id: int) -> IntakeImport:
    """S1: the commit, in the worker. Check the file again (batches may have been recorded
    since the dry run), then record every batch with its history row, naming the committing
    user and the file, in one transaction: all of them or none.

    Safe to repeat: a committed job is not written twice."""
    job = IntakeImport.objects.select_related("committed_by__agency").get(pk=job_id)
    if job.status != S.COMMITTING:
        return job
    outcome = _check(job, actor=job.committed_by, keep_lots=True)
    if outcome.error_count:
        _move(job_id, {S.COMMITTING}, S.INVALID, **outcome.fields())
        return IntakeImport.objects.get(pk=job_id)
    try:
        with transaction.atomic():
            locked = IntakeImport.objects.select_for_update().get(pk=job_id)
            if locked.status == S.COMMITTING:  # else another run got there first
                lots_create(outcome.lots, actor=job.committed_by, reason=_change_reason(job))
                locked.status = S.COMMITTED
                locked.committed_count = len(outcome.lots)
                locked.finished_at = timezone.now()
                locked.save(update_fields=["status", "committed_count", "finished_at"])
    except IntegrityError:
        _move(job_id, {S.COMMITTING}, S.FAILED, **_failure(RACE))
    return IntakeImport.objects.get(pk=job_id)


def intake_import_fail(*, job_id: int) -> None:
    """An unfinished job whose task gave up is marked failed, so its page stops waiting."""
    _move(job_id, {S.QUEUED, S.VALIDATING, S.COMMITTING}, S.FAILED, **_failure(UNEXPECTED))


def _check(job: IntakeImport, *, actor, keep_lots: bool = False) -> Outcome:
    outcome = Outcome()
    checker = LotChecker(actor)
    vehicles = _vehicles(actor)
    try:
        with _workbook_rows(job) as (header_errors, estimated, rows):
            outcome.add(header_errors)
            if outcome.error_count:
                return outcome
            _progress(job.pk, total_rows=estimated, processed_rows=0)
            for chunk in batched(rows, CHUNK):
                _check_chunk(chunk, actor=actor, checker=checker, vehicles=vehicles, outcome=outcome, keep=keep_lots)
                outcome.rows += len(chunk)
                _progress(job.pk, processed_rows=outcome.rows, total_rows=estimated and max(outcome.rows, estimated))
    except UnreadableFile as unreadable:
        outcome.add([unreadable.error])
    if not outcome.rows and not outcome.error_count:
        outcome.add([RowError(None, "", EMPTY)])
    if not keep_lots or outcome.error_count:
        outcome.lots = []
    return outcome


def _check_chunk(chunk, *, actor, checker: LotChecker, vehicles, outcome: Outcome, keep: bool):
    lookups = _lookups(chunk, actor)
    read = [(number, *read_row(values, row=number, lookups=lookups, vehicles=vehicles)) for number, values in chunk]
    checked = checker.check([fields for _, fields, _ in read], labels=[number for number, _, _ in read])
    for (number, _fields, cell_errors), result in zip(read, checked, strict=True):
        outcome.add(cell_errors)
        flagged = {e.column for e in cell_errors}
        for name, message, params in error_msgids(result.errors):
            column = HEADER.get(FIELD_COLUMN.get(name, ""), "")
            if column not in flagged:  # the cell's own error says it already
                outcome.add([RowError(number, column, message, params)])
        if keep and result.lot is not None and not outcome.error_count:
            outcome.lots.append(result.lot)


def _change_reason(job: IntakeImport) -> str:
    # History is read long after the import, by anyone: written in the working language.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Intake import %(file)s") % {"file": job.file_name}


def _failure(message: str) -> dict:
    return {"errors": [RowError(None, "", message).as_dict()], "error_count": 1, "finished_at": timezone.now()}


def _move(job_id: int, sources: set[str], target: str, **fields) -> bool:
    """Move the job from one of `sources` to `target` if it is still there (a worker's claim)."""
    if any(target not in IMPORT_TRANSITIONS.get(source, ()) for source in sources):
        raise ValueError(f"No transition from {sources} to {target}")
    return IntakeImport.objects.filter(pk=job_id, status__in=sources).update(status=target, **fields) == 1


def _progress(job_id: int, **fields):
    # An UPDATE of its own, outside any transaction, so the page sees it at once.
    IntakeImport.objects.filter(pk=job_id).update(**fields)


# The template.


def template_workbook() -> Workbook:
    """The intake template: one batch per row, Chinese headers, text columns kept as text,
    and a sheet of allowed kinds and notes, the kinds offered as a drop-down list."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = write_sheet(
        workbook, "进货查验记录", [c.header for c in COLUMNS], [], widths=[24, 10, 18, 30, 14, 14, 10, 8, 20, 20]
    )
    notes = [
        ("类别", "生鲜乳", "raw milk purchased"),
        ("类别", "乳粉", "milk powder purchased"),
        ("供货方", "统一社会信用代码或名称", "credit code of a station, farm, cooperative or producer, or its name"),
        ("进货日期", "2026-11-02", "not in the future"),
        ("自检三聚氰胺(mg/kg)", "数值或“未检出”；未检测的留空", "blank = not tested by the producer (S1)"),
    ]
    write_sheet(workbook, "填写说明", ["列", "填写值", "English"], notes, widths=[22, 36, 60])
    for position, column in enumerate(COLUMNS, start=1):
        if column.text:
            sheet.column_dimensions[get_column_letter(position)].number_format = "@"
    letter = get_column_letter([c.field for c in COLUMNS].index("kind") + 1)
    # Offered, not enforced: the import reads other spellings too.
    validation = DataValidation(type="list", formula1='"生鲜乳,乳粉"', allow_blank=True, showErrorMessage=False)
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(validation)
    return workbook

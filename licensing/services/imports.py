"""The operator register import (摸清底数, P1): upload, dry run, then an all-or-nothing commit.

The worker checks a file row by row (`register_import_validate`), writing nothing to the
register. A file without errors may be committed: the worker checks the rows again, against
the register as it is by then and with the committing user's rights
(`register_import_write`), and creates every operator in one transaction, or none.
"""

import contextlib
import gzip
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from dairy_campaign.batching import batched
from dairy_campaign.models import Jurisdiction
from dairy_campaign.scoping import user_scope_prefix
from dairy_campaign.uploads import upload_sha256

from ..credit_code import credit_code_problem
from ..imports import (
    COLUMNS,
    Column,
    DuplicateCodes,
    RowError,
    Rules,
    UnreadableFile,
    WorkbookFile,
    cell_text,
    clean_row,
    credit_code_of,
    registered_error,
    validate_register_upload,
)
from ..models import Operator, RegisterImport
from ..models.imports import IMPORT_TRANSITIONS, MAX_STORED_ERRORS, ImportStatus, import_upload_to
from .register import kinds_kept_by

S = ImportStatus
# Rows between two progress reports, and between two look-ups of the register.
PROGRESS_EVERY = 1000
# Operators per INSERT: large enough to be fast, small enough for any database's limits.
WRITE_BATCH = 2000
# Errors of the whole file, kept as msgids like the row errors.
RACE = gettext_noop("A credit code of this file was registered while it was being written; upload it again.")
UNEXPECTED = gettext_noop("The import stopped on an unexpected error; upload the file again.")
EMPTY = gettext_noop("The file has no rows below the header.")


def may_import(actor) -> bool:
    return actor.is_authenticated and bool(kinds_kept_by(actor))


def require_importer(actor):
    if not may_import(actor):
        raise PermissionDenied(_("Registers are imported by the inspectors, reviewers and clerks who keep operators."))


def register_import_start(*, actor, upload) -> RegisterImport:
    """P1 (摸清底数): keep an uploaded register file and queue its dry run."""
    from ..tasks import validate_register_import

    require_importer(actor)
    validate_register_upload(upload)
    name = os.path.basename(upload.name or "") or "register.xlsx"
    job = RegisterImport(created_by=actor, file_name=name[:255], file_sha256=upload_sha256(upload))
    job.file.save(name, upload, save=False)
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: validate_register_import.delay(job.pk))
    return job


def register_import_validate(*, job_id: int) -> RegisterImport:
    """P1: the dry run. Check every row against the rules and the register, writing nothing
    to the register: only the job's progress and errors, and, for a file without errors, the
    rows as read, which the commit checks again. Safe to repeat: a job already checked is
    left as it is."""
    if _move(job_id, {S.QUEUED, S.VALIDATING}, S.VALIDATING, processed_rows=0):
        job = RegisterImport.objects.select_related("created_by__agency").get(pk=job_id)
        with tempfile.TemporaryFile() as staged:
            # Fast compression: the rows are read back once, by the commit.
            with gzip.open(staged, "wt", encoding="utf-8", compresslevel=1) as rows_read:
                outcome = _check(job, actor=job.created_by, source=_workbook_rows(job), rows_read=rows_read)
            fields = outcome.fields()
            if not outcome.error_count:
                staged.seek(0)
                fields["rows_file"] = job.rows_file.storage.save(
                    import_upload_to(job, f"{job.pk}-rows.jsonl.gz"), File(staged)
                )
        _move(job_id, {S.VALIDATING}, S.INVALID if outcome.error_count else S.VALID, **fields)
    return RegisterImport.objects.get(pk=job_id)


@transaction.atomic
def register_import_commit(*, actor, job: RegisterImport) -> RegisterImport:
    """P1: have a file checked without errors written to the register, by the worker.

    Only a job of the actor's kind of department, within its jurisdiction, is committed.
    """
    from ..tasks import commit_register_import

    require_importer(actor)
    locked = RegisterImport.objects.editable_by(actor).select_for_update(of=("self",)).filter(pk=job.pk).first()
    if locked is None:
        raise PermissionDenied(_("This import belongs to another department."))
    if locked.status != S.VALID:
        raise ValidationError(_("Only a file checked without errors can be committed."))
    locked.status = S.COMMITTING
    locked.committed_by = actor
    locked.processed_rows = 0
    locked.save(update_fields=["status", "committed_by", "processed_rows"])
    transaction.on_commit(lambda: commit_register_import.delay(locked.pk))
    return locked


def register_import_write(*, job_id: int) -> RegisterImport:
    """P1: the commit, in the worker. Check the file again (the register may have changed
    since the dry run), then create every operator with its history row, naming the
    committing user and the file, in one transaction: all of them or none.

    Safe to repeat: a committed job is not written twice, and a run that died half-way
    left nothing behind.
    """
    job = RegisterImport.objects.select_related("committed_by__agency").get(pk=job_id)
    if job.status != S.COMMITTING:
        return job
    source = _stored_rows(job) if job.rows_file else _workbook_rows(job)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as cleaned:
        outcome = _check(job, actor=job.committed_by, source=source, cleaned=cleaned)
        if outcome.error_count:
            _move(job_id, {S.COMMITTING}, S.INVALID, **outcome.fields())
            return RegisterImport.objects.get(pk=job_id)
        cleaned.seek(0)
        try:
            with transaction.atomic():
                locked = RegisterImport.objects.select_for_update().get(pk=job_id)
                if locked.status == S.COMMITTING:  # else another run got there first
                    created = _create_operators(cleaned, actor=job.committed_by, reason=_change_reason(job))
                    locked.status = S.COMMITTED
                    locked.committed_count = created
                    locked.finished_at = timezone.now()
                    locked.save(update_fields=["status", "committed_count", "finished_at"])
        except IntegrityError:
            # A credit code of the file was registered between the check and the write.
            _move(job_id, {S.COMMITTING}, S.FAILED, **_failure(RACE))
    return RegisterImport.objects.get(pk=job_id)


def register_import_fail(*, job_id: int) -> None:
    """An unfinished job whose task gave up is marked failed, so its page stops waiting."""
    _move(job_id, {S.QUEUED, S.VALIDATING, S.COMMITTING}, S.FAILED, **_failure(UNEXPECTED))


@dataclass
class Outcome:
    """What a pass over a file found: every error counted, the first MAX_STORED_ERRORS kept,
    in the order of the file's `columns`."""

    columns: ClassVar[Sequence[Column]] = COLUMNS
    rows: int = 0
    error_count: int = 0
    kept: list[RowError] = field(default_factory=list)

    def add(self, errors: Iterable[RowError]):
        for error in errors:
            self.error_count += 1
            if len(self.kept) < MAX_STORED_ERRORS:
                self.kept.append(error)

    def fields(self) -> dict:
        order = {c.header: i for i, c in enumerate(self.columns)}
        kept = sorted(self.kept, key=lambda e: (e.row or 0, order.get(e.column, -1)))
        return {
            "total_rows": self.rows,
            "processed_rows": self.rows,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in kept],
            "finished_at": timezone.now(),
        }


def _failure(message: str) -> dict:
    return {"errors": [RowError(None, "", message).as_dict()], "error_count": 1, "finished_at": timezone.now()}


@contextlib.contextmanager
def _workbook_rows(job: RegisterImport):
    """The uploaded workbook's rows: (header errors, estimated row count, rows)."""
    with job.file.open("rb") as fileobj, WorkbookFile(fileobj) as register:
        yield register.header_errors, register.estimated_rows, register.rows()


@contextlib.contextmanager
def _stored_rows(job: RegisterImport):
    """The rows the dry run read, as it stored them."""
    with job.rows_file.open("rb") as stored, gzip.open(stored, "rt", encoding="utf-8") as lines:
        yield [], job.total_rows, (tuple(json.loads(line)) for line in lines)


def _check(job: RegisterImport, *, actor, source, rows_read=None, cleaned=None) -> Outcome:
    """One pass over the rows of `source`, reporting progress as it goes.

    As long as no error is found, the rows are written to `rows_read` as read, and to
    `cleaned` as Operator fields, both as JSON lines.
    """
    rules = Rules(
        jurisdictions=Jurisdiction.objects.in_bulk(),
        scope_prefix="" if actor.is_superuser else (user_scope_prefix(actor) or "-"),
        kinds=kinds_kept_by(actor),
    )
    outcome = Outcome()
    try:
        with source as (header_errors, estimated, rows):
            outcome.add(header_errors)
            if outcome.error_count:
                return outcome
            _progress(job.pk, total_rows=estimated, processed_rows=0)
            duplicates = DuplicateCodes()
            for chunk in batched(rows, PROGRESS_EVERY):
                _check_chunk(chunk, rules=rules, duplicates=duplicates, outcome=outcome, sinks=(rows_read, cleaned))
                outcome.rows += len(chunk)
                # A sheet that does not state its size keeps the total at 0: progress unknown.
                _progress(job.pk, processed_rows=outcome.rows, total_rows=estimated and max(outcome.rows, estimated))
    except UnreadableFile as unreadable:
        outcome.add([unreadable.error])
    if not outcome.rows and not outcome.error_count:
        outcome.add([RowError(None, "", EMPTY)])
    return outcome


def _check_chunk(chunk, *, rules: Rules, duplicates: DuplicateCodes, outcome: Outcome, sinks):
    rows_read, cleaned_rows = sinks
    codes = {}
    for number, values in chunk:
        cleaned, errors = clean_row(values, row=number, rules=rules)
        outcome.add(errors)
        code = credit_code_of(values)
        # A cleaned row's code is valid; only a refused row's needs checking here.
        if code and (cleaned is not None or credit_code_problem(code) is None):
            outcome.add(duplicates.check(code, number))
            codes[number] = code
        if outcome.error_count:
            continue  # nothing will be committed: stop keeping rows
        if rows_read is not None:
            # Dates become the text clean_row would read from them, so both passes agree.
            rows_read.write(json.dumps([number, values], ensure_ascii=False, default=cell_text) + "\n")
        if cleaned_rows is not None:
            cleaned_rows.write(json.dumps(cleaned, ensure_ascii=False) + "\n")
    # One look-up per chunk, not per row.
    registered = set(Operator.objects.filter(credit_code__in=set(codes.values())).values_list("credit_code", flat=True))
    outcome.add(registered_error(number, code) for number, code in codes.items() if code in registered)


def _create_operators(staged, *, actor, reason: str) -> int:
    when = timezone.now()
    created = 0
    for chunk in batched((json.loads(line) for line in staged), WRITE_BATCH):
        operators = [Operator(**fields) for fields in chunk]
        bulk_create_with_history(
            operators,
            Operator,
            batch_size=WRITE_BATCH,
            default_user=actor,
            default_change_reason=reason,
            default_date=when,
        )
        created += len(operators)
    return created


def _change_reason(job: RegisterImport) -> str:
    # History is read long after the import, by anyone: written in the working language.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Register import %(file)s") % {"file": job.file_name}


def _move(job_id: int, sources: set[str], target: str, **fields) -> bool:
    """Move the job from one of `sources` to `target` if it is still there (a worker's claim)."""
    if any(target not in IMPORT_TRANSITIONS.get(source, ()) for source in sources):
        raise ValueError(f"No transition from {sources} to {target}")
    return RegisterImport.objects.filter(pk=job_id, status__in=sources).update(status=target, **fields) == 1


def _progress(job_id: int, **fields):
    # An UPDATE of its own, outside any transaction, so the page sees it at once.
    RegisterImport.objects.filter(pk=job_id).update(**fields)

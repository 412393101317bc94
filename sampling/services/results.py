"""Melamine results (Q7): entered by the lab or data clerk of the sampling department,
converted exactly to mg/kg, judged against the 2008 temporary limits, reviewed, corrected
with their history kept, one by one, on a grid or from an Excel file (all or nothing)."""

import datetime
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from dairy_campaign.ownership import DECIDE_ROLES, WRITE_ROLES
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify_agencies
from licensing.imports import declared_unpacked_bytes

from ..models import LabResult, MassUnit, Sample, SampleStatus, Verdict
from ..rules import melamine_limit, melamine_verdict, to_mg_per_kg
from .consequences import consequences_of
from .samples import custody_move, locked_sample, may_write_sample, require_sample_writer
from .seal import result_seal

S = SampleStatus
# LabResult keeps mg/kg to four decimals: what cannot be kept exactly is refused, not rounded.
STEP = Decimal("0.0001")
MEASURE_FIELDS = ("value", "unit", "detection_limit", "method", "lab", "tested_on")
# Up to this many rows an upload is checked and saved while the clerk waits.
MAX_UPLOAD_ROWS = 500
# Far above what MAX_UPLOAD_ROWS rows of results unpack to (well under 1 MB).
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
UNIT_WORDS = {
    "mg/kg": MassUnit.MG_PER_KG,
    "ug/kg": MassUnit.UG_PER_KG,
    "µg/kg": MassUnit.UG_PER_KG,  # micro sign
    "μg/kg": MassUnit.UG_PER_KG,  # Greek mu
}
UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, ParseError)


class RowsRejected(ValidationError):
    """Several rows entered at once, refused together: the errors of each row by its key."""

    def __init__(self, rows: dict[str, list[str]]):
        self.rows = rows
        super().__init__(dict(rows))


# --- who may do what -------------------------------------------------------------------


def require_result_writer(user):
    """Results are entered by those with a writing role (the lab's clerks, inspectors)."""
    if not (user.is_superuser or getattr(user, "role", None) in WRITE_ROLES):
        raise PermissionDenied(_("Your role does not enter results."))


def may_enter_result(actor, sample: Sample) -> bool:
    return sample.status == S.RECEIVED and may_write_sample(actor, sample)


def may_review_result(actor, result: LabResult) -> bool:
    return (
        result.sample.status == S.REPORTED
        and (actor.is_superuser or getattr(actor, "role", None) in DECIDE_ROLES)
        and result.entered_by_id != actor.pk
        and may_write_sample(actor, result.sample)
    )


# --- the measure -----------------------------------------------------------------------


def _decimal(value, name: str) -> Decimal:
    if isinstance(value, float):
        raise ValidationError({name: _("Give the number as a decimal, not a binary fraction.")})
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({name: _("Give a number.")}) from None
    if not number.is_finite():
        raise ValidationError({name: _("Give a number.")})
    return number


def normalise_unit(unit) -> str | None:
    return UNIT_WORDS.get(str(unit or "").strip().lower().replace(" ", ""))


def _in_mg_per_kg(number: Decimal, unit: str, name: str) -> Decimal:
    mg = to_mg_per_kg(number, unit)
    if mg.quantize(STEP) != mg:
        raise ValidationError({name: _("Too many decimals: the result is kept to 0.0001 mg/kg (0.1 µg/kg).")})
    return mg.quantize(STEP)


def measure_fields(sample: Sample, *, value, unit, detection_limit, method, lab, tested_on) -> dict:
    """Q7: the fields of a result, checked: value ≥ 0, converted exactly from µg/kg, the
    detection limit in the same unit, the limit and verdict of the lot's category."""
    errors = {}

    def check(fn):
        try:
            return fn()
        except ValidationError as error:
            errors.update(error.message_dict)
            return None

    unit_code = normalise_unit(unit)
    if unit_code is None:
        errors["unit"] = [_("Give the unit: mg/kg or µg/kg.")]
    value = check(lambda: _decimal(value, "value"))
    if value is not None and value < 0:
        errors["value"] = [_("A result cannot be negative.")]
    if value is not None and value.as_tuple().exponent < -4:
        errors["value"] = [_("Give the value with at most four decimals.")]
    detection = check(lambda: _decimal(detection_limit, "detection_limit"))
    if detection is not None and detection <= 0:
        errors["detection_limit"] = [_("The detection limit must be positive.")]
    mg = dl = None
    if unit_code and value is not None and "value" not in errors:
        mg = check(lambda: _in_mg_per_kg(value, unit_code, "value"))
    if unit_code and detection is not None and "detection_limit" not in errors:
        dl = check(lambda: _in_mg_per_kg(detection, unit_code, "detection_limit"))
    method, lab = (method or "").strip(), (lab or "").strip()
    if not method:
        errors["method"] = [_("Give the test method.")]
    if not lab:
        errors["lab"] = [_("Give the laboratory.")]
    if not isinstance(tested_on, datetime.date) or isinstance(tested_on, datetime.datetime):
        errors["tested_on"] = [_("Give the test date.")]
    elif tested_on > local_today():
        errors["tested_on"] = [_("The test date cannot be in the future.")]
    elif tested_on < timezone.localtime(sample.sampled_at).date():
        errors["tested_on"] = [_("The sample cannot be tested before it was taken.")]
    if errors:
        raise ValidationError(errors)
    category = sample.lot.category
    return {
        "entered_value": value,
        "entered_unit": unit_code,
        "mg_per_kg": mg,
        "detection_limit": dl,
        "category": category,
        "limit": melamine_limit(category),
        "verdict": melamine_verdict(mg, category),
        "method": method,
        "lab": lab,
        "tested_on": tested_on,
    }


# --- one result --------------------------------------------------------------------------


def _require_received(sample: Sample):
    if LabResult.objects.filter(sample=sample).exists():
        raise ValidationError(_("Sample %(code)s already has a result; correct it instead.") % {"code": sample.code})
    if sample.status != S.RECEIVED:
        raise ValidationError(
            _(
                "Sample %(code)s is “%(step)s”: the lab must first record receiving it "
                "(custody step “Received by the lab”) before its result is entered."
            )
            % {"code": sample.code, "step": sample.get_status_display()}
        )


@transaction.atomic
def result_enter(*, actor, sample: Sample, value, unit, detection_limit, method, lab, tested_on) -> LabResult:
    """Q7: the melamine result of a sample received by the lab. A result exactly at the
    limit conforms; above it does not. The sample moves to tested and reported; a
    non-conforming result sets Q8 going (`consequences_of`)."""
    require_sample_writer(actor, sample)
    sample = locked_sample(sample)
    _require_received(sample)
    fields = measure_fields(
        sample, value=value, unit=unit, detection_limit=detection_limit, method=method, lab=lab, tested_on=tested_on
    )
    result = audited_save(LabResult(sample=sample, entered_by=actor, **fields), actor=actor, reason=_("Result entered"))
    _tested_and_reported(actor, sample, result)
    result.sample = sample
    consequences_of(actor=actor, result=result)
    return result


def _tested_and_reported(actor, sample: Sample, result: LabResult):
    """Entering a result takes the sample through two custody steps at once. Both are
    hand-overs of the chain (two custody events, two logged moves), but the sample changes
    once, so it gets one history row: the intermediate save writes none."""
    sample.skip_history_when_saving = True
    try:
        custody_move(
            actor=actor,
            sample=sample,
            step=S.TESTED,
            note=_("Tested on %(date)s at %(lab)s") % {"date": result.tested_on.isoformat(), "lab": result.lab},
        )
    finally:
        del sample.skip_history_when_saving
    custody_move(actor=actor, sample=sample, step=S.REPORTED, note=_("Result %(value)s mg/kg") % _shown(result))


@transaction.atomic
def result_review(*, actor, result: LabResult) -> LabResult:
    """A reviewer of the sampling department confirms a reported result; the sample's
    custody ends at reviewed. Whoever entered the result does not review it."""
    require_sample_writer(actor, result.sample)
    if not actor.is_superuser and actor.role not in DECIDE_ROLES:
        raise PermissionDenied(_("Only reviewers of the sampling department review results."))
    sample = locked_sample(result.sample)
    result = LabResult.objects.get(pk=result.pk)
    if sample.status != S.REPORTED:
        raise ValidationError(_("Only a reported result awaiting review can be reviewed."))
    if result.entered_by_id == actor.pk:
        raise PermissionDenied(_("Whoever entered a result does not review it."))
    result.reviewed_by = actor
    result.reviewed_at = timezone.now()
    result.content_seal = result_seal(result)
    audited_save(result, actor=actor, reason=_("Reviewed"))
    custody_move(actor=actor, sample=sample, step=S.REVIEWED, note=_("Result reviewed"))
    return result


@transaction.atomic
def result_correct(
    *, actor, result: LabResult, value, unit, detection_limit, method, lab, tested_on, reason: str = ""
) -> LabResult:
    """Correct a result. Before review any writing member of the sampling department may;
    after review only with a reason, and the old value stays in the result's history. A
    correction that changes the verdict runs Q8 again; one that clears a non-conforming
    result does not release the lot: that is a reviewer's decision on the lot."""
    require_sample_writer(actor, result.sample)
    sample = locked_sample(result.sample)
    result = LabResult.objects.select_related("sample__lot__operator").get(pk=result.pk)
    reason = (reason or "").strip()
    if result.reviewed_at is not None and not reason:
        raise ValidationError(
            {"reason": _("A reviewed result is corrected only with a reason; the old value stays in its history.")}
        )
    fields = measure_fields(
        sample, value=value, unit=unit, detection_limit=detection_limit, method=method, lab=lab, tested_on=tested_on
    )
    if all(getattr(result, name) == new for name, new in fields.items()):
        raise ValidationError(_("Nothing to correct: the result is the same."))
    before = result.verdict
    for name, new in fields.items():
        setattr(result, name, new)
    _reseal_if_reviewed(result)
    audited_save(result, actor=actor, reason=reason or _("Corrected before review"))
    if result.verdict != before:
        consequences_of(actor=actor, result=result)
        if result.verdict == Verdict.CONFORMING:
            _notify_cleared(result)
    return result


def _reseal_if_reviewed(result: LabResult):
    """A correction after review is made here with a reason, its old value kept in the
    history: the seal then covers the corrected content, so only a change made outside
    the application breaks it."""
    if result.content_seal:
        result.content_seal = result_seal(result)


def _shown(result: LabResult) -> dict:
    return {"value": f"{result.mg_per_kg.normalize():f}", "limit": f"{result.limit.normalize():f}"}


def _notify_cleared(result: LabResult):
    """Those a non-conforming result was referred to learn that it was corrected; the hold
    and the referrals stay until they decide."""
    agencies = {r.to_agency_id: r.to_agency for r in result.referrals.select_related("to_agency")}
    if not agencies:
        return
    title = _("Result corrected: sample %(code)s now conforms (%(value)s mg/kg)") % {
        "code": result.sample.code,
        **_shown(result),
    }
    body = _("The lot stays on hold until a reviewer of its department releases it.")
    notify_agencies(agencies=agencies.values(), title=title, body=body)


# --- many results at once ----------------------------------------------------------------


@dataclass
class ResultRow:
    """One row of a grid, an upload or an API batch: its key (row number, sample code),
    the sample (None if not found) and the measure."""

    key: str
    sample: Sample | None
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [
                m if name == "__all__" else f"{_field_label(name)}: {m}"
                for name, ms in error.message_dict.items()
                for m in ms
            ]
        return list(error.messages)
    return [str(error)]


def _field_label(name: str) -> str:
    labels = {
        "value": _("value"),
        "unit": _("unit"),
        "detection_limit": _("detection limit"),
        "method": _("method"),
        "lab": _("laboratory"),
        "tested_on": _("tested on"),
    }
    return str(labels.get(name, name))


@transaction.atomic
def results_enter_many(*, actor, rows: Iterable[ResultRow]) -> list[LabResult]:
    """Enter many results at once, all or nothing: every row is checked, and if any row is
    refused nothing is saved and each refused row says why (`RowsRejected`)."""
    rows = list(rows)
    if not rows:
        raise ValidationError(_("Enter at least one result."))
    errors: dict[str, list[str]] = {}
    results = []
    seen = set()
    for row in rows:
        problems = list(row.errors)
        if row.sample is not None and row.sample.pk in seen:
            problems.append(_("This sample appears twice."))
        if row.sample is None and not problems:
            problems.append(_("No such sample within your jurisdiction."))
        if not problems:
            seen.add(row.sample.pk)
            try:
                with transaction.atomic():
                    results.append(result_enter(actor=actor, sample=row.sample, **row.values))
            except (ValidationError, PermissionDenied) as error:
                problems.extend(_messages(error))
        if problems:
            errors[row.key] = problems
    if errors:
        raise RowsRejected(errors)
    return results


def _cell_decimal(value):
    # Excel keeps numbers as binary doubles; their shortest decimal form is what the clerk typed.
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _cell_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _open_workbook(upload):
    if upload is None:
        raise ValidationError({"file": _("Choose the Excel file.")})
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.") % {"mb": limit}})
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx).")})
    unpacked = declared_unpacked_bytes(upload)
    if unpacked is not None and unpacked > MAX_UNPACKED_BYTES:
        # A zip bomb: openpyxl would inflate it while the clerk waits (shared strings in memory).
        raise ValidationError({"file": _("The workbook unpacks to more than an upload may hold.")})
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except UNREADABLE:
        raise ValidationError({"file": _("The workbook cannot be read.")}) from None


def read_result_rows(upload, *, actor) -> list[ResultRow]:
    """The rows of an uploaded workbook (first sheet, one header row; columns: sample code,
    value, unit, detection limit, method, laboratory, tested on), each with its sample
    among those the actor sees and its reading errors."""
    workbook = _open_workbook(upload)
    try:
        raw = []
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(min_row=2, values_only=True), start=2):
            cells = list(cells[:7]) + [None] * (7 - len(cells[:7]))
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            raw.append((number, cells))
            if len(raw) > MAX_UPLOAD_ROWS:
                raise ValidationError({"file": _("More than %(n)d rows: split the file.") % {"n": MAX_UPLOAD_ROWS}})
    except UNREADABLE:
        raise ValidationError({"file": _("The workbook cannot be read.")}) from None
    finally:
        workbook.close()
    codes = {str(cells[0]).strip() for _n, cells in raw if cells[0] is not None}
    samples = {s.code: s for s in Sample.objects.visible_to(actor).filter(code__in=codes).select_related("lot")}
    rows = []
    for number, (code, value, unit, detection, method, lab, tested) in raw:
        code = str(code or "").strip()
        row = ResultRow(key=str(number), sample=samples.get(code))
        if not code:
            row.errors.append(_("Give the sample code."))
        elif row.sample is None:
            row.errors.append(_("No sample %(code)s within your jurisdiction.") % {"code": code})
        tested_on = _cell_date(tested)
        if tested_on is None:
            row.errors.append(_("tested on: give a date as YYYY-MM-DD."))
        row.values = {
            "value": _cell_decimal(value),
            "unit": unit,
            "detection_limit": _cell_decimal(detection),
            "method": str(method or ""),
            "lab": str(lab or ""),
            "tested_on": tested_on,
        }
        rows.append(row)
    if not rows:
        raise ValidationError({"file": _("The workbook has no result rows.")})
    return rows


def result_upload(*, actor, upload) -> list[LabResult]:
    """Results from an Excel file, all or nothing, with the errors of each row by its number
    in the sheet. Up to MAX_UPLOAD_ROWS rows are saved while the clerk waits."""
    return results_enter_many(actor=actor, rows=read_result_rows(upload, actor=actor))


def awaiting_results(actor):
    """Samples received by the lab, without a result, that the actor may enter."""
    return (
        Sample.objects.editable_by(actor)
        .filter(status=S.RECEIVED, result__isnull=True)
        .select_related("lot__operator")
        .order_by("sampled_at", "id")
    )

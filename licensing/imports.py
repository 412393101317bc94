"""Reading and checking an operator register file (摸清底数, P1), without the database.

The service loads what the rules need once per file (`Rules`) and feeds the rows through
`clean_row`; each row comes back as the fields of an Operator or as its errors. Messages
are stored as English msgids with parameters and translated when shown, so a job reads in
whichever language its reader chose.
"""

import datetime
import functools
import itertools
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from dairy_campaign.exports import write_sheet

from .credit_code import credit_code_problem
from .models import Arrangement, Operator, OperatorKind

ZIP_MAGIC = b"PK\x03\x04"
# Beyond the province's whole register (~150k operators): a bigger file is a mistake or an attack.
MAX_ROWS = 200_000
# A full register of MAX_ROWS unpacks to about 150 MB; a 10 MB upload that inflates far
# beyond that is a zip bomb, not a register.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
# What openpyxl raises on a damaged workbook, on opening it or half-way through.
UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, ParseError)


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool = False
    # Kept as text in the template, so Excel neither rounds 18 digits nor drops leading zeros.
    text: bool = False


COLUMNS = (
    Column("kind", "类别", required=True),
    Column("name", "名称", required=True),
    Column("credit_code", "统一社会信用代码", text=True),
    Column("county", "县级行政区划代码", required=True, text=True),
    Column("address", "地址", required=True),
    Column("contact_person", "联系人"),
    Column("phone", "联系电话", text=True),
    Column("registered_with_aic", "已工商登记"),
    Column("infant_formula", "婴幼儿配方乳粉生产"),
    Column("scale_farm", "规模养殖场"),
    Column("herd_size", "存栏量"),
    Column("arrangement", "经营方式"),
    Column("actual_operator", "实际经营者"),
)
HEADER = {c.field: c.header for c in COLUMNS}
FLAGS = ("registered_with_aic", "infant_formula", "scale_farm")
TEXTS = ("name", "address", "contact_person", "phone", "actual_operator")
YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
NO = frozenset({"否", "n", "no", "false", "0", "×"})
# What offices write in the arrangement column besides the labels (L2).
ARRANGEMENT_WORDS = {
    "自营": Arrangement.SELF_RUN,
    "承包": Arrangement.CONTRACTED,
    "转包": Arrangement.SUBCONTRACTED,
    "租赁": Arrangement.LEASED,
}
# Message parameters that are themselves msgids, translated with the message.
TRANSLATED_PARAMS = frozenset({"problem"})


@dataclass(frozen=True)
class RowError:
    """One problem of one cell. Row 1 is the header row; row None is the whole file."""

    row: int | None
    column: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "params": dict(self.params)}


def translated(error: Mapping) -> str:
    """A stored error's message in the active language."""
    params = {k: gettext(v) if k in TRANSLATED_PARAMS else v for k, v in (error.get("params") or {}).items()}
    message = gettext(error["message"])
    return message % params if params else message


@dataclass(frozen=True)
class Rules:
    """What rows are checked against, loaded once per file."""

    jurisdictions: Mapping[str, object]  # every Jurisdiction, by code
    scope_prefix: str  # "" for a superuser: the whole province
    kinds: frozenset[str]  # operator kinds the importing department keeps


def _normal(value: str) -> str:
    return "".join(value.split()).casefold()


@functools.cache
def choice_lookup(choices) -> dict[str, str]:
    """Accepted spellings of a choice: its code, its English label, its Chinese label."""
    lookup = {}
    for value, label in zip(choices.values, choices.labels, strict=True):
        with translation.override(None):
            english = str(label)
        with translation.override(settings.LANGUAGE_CODE):
            chinese = str(label)
        for spelling in (value, english, chinese):
            lookup[_normal(spelling)] = value
    if choices is Arrangement:
        lookup.update({_normal(word): str(value) for word, value in ARRANGEMENT_WORDS.items()})
    return lookup


def chinese_label(choices, value) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(choices(value).label)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value).strip()


def credit_code_of(values: Mapping) -> str:
    return cell_text(values.get("credit_code")).replace(" ", "").upper()


def _flag(value) -> bool | None:
    """是/否 and the usual spellings; an empty cell is 否. None when unreadable."""
    if isinstance(value, bool):
        return value
    text = _normal(cell_text(value))
    if not text or text in NO:
        return False
    return True if text in YES else None


def _count(value) -> int | None:
    """A whole, non-negative number; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, int):
        return value if value >= 0 else None
    text = cell_text(value).replace(",", "")
    return int(text) if text.isdigit() else None


# What a cleaned row holds: the Operator's own fields, JSON-serialisable.
CLEANED_FIELDS = (
    "kind",
    "name",
    "credit_code",
    "county_id",
    "address",
    "contact_person",
    "phone",
    "registered_with_aic",
    "infant_formula",
    "scale_farm",
    "herd_size",
    "arrangement",
    "actual_operator",
)


@functools.cache
def _max_length(name: str) -> int:
    return Operator._meta.get_field(name).max_length


def clean_row(values: Mapping[str, object], *, row: int, rules: Rules) -> tuple[dict | None, list[RowError]]:
    """One data row, by field name → (the Operator's fields, []) or (None, its errors).

    Applies the register's rules: the kind and county the importer may register (DESIGN §1),
    a valid credit code, and Operator.clean(): the actual operator of a contracted,
    subcontracted or leased business (L2), infant formula only for dairy producers, herd
    size only for farms. Duplicates are checked by the caller, across rows.
    """
    errors: list[RowError] = []

    def fail(name, message, **params):
        errors.append(RowError(row, HEADER[name], message, params))

    texts = {name: cell_text(values.get(name)) for name in TEXTS}
    for column in COLUMNS:
        if column.required and not cell_text(values.get(column.field)):
            fail(column.field, gettext_noop("Fill in this column."))
    for name, text in texts.items():
        if len(text) > _max_length(name):
            fail(name, gettext_noop("Write at most %(limit)d characters."), limit=_max_length(name))

    kind_text = cell_text(values.get("kind"))
    kind = choice_lookup(OperatorKind).get(_normal(kind_text)) if kind_text else None
    if kind_text and kind is None:
        fail("kind", gettext_noop("“%(value)s” is not a kind of operator; see the allowed values."), value=kind_text)
    elif kind and kind not in rules.kinds:
        fail("kind", gettext_noop("Your department does not keep operators of this kind."))

    code = credit_code_of(values)
    problem = credit_code_problem(code) if code else None
    if problem:
        fail(
            "credit_code",
            gettext_noop("Unified social credit code %(code)s: %(problem)s."),
            code=code,
            problem=problem,
        )

    county_code = cell_text(values.get("county"))
    county = rules.jurisdictions.get(county_code)
    if county_code and county is None:
        fail("county", gettext_noop("No division of Jiangsu has the code %(code)s."), code=county_code)
    elif county is not None and not county_code.startswith(rules.scope_prefix):
        fail("county", gettext_noop("Choose a county within your jurisdiction."))

    flags = {name: _flag(values.get(name)) for name in FLAGS}
    for name, flag in flags.items():
        if flag is None:
            fail(name, gettext_noop("Write 是 or 否."))
    herd_text = cell_text(values.get("herd_size"))
    herd_size = _count(values.get("herd_size")) if herd_text else None
    if herd_text and herd_size is None:
        fail("herd_size", gettext_noop("Write the herd size as a whole number."))

    arrangement_text = cell_text(values.get("arrangement"))
    arrangement = (
        choice_lookup(Arrangement).get(_normal(arrangement_text)) if arrangement_text else Arrangement.SELF_RUN
    )
    if arrangement is None:
        fail(
            "arrangement",
            gettext_noop("“%(value)s” is not an operating arrangement; see the allowed values."),
            value=arrangement_text,
        )

    if kind is None or county is None or arrangement is None:
        return None, errors  # the model's rules depend on these three
    operator = Operator(
        kind=kind,
        name=texts["name"],
        credit_code=code or None,
        county=county,
        address=texts["address"],
        contact_person=texts["contact_person"],
        phone=texts["phone"],
        herd_size=herd_size,
        arrangement=arrangement,
        actual_operator=texts["actual_operator"],
        **{name: bool(flag) for name, flag in flags.items()},
    )
    errors += _model_rules(operator, row)
    if errors:
        return None, errors
    return {name: getattr(operator, name) for name in CLEANED_FIELDS}, []


def _model_rules(operator: Operator, row: int) -> list[RowError]:
    """Operator.clean(), the one statement of the register's cross-field rules."""
    try:
        operator.clean()
    except ValidationError as error:
        found = []
        for name, items in error.error_dict.items():
            for item in items:
                # Kept untranslated: the msgid is translated when the error is shown.
                with translation.override(None):
                    message = str(item.message)
                found.append(RowError(row, HEADER.get(name, ""), message, item.params or {}))
        return found
    return []


class DuplicateCodes:
    """Credit codes seen so far in one file: a repeated code reports both of its rows."""

    message = gettext_noop("The credit code %(code)s is also on row %(other)d of this file.")

    def __init__(self):
        self.first_row: dict[str, int] = {}
        self.reported: set[int] = set()

    def check(self, code: str, row: int) -> list[RowError]:
        first = self.first_row.setdefault(code, row)
        if first == row:
            return []
        errors = [RowError(row, HEADER["credit_code"], self.message, {"code": code, "other": first})]
        if first not in self.reported:
            self.reported.add(first)
            errors.append(RowError(first, HEADER["credit_code"], self.message, {"code": code, "other": row}))
        return errors


def registered_error(row: int, code: str) -> RowError:
    return RowError(
        row, HEADER["credit_code"], gettext_noop("The credit code %(code)s is already in the register."), {"code": code}
    )


def read_header(
    cells: Sequence, columns: Sequence[Column] = COLUMNS, normal=_normal
) -> tuple[dict[str, int], list[RowError]]:
    """Each field's column position, found by its Chinese header (compared through `normal`);
    columns may come in any order."""
    by_header = {normal(c.header): c for c in columns}
    positions, errors = {}, []
    for index, value in enumerate(cells):
        column = by_header.get(normal(cell_text(value)).rstrip("*"))
        if column is None:
            continue  # a column of the office's own, such as remarks
        if column.field in positions:
            errors.append(RowError(1, column.header, gettext_noop("This column appears twice.")))
        positions.setdefault(column.field, index)
    for column in columns:
        if column.required and column.field not in positions:
            errors.append(RowError(1, column.header, gettext_noop("This column is missing; use the template.")))
    return positions, errors


class UnreadableFile(Exception):
    """The file cannot be read as an import workbook; `error` says why, for the job's error list."""

    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


def unreadable_error() -> RowError:
    return RowError(None, "", gettext_noop("The file cannot be read as an Excel workbook (.xlsx)."))


def too_many_rows_error(limit: int = MAX_ROWS) -> RowError:
    return RowError(
        None,
        "",
        gettext_noop("The file has more than %(limit)d rows; split it into several files."),
        {"limit": limit},
    )


class WorkbookFile:
    """An uploaded import workbook, read as a stream: the first sheet, header in row 1, the
    `columns` found by their headers, at most `max_rows` rows (the register's by default).

    Raises UnreadableFile when openpyxl cannot read it, on opening or half-way through.
    """

    def __init__(self, fileobj, columns: Sequence[Column] = COLUMNS, max_rows: int = MAX_ROWS, normal=_normal):
        self.max_rows = max_rows
        try:
            self.workbook = load_workbook(fileobj, read_only=True, data_only=True)
            self.sheet = self.workbook.worksheets[0]
            self._rows = self.sheet.iter_rows(values_only=True)
            header = next(self._rows, None) or ()
        except UNREADABLE as error:
            raise UnreadableFile(unreadable_error()) from error
        self.positions, self.header_errors = read_header(header, columns, normal)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.workbook.close()

    @property
    def estimated_rows(self) -> int:
        """From the sheet's stated size, for the progress bar (blank rows make it high);
        0 when the sheet does not state it."""
        return max(0, (self.sheet.max_row or 1) - 1)

    def rows(self) -> Iterator[tuple[int, dict]]:
        """(Excel row number, {field: cell value}) for every row that is not blank."""
        positions = self.positions
        for number in itertools.count(2):
            try:
                cells = next(self._rows, None)
            except UNREADABLE as error:
                raise UnreadableFile(unreadable_error()) from error
            if cells is None:
                return
            if all(cell_text(c) == "" for c in cells):
                continue
            if number > self.max_rows + 1:
                raise UnreadableFile(too_many_rows_error(self.max_rows))
            yield number, {name: cells[i] if i < len(cells) else None for name, i in positions.items()}


def declared_unpacked_bytes(upload) -> int | None:
    """What the members of an uploaded zip inflate to, by their declared sizes; None when it is
    not a zip. The declared size is a bound: zipfile stops a member there and checks its CRC,
    so a member that lies about its size is unreadable, not bigger."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return sum(m.file_size for m in archive.infolist())
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)


def validate_register_upload(upload) -> None:
    """An .xlsx by content (a zip holding a workbook), within UPLOAD_MAX_BYTES and not a zip bomb."""
    if upload is None:
        raise ValidationError({"file": gettext("Attach the register file.")})
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"file": gettext("The file is larger than %(mb)d MB.") % {"mb": limit}})
    head = upload.read(len(ZIP_MAGIC))
    upload.seek(0)
    not_xlsx = ValidationError({"file": gettext("Only Excel .xlsx files are accepted; use the template.")})
    if head != ZIP_MAGIC:
        raise not_xlsx
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise not_xlsx from None
    finally:
        upload.seek(0)
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise not_xlsx
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ValidationError({"file": gettext("The file unpacks to more than a register can hold.")})


def template_workbook() -> Workbook:
    """The register template: one column per field with Chinese headers, frozen header row,
    and a second sheet of the allowed kinds and arrangements, offered as drop-down lists."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = write_sheet(
        workbook,
        "经营者名录",
        [c.header for c in COLUMNS],
        [],
        widths=[24, 30, 22, 16, 36, 12, 16, 12, 18, 12, 10, 12, 20],
    )
    allowed = [("类别", chinese_label(OperatorKind, v), v, str(label_en)) for v, label_en in _english(OperatorKind)]
    allowed += [("经营方式", chinese_label(Arrangement, v), v, str(label_en)) for v, label_en in _english(Arrangement)]
    values_sheet = write_sheet(
        workbook, "可选值", ["列", "填写值", "代码", "English"], allowed, widths=[12, 36, 22, 40]
    )
    for position, column in enumerate(COLUMNS, start=1):
        if column.text:
            sheet.column_dimensions[get_column_letter(position)].number_format = "@"
    kinds = len(OperatorKind.values)
    values = f"'{values_sheet.title}'"
    ranges = {"kind": f"{values}!$B$2:$B${kinds + 1}", "arrangement": f"{values}!$B${kinds + 2}:$B${len(allowed) + 1}"}
    for name, cells in ranges.items():
        _drop_down(sheet, name, cells)
    for name in FLAGS:
        _drop_down(sheet, name, '"是,否"')
    return workbook


def _english(choices):
    with translation.override(None):
        return [(value, str(label)) for value, label in zip(choices.values, choices.labels, strict=True)]


def _drop_down(sheet, name: str, source: str):
    letter = get_column_letter([c.field for c in COLUMNS].index(name) + 1)
    # Offered, not enforced: the import accepts codes and English labels too.
    validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(validation)

"""Excel exports shared by every list page.

Text that a spreadsheet would read as a formula (=, +, -, @, tab, CR at the start) is
stored as plain text with a quote prefix, so exported evidence can never run.
"""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _storable(value, zone=None):
    # Decimals (quantities, mg/kg) stay numbers, exactly as stored.
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write the local (Asia/Shanghai) wall time.
        if timezone.is_aware(value):
            return value.astimezone(zone or timezone.get_current_timezone()).replace(tzinfo=None)
        return value
    if value is not None and not isinstance(value, (int, float, Decimal, datetime.date, str)):
        return str(value)
    return value


def safe_value(ws, value, zone=None):
    """What to append for `value` in a list export: the value itself when openpyxl stores it
    safely as it is (a styled cell object costs several times more to build and write; dates
    then take openpyxl's own yyyy-mm-dd formats), else a cell made safe by `safe_cell`.
    `zone`: the local time zone, looked up once by the caller for a whole sheet."""
    if type(value) is str:  # most cells: checked first, as cheaply as possible
        return safe_cell(ws, value) if value.startswith(FORMULA_TRIGGERS) else value
    value = _storable(value, zone)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return safe_cell(ws, value)
    return value


def safe_cell(ws, value):
    value = _storable(value)
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def write_sheet(
    wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] | None = None
):
    ws = wb.create_sheet(title=title[:31])
    ws.freeze_panes = "A2"
    for index, width in enumerate(widths or [max(12, len(str(h)) * 2 + 2) for h in headers], start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    header_cells = []
    for header in headers:
        cell = safe_cell(ws, str(header))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    zone = timezone.get_current_timezone()
    for row in rows:
        ws.append([safe_value(ws, value, zone) for value in row])
    return ws


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    wb = Workbook(write_only=True)
    write_sheet(wb, title, headers, rows)
    response = HttpResponse(content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    wb.save(response)
    return response

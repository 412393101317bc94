"""The summary workbook (P1, P4): the report's written summary, a sheet per section of its
statistics (the jurisdiction's own records, each jurisdiction below, and the total) and a
sheet per jurisdiction below with all of its figures.

Headers and labels are in the active language (Chinese by default); every text cell goes
through `safe_cell`, so nothing typed by a user ever becomes a formula. The figures are the
report's snapshot, the same the report's page shows.
"""

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dairy_campaign.exports import safe_cell

from ..models import SummaryReport
from .summaries import report_sections, snapshot_child_figures, snapshot_tables

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
BOLD = Font(bold=True)
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class _Titles:
    """Sheet titles as Excel takes them: at most 31 characters, no []:*?/\\, all different."""

    def __init__(self):
        self.used: set[str] = set()

    def __call__(self, wanted: str) -> str:
        base = SHEET_FORBIDDEN.sub(" ", str(wanted)).strip()[:31] or "Sheet"
        title, n = base, 2
        while title.casefold() in self.used:
            suffix = f" ({n})"
            title, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.used.add(title.casefold())
        return title


def _sheet(wb: Workbook, title: str, widths: list[int], freeze: str = "A2"):
    ws = wb.create_sheet(title=title)
    ws.freeze_panes = freeze
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    return ws


def _header(ws, headers) -> list:
    cells = []
    for header in headers:
        cell = safe_cell(ws, str(header))
        cell.font = BOLD
        cells.append(cell)
    return cells


def _number(ws, value, decimal: bool, bold: bool = False):
    cell = safe_cell(ws, value)
    cell.number_format = DECIMAL_FORMAT if decimal else INTEGER_FORMAT
    if bold:
        cell.font = BOLD
    return cell


def _width(label) -> int:
    return max(12, min(40, len(str(label)) * 2 + 2))


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _summary_sheet(wb: Workbook, report: SummaryReport, title: str):
    ws = _sheet(wb, title, [22, 100])
    ws.append(_header(ws, [_("item"), _("content")]))
    facts = [
        (_("campaign"), str(report.campaign)),
        (_("jurisdiction"), f"{report.jurisdiction_id} {report.jurisdiction.display_name}"),
        (_("department"), str(report.agency)),
        (_("status"), report.get_status_display()),
        (_("statistics generated at"), _local(report.generated_at)),
        (_("submitted by"), str(report.submitted_by or "")),
        (_("submitted at"), _local(report.submitted_at)),
        (_("reviewed by"), str(report.reviewed_by or "")),
        (_("reviewed at"), _local(report.reviewed_at)),
        (_("review note"), report.review_note),
    ]
    for label, value in facts:
        ws.append([safe_cell(ws, label), safe_cell(ws, value)])
    wrap = Alignment(wrap_text=True, vertical="top")
    paragraphs = [p for p in report.text.splitlines() if p.strip()] or [""]
    for index, paragraph in enumerate(paragraphs):
        label = safe_cell(ws, _("written summary") if index == 0 else "")
        text = safe_cell(ws, paragraph)
        text.alignment = wrap
        ws.append([label, text])


def _section_sheet(wb: Workbook, table, title: str):
    figures = table.figures
    ws = _sheet(wb, title, [10, 24, *[_width(f.label) for f in figures]])
    ws.append(_header(ws, [_("code"), _("jurisdiction"), *[f.label for f in figures]]))
    for row in table.rows:
        name = _("%(place)s (own records)") % {"place": row.name} if row.own else row.name
        values = [_number(ws, v, f.decimal) for f, v in zip(figures, row.values, strict=True)]
        ws.append([safe_cell(ws, row.code), safe_cell(ws, name), *values])
    total_label = safe_cell(ws, _("Total"))
    total_label.font = BOLD
    totals = [_number(ws, v, f.decimal, bold=True) for f, v in zip(figures, table.total, strict=True)]
    ws.append([safe_cell(ws, ""), total_label, *totals])


def _child_sheet(wb: Workbook, sections, figures: dict, title: str):
    ws = _sheet(wb, title, [24, 40, 16])
    ws.append(_header(ws, [_("section"), _("figure"), _("value")]))
    for section in sections:
        for figure in section.figures:
            ws.append(
                [
                    safe_cell(ws, str(section.title)),
                    safe_cell(ws, str(figure.label)),
                    _number(ws, figures[figure.key], figure.decimal),
                ]
            )


def summary_workbook(report: SummaryReport) -> Workbook:
    """The report's workbook, written as it streams (write-only)."""
    wb = Workbook(write_only=True)
    titles = _Titles()
    _summary_sheet(wb, report, titles(_("Written summary")))
    for table in snapshot_tables(report):
        _section_sheet(wb, table, titles(table.section.title))
    sections = report_sections(report)
    for place, figures in snapshot_child_figures(report):
        _child_sheet(wb, sections, figures, titles(f"{place.code} {place.display_name}"))
    return wb


def summary_workbook_name(report: SummaryReport) -> str:
    return f"summary-{report.campaign.year}-{report.jurisdiction_id}-{report.agency.kind}.xlsx"

import datetime
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from dairy_campaign.exports import write_sheet


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("x")'])
def test_text_that_looks_like_a_formula_stays_text(text):
    wb = Workbook(write_only=True)
    write_sheet(wb, "t", ["列"], [[text]])
    buffer = BytesIO()
    wb.save(buffer)
    cell = load_workbook(BytesIO(buffer.getvalue())).active["A2"]
    # XML reads a lone CR back as LF; what matters is that the cell is text, not a formula.
    assert cell.data_type == "s" and cell.value in (text, text.replace("\r", "\n"))


def test_headers_are_frozen_and_dates_formatted():
    wb = Workbook(write_only=True)
    write_sheet(wb, "t", ["日期", "数量"], [[datetime.date(2026, 12, 30), 3]])
    buffer = BytesIO()
    wb.save(buffer)
    ws = load_workbook(BytesIO(buffer.getvalue())).active
    assert ws.freeze_panes == "A2" and ws["A1"].value == "日期"
    assert ws["A2"].number_format == "yyyy-mm-dd" and ws["B2"].value == 3

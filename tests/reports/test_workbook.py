"""The summary workbook (P1, P4): read back with openpyxl, it holds the dashboard's figures;
headers frozen and translated, number formats, totals; no text ever becomes a formula."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from reports.services import summaries as svc
from reports.services.workbook import summary_workbook
from reports.statistics import SECTION_BY_KEY, rollup, sections_for

from ..factories import member, place
from .test_summaries import records

pytestmark = pytest.mark.django_db
K = AgencyKind


def read_back(report):
    buffer = BytesIO()
    summary_workbook(report).save(buffer)
    return load_workbook(BytesIO(buffer.getvalue()))


def number(value):
    """A cell's number as written: exact for the two-place amounts of the statistics."""
    return Decimal(str(value)).quantize(Decimal("0.01")) if isinstance(value, float) else value


@pytest.fixture
def nanjing_report(campaign, django_capture_on_commit_callbacks):
    records()
    clerk = member("320100", K.FSO, Role.CLERK)
    report = svc.summary_start(actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        svc.summary_generate(actor=clerk, report=report)
    report = svc.summary_text_set(actor=clerk, report=report, text="第一段。\n\n=SUM(A1) 第二段")
    report.refresh_from_db()
    return report


def section_sheet(wb, key):
    return wb[str(SECTION_BY_KEY[key].title)[:31]]


def test_P4_each_section_sheet_equals_the_rollup(nanjing_report, campaign):
    wb = read_back(nanjing_report)
    expected = rollup(place("320100"), campaign)
    for section in sections_for(K.FSO):
        ws = section_sheet(wb, section.key)
        rows = list(ws.iter_rows(values_only=True))
        header, own, *children, total = rows
        assert header[2:] == tuple(str(f.label) for f in section.figures)
        assert own[0] == "320100" and total[1] == "Total"
        for figure, value in zip(section.figures, total[2:], strict=True):
            assert number(value) == expected.total[figure.key], figure.key
        assert [row[0] for row in children] == [child.code for child, _f in expected.children]
        for row, (_child, figures) in zip(children, expected.children, strict=True):
            assert [number(v) for v in row[2:]] == [figures[f.key] for f in section.figures]


def test_P4_the_workbook_equals_the_dashboard_api(nanjing_report):
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(member("320100", K.FSO, Role.VIEWER))
    dashboard = api.get("/api/v1/dashboards/320100/").data
    wb = read_back(nanjing_report)
    for section in dashboard["sections"]:
        total = list(section_sheet(wb, section["key"]).iter_rows(values_only=True))[-1]
        for figure, value in zip(section["figures"], total[2:], strict=True):
            api_value = Decimal(figure["total"]) if figure["decimal"] else figure["total"]
            assert number(value) == api_value, figure["key"]
    for child in dashboard["children"]:
        ws = wb[f"{child['code']} {child['name_en']}"[:31]]
        values = {row[1]: row[2] for row in ws.iter_rows(min_row=2, values_only=True)}
        for section in dashboard["sections"]:
            for figure in section["figures"]:
                expected = child["figures"][figure["key"]]
                expected = Decimal(expected) if figure["decimal"] else expected
                assert number(values[figure["label"]]) == expected


def test_the_fines_are_exact_amounts_with_two_places(nanjing_report):
    ws = section_sheet(read_back(nanjing_report), "cases")
    header = next(ws.iter_rows(max_row=1, values_only=True))
    column = header.index("Fines (yuan)") + 1
    total = ws.cell(row=ws.max_row, column=column)
    assert number(total.value) == Decimal("12346.17") and total.number_format == "#,##0.00"
    count = ws.cell(row=ws.max_row, column=3)
    assert count.number_format == "#,##0" and count.font.b


def test_sheets_headers_frozen_and_widths(nanjing_report):
    wb = read_back(nanjing_report)
    titles = wb.sheetnames
    assert titles[0] == "Written summary"
    assert titles[1 : 1 + len(sections_for(K.FSO))] == [str(s.title)[:31] for s in sections_for(K.FSO)]
    assert "320115 Jiangning District" in titles and len(titles) == 1 + len(sections_for(K.FSO)) + 11
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.b for cell in ws[1])
        assert ws.column_dimensions["A"].width >= 10


def test_the_headers_are_chinese_in_chinese(nanjing_report):
    with translation.override("zh-hans"):
        wb = read_back(nanjing_report)
        section = sections_for(K.FSO)[0]
        labels = tuple(str(f.label) for f in section.figures)
        title = str(section.title)[:31]
    rows = list(wb[title].iter_rows(values_only=True))
    assert rows[0][1] == "辖区" and rows[0][2:] == labels
    assert rows[-1][1] == "合计"


def test_the_written_summary_sheet_keeps_text_as_text(nanjing_report):
    ws = read_back(nanjing_report)["Written summary"]
    paragraphs = [
        (row[0].value, row[1]) for row in ws.iter_rows(min_row=2) if row[1].value in ("第一段。", "=SUM(A1) 第二段")
    ]
    assert [p[0] for p in paragraphs] == ["written summary", None]
    formula_like = paragraphs[1][1]
    assert formula_like.data_type == "s" and formula_like.quotePrefix


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-1", "@x", "\tx", "\rx"])
def test_text_cells_starting_like_formulas_stay_text(campaign, text, django_capture_on_commit_callbacks):
    clerk = member("320115", K.QTS, Role.CLERK)
    report = svc.summary_start(actor=clerk)
    svc.summary_text_set(actor=clerk, report=report, text="开头")
    # The note of a review is typed by the level above; any text cell goes through safe_cell.
    type(report).objects.filter(pk=report.pk).update(text=text, review_note=text)
    report.refresh_from_db()
    ws = read_back(report)["Written summary"]
    cells = [row[1] for row in ws.iter_rows(min_row=2) if row[1].value not in (None, "")]
    neutralised = [c for c in cells if c.value in (text, text.replace("\r", "\n"))]
    assert len(neutralised) >= 1
    for cell in neutralised:
        assert cell.data_type == "s" and cell.quotePrefix


def test_the_workbook_downloads_for_the_city_not_its_neighbour(client, nanjing_report):
    client.force_login(member("320100", K.FSO, Role.VIEWER))
    response = client.get(f"/reports/summaries/{nanjing_report.pk}/workbook/")
    assert response.status_code == 200 and "summary-2026-320100-FSO.xlsx" in response["Content-Disposition"]
    client.force_login(member("320300", K.FSO, Role.REVIEWER))
    assert client.get(f"/reports/summaries/{nanjing_report.pk}/workbook/").status_code == 404

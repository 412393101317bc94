"""The provincial office's summary (P1, P4): dashboard, drill into a city, generate the
province's report with its progress bar, download the workbook."""

import pytest
from openpyxl import load_workbook

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import campaign_create, local_today
from reports.models import GenerationState, SummaryReport
from reports.statistics import sections_for

from ..factories import member
from ..reports.test_summaries import records
from .test_home import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("jurisdictions")]


def test_P4_the_provincial_office_drills_into_a_city_generates_its_report_and_downloads_the_workbook(
    live_server, desktop, tmp_path
):
    campaign_create(year=local_today().year)
    records()  # operators in two Nanjing counties and one Xuzhou county, fined cases
    officer = member("320000", AgencyKind.FSO, Role.REVIEWER, full_name="王建国")
    base = live_server.url
    page = desktop

    log_in(page, base, officer.username)
    page.goto(f"{base}/reports/")
    province_total = page.inner_text("[data-testid=figure-operators_total]").strip()
    assert province_total == "6"
    page.click("[data-testid=child-320100] a")
    page.wait_for_url(f"{base}/reports/320100/")
    assert page.inner_text("[data-testid=figure-operators_total]").strip() == "5"

    page.goto(f"{base}/reports/summaries/mine/")
    page.click("[data-testid=summary-start]")
    page.wait_for_selector("[data-testid=generate]")
    assert page.get_attribute("[data-testid=summary-progress]", "aria-valuenow") == "0"
    page.click("[data-testid=generate]")
    # The worker's progress reaches 100% and the page shows the tables.
    page.wait_for_selector("[data-testid=summary-progress][aria-valuenow='100']")
    assert page.inner_text("[data-testid=summary-progress]").strip() == "100%"
    page.wait_for_selector("[data-testid=section-census]")
    columns = page.locator("[data-testid=section-census] thead th")
    assert columns.count() == 1 + 1 + 13 + 1  # figure, the province's own records, each city, total
    assert page.inner_text("[data-testid=section-census] [data-testid=total-operators_total]") == province_total
    report = SummaryReport.objects.get(agency=officer.agency)
    assert report.generation_state == GenerationState.DONE

    with page.expect_download() as download:
        page.click("[data-testid=summary-workbook]")
    path = tmp_path / "summary.xlsx"
    download.value.save_as(path)
    wb = load_workbook(path)
    census_sheet = wb.worksheets[1]  # the written summary first, then the sections in order
    keys = [f.key for f in sections_for(AgencyKind.FSO)[0].figures]
    total_row = list(census_sheet.iter_rows(values_only=True))[-1]
    assert total_row[1] == "合计"
    assert str(total_row[2 + keys.index("operators_total")]) == province_total
    assert len(wb.sheetnames) == 1 + len(sections_for(AgencyKind.FSO)) + 13

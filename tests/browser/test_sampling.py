import datetime
from decimal import Decimal

import pytest

from dairy_campaign.choices import AgencyKind, Role
from sampling.models import LabResult, LotStatus, Referral, ReferralKind, SampleStatus
from sampling.services.samples import custody_advance, sample_take

from ..factories import member
from ..sampling.factories import LotFactory
from .test_home import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("jurisdictions")]


@pytest.fixture
def raw_milk_sample():
    """A raw-milk intake sampled by the county's quality supervision and received by its lab."""
    sampler = member("320115", AgencyKind.QTS, Role.INSPECTOR, full_name="张伟")
    clerk = member("320115", AgencyKind.QTS, Role.CLERK, full_name="林化验")
    reviewer = member("320115", AgencyKind.QTS, Role.REVIEWER, full_name="黄芳")
    lot = LotFactory(operator__name="江宁新鲜乳品有限公司", batch_number="XX-RM-20261116-23")
    sample = sample_take(
        actor=sampler,
        lot=lot,
        samplers="张伟、李强",
        sampled_at=datetime.datetime(2026, 11, 17, 1, 0, tzinfo=datetime.UTC),
        quantity=Decimal("0.5"),
        unit="kg",
        seal_number="宁江质监封-0008",
        lab="江宁区产品质量监督检验所",
    )
    custody_advance(actor=sampler, sample=sample, step=SampleStatus.SENT)
    custody_advance(actor=clerk, sample=sample, step=SampleStatus.RECEIVED)
    return sample, clerk, reviewer


def test_Q8_a_lab_clerk_enters_an_over_limit_raw_milk_result_the_lot_is_held_and_the_case_reaches_the_reviewer(
    live_server, browser, raw_milk_sample
):
    sample, clerk, reviewer = raw_milk_sample
    base = live_server.url

    lab = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = lab.new_page()
    page.set_default_timeout(15000)
    log_in(page, base, clerk.username)
    page.wait_for_selector("[data-testid=inbox-link]", state="attached")
    page.goto(f"{base}/sampling/samples/{sample.pk}/")
    page.click("[data-testid=enter-result]")
    page.fill("#id_value", "3.2")
    page.select_option("#id_unit", "mg/kg")
    page.fill("#id_detection_limit", "0.05")
    assert page.input_value("#id_lab") == "江宁区产品质量监督检验所"
    page.fill("#id_tested_on", "2026-11-18")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=verdict].text-bg-danger")
    assert "3.2 mg/kg" in page.inner_text("main")
    assert page.get_attribute("[data-testid=custody-status]", "class").endswith("text-bg-primary")
    assert page.locator("[data-testid=custody] li").count() == 5  # sampled, sent, received, tested, reported

    page.goto(f"{base}/sampling/lots/{sample.lot_id}/")
    assert "text-bg-danger" in page.get_attribute("[data-testid=lot-status]", "class")
    lab.close()

    result = LabResult.objects.get(sample=sample)
    assert result.mg_per_kg == Decimal("3.2") and result.verdict == "non_conforming"
    sample.lot.refresh_from_db()
    assert sample.lot.status == LotStatus.ON_HOLD
    case = Referral.objects.get(result=result, kind=ReferralKind.CASE)
    assert case.to_agency == reviewer.agency

    office = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = office.new_page()
    desk.set_default_timeout(15000)
    log_in(desk, base, reviewer.username)
    desk.wait_for_selector("[data-testid=inbox-link]")
    desk.goto(f"{base}/sampling/referrals/?mine=true")
    row = desk.inner_text("[data-testid=referral-table] tbody")
    assert sample.code in row and "江宁新鲜乳品有限公司" in row
    desk.goto(f"{base}/inbox/")
    assert sample.code in desk.inner_text("main")
    desk.click(f"a[href='/sampling/referrals/{case.pk}/']")
    desk.wait_for_selector("[data-testid=referral-summary]")
    assert "XX-RM-20261116-23" in desk.inner_text("[data-testid=referral-summary]")
    office.close()

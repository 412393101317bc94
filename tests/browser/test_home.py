import pytest

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import campaign_create, local_today

from ..factories import PASSWORD, member

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("jurisdictions")]


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")


def test_a_county_inspector_sees_the_chinese_home_page_and_switches_to_english(live_server, phone):
    campaign = campaign_create(year=local_today().year)
    inspector = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    days_left = campaign.days_to_deadline(local_today())

    log_in(phone, live_server.url, inspector.username)
    phone.wait_for_selector("[data-testid=countdown]")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    assert "排查整改" in phone.inner_text("[data-testid=current-phase]") or local_today().month == 12
    assert str(abs(days_left)) in phone.inner_text("[data-testid=countdown]")
    assert "江宁区" in phone.inner_text(".breadcrumb")

    phone.click("[data-testid=lang-en]")
    phone.wait_for_selector("html[lang=en]")
    assert "Current phase" in phone.inner_text("main")
    assert "Investigation" in phone.inner_text("[data-testid=current-phase]") or local_today().month == 12

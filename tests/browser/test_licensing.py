import datetime

import pytest

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import local_today
from licensing.models import OperatorKind

from ..factories import member
from ..licensing.factories import OperatorFactory
from .test_home import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("jurisdictions")]


def test_an_agriculture_reviewer_is_refused_for_a_retailer_and_grants_a_farm_L3(live_server, desktop):
    reviewer = member("320115", AgencyKind.AGR, Role.REVIEWER)
    shop = OperatorFactory(kind=OperatorKind.SMALL_RETAILER, name="东山便民食杂店")
    farm = OperatorFactory(kind=OperatorKind.DAIRY_FARM, name="汤山奶牛养殖场")
    page, base = desktop, live_server.url
    log_in(page, base, reviewer.username)
    page.wait_for_selector("[data-testid=inbox-link]")

    page.goto(f"{base}/licensing/operators/{shop.pk}/")
    page.click("[data-testid=apply-licence]")
    page.select_option("select[name=type]", "purchase")
    page.click("[data-testid=submit]")
    assert "L3" in page.inner_text(".alert-danger")
    assert not shop.licences.exists()

    page.goto(f"{base}/licensing/operators/{farm.pk}/")
    page.click("[data-testid=apply-licence]")
    page.select_option("select[name=type]", "purchase")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=licence-status]")
    page.click("[data-testid=action-grant]")
    today = local_today()
    page.fill("#id_grant-reason", "符合生鲜乳收购许可条件")
    page.fill("#id_grant-number", "苏收320115-0099")
    page.fill("#id_grant-issued_on", today.isoformat())
    page.fill("#id_grant-expires_on", (today + datetime.timedelta(days=730)).isoformat())
    page.click("[data-testid=confirm-grant]")
    page.wait_for_selector(".alert-success")
    assert "有效" in page.inner_text("[data-testid=licence-status]")

    page.goto(f"{base}/licensing/operators/{farm.pk}/")
    table = page.inner_text("[data-testid=licence-table]")
    assert "苏收320115-0099" in table and "生鲜乳收购许可证" in table

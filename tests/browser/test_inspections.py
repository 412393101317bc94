import io

import pytest
from PIL import Image

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import Inspection, InspectionStatus, MeasureKind
from licensing.models import OperatorKind

from ..factories import member
from ..inspections.factories import AssignmentFactory, TemplateFactory
from ..licensing.factories import OperatorFactory
from .test_home import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("jurisdictions")]


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def wait_saved(page):
    page.wait_for_selector("[data-testid=sync-status].alert-success")


@pytest.fixture
def catering_case():
    template = TemplateFactory()
    inspector = member("320115", AgencyKind.FDA, Role.INSPECTOR, full_name="王检查")
    reviewer = member("320115", AgencyKind.FDA, Role.REVIEWER, full_name="赵审核")
    restaurant = OperatorFactory(kind=OperatorKind.CATERING, name="江宁某某酒楼")
    AssignmentFactory(inspector=inspector, assigned_by=reviewer, operator=restaurant, template_code=template.code)
    return inspector, reviewer, restaurant


def test_s4_catering_checklist_filed_on_a_phone_returned_corrected_and_approved(live_server, browser, catering_case):
    inspector, reviewer, restaurant = catering_case
    base = live_server.url
    field, page = phone_page(browser)
    log_in(page, base, inspector.username)
    page.goto(f"{base}/inspections/tasks/")
    assert "江宁某某酒楼" in page.inner_text("[data-testid=task]")
    page.click("[data-testid=start-task]")

    page.click("[data-testid=certificates_kept-yes]")
    page.click("[data-testid=no_expired_dairy-no]")
    page.fill("#n-no_expired_dairy", "冷藏柜内过期纯牛奶2箱")
    page.fill("#a-dairy_kinds", "3")
    page.select_option("#a-storage", "良好")
    wait_saved(page)

    page.set_input_files(
        "[data-testid=photo-input-no_expired_dairy]",
        files=[{"name": "expired.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}],
    )
    page.click("[data-testid=photo-attach-no_expired_dairy]")
    page.wait_for_selector("[data-testid=photo-no_expired_dairy]")

    page.click("[data-testid=add-measure]")
    page.select_option("select[name=kind]", MeasureKind.DESTROY_EXPIRED)
    page.fill("textarea[name=description]", "过期纯牛奶，当场监督销毁")
    page.fill("input[name=product]", "纯牛奶 250mL")
    page.fill("input[name=quantity]", "48")
    page.fill("input[name=unit]", "盒")
    page.fill("input[name=witness]", "店长 陈某")
    page.click("[data-testid=submit]")
    assert "监督销毁" in page.inner_text("[data-testid=measures]")

    sign(page, "王检查")
    assert page.get_attribute("[data-testid=inspection-status]", "class").endswith("text-bg-primary")

    desk, review_page = phone_page(browser)
    log_in(review_page, base, reviewer.username)
    inspection = Inspection.objects.get(operator=restaurant)
    review_page.goto(f"{base}/inspections/checklists/{inspection.pk}/")
    review_page.fill("textarea[name=note]", "贮存条件应为“一般”，请更正")
    review_page.click("[data-testid=return]")
    review_page.wait_for_selector(".alert-success")

    page.goto(f"{base}/inspections/checklists/{inspection.pk}/edit/")
    assert "请更正" in page.inner_text("[data-testid=review-note]")
    page.select_option("#a-storage", "一般")
    wait_saved(page)
    sign(page, "王检查")

    review_page.goto(f"{base}/inspections/checklists/{inspection.pk}/")
    review_page.click("[data-testid=approve]")
    review_page.wait_for_selector(".alert-success")
    assert review_page.locator("[data-testid=rounds] tbody tr").count() == 4

    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.APPROVED and inspection.round == 2
    assert inspection.answers["storage"]["value"] == "一般"
    assert inspection.photos.count() == 1 and inspection.measures.get().status == "done"
    field.close()
    desk.close()


def sign(page, name):
    page.fill("#sign-form input[name=signed_name]", name)
    page.check("#sign-form input[name=confirm]")
    page.click("[data-testid=sign-submit]")
    page.wait_for_selector("[data-testid=signature]")


def test_answers_typed_offline_are_kept_marked_and_saved_when_the_signal_returns(live_server, browser, catering_case):
    inspector, _reviewer, restaurant = catering_case
    base = live_server.url
    context, page = phone_page(browser)
    log_in(page, base, inspector.username)
    page.goto(f"{base}/inspections/tasks/")
    page.click("[data-testid=start-task]")
    page.wait_for_selector("#checklist")

    context.set_offline(True)
    page.fill("#a-dairy_kinds", "5")
    page.wait_for_selector("[data-testid=unsaved-dairy_kinds]:not(.d-none)")
    assert "1" in page.inner_text("[data-testid=sync-status]")
    inspection = Inspection.objects.get(operator=restaurant)
    assert inspection.answers == {}

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_saved(page)
    assert page.locator("[data-testid=unsaved-dairy_kinds].d-none").count() == 1
    inspection.refresh_from_db()
    assert inspection.answers["dairy_kinds"]["value"] == "5"
    context.close()

import datetime

import pytest
from rest_framework.authtoken.models import Token

from cases.models import Case, CaseStatus, Complaint, PoliceReferral, PoliceReferralStatus
from dairy_campaign.choices import AgencyKind, Role

from ..factories import member
from .test_home import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("jurisdictions")]


def test_c2_p3_a_12315_tip_becomes_a_case_referred_to_the_police_who_accept_it(live_server, browser):
    hotline = member("320000", AgencyKind.AIC, Role.CLERK, username="hotline_12315")
    reviewer = member("320115", AgencyKind.AIC, Role.REVIEWER, full_name="朱审核")
    police = member("320115", AgencyKind.PSB, Role.REVIEWER, full_name="何警官")
    token = Token.objects.create(user=hotline)
    base = live_server.url

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    tip = {
        "hotline": "12315",
        "ticket_number": "12315-2026-0042",
        "kind": "tip",
        "received_at": datetime.datetime(2026, 11, 26, 9, 30, tzinfo=datetime.UTC).isoformat(),
        "content": "东山某食杂店在出租库房内分装来源不明的散装奶粉",
        "jurisdiction": "320115",
        "party_name": "东山某食杂店",
        "informant_name": "林某",
        "informant_phone": "13912345678",
    }
    arrived = page.request.post(f"{base}/api/v1/complaints/", data=tip, headers={"Authorization": f"Token {token.key}"})
    assert arrived.status == 201, arrived.text()
    again = page.request.post(f"{base}/api/v1/complaints/", data=tip, headers={"Authorization": f"Token {token.key}"})
    assert again.status == 200 and Complaint.objects.count() == 1
    complaint = Complaint.objects.get()

    log_in(page, base, reviewer.username)
    page.wait_for_selector("[data-testid=inbox-link]")
    page.goto(f"{base}/cases/complaints/{complaint.pk}/")
    page.click("[data-testid=action-to-case]")
    page.fill("#act-to-case input[name$=title]", "涉嫌经营来源不明乳粉")
    page.check("#act-to-case input[value=unlicensed]")
    page.click("[data-testid=confirm-to-case]")
    page.click("[data-testid=complaint-case]")
    page.wait_for_selector("[data-testid=case-status]")

    page.click("[data-testid=action-file]")
    page.fill("#act-file textarea[name$=reason]", "线索查证属实，符合立案条件")
    page.fill("#act-file input[name$=document_number]", "宁江工商立〔2026〕15号")
    page.check("#act-file input[value=unlicensed]")
    page.click("[data-testid=confirm-file]")
    page.wait_for_selector(".alert-success")
    case = Case.objects.get()
    assert case.status == CaseStatus.FILED and case.complaint == complaint

    page.click("[data-testid=refer-police]")
    page.select_option("select[name=police_unit]", str(police.agency_id))
    page.fill("input[name=document_number]", "宁江工商移〔2026〕3号")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=referrals]")
    context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, base, police.username)
    page.wait_for_selector("[data-testid=inbox-link]", state="attached")
    page.goto(f"{base}/cases/police/")
    page.click("[data-testid=answer-accept]")
    page.fill("input[name=police_case_number]", "宁江公刑〔2026〕88号")
    page.click("[data-testid=submit]")
    page.wait_for_selector(".alert-success")
    referral = PoliceReferral.objects.get()
    assert referral.status == PoliceReferralStatus.ACCEPTED and referral.police_case_number == "宁江公刑〔2026〕88号"
    context.close()

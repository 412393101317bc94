"""Pages under the Content-Security-Policy in Chromium: no violation, and the scripts moved
out of the templates still work. (The policy itself is tested in tests/security.)"""

import datetime

import pytest
from django.urls import reverse

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import campaign_create, local_today
from inspections.services.filing import inspection_start
from licensing.models import OperatorKind
from sampling.models import Rule

from ..cases.factories import CaseFactory, ComplaintFactory
from ..factories import PASSWORD, NotificationFactory, member, place
from ..inspections.factories import TemplateFactory
from ..licensing.factories import OperatorFactory
from ..sampling.factories import SampleFactory

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""
NOV = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
# Redoc's "powered by" logo, built into its bundle, comes from its CDN: blocked, and the page
# reads the same without it.
HARMLESS = ("img-src https://cdn.redoc.ly/", "Loading the image 'https://cdn.redoc.ly/")


def main_pages(base):
    """One record of each kind the main pages show, and those pages' URLs by the user who opens them."""
    from sampling.services.plans import plan_create

    campaign_create(year=local_today().year)
    qts = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    aic = member("320115", AgencyKind.AIC, Role.REVIEWER)
    fda = member("320115", AgencyKind.FDA, Role.INSPECTOR)
    fso = member("320100", AgencyKind.FSO, Role.REVIEWER)
    operator = OperatorFactory()
    case = CaseFactory(operator=operator)
    complaint = ComplaintFactory(recorded_by=aic)
    NotificationFactory(recipient=aic, title="待阅通知")
    restaurant = OperatorFactory(kind=OperatorKind.CATERING)
    inspection = inspection_start(actor=fda, template=TemplateFactory(), operator=restaurant)
    plan = plan_create(actor=qts, rule=Rule.Q1, jurisdiction=place("320115"), period_start=NOV[0], period_end=NOV[1])
    sample = SampleFactory()
    return {
        qts: [
            "/",
            reverse("operator_list"),
            reverse("operator_detail", args=[operator.pk]),
            reverse("operator_new"),
            reverse("plan_detail", args=[plan.pk]),
            reverse("sample_label", args=[sample.pk]),
            reverse("api-docs"),
            reverse("api-redoc"),
        ],
        aic: [
            reverse("case_detail", args=[case.pk]),
            reverse("complaint_detail", args=[complaint.pk]),
            reverse("inbox"),
        ],
        fda: [reverse("inspection_edit", args=[inspection.pk]), reverse("inspection_detail", args=[inspection.pk])],
        fso: [reverse("dashboard")],
    }


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.browser
@pytest.mark.services
@pytest.mark.usefixtures("jurisdictions")
def test_the_main_pages_run_under_the_policy_without_violations(live_server, browser):
    violations = []
    for user, urls in main_pages(live_server.url).items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(LISTEN)
        page = context.new_page()
        page.set_default_timeout(15000)
        console = []
        page.on("console", lambda message, log=console: log.append(message.text))
        log_in(page, live_server.url, user.username)
        for url in urls:
            page.goto(live_server.url + url, wait_until="networkidle")
            seen = page.evaluate("window.__cspViolations")
            refused = [text for text in console if "Content Security Policy" in text]
            violations += [f"{url}: {v}" for v in seen + refused if not v.startswith(HARMLESS)]
            console.clear()
        context.close()
    assert not violations, "\n".join(violations)


@pytest.mark.browser
@pytest.mark.services
@pytest.mark.usefixtures("jurisdictions")
def test_the_scripts_moved_out_of_the_templates_still_work(live_server, browser):
    """The plan's live Q6 check and the inbox's mark-read, once inline, now from static files."""
    from sampling.services.plans import plan_create

    campaign_create(year=local_today().year)
    qts = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    OperatorFactory(kind=OperatorKind.DAIRY_PRODUCER)
    plan = plan_create(actor=qts, rule=Rule.Q1, jurisdiction=place("320115"), period_start=NOV[0], period_end=NOV[1])
    NotificationFactory(recipient=qts, title="待阅通知")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server.url, qts.username)
    page.goto(live_server.url + reverse("plan_detail", args=[plan.pk]))
    page.wait_for_function("document.getElementById('live-check').textContent.length > 0")
    page.goto(live_server.url + reverse("inbox"))
    page.click("[data-action=mark-read]")
    page.wait_for_selector("[data-action=mark-read]", state="detached")
    context.close()

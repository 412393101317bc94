"""Pages and API of listed supervision (C2), accountability (C1) and incident reports (P4):
the listing office sees the case whatever department owns it, an outsider gets 404, a
read-only user 403 on writes, lists export to Excel, bad input writes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import demo_supervision
from cases.models import Accountability, IncidentReport, Listing, ListingStatus, ProgressReport
from cases.services.accountability import accountability_record
from cases.services.incidents import incident_report
from cases.services.supervision import listing_create, listing_overdue, with_last_report
from dairy_campaign import demo as core_demo
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import User
from dairy_campaign.services.campaigns import local_today

from ..factories import AgencyFactory, member, place
from ..licensing.factories import OperatorFactory
from .factories import CaseFactory

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def city_office():
    return member("320100", AgencyKind.FSO, Role.REVIEWER)


@pytest.fixture
def office_viewer():
    return member("320100", AgencyKind.FSO, Role.VIEWER)


@pytest.fixture
def other_city_office():
    return member("320300", AgencyKind.FSO, Role.REVIEWER)


@pytest.fixture
def aic():
    return member("320115", AgencyKind.AIC, Role.INSPECTOR)


@pytest.fixture
def case():
    return CaseFactory(major=True, title="销售超标婴幼儿配方乳粉案")


@pytest.fixture
def listing(city_office, case):
    return listing_create(
        actor=city_office,
        case=case,
        level="city",
        deadline=local_today() + datetime.timedelta(days=30),
        report_every_days=15,
        requirements="查清来源和流向",
        document_number="宁食安办督〔2026〕3号",
    )


def qts_case():
    qts = AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115"))
    producer = OperatorFactory(name="江宁某乳业有限公司")
    return CaseFactory(agency=qts, operator=producer, cross_region=True, title="收购不合格生鲜乳案")


def list_form(**overrides):
    values = {
        "level": "city",
        "deadline": (local_today() + datetime.timedelta(days=45)).isoformat(),
        "report_every_days": "15",
        "requirements": "限期查结",
        "document_number": "宁食安办督〔2026〕5号",
    }
    return {**values, **overrides}


# --- C2: the listing office sees the case, whatever department owns it ---------------


def test_c2_listing_office_sees_the_case_whatever_department_owns_it(client, city_office, other_city_office, case):
    production_case = qts_case()
    client.force_login(city_office)
    for listed_case in (production_case, case):
        created = client.post(reverse("listing_new", args=[listed_case.pk]), list_form())
        assert created.status_code == 302, created.context and created.context["form"].errors
    listings = {x.case.agency.kind: x for x in Listing.objects.select_related("case__agency")}
    assert set(listings) == {AgencyKind.QTS, AgencyKind.AIC}

    page = client.get(reverse("listing_list"))
    assert {x.pk for x in page.context["object_list"]} == {x.pk for x in listings.values()}
    text = page.content.decode()
    for x in listings.values():
        assert x.case.title in text and x.case.party in text and x.case.get_status_display() in text
    detail = client.get(reverse("listing_detail", args=[listings[AgencyKind.QTS].pk]))
    summary = detail.content.decode()
    assert "收购不合格生鲜乳案" in summary and "江宁某乳业有限公司" in summary and "Clue" in summary

    county_office = member("320115", AgencyKind.FSO, Role.REVIEWER)
    client.force_login(county_office)
    assert client.get(reverse("listing_new", args=[case.pk])).status_code == 403
    assert client.post(reverse("listing_new", args=[case.pk]), list_form()).status_code == 403

    client.force_login(other_city_office)
    for x in listings.values():
        assert client.get(reverse("listing_detail", args=[x.pk])).status_code == 404
        assert client.get(reverse("listing_new", args=[x.case_id])).status_code == 404
    assert list(client.get(reverse("listing_list"), {"whose": "all"}).context["object_list"]) == []
    assert Listing.objects.count() == 2


def test_C2_the_api_shows_the_listing_office_the_cases_title_party_and_status(api, city_office, listing):
    api.force_authenticate(city_office)
    row = api.get(reverse("listing-list")).json()["results"][0]
    assert row["case_title"] == "销售超标婴幼儿配方乳粉案"
    assert row["case_party"] == listing.case.party and row["case_status"] == "Clue"
    assert (row["overdue"], row["report_due"]) == (False, False)
    assert api.get(reverse("listing-detail", args=[listing.pk])).json()["case_number"] == listing.case.number


def test_C2_departments_see_the_listings_of_their_own_cases_by_default(client, city_office, listing, aic):
    qts_listing = listing_create(
        actor=city_office,
        case=qts_case(),
        level="city",
        deadline=local_today() + datetime.timedelta(days=30),
        report_every_days=10,
        requirements="查清",
        document_number="D2",
    )
    client.force_login(aic)
    assert list(client.get(reverse("listing_list")).context["object_list"]) == [listing]
    everything = client.get(reverse("listing_list"), {"whose": "all"}).context["object_list"]
    assert {x.pk for x in everything} == {listing.pk, qts_listing.pk}


def test_C2_the_list_flags_overdue_and_late_reports_and_filters_on_them(client, city_office, case):
    late = listing_create(
        actor=city_office,
        case=case,
        level="city",
        listed_on=local_today() - datetime.timedelta(days=40),
        deadline=local_today() - datetime.timedelta(days=1),
        report_every_days=15,
        requirements="限期查结",
        document_number="D1",
    )
    in_time = listing_create(
        actor=city_office,
        case=qts_case(),
        level="city",
        deadline=local_today() + datetime.timedelta(days=30),
        report_every_days=15,
        requirements="限期查结",
        document_number="D2",
    )
    client.force_login(city_office)
    rows = {x.pk: x for x in client.get(reverse("listing_list")).context["object_list"]}
    assert (rows[late.pk].overdue, rows[late.pk].report_due) == (True, True)
    assert (rows[in_time.pk].overdue, rows[in_time.pk].report_due) == (False, False)
    assert [x.pk for x in client.get(reverse("listing_list"), {"flag": "overdue"}).context["object_list"]] == [late.pk]
    due = client.get(reverse("listing_list"), {"flag": "report_due"}).context["object_list"]
    assert [x.pk for x in due] == [late.pk]
    detail = client.get(reverse("listing_detail", args=[late.pk])).content.decode()
    assert 'data-testid="overdue"' in detail and 'data-testid="report-due"' in detail


def test_C2_the_department_reports_and_the_office_lifts_through_the_pages(client, city_office, listing, aic):
    client.force_login(aic)
    assert client.get(reverse("listing_detail", args=[listing.pk])).context["may_report"] is True
    sent = client.post(reverse("listing_report", args=[listing.pk]), {"text": "已查封仓库"})
    assert sent.status_code == 302 and ProgressReport.objects.get().text == "已查封仓库"
    assert client.get(reverse("listing_lift", args=[listing.pk])).status_code == 403

    client.force_login(city_office)
    page = client.get(reverse("listing_detail", args=[listing.pk]))
    assert page.context["may_lift"] is True and "已查封仓库" in page.content.decode()
    assert client.post(reverse("listing_lift", args=[listing.pk]), {"reason": ""}).status_code == 200
    lifted = client.post(reverse("listing_lift", args=[listing.pk]), {"reason": "已查结", "document_number": "函1号"})
    assert lifted.status_code == 302 and Listing.objects.get().status == ListingStatus.LIFTED
    assert client.get(reverse("history", args=["cases.listing", listing.pk])).status_code == 200


def test_C2_a_bad_listing_form_shows_its_error_and_writes_nothing(client, city_office):
    ordinary = CaseFactory()
    client.force_login(city_office)
    page = client.get(reverse("listing_new", args=[ordinary.pk]))
    assert "mark_major" in page.context["form"].fields
    refused = client.post(reverse("listing_new", args=[ordinary.pk]), list_form())
    assert refused.status_code == 200 and "mark_major" in refused.context["form"].errors
    late = client.post(reverse("listing_new", args=[ordinary.pk]), list_form(mark_major="on", deadline="2020-01-01"))
    assert "deadline" in late.context["form"].errors
    assert not Listing.objects.exists()
    assert client.post(reverse("listing_new", args=[ordinary.pk]), list_form(mark_major="on")).status_code == 302


def test_C2_outsiders_get_404_on_every_listing_page_and_endpoint(client, api, listing):
    outsider = member("320324", AgencyKind.AIC, Role.REVIEWER)
    client.force_login(outsider)
    for url in (
        reverse("listing_detail", args=[listing.pk]),
        reverse("listing_report", args=[listing.pk]),
        reverse("listing_lift", args=[listing.pk]),
        reverse("listing_new", args=[listing.case_id]),
        reverse("history", args=["cases.listing", listing.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("listing_lift", args=[listing.pk]), {"reason": "x"}).status_code == 404
    api.force_authenticate(outsider)
    assert api.get(reverse("listing-detail", args=[listing.pk])).status_code == 404
    assert api.post(reverse("listing-report", args=[listing.pk]), {"text": "x"}).status_code == 404
    assert Listing.objects.get().status == ListingStatus.OPEN and not ProgressReport.objects.exists()


def test_C2_a_viewer_neither_lists_nor_reports_nor_lifts(client, api, listing, office_viewer):
    department_viewer = member("320115", AgencyKind.AIC, Role.VIEWER)
    client.force_login(office_viewer)
    page = client.get(reverse("listing_detail", args=[listing.pk]))
    assert page.status_code == 200 and page.context["may_lift"] is False
    assert client.get(reverse("listing_new", args=[listing.case_id])).status_code == 403
    assert client.post(reverse("listing_lift", args=[listing.pk]), {"reason": "x"}).status_code == 403
    client.force_login(department_viewer)
    assert client.post(reverse("listing_report", args=[listing.pk]), {"text": "x"}).status_code == 403
    api.force_authenticate(office_viewer)
    assert api.post(reverse("listing-list"), {"case": listing.case_id}).status_code == 403
    assert api.post(reverse("listing-lift", args=[listing.pk]), {"reason": "x"}).status_code == 403
    api.force_authenticate(department_viewer)
    assert api.post(reverse("listing-report", args=[listing.pk]), {"text": "x"}).status_code == 403
    assert Listing.objects.get().status == ListingStatus.OPEN and not ProgressReport.objects.exists()


def test_C2_the_api_lists_reports_and_lifts(api, city_office, case, aic):
    api.force_authenticate(city_office)
    created = api.post(
        reverse("listing-list"),
        {
            "case": case.pk,
            "level": "city",
            "deadline": (local_today() + datetime.timedelta(days=20)).isoformat(),
            "requirements": "限期查结",
            "document_number": "D9",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (created.json()["office"], created.json()["report_every_days"]) == (city_office.agency_id, 15)
    again = api.post(reverse("listing-list"), {**created.json(), "case": case.pk}, format="json")
    assert again.status_code == 400 and "case" in again.json()

    api.force_authenticate(aic)
    reported = api.post(reverse("listing-report", args=[pk]), {"text": "进展一"}, format="json")
    assert reported.status_code == 201 and reported.json()["reports"][0]["text"] == "进展一"

    api.force_authenticate(city_office)
    lifted = api.post(reverse("listing-lift", args=[pk]), {"reason": "已查结"}, format="json")
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    assert api.post(reverse("listing-lift", args=[pk]), {"reason": "again"}, format="json").status_code == 400


def test_C2_the_api_refuses_a_case_outside_the_offices_sight(api, city_office):
    api.force_authenticate(city_office)
    far = CaseFactory(major=True, jurisdiction=place("320324"))
    refused = api.post(
        reverse("listing-list"),
        {"case": far.pk, "level": "city", "deadline": "2030-01-01", "report_every_days": 10},
        format="json",
    )
    assert refused.status_code == 400 and not Listing.objects.exists()


def test_C2_the_listing_list_exports_xlsx(client, city_office, listing):
    client.force_login(city_office)
    export = client.get(reverse("listing_list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"] == XLSX


# --- C1: accountability pages and API ------------------------------------------------

OFFICIALS = [{"name": "刘某某", "position": "街道副主任", "unit": "淳化街道办事处"}]


@pytest.fixture
def gov():
    return member("320100", AgencyKind.GOV, Role.CLERK)


@pytest.fixture
def record(gov):
    return accountability_record(
        actor=gov,
        jurisdiction=place("320115"),
        trigger="den_left",
        facts="窝点未及时取缔",
        officials=OFFICIALS,
        measures="诫勉谈话",
        decided_on=datetime.date(2026, 11, 20),
        document_number="宁政问责〔2026〕2号",
    )


def accountability_form(**overrides):
    values = {
        "jurisdiction": "320115",
        "trigger": "den_left",
        "concerned": "青龙村出租库房乳粉囤积点",
        "facts": "窝点未及时取缔",
        "measures": "诫勉谈话",
        "decided_on": "2026-11-20",
        "document_number": "宁政问责〔2026〕3号",
        "officials-TOTAL_FORMS": "2",
        "officials-INITIAL_FORMS": "0",
        "officials-MIN_NUM_FORMS": "0",
        "officials-MAX_NUM_FORMS": "20",
        "officials-0-name": "刘某某",
        "officials-0-position": "街道副主任",
        "officials-0-unit": "",
        "officials-1-name": "",
        "officials-1-position": "",
        "officials-1-unit": "",
    }
    return {**values, **overrides}


def test_C1_accountability_is_recorded_and_shown_through_the_pages(client, gov):
    client.force_login(gov)
    assert client.get(reverse("accountability_new")).status_code == 200
    created = client.post(reverse("accountability_new"), accountability_form())
    record = Accountability.objects.get()
    assert created.status_code == 302 and created.url == reverse("accountability_detail", args=[record.pk])
    assert record.officials == [{"name": "刘某某", "position": "街道副主任", "unit": ""}]
    page = client.get(reverse("accountability_detail", args=[record.pk])).content.decode()
    assert "刘某某" in page and "青龙村出租库房乳粉囤积点" in page
    assert client.get(reverse("history", args=["cases.accountability", record.pk])).status_code == 200


def test_C1_an_accountability_form_without_officials_shows_the_error_and_writes_nothing(client, gov):
    client.force_login(gov)
    refused = client.post(
        reverse("accountability_new"), accountability_form(**{"officials-0-name": "", "officials-0-position": ""})
    )
    assert refused.status_code == 200 and "at least one official" in refused.content.decode()
    half = client.post(reverse("accountability_new"), accountability_form(**{"officials-0-position": ""}))
    assert "Official 1: give a name and a position." in half.content.decode()
    unknown_case = client.post(reverse("accountability_new"), accountability_form(case="NO-SUCH-CASE"))
    assert "case" in unknown_case.context["form"].errors
    assert not Accountability.objects.exists()


def test_C1_the_accountability_list_is_scoped_and_exports_xlsx(client, record):
    client.force_login(member("320115", AgencyKind.FSO, Role.VIEWER))
    assert list(client.get(reverse("accountability_list")).context["object_list"]) == [record]
    export = client.get(reverse("accountability_list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"] == XLSX
    client.force_login(member("320102", AgencyKind.FSO, Role.VIEWER))
    assert list(client.get(reverse("accountability_list")).context["object_list"]) == []


def test_C1_outsiders_get_404_and_viewers_403_on_accountability(client, api, record):
    outsider = member("320102", AgencyKind.GOV, Role.CLERK)
    client.force_login(outsider)
    assert client.get(reverse("accountability_detail", args=[record.pk])).status_code == 404
    api.force_authenticate(outsider)
    assert api.get(reverse("accountability-detail", args=[record.pk])).status_code == 404
    viewer = member("320100", AgencyKind.GOV, Role.VIEWER)
    client.force_login(viewer)
    assert client.get(reverse("accountability_detail", args=[record.pk])).status_code == 200
    assert client.get(reverse("accountability_new")).status_code == 403
    assert client.post(reverse("accountability_new"), accountability_form()).status_code == 403
    api.force_authenticate(viewer)
    assert api.post(reverse("accountability-list"), {}, format="json").status_code == 403
    assert Accountability.objects.count() == 1


def test_C1_the_api_records_accountability_with_its_officials(api, gov):
    api.force_authenticate(gov)
    payload = {
        "jurisdiction": "320115",
        "trigger": "powder_reentered",
        "facts": "超标乳粉重新流入",
        "officials": OFFICIALS,
        "measures": "通报批评",
        "decided_on": "2026-11-21",
        "document_number": "D1",
    }
    created = api.post(reverse("accountability-list"), payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["officials"] == OFFICIALS
    empty = api.post(reverse("accountability-list"), {**payload, "officials": []}, format="json")
    assert empty.status_code == 400 and "officials" in empty.json()
    far = api.post(reverse("accountability-list"), {**payload, "jurisdiction": "320324"}, format="json")
    assert far.status_code == 400 and "jurisdiction" in far.json()
    assert [r["id"] for r in api.get(reverse("accountability-list")).json()["results"]] == [created.json()["id"]]


# --- P4: incident pages and API ------------------------------------------------------


@pytest.fixture
def reporter():
    return member("320115", AgencyKind.QTS, Role.REVIEWER)


@pytest.fixture
def incident(reporter, city_office):
    return incident_report(
        actor=reporter,
        title="疑似超标乳粉流入市场",
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        description="出厂检验发现异常",
    )


def test_P4_a_department_reports_through_the_page_and_is_told_which_office_is_missing(client, reporter, city_office):
    client.force_login(reporter)
    sent = client.post(
        reverse("incident_new"),
        {
            "title": "疑似超标乳粉流入市场",
            "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "description": "出厂检验发现异常",
            "people_affected": "0",
        },
        follow=True,
    )
    report = IncidentReport.objects.get()
    assert sent.redirect_chain[-1][0] == reverse("incident_detail", args=[report.pk])
    text = sent.content.decode()
    # No provincial office is registered in this test: the page says so.
    assert 'data-testid="office-missing"' in text and "Jiangsu" in text
    assert {a.jurisdiction_id for a in report.notified.all()} == {"320100"}


def test_P4_a_bad_incident_form_writes_nothing(client, reporter):
    client.force_login(reporter)
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        reverse("incident_new"), {"title": "t", "occurred_at": future, "description": "d", "people_affected": "0"}
    )
    assert refused.status_code == 200 and "occurred_at" in refused.context["form"].errors
    assert not IncidentReport.objects.exists()


def test_P4_the_office_above_sees_reports_from_below_and_exports_them(client, incident, city_office):
    client.force_login(city_office)
    assert list(client.get(reverse("incident_list")).context["object_list"]) == [incident]
    page = client.get(reverse("incident_detail", args=[incident.pk]))
    assert page.status_code == 200 and city_office.agency.name in page.content.decode()
    export = client.get(reverse("incident_list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"] == XLSX


def test_P4_outsiders_get_404_and_viewers_403_on_incidents(client, api, incident):
    outsider = member("320102", AgencyKind.QTS, Role.REVIEWER)
    client.force_login(outsider)
    assert client.get(reverse("incident_detail", args=[incident.pk])).status_code == 404
    assert list(client.get(reverse("incident_list")).context["object_list"]) == []
    api.force_authenticate(outsider)
    assert api.get(reverse("incident-report-detail", args=[incident.pk])).status_code == 404
    viewer = member("320115", AgencyKind.QTS, Role.VIEWER)
    client.force_login(viewer)
    assert client.get(reverse("incident_new")).status_code == 403
    api.force_authenticate(viewer)
    assert api.post(reverse("incident-report-list"), {}, format="json").status_code == 403
    assert IncidentReport.objects.count() == 1


def test_P4_the_api_reports_and_says_which_offices_were_notified(api, reporter, city_office):
    api.force_authenticate(reporter)
    created = api.post(
        reverse("incident-report-list"),
        {
            "title": "疑似超标乳粉",
            "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
            "description": "异常",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["notified"] == [city_office.agency_id] and body["offices_missing"] == ["320000"]
    assert body["jurisdiction"] == "320115" and body["agency"] == reporter.agency_id


# --- demo ----------------------------------------------------------------------------


def test_the_supervision_demo_lists_reports_holds_to_account_and_is_idempotent():
    core_demo.seed()
    assert demo_supervision.seed() == {}  # no cases yet: no listing, the rest still seeded
    assert not Listing.objects.exists() and Accountability.objects.count() == IncidentReport.objects.count() == 1
    qts = User.objects.get(username="qts_jn_reviewer").agency
    CaseFactory(agency=qts, title="无证收购生鲜乳案")
    CaseFactory(agency=User.objects.get(username="aic_jn_reviewer").agency)
    demo_supervision.seed()
    counts = [m.objects.count() for m in (Listing, ProgressReport, Accountability, IncidentReport)]
    demo_supervision.seed()
    assert (
        [m.objects.count() for m in (Listing, ProgressReport, Accountability, IncidentReport)] == counts == [2, 1, 1, 1]
    )
    listings = with_last_report(Listing.objects.all())
    assert {x.office.jurisdiction_id for x in listings} == {"320100"}
    assert [listing_overdue(x, local_today()) for x in listings].count(True) == 1
    notified = IncidentReport.objects.get().notified.all()
    fso_nj, fso_js = User.objects.get(username="fso_nj"), User.objects.get(username="fso_js")
    assert {a.pk for a in notified} == {fso_nj.agency_id, fso_js.agency_id}

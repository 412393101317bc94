"""Summary reports (P1, P4): start, generate in the worker, write, submit, accept or return by
the level above; pages and API, scoped."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification
from dairy_campaign.transitions import state_changes
from reports.models import GenerationState, SummaryReport, SummaryStatus
from reports.services import summaries as svc
from reports.statistics import rollup, sections_for
from reports.tasks import generate_summary

from ..cases.factories import CaseFactory
from ..factories import member, place
from ..licensing.factories import OperatorFactory

pytestmark = pytest.mark.django_db
D = datetime.date
K = AgencyKind
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
REPORTS = "/api/v1/summary-reports/"


def records():
    """Operators in two Nanjing counties and one Xuzhou county, and fined cases (yuan)."""
    operators = {
        code: OperatorFactory.create_batch(n, county=place(code), kind="small_retailer")
        for code, n in (("320115", 3), ("320102", 2), ("320324", 1))
    }
    for code, fine in (("320115", "12345.67"), ("320102", "0.50")):
        CaseFactory(
            operator=operators[code][0],
            jurisdiction=place(code),
            agency=member(code, K.AIC, Role.REVIEWER).agency,
            decision="fine",
            fine_amount=Decimal(fine),
            decided_on=D(2026, 11, 25),
        )


@pytest.fixture
def data(campaign):
    records()
    return campaign


@pytest.fixture
def province_fso(db):
    return member("320000", K.FSO, Role.REVIEWER, full_name="王建国")


@pytest.fixture
def province_fso2(db):
    return member("320000", K.FSO, Role.REVIEWER, full_name="陈副主任")


@pytest.fixture
def nanjing_fso(db):
    return member("320100", K.FSO, Role.REVIEWER, full_name="李明")


@pytest.fixture
def nanjing_clerk(db):
    return member("320100", K.FSO, Role.CLERK, full_name="孙倩")


@pytest.fixture
def xuzhou_fso(db):
    return member("320300", K.FSO, Role.REVIEWER, full_name="赵磊")


@pytest.fixture
def county_fso(db):
    return member("320115", K.FSO, Role.REVIEWER, full_name="江宁食安办")


@pytest.fixture
def county_qts(db):
    return member("320115", K.QTS, Role.INSPECTOR, full_name="张伟")


@pytest.fixture
def county_viewer(db):
    return member("320115", K.QTS, Role.VIEWER)


def generated(report, actor, capture):
    with capture(execute=True):
        svc.summary_generate(actor=actor, report=report)
    report.refresh_from_db()
    return report


def ready(actor, capture, text="全年排查乳制品生产经营单位，整治情况良好。"):
    report = svc.summary_start(actor=actor)
    generated(report, actor, capture)
    return svc.summary_text_set(actor=actor, report=report, text=text)


# --- starting -------------------------------------------------------------------------


def test_P1_a_department_starts_its_own_report_once(data, county_qts):
    report = svc.summary_start(actor=county_qts)
    assert report.agency == county_qts.agency and report.jurisdiction_id == "320115"
    assert report.status == SummaryStatus.DRAFT and report.campaign == data
    assert svc.summary_start(actor=county_qts) == report
    assert SummaryReport.objects.count() == 1


def test_a_department_reports_for_its_own_jurisdiction_only(data, county_qts):
    with pytest.raises(ValidationError):
        svc.summary_start(actor=county_qts, jurisdiction=place("320100"))


def test_a_viewer_cannot_start_a_report(data, county_viewer):
    with pytest.raises(PermissionDenied):
        svc.summary_start(actor=county_viewer)


# --- generation -----------------------------------------------------------------------


def test_P4_generation_stores_the_rollup_as_a_snapshot(data, nanjing_clerk, django_capture_on_commit_callbacks):
    report = generated(svc.summary_start(actor=nanjing_clerk), nanjing_clerk, django_capture_on_commit_callbacks)
    expected = rollup(place("320100"), data)
    assert report.generation_state == GenerationState.DONE and report.percent == 100
    assert report.generated_at is not None
    snapshot = report.statistics
    assert snapshot["sections"] == [s.key for s in sections_for(K.FSO)]
    assert snapshot["total"]["operators_total"] == expected.total["operators_total"] == 5
    assert snapshot["total"]["fines_yuan"] == "12346.17"  # Decimals kept exactly, as strings
    children = {c["code"]: c["figures"] for c in snapshot["children"]}
    assert children["320115"]["operators_total"] == 3 and children["320102"]["fines_yuan"] == "0.50"
    assert len(children) == len(expected.children)
    assert report.history.first().history_change_reason == "Statistics generated"


def test_P4_a_department_report_carries_its_own_sections(data, county_qts, django_capture_on_commit_callbacks):
    report = generated(svc.summary_start(actor=county_qts), county_qts, django_capture_on_commit_callbacks)
    assert report.statistics["sections"] == [s.key for s in sections_for(K.QTS)]
    assert "sweeps" not in report.statistics["sections"]
    assert "sweeps_total" not in report.statistics["total"]
    assert report.statistics["children"] == []  # a county has no level below


def test_generation_progress_is_shown_section_by_section(data, nanjing_clerk, monkeypatch):
    report = svc.summary_start(actor=nanjing_clerk)
    SummaryReport.objects.filter(pk=report.pk).update(generation_state=GenerationState.QUEUED)
    seen = []
    real_step = svc._step

    def spy(report_id, token, progress):
        seen.append(progress)
        return real_step(report_id, token, progress)

    monkeypatch.setattr(svc, "_step", spy)
    svc.summary_generate_run(report_id=report.pk)
    assert len(seen) == len(sections_for(K.FSO)) + 1
    assert seen == sorted(seen) and seen[-1] < 100
    report.refresh_from_db()
    assert report.percent == 100


def test_regenerating_replaces_the_snapshot(data, nanjing_clerk, django_capture_on_commit_callbacks):
    report = generated(svc.summary_start(actor=nanjing_clerk), nanjing_clerk, django_capture_on_commit_callbacks)
    OperatorFactory(county=place("320102"))
    report = generated(report, nanjing_clerk, django_capture_on_commit_callbacks)
    assert report.statistics["total"]["operators_total"] == 6


def test_a_retried_generation_that_already_finished_does_nothing(
    data, nanjing_clerk, django_capture_on_commit_callbacks
):
    report = generated(svc.summary_start(actor=nanjing_clerk), nanjing_clerk, django_capture_on_commit_callbacks)
    versions = report.history.count()
    generate_summary.delay(report.pk)
    report.refresh_from_db()
    assert report.generation_state == GenerationState.DONE and report.history.count() == versions


def test_a_run_overtaken_by_a_newer_request_stops_without_writing(data, nanjing_clerk, monkeypatch):
    """Two runs at once: the one whose claim was replaced stops at its next step."""
    report = svc.summary_start(actor=nanjing_clerk)
    SummaryReport.objects.filter(pk=report.pk).update(generation_state=GenerationState.QUEUED)
    real_rollup = svc.rollup

    def rollup_then_new_request(jurisdiction, campaign):
        result = real_rollup(jurisdiction, campaign)
        # Meanwhile the user asked again: the request replaces this run's claim.
        SummaryReport.objects.filter(pk=report.pk).update(generation_state=GenerationState.QUEUED, task_id="newer")
        return result

    monkeypatch.setattr(svc, "rollup", rollup_then_new_request)
    assert svc.summary_generate_run(report_id=report.pk) is None
    report.refresh_from_db()
    assert report.statistics == {} and report.generation_state == GenerationState.QUEUED
    monkeypatch.setattr(svc, "rollup", real_rollup)
    svc.summary_generate_run(report_id=report.pk)
    report.refresh_from_db()
    assert report.generation_state == GenerationState.DONE and report.statistics["total"]["operators_total"] == 5


def test_a_failed_task_marks_the_generation_failed(
    data, nanjing_clerk, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(svc, "rollup", broken)
    report = svc.summary_start(actor=nanjing_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        svc.summary_generate(actor=nanjing_clerk, report=report)
    report.refresh_from_db()
    assert report.generation_state == GenerationState.FAILED


def test_the_task_is_queued_only_after_commit(data, nanjing_clerk, django_capture_on_commit_callbacks):
    report = svc.summary_start(actor=nanjing_clerk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        svc.summary_generate(actor=nanjing_clerk, report=report)
    report.refresh_from_db()
    assert len(callbacks) == 1 and report.generation_state == GenerationState.QUEUED


# --- the written summary --------------------------------------------------------------


def test_the_written_summary_keeps_its_signed_scan_with_its_hash(data, county_qts):
    report = svc.summary_start(actor=county_qts)
    upload = SimpleUploadedFile("总结.pdf", PDF, content_type="application/pdf")
    report = svc.summary_text_set(actor=county_qts, report=report, text="  工作总结  ", document=upload)
    assert report.text == "工作总结" and report.document and len(report.document_sha256) == 64


def test_a_document_that_is_not_a_scan_is_refused(data, county_qts):
    report = svc.summary_start(actor=county_qts)
    upload = SimpleUploadedFile("x.docx", b"PK\x03\x04 not a scan", content_type="application/msword")
    with pytest.raises(ValidationError):
        svc.summary_text_set(actor=county_qts, report=report, text="x", document=upload)


def test_another_department_cannot_write_the_report(data, county_qts, county_fso):
    report = svc.summary_start(actor=county_qts)
    with pytest.raises(PermissionDenied):
        svc.summary_text_set(actor=county_fso, report=report, text="x")


# --- submission and review ------------------------------------------------------------


def test_P1_submission_needs_the_statistics_and_the_text(data, county_qts, django_capture_on_commit_callbacks):
    report = svc.summary_start(actor=county_qts)
    with pytest.raises(ValidationError, match="Generate the statistics"):
        svc.summary_submit(actor=county_qts, report=report)
    generated(report, county_qts, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="Write the summary"):
        svc.summary_submit(actor=county_qts, report=report)


def test_P1_a_county_report_goes_to_the_city_office_which_accepts_it(
    data, county_qts, nanjing_fso, province_fso, django_capture_on_commit_callbacks
):
    report = ready(county_qts, django_capture_on_commit_callbacks)
    svc.summary_submit(actor=county_qts, report=report, reason="请审阅")
    report.refresh_from_db()
    assert report.status == SummaryStatus.SUBMITTED and report.submitted_by == county_qts
    assert Notification.objects.filter(recipient=nanjing_fso, url=f"/reports/summaries/{report.pk}/").exists()
    assert not Notification.objects.filter(recipient=province_fso).exists()
    assert list(svc.reports_to_review(nanjing_fso)) == [report]
    assert svc.summary_actions_for(province_fso, report) == []
    with pytest.raises(PermissionDenied):
        svc.summary_accept(actor=province_fso, report=report)
    svc.summary_accept(actor=nanjing_fso, report=report, note="同意")
    report.refresh_from_db()
    assert report.status == SummaryStatus.ACCEPTED and report.reviewed_by == nanjing_fso
    assert Notification.objects.filter(recipient=county_qts, title__contains="accepted").exists()


def test_a_returned_report_is_corrected_and_submitted_again(
    data, county_qts, nanjing_fso, django_capture_on_commit_callbacks
):
    report = ready(county_qts, django_capture_on_commit_callbacks)
    svc.summary_submit(actor=county_qts, report=report)
    with pytest.raises(ValidationError):
        svc.summary_return(actor=nanjing_fso, report=report, note=" ")
    svc.summary_return(actor=nanjing_fso, report=report, note="补充抽检数据")
    report.refresh_from_db()
    assert report.status == SummaryStatus.RETURNED and report.review_note == "补充抽检数据"
    assert "submit" in svc.summary_actions_for(county_qts, report)
    svc.summary_text_set(actor=county_qts, report=report, text="已补充")
    svc.summary_submit(actor=county_qts, report=report)
    report.refresh_from_db()
    assert report.status == SummaryStatus.SUBMITTED
    changes = [c.to_state for c in state_changes(report)]
    assert changes == ["submitted", "returned", "submitted"]


def test_a_submitted_report_cannot_change(data, county_qts, django_capture_on_commit_callbacks):
    report = ready(county_qts, django_capture_on_commit_callbacks)
    svc.summary_submit(actor=county_qts, report=report)
    report.refresh_from_db()
    with pytest.raises(ValidationError):
        svc.summary_text_set(actor=county_qts, report=report, text="改")
    with pytest.raises(ValidationError):
        svc.summary_generate(actor=county_qts, report=report)


def test_the_provincial_report_is_accepted_by_another_provincial_reviewer(
    data, province_fso, province_fso2, django_capture_on_commit_callbacks
):
    report = ready(province_fso, django_capture_on_commit_callbacks)
    svc.summary_submit(actor=province_fso, report=report)
    report.refresh_from_db()
    assert Notification.objects.filter(recipient=province_fso2).exists()
    assert not Notification.objects.filter(recipient=province_fso).exists()
    with pytest.raises(PermissionDenied):
        svc.summary_accept(actor=province_fso, report=report)
    assert list(svc.reports_to_review(province_fso)) == []
    assert list(svc.reports_to_review(province_fso2)) == [report]
    svc.summary_accept(actor=province_fso2, report=report)
    report.refresh_from_db()
    assert report.status == SummaryStatus.ACCEPTED


def test_a_city_report_is_reviewed_by_the_province(
    data, nanjing_clerk, province_fso, xuzhou_fso, django_capture_on_commit_callbacks
):
    report = ready(nanjing_clerk, django_capture_on_commit_callbacks)
    svc.summary_submit(actor=nanjing_clerk, report=report)
    report.refresh_from_db()
    assert svc.summary_actions_for(province_fso, report) == ["accept", "return"]
    assert not svc.may_review(xuzhou_fso, report)


# --- pages ----------------------------------------------------------------------------


def login(client, user):
    client.force_login(user)
    return client


def test_summary_mine_starts_then_opens_the_report(client, data, county_qts):
    login(client, county_qts)
    page = client.get("/reports/summaries/mine/")
    assert page.status_code == 200 and b"summary-start" in page.content
    response = client.post("/reports/summaries/mine/")
    report = SummaryReport.objects.get()
    assert response.url == f"/reports/summaries/{report.pk}/"
    assert client.get("/reports/summaries/mine/").url == f"/reports/summaries/{report.pk}/"


def test_the_page_generates_and_shows_the_tables(client, data, nanjing_clerk, django_capture_on_commit_callbacks):
    login(client, nanjing_clerk)
    report = svc.summary_start(actor=nanjing_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/summaries/{report.pk}/generate/")
    page = client.get(f"/reports/summaries/{report.pk}/")
    html = page.content.decode()
    assert 'aria-valuenow="100"' in html and 'data-testid="section-census"' in html
    assert "Xuanwu" in html  # a child row
    history = client.get(f"/history/reports.summaryreport/{report.pk}/")
    assert history.status_code == 200 and "Statistics generated" in history.content.decode()


def test_a_running_generation_polls_its_progress(client, data, nanjing_clerk):
    report = svc.summary_start(actor=nanjing_clerk)
    SummaryReport.objects.filter(pk=report.pk).update(generation_state=GenerationState.RUNNING, progress=40)
    login(client, nanjing_clerk)
    html = client.get(f"/reports/summaries/{report.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="40"' in html
    partial = client.get(f"/reports/summaries/{report.pk}/progress/?was=running", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"40%" in partial.content
    SummaryReport.objects.filter(pk=report.pk).update(generation_state=GenerationState.DONE, progress=100)
    done = client.get(f"/reports/summaries/{report.pk}/progress/?was=running", HTTP_HX_REQUEST="true")
    assert done.headers.get("HX-Refresh") == "true"


def test_the_written_summary_form_uploads_the_scan(client, data, county_qts):
    report = svc.summary_start(actor=county_qts)
    login(client, county_qts)
    upload = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/reports/summaries/{report.pk}/text/", {"text": "总结正文", "document": upload})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.text == "总结正文" and report.document
    assert client.get(f"/reports/summaries/{report.pk}/document/").status_code == 200


def test_review_through_the_page(client, data, county_qts, nanjing_fso, django_capture_on_commit_callbacks):
    report = ready(county_qts, django_capture_on_commit_callbacks)
    login(client, county_qts)
    assert client.post(f"/reports/summaries/{report.pk}/submit/", {"note": ""}).status_code == 302
    client.logout()
    login(client, nanjing_fso)
    listing = client.get("/reports/summaries/?to_review=true").content.decode()
    assert 'data-testid="to-review"' in listing
    response = client.post(f"/reports/summaries/{report.pk}/return/", {"note": ""})
    assert response.status_code == 400
    client.post(f"/reports/summaries/{report.pk}/return/", {"note": "请补充"})
    report.refresh_from_db()
    assert report.status == SummaryStatus.RETURNED


def test_an_outsider_gets_404_and_a_viewer_403(client, data, county_qts, xuzhou_fso, county_viewer):
    report = svc.summary_start(actor=county_qts)
    login(client, xuzhou_fso)
    for url in ("", "progress/", "workbook/"):
        assert client.get(f"/reports/summaries/{report.pk}/{url}").status_code == 404
    assert client.post(f"/reports/summaries/{report.pk}/generate/").status_code == 404
    client.logout()
    login(client, county_viewer)
    assert client.get(f"/reports/summaries/{report.pk}/").status_code == 200
    assert client.post(f"/reports/summaries/{report.pk}/text/", {"text": "x"}).status_code == 403
    assert client.post(f"/reports/summaries/{report.pk}/submit/", {"note": ""}).status_code == 403
    assert client.get("/reports/summaries/mine/").status_code == 403


def test_a_city_sees_its_own_and_its_counties_reports_not_its_neighbours(
    client, data, county_qts, nanjing_clerk, xuzhou_fso
):
    ours = svc.summary_start(actor=county_qts)
    theirs = svc.summary_start(actor=xuzhou_fso)
    login(client, nanjing_clerk)
    html = client.get("/reports/summaries/").content.decode()
    assert f"/reports/summaries/{ours.pk}/" in html and f"/reports/summaries/{theirs.pk}/" not in html


def test_the_list_exports_its_filtered_rows(client, data, county_qts, nanjing_clerk):
    svc.summary_start(actor=county_qts)
    svc.summary_start(actor=nanjing_clerk)
    login(client, nanjing_clerk)
    response = client.get("/reports/summaries/?level=county&export=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "320115"


# --- API ------------------------------------------------------------------------------


@pytest.fixture
def api():
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_api_runs_the_same_workflow(api, data, county_qts, nanjing_fso, django_capture_on_commit_callbacks):
    api.force_authenticate(county_qts)
    created = api.post(REPORTS, {}, format="json")
    assert created.status_code == 201
    pk = created.data["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{REPORTS}{pk}/generate/").status_code == 202
    detail = api.get(f"{REPORTS}{pk}/").data
    assert detail["generation_state"] == "done" and detail["progress"] == 100
    assert detail["statistics"]["total"]["operators_total"] == 3
    assert api.post(f"{REPORTS}{pk}/submit/", {}, format="json").status_code == 400  # no text yet
    api.post(f"{REPORTS}{pk}/text/", {"text": "总结"}, format="multipart")
    assert api.post(f"{REPORTS}{pk}/submit/", {}, format="json").data["status"] == "submitted"
    api.force_authenticate(nanjing_fso)
    assert api.post(f"{REPORTS}{pk}/return/", {}, format="json").status_code == 400
    assert api.post(f"{REPORTS}{pk}/accept/", {"note": "好"}, format="json").data["status"] == "accepted"
    workbook = api.get(f"{REPORTS}{pk}/workbook/")
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith("application/vnd.openxml")


def test_the_api_is_scoped_and_refuses_viewers(api, data, county_qts, xuzhou_fso, county_viewer):
    report = svc.summary_start(actor=county_qts)
    api.force_authenticate(xuzhou_fso)
    assert api.get(f"{REPORTS}{report.pk}/").status_code == 404
    assert [r["id"] for r in api.get(REPORTS).data["results"]] == []
    api.force_authenticate(county_viewer)
    assert api.post(f"{REPORTS}{report.pk}/generate/").status_code == 403
    assert api.post(REPORTS, {}, format="json").status_code == 403


# --- demo -----------------------------------------------------------------------------


def test_the_demo_reports_are_seeded_once(db):
    from dairy_campaign import demo as core_demo
    from reports import demo
    from reports.services.deadline import deadline_state

    core_demo.seed()
    demo.seed()
    demo.seed()
    reports = {r.agency.jurisdiction_id + r.agency.kind: r for r in SummaryReport.objects.select_related("agency")}
    assert set(reports) == {"320115FSO", "320115QTS", "320100FSO"}
    county = reports["320115FSO"]
    assert county.status == SummaryStatus.SUBMITTED and county.text and county.document
    assert deadline_state(county, county.campaign.summary_deadline) == "on_time"
    assert reports["320115QTS"].status == SummaryStatus.DRAFT
    assert all(r.generation_state == GenerationState.DONE for r in reports.values())
    assert reports["320100FSO"].statistics["children"]

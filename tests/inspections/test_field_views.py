"""Pages and API of sweeps (C1), import consignments (S5) and self-inspection reports (P1):
scoped (an outsider gets 404), read-only for viewers (403 on writes), exportable, and bad
input is a form error that writes nothing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import Consignment, ConsignmentStatus, Den, SelfInspectionReport, SelfReportStatus, Sweep
from inspections.services.sweeps import den_record
from licensing.models import Operator, OperatorKind, OperatorStatus

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories_field import PDF, ConsignmentFactory, SelfReportFactory, SweepFactory, consignee_filing, importer

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def gov():
    return member("320115", AgencyKind.GOV, Role.CLERK)


@pytest.fixture
def gov_viewer():
    return member("320115", AgencyKind.GOV, Role.VIEWER)


@pytest.fixture
def outsider():
    """A reviewer of every kind would do: this one sits in Xuzhou (3203)."""
    return member("320324", AgencyKind.GOV, Role.CLERK)


@pytest.fixture
def ciq():
    return member("320100", AgencyKind.CIQ, Role.INSPECTOR)


@pytest.fixture
def ciq_reviewer():
    return member("320100", AgencyKind.CIQ, Role.REVIEWER)


@pytest.fixture
def ciq_viewer():
    return member("320100", AgencyKind.CIQ, Role.VIEWER)


@pytest.fixture
def ciq_outsider():
    return member("320300", AgencyKind.CIQ, Role.REVIEWER)


@pytest.fixture
def lab_clerk():
    return member("320115", AgencyKind.QTS, Role.CLERK)


@pytest.fixture
def den(gov):
    return den_record(actor=gov, sweep=SweepFactory(), name="库房", address="某村", activity="囤积乳粉", banned=False)


def pdf():
    return SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")


# --- lists and exports ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "make", "viewer"),
    [
        ("sweep_list", lambda: SweepFactory(), ("320115", AgencyKind.GOV)),
        ("sweep_list", lambda: SweepFactory(jurisdiction=place("320324")), None),
        ("consignment_list", lambda: ConsignmentFactory(), ("320100", AgencyKind.CIQ)),
        ("consignment_list", lambda: ConsignmentFactory(importer=importer(county=place("320324"))), None),
        ("self_report_list", lambda: SelfReportFactory(), ("320115", AgencyKind.QTS)),
        ("self_report_list", lambda: SelfReportFactory(operator=OperatorFactory(county=place("320324"))), None),
    ],
)
def test_lists_show_only_the_users_scope_and_export_xlsx(client, url_name, make, viewer):
    row = make()
    client.force_login(member("320115", AgencyKind.FSO, Role.VIEWER))
    page = client.get(reverse(url_name))
    assert page.status_code == 200
    assert list(page.context["object_list"]) == ([row] if viewer else [])
    export = client.get(reverse(url_name), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"] == XLSX


def test_C1_the_sweep_list_shows_totals_of_dens_bans_and_seizures(client, gov, den):
    den_record(
        actor=gov,
        sweep=den.sweep,
        name="分装点",
        address="某村",
        activity="分装乳粉",
        banned=True,
        seized_product="乳粉",
        seized_quantity=Decimal("850"),
        seized_unit="kg",
    )
    client.force_login(gov)
    page = client.get(reverse("sweep_list"), {"left_in_place": "true"})
    totals = page.context["totals"]
    assert (totals["dens"], totals["banned"], totals["left_in_place"]) == (2, 1, 1)
    assert totals["seized"] == [("kg", Decimal("850"))]
    assert page.context["object_list"][0].den_count == 2


def test_S5_the_consignment_list_filters_by_lab_result(client, ciq):
    waiting = ConsignmentFactory()
    ConsignmentFactory(lab_conforming=True, lab_reference="R")
    client.force_login(ciq)
    assert list(client.get(reverse("consignment_list"), {"lab": "pending"}).context["object_list"]) == [waiting]


# --- outsiders get 404 ---------------------------------------------------------------


def test_C1_another_countys_sweep_pages_are_a_404(client, outsider, den):
    client.force_login(outsider)
    for url in (
        reverse("sweep_detail", args=[den.sweep_id]),
        reverse("den_new", args=[den.sweep_id]),
        reverse("den_ban", args=[den.pk]),
        reverse("history", args=["inspections.sweep", den.sweep_id]),
        reverse("history", args=["inspections.den", den.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("den_ban", args=[den.pk]), {"reason": "x", "document_number": "y"}).status_code == 404
    assert Den.objects.get().banned_on is None


def test_S5_another_citys_consignment_pages_are_a_404(client, ciq_outsider):
    consignment = ConsignmentFactory(ready=True, lab_conforming=True, lab_reference="R")
    client.force_login(ciq_outsider)
    for url in (
        reverse("consignment_detail", args=[consignment.pk]),
        reverse("consignment_checks", args=[consignment.pk]),
        reverse("consignment_lab_result", args=[consignment.pk]),
        reverse("history", args=["inspections.consignment", consignment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    post = client.post(
        reverse("consignment_act", args=[consignment.pk, "release"]),
        {"release-reason": "合格", "release-document_number": "D"},
    )
    assert post.status_code == 404
    assert Consignment.objects.get().status == ConsignmentStatus.HELD


def test_P1_another_countys_self_report_pages_are_a_404(client):
    report = SelfReportFactory()
    client.force_login(member("320102", AgencyKind.QTS, Role.REVIEWER))
    for url in (
        reverse("self_report_detail", args=[report.pk]),
        reverse("self_report_document", args=[report.pk]),
        reverse("history", args=["inspections.selfinspectionreport", report.pk]),
        reverse("self_report_new") + f"?operator={report.operator_id}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("self_report_decide", args=[report.pk, "accept"])).status_code == 404
    assert SelfInspectionReport.objects.get().status == SelfReportStatus.RECEIVED


# --- viewers get 403 on writes -------------------------------------------------------


def test_C1_a_viewer_cannot_record_sweeps_dens_or_bans(client, gov_viewer, den):
    client.force_login(gov_viewer)
    assert client.get(reverse("sweep_detail", args=[den.sweep_id])).context["editable"] is False
    assert client.get(reverse("sweep_new")).status_code == 403
    assert client.post(reverse("sweep_new"), {"area": "x"}).status_code == 403
    assert client.get(reverse("den_new", args=[den.sweep_id])).status_code == 403
    assert client.post(reverse("den_ban", args=[den.pk]), {"reason": "x", "document_number": "y"}).status_code == 403
    assert Den.objects.get().banned_on is None and Sweep.objects.count() == 1


def test_S5_a_viewer_cannot_register_check_record_results_or_decide(client, ciq_viewer):
    consignment = ConsignmentFactory(ready=True, lab_conforming=True, lab_reference="R")
    client.force_login(ciq_viewer)
    page = client.get(reverse("consignment_detail", args=[consignment.pk]))
    assert page.status_code == 200 and page.context["actions"] == [] and page.context["may_record_lab"] is False
    assert client.get(reverse("consignment_new")).status_code == 403
    assert client.get(reverse("consignment_checks", args=[consignment.pk])).status_code == 403
    assert client.get(reverse("consignment_lab_result", args=[consignment.pk])).status_code == 403
    post = client.post(
        reverse("consignment_act", args=[consignment.pk, "release"]),
        {"release-reason": "合格", "release-document_number": "D"},
    )
    assert post.status_code == 403
    assert Consignment.objects.get().status == ConsignmentStatus.HELD


def test_P1_a_viewer_cannot_record_or_decide_self_reports(client):
    report = SelfReportFactory()
    client.force_login(member("320115", AgencyKind.QTS, Role.VIEWER))
    assert client.get(reverse("self_report_detail", args=[report.pk])).context["decisions"] == []
    assert client.get(reverse("self_report_new") + f"?operator={report.operator_id}").status_code == 403
    assert client.post(reverse("self_report_decide", args=[report.pk, "accept"])).status_code == 403
    assert SelfInspectionReport.objects.get().status == SelfReportStatus.RECEIVED


# --- writing through the pages -------------------------------------------------------


SWEEP_FORM = {
    "jurisdiction": "320115",
    "area_type": "rural",
    "area": "横溪街道农村地区",
    "swept_on": "2026-07-01",
    "leader": "王海涛",
    "leader_title": "副区长",
}


def test_C1_a_sweep_and_a_banned_den_are_recorded_in_the_pages(client, gov):
    client.force_login(gov)
    created = client.post(reverse("sweep_new"), SWEEP_FORM)
    sweep = Sweep.objects.get()
    assert created.status_code == 302 and created.url == reverse("sweep_detail", args=[sweep.pk])
    den_page = client.post(
        reverse("den_new", args=[sweep.pk]),
        {
            "name": "分装点",
            "address": "横溪某村",
            "activity": "分装乳粉",
            "banned": "on",
            "document_number": "宁江取1号",
            "seized_product": "乳粉",
            "seized_quantity": "850",
            "seized_unit": "kg",
        },
    )
    assert den_page.status_code == 302
    operator = Operator.objects.get()
    assert operator.kind == OperatorKind.UNLICENSED and operator.status == OperatorStatus.BANNED
    detail = client.get(reverse("sweep_detail", args=[sweep.pk]))
    assert detail.status_code == 200 and "850" in detail.content.decode()
    assert client.get(reverse("history", args=["inspections.sweep", sweep.pk])).status_code == 200


def test_C1_a_bad_sweep_or_den_form_shows_its_error_and_writes_nothing(client, gov):
    client.force_login(gov)
    bad_sweep = client.post(reverse("sweep_new"), {**SWEEP_FORM, "leader": ""})
    assert bad_sweep.status_code == 200 and "leader" in bad_sweep.context["form"].errors
    foreign = client.post(reverse("sweep_new"), {**SWEEP_FORM, "jurisdiction": "320102"})
    assert foreign.status_code == 200 and "jurisdiction" in foreign.context["form"].errors
    assert not Sweep.objects.exists()
    sweep = SweepFactory()
    bad_den = client.post(
        reverse("den_new", args=[sweep.pk]),
        {"name": "分装点", "address": "某村", "activity": "分装", "seized_product": "乳粉", "seized_quantity": "5"},
    )
    assert bad_den.status_code == 200 and bad_den.context["form"].errors
    assert not Operator.objects.exists()


def test_C1_a_den_is_banned_in_its_page_and_a_missing_document_number_writes_nothing(client, gov, den):
    client.force_login(gov)
    bad = client.post(reverse("den_ban", args=[den.pk]), {"reason": "核实", "banned_on": "2026-07-01"})
    assert bad.status_code == 200 and "document_number" in bad.context["form"].errors
    assert Den.objects.get().banned_on is None
    good = client.post(
        reverse("den_ban", args=[den.pk]),
        {"reason": "核实为无证经营", "document_number": "宁江取9号", "banned_on": "2026-07-01"},
    )
    assert good.status_code == 302
    assert Operator.objects.get().status == OperatorStatus.BANNED


def test_S5_a_batch_is_registered_given_a_lab_result_and_released_in_the_pages(client, ciq, ciq_reviewer, lab_clerk):
    company = importer()
    filing = consignee_filing(company)
    client.force_login(ciq)
    form = {
        "importer": company.pk,
        "consignee_filing": filing.pk,
        "product": "婴幼儿配方乳粉",
        "quantity": "12000",
        "unit": "罐",
        "origin_country": "荷兰",
        "arrived_on": "2026-09-20",
        "health_certificate_number": "NL-HC-1",
        "certificate_content_ok": "on",
        "certificate_seal_ok": "on",
        "certificate_signatory_ok": "on",
        "warehouse": "禄口监管仓库",
    }
    assert client.post(reverse("consignment_new"), form).status_code == 302
    consignment = Consignment.objects.get()
    client.force_login(lab_clerk)
    bad_lab = client.post(reverse("consignment_lab_result", args=[consignment.pk]), {"conforming": "yes"})
    assert bad_lab.status_code == 200 and "reference" in bad_lab.context["form"].errors
    assert (
        client.post(
            reverse("consignment_lab_result", args=[consignment.pk]), {"conforming": "yes", "reference": "R-1"}
        ).status_code
        == 302
    )
    client.force_login(ciq_reviewer)
    detail = client.get(reverse("consignment_detail", args=[consignment.pk]))
    assert detail.context["blockers"] == [] and [a["name"] for a in detail.context["actions"]] == [
        "release",
        "destroy",
        "return",
    ]
    released = client.post(
        reverse("consignment_act", args=[consignment.pk, "release"]),
        {"release-reason": "检验检疫合格", "release-document_number": "宁检证1号"},
    )
    assert released.status_code == 302
    assert Consignment.objects.get().status == ConsignmentStatus.RELEASED


def test_S5_a_release_refused_in_the_page_is_a_400_with_the_reason_and_changes_nothing(client, ciq_reviewer):
    consignment = ConsignmentFactory(ready=True)
    client.force_login(ciq_reviewer)
    refused = client.post(
        reverse("consignment_act", args=[consignment.pk, "release"]),
        {"release-reason": "放行", "release-document_number": "D-1"},
    )
    assert refused.status_code == 400
    assert "no lab result yet" in refused.content.decode() or "检验结果" in refused.content.decode()
    assert Consignment.objects.get().status == ConsignmentStatus.HELD
    bad_form = client.post(reverse("consignment_act", args=[consignment.pk, "destroy"]), {"destroy-reason": "不合格"})
    assert bad_form.status_code == 400 and Consignment.objects.get().status == ConsignmentStatus.HELD
    assert client.post(reverse("consignment_act", args=[consignment.pk, "burn"])).status_code == 404


def test_S5_a_batch_is_returned_in_the_page(client, ciq_reviewer):
    consignment = ConsignmentFactory()
    client.force_login(ciq_reviewer)
    done = client.post(
        reverse("consignment_act", args=[consignment.pk, "return"]),
        {
            "return-failed_items": ["environment"],
            "return-reason": "包装检出活虫",
            "return-document_number": "宁检处3号",
        },
    )
    assert done.status_code == 302 and Consignment.objects.get().status == ConsignmentStatus.RETURNED


def test_S5_certificate_checks_are_recorded_in_their_page(client, ciq):
    consignment = ConsignmentFactory()
    client.force_login(ciq)
    bad = client.post(
        reverse("consignment_checks", args=[consignment.pk]),
        {"quarantine_permit_required": "on", "warehouse": "仓库"},
    )
    assert bad.status_code == 200 and "quarantine_permit_number" in bad.context["form"].errors
    good = client.post(
        reverse("consignment_checks", args=[consignment.pk]),
        {"certificate_content_ok": "on", "certificate_seal_ok": "on", "warehouse": "仓库"},
    )
    assert good.status_code == 302
    consignment.refresh_from_db()
    assert consignment.certificate_seal_ok and not consignment.quarantine_permit_required


def test_P1_a_report_is_recorded_from_the_operators_credit_code_and_decided_in_the_pages(client, campaign):
    producer = OperatorFactory()
    client.force_login(member("320115", AgencyKind.QTS, Role.INSPECTOR))
    unknown = client.post(reverse("self_report_new"), {"credit_code": "91320115MA00000000"})
    assert unknown.status_code == 200 and "credit_code" in unknown.context["form"].errors
    picked = client.post(reverse("self_report_new"), {"credit_code": producer.credit_code.lower()})
    assert picked.status_code == 302 and picked.url.endswith(f"?operator={producer.pk}")
    form = {"received_on": "2026-06-10", "problems_found": "记录不全", "actions_taken": "已补齐"}
    bad = client.post(
        picked.url, {**form, "document": SimpleUploadedFile("r.pdf", b"not a pdf", content_type="application/pdf")}
    )
    assert bad.status_code == 200 and "document" in bad.context["form"].errors
    assert not SelfInspectionReport.objects.exists()
    assert client.post(picked.url, {**form, "document": pdf()}).status_code == 302
    report = SelfInspectionReport.objects.get()
    download = client.get(reverse("self_report_document", args=[report.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(member("320115", AgencyKind.QTS, Role.REVIEWER))
    no_note = client.post(reverse("self_report_decide", args=[report.pk, "return"]), {"return-note": ""})
    assert no_note.status_code == 400 and SelfInspectionReport.objects.get().status == SelfReportStatus.RECEIVED
    returned = client.post(reverse("self_report_decide", args=[report.pk, "return"]), {"return-note": "缺检验记录"})
    assert returned.status_code == 302
    assert SelfInspectionReport.objects.get().status == SelfReportStatus.RETURNED


# --- API -----------------------------------------------------------------------------


SWEEP_BODY = {
    "jurisdiction": "320115",
    "area_type": "warehouse",
    "area": "淳化出租库房",
    "swept_on": "2026-07-01",
    "leader": "王海涛",
    "leader_title": "副区长",
}


def test_C1_sweeps_and_dens_through_the_api(api, gov):
    api.force_authenticate(gov)
    bad = api.post("/api/v1/sweeps/", {**SWEEP_BODY, "leader_title": ""}, format="json")
    assert bad.status_code == 400 and not Sweep.objects.exists()
    created = api.post("/api/v1/sweeps/", SWEEP_BODY, format="json")
    assert created.status_code == 201 and created.json()["den_count"] == 0
    sweep_id = created.json()["id"]
    bad_den = {"name": "库房", "address": "某村", "activity": "囤积", "banned": True, "seized_quantity": "5"}
    assert api.post(f"/api/v1/sweeps/{sweep_id}/dens/", bad_den, format="json").status_code == 400
    assert not Operator.objects.exists()
    den = api.post(
        f"/api/v1/sweeps/{sweep_id}/dens/",
        {**bad_den, "seized_product": "乳粉", "seized_unit": "kg", "banned": False},
        format="json",
    )
    assert den.status_code == 201 and den.json()["banned_on"] is None
    den_id = den.json()["id"]
    assert api.get("/api/v1/dens/", {"banned": "false"}).json()["count"] == 1
    banned = api.post(f"/api/v1/dens/{den_id}/ban/", {"reason": "取缔", "document_number": "宁江取2号"}, format="json")
    assert banned.status_code == 200 and banned.json()["banned_on"]
    assert Operator.objects.get().status == OperatorStatus.BANNED
    assert api.get(f"/api/v1/sweeps/{sweep_id}/").json()["banned_count"] == 1


def test_C1_the_sweep_api_is_a_404_for_outsiders_and_a_403_for_viewers(api, outsider, gov_viewer, den):
    api.force_authenticate(outsider)
    assert api.get("/api/v1/sweeps/").json()["count"] == 0
    assert api.get(f"/api/v1/sweeps/{den.sweep_id}/").status_code == 404
    assert api.post(f"/api/v1/sweeps/{den.sweep_id}/dens/", {}, format="json").status_code == 404
    assert api.post(f"/api/v1/dens/{den.pk}/ban/", {}, format="json").status_code == 404
    api.force_authenticate(gov_viewer)
    assert api.get(f"/api/v1/dens/{den.pk}/").status_code == 200
    assert api.post("/api/v1/sweeps/", SWEEP_BODY, format="json").status_code == 403
    assert api.post(f"/api/v1/sweeps/{den.sweep_id}/dens/", {}, format="json").status_code == 403
    assert api.post(f"/api/v1/dens/{den.pk}/ban/", {}, format="json").status_code == 403
    assert Sweep.objects.count() == 1 and Den.objects.get().banned_on is None


def test_S5_consignments_through_the_api(api, ciq, ciq_reviewer, lab_clerk):
    company = importer()
    body = {
        "importer": company.pk,
        "consignee_filing": consignee_filing(company).pk,
        "product": "全脂乳粉",
        "quantity": "25000",
        "unit": "kg",
        "origin_country": "新西兰",
        "arrived_on": "2026-09-01",
        "health_certificate_number": "NZ-HC-9",
        "warehouse": "禄口监管仓库",
    }
    api.force_authenticate(ciq)
    assert (
        api.post("/api/v1/consignments/", {**body, "health_certificate_number": ""}, format="json").status_code == 400
    )
    created = api.post("/api/v1/consignments/", body, format="json")
    assert created.status_code == 201 and created.json()["status"] == "held"
    pk = created.json()["id"]
    checks = {"certificate_content_ok": True, "certificate_seal_ok": True, "certificate_signatory_ok": True}
    assert api.post(f"/api/v1/consignments/{pk}/checks/", checks, format="json").status_code == 200
    api.force_authenticate(ciq_reviewer)
    decision = {"reason": "合格", "document_number": "宁检证9号"}
    refused = api.post(f"/api/v1/consignments/{pk}/release/", decision, format="json")
    assert refused.status_code == 400 and "S5" in str(refused.json())
    api.force_authenticate(lab_clerk)
    lab = api.post(f"/api/v1/consignments/{pk}/lab-result/", {"conforming": True, "reference": "R-1"}, format="json")
    assert lab.status_code == 200 and lab.json()["lab_conforming"] is True and lab.json()["status"] == "held"
    api.force_authenticate(ciq_reviewer)
    released = api.post(f"/api/v1/consignments/{pk}/release/", decision, format="json")
    assert released.status_code == 200 and released.json()["status"] == "released"
    log = api.get(f"/api/v1/consignments/{pk}/decisions/").json()
    assert [(c["from_state"], c["to_state"]) for c in log] == [("held", "released")]


@pytest.mark.parametrize(("path", "status"), [("destroy", "destroyed"), ("return", "returned")])
def test_S5_destroy_and_return_through_the_api(api, ciq_reviewer, path, status):
    consignment = ConsignmentFactory()
    api.force_authenticate(ciq_reviewer)
    url = f"/api/v1/consignments/{consignment.pk}/{path}/"
    body = {"reason": "不合格", "document_number": "宁检处1号"}
    assert api.post(url, body, format="json").status_code == 400  # no failing items named
    assert api.post(url, {**body, "failed_items": ["taste"]}, format="json").status_code == 400
    done = api.post(url, {**body, "failed_items": ["safety"]}, format="json")
    assert done.status_code == 200 and done.json()["status"] == status
    assert api.delete(f"/api/v1/consignments/{consignment.pk}/").status_code == 405


def test_S5_the_consignment_api_is_a_404_for_outsiders_and_a_403_for_viewers(api, ciq_outsider, ciq_viewer):
    consignment = ConsignmentFactory(ready=True, lab_conforming=True, lab_reference="R")
    decision = {"reason": "合格", "document_number": "D"}
    api.force_authenticate(ciq_outsider)
    assert api.get(f"/api/v1/consignments/{consignment.pk}/").status_code == 404
    for action in ("checks", "lab-result", "release", "destroy", "return"):
        assert api.post(f"/api/v1/consignments/{consignment.pk}/{action}/", decision, format="json").status_code == 404
    api.force_authenticate(ciq_viewer)
    assert api.get(f"/api/v1/consignments/{consignment.pk}/").json()["actions"] == []
    assert api.post("/api/v1/consignments/", {}, format="json").status_code == 403
    for action in ("checks", "lab-result", "release", "destroy", "return"):
        assert api.post(f"/api/v1/consignments/{consignment.pk}/{action}/", decision, format="json").status_code == 403
    assert Consignment.objects.get().status == ConsignmentStatus.HELD


def test_P1_self_reports_through_the_api(api, campaign):
    producer = OperatorFactory()
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.INSPECTOR))
    body = {
        "operator": producer.pk,
        "received_on": "2026-06-10",
        "problems_found": "记录不全",
        "actions_taken": "已补齐",
    }
    bad = api.post("/api/v1/self-reports/", {**body, "document": SimpleUploadedFile("r.pdf", b"text")})
    assert bad.status_code == 400 and not SelfInspectionReport.objects.exists()
    foreign = OperatorFactory(county=place("320324"))
    assert api.post("/api/v1/self-reports/", {**body, "operator": foreign.pk, "document": pdf()}).status_code == 400
    created = api.post("/api/v1/self-reports/", {**body, "document": pdf()})
    assert created.status_code == 201 and created.json()["campaign"] == campaign.pk
    pk = created.json()["id"]
    assert api.post(f"/api/v1/self-reports/{pk}/accept/", {}, format="json").status_code == 403  # not a reviewer
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.REVIEWER))
    assert api.post(f"/api/v1/self-reports/{pk}/return/", {"note": ""}, format="json").status_code == 400
    accepted = api.post(f"/api/v1/self-reports/{pk}/accept/", {"note": "合格"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_P1_the_self_report_api_is_a_404_for_outsiders_and_a_403_for_viewers(api, campaign):
    report = SelfReportFactory()
    api.force_authenticate(member("320102", AgencyKind.QTS, Role.REVIEWER))
    assert api.get(f"/api/v1/self-reports/{report.pk}/").status_code == 404
    assert api.post(f"/api/v1/self-reports/{report.pk}/accept/", {}, format="json").status_code == 404
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.VIEWER))
    assert api.get("/api/v1/self-reports/").json()["count"] == 1
    assert api.post("/api/v1/self-reports/", {}).status_code == 403
    assert api.post(f"/api/v1/self-reports/{report.pk}/accept/", {}, format="json").status_code == 403
    assert api.post(f"/api/v1/self-reports/{report.pk}/return/", {"note": "x"}, format="json").status_code == 403
    assert SelfInspectionReport.objects.get().status == SelfReportStatus.RECEIVED

"""Hostile input in forms and API payloads: NUL bytes, huge strings, impossible dates and
numbers are a 400 or a form error and write nothing; markup typed into any text field comes
back escaped; a POST without its CSRF token is refused."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Complaint
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import local_today
from inspections.models import Inspection
from inspections.services.filing import inspection_start
from licensing.models import Operator, OperatorKind
from sampling.models import Lot

from ..cases.factories import CaseFactory, ComplaintFactory
from ..factories import AgencyFactory, NotificationFactory, member, place
from ..inspections.factories import TemplateFactory
from ..licensing.factories import OperatorFactory, valid_credit_code
from ..sampling.factories import lab_clerk
from ..services import need_postgresql

pytestmark = pytest.mark.django_db

NUL = "乳业\x00有限公司"
HUGE = "奶" * 100_000
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared with their msgids."""


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


# --- the operator register: API and page --------------------------------------------------


def operator_body(**overrides) -> dict:
    body = {
        "kind": OperatorKind.DAIRY_PRODUCER,
        "name": "接口乳业",
        "credit_code": valid_credit_code(),
        "county": "320115",
        "address": "江宁区某路1号",
        "arrangement": "self_run",
    }
    return {**body, **overrides}


def test_a_good_operator_body_is_accepted(county_inspector):
    """The control: the bodies below differ from this one only by the hostile field."""
    assert api_as(county_inspector).post("/api/v1/operators/", operator_body(), format="json").status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", NUL),
        ("address", "某路\x001号"),
        ("name", HUGE),
        ("name", ""),
        ("herd_size", 10**30),
        ("herd_size", -1),
        ("herd_size", "1e400"),
        ("herd_size", "NaN"),
        ("county", "32011\x005"),
        ("county", "３２０１１５\x00"),
        ("kind", "<script>"),
        ("registered_with_aic", "maybe"),
    ],
)
def test_hostile_operator_fields_through_the_api_are_a_400_and_write_nothing(county_inspector, field, value):
    response = api_as(county_inspector).post("/api/v1/operators/", operator_body(**{field: value}), format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Operator.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", NUL),
        ("name", HUGE),
        ("address", "某路\x001号"),
        ("herd_size", "99999999999999999999"),
        ("herd_size", "1e5"),
    ],
)
def test_hostile_operator_fields_in_the_page_are_form_errors(client, county_inspector, field, value):
    client.force_login(county_inspector)
    data = {**operator_body(), "county": county_inspector.agency.jurisdiction_id, field: value}
    response = client.post(reverse("operator_new"), data)
    assert response.status_code == 200 and response.context["form"].errors.get(field)
    assert not Operator.objects.exists()


# --- lots: dates and numbers ------------------------------------------------------------------


@pytest.fixture
def lot_body():
    producer = OperatorFactory(kind=OperatorKind.DAIRY_PRODUCER)
    station = OperatorFactory(kind=OperatorKind.PURCHASE_STATION)
    return {
        "kind": "raw_milk",
        "operator": producer.pk,
        "supplier": station.pk,
        "batch_number": "RM-1",
        "product": "生鲜乳",
        "category": "liquid_milk",
        "dated": local_today().isoformat(),
        "quantity": "10",
        "unit": "t",
    }


def test_a_good_lot_body_is_accepted(lot_body):
    assert api_as(lab_clerk()).post("/api/v1/lots/", lot_body, format="json").status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("dated", "2026-02-30"),
        ("dated", "not a date"),
        ("dated", "99999-01-01"),
        ("dated", "2026-11-27\x00"),
        ("dated", 20261127),
        ("quantity", "NaN"),
        ("quantity", "Infinity"),
        ("quantity", "-Infinity"),
        ("quantity", "1e400"),
        ("quantity", "1" * 40),
        ("quantity", [1]),
        ("own_test_mg_per_kg", "0.00001"),
        ("operator", 2**70),
        ("operator", -(2**70)),
        ("supplier", "1; DROP TABLE sampling_lot"),
        ("batch_number", "RM\x001"),
        ("batch_number", "R" * 10_000),
    ],
)
def test_impossible_dates_and_numbers_of_a_lot_are_a_400_and_write_nothing(lot_body, field, value):
    response = api_as(lab_clerk()).post("/api/v1/lots/", {**lot_body, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert not Lot.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"dated_from": "2026-13-45"},
        {"operator": "1e400"},
        {"operator": str(2**70)},
        {"operator": "NaN"},
        {"page": "99999999999999999999999"},
        {"page": "-1"},
        {"ordering": "\x00"},
    ],
)
def test_hostile_query_strings_are_never_a_server_error(query):
    response = api_as(lab_clerk()).get("/api/v1/lots/", query)
    assert response.status_code in (200, 400, 404)


def test_a_request_body_over_the_memory_limit_is_a_400(settings, county_inspector):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = operator_body(address="某" * 20_000)
    response = api_as(county_inspector).post("/api/v1/operators/", body, format="json")
    assert response.status_code == 400
    assert not Operator.objects.exists()


# --- checklist answers: JSON, which PostgreSQL refuses with NUL ---------------------------------


@pytest.fixture
def draft(db):
    inspector = member("320115", AgencyKind.FDA, Role.INSPECTOR)
    restaurant = OperatorFactory(kind=OperatorKind.CATERING)
    return inspection_start(actor=inspector, template=TemplateFactory(), operator=restaurant), inspector


HOSTILE_DRAFTS = {
    "nul-in-a-text-answer": {"answers": {"remarks": {"value": "见\x00附件"}}},
    "nul-in-a-note": {"answers": {"certificates_kept": {"value": "no", "note": "缺\x00票据"}}},
    "nul-in-an-item-code": {"answers": {"storage\x00": {"value": "良好"}}},
    "nul-in-the-remarks": {"answers": {}, "remarks": "备\x00注"},
    "remarks-not-text": {"answers": {}, "remarks": {"x": 1}},
    "answer-a-list": {"answers": {"storage": ["良好"]}},
    "huge-number": {"answers": {"dairy_kinds": {"value": "9" * 400}}},
    "number-nan": {"answers": {"dairy_kinds": {"value": "NaN"}}},
    "number-exponent": {"answers": {"dairy_kinds": {"value": "1e999999999"}}},
}


def autosave(client, inspection, body):
    payload = json.dumps({"revision": inspection.revision, **body})
    return client.post(reverse("inspection_autosave", args=[inspection.pk]), payload, content_type="application/json")


def assert_hostile_drafts_refused(client, draft):
    inspection, inspector = draft
    client.force_login(inspector)
    for name, body in HOSTILE_DRAFTS.items():
        response = autosave(client, inspection, body)
        assert response.status_code == 400, (name, response.content)
        saved = Inspection.objects.get(pk=inspection.pk)
        assert (saved.revision, saved.answers, saved.remarks) == (1, {}, ""), name
    api = api_as(inspector)
    for name, body in HOSTILE_DRAFTS.items():
        response = api.patch(f"/api/v1/inspections/{inspection.pk}/draft/", {"revision": 1, **body}, format="json")
        assert response.status_code == 400, (name, response.content)
    assert Inspection.objects.get(pk=inspection.pk).revision == 1


def test_hostile_checklist_drafts_are_a_400_and_change_nothing(client, draft):
    assert_hostile_drafts_refused(client, draft)


@pytest.mark.services
def test_hostile_checklist_drafts_are_a_400_on_postgresql_too(client, draft):
    """PostgreSQL refuses NUL in text and in JSONB: without the checks this is a 500."""
    need_postgresql()
    assert_hostile_drafts_refused(client, draft)
    inspection, _inspector = draft
    good = autosave(client, inspection, {"answers": {"remarks": {"value": "见附件"}}})
    assert good.status_code == 200 and good.json()["revision"] == 2


# --- hotline complaints -----------------------------------------------------------------------


def hotline_ticket(**overrides) -> dict:
    received = timezone.localtime() - datetime.timedelta(hours=5)
    ticket = {
        "hotline": "12315",
        "ticket_number": "12315-2026-000001",
        "kind": "tip",
        "received_at": received.isoformat(),
        "content": "东山某食杂店销售无生产日期的散装奶粉",
        "jurisdiction": "320115",
        "informant_name": "吴某",
    }
    return {**ticket, **overrides}


@pytest.fixture
def hotline():
    AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320115"))
    return api_as(member("320000", AgencyKind.AIC, Role.CLERK))


def test_a_good_hotline_ticket_is_recorded(hotline):
    assert hotline.post("/api/v1/complaints/", hotline_ticket(), format="json").status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content", "奶粉\x00无日期"),
        ("informant_name", "吴\x00某"),
        ("ticket_number", "12315\x00"),
        ("ticket_number", "1" * 10_000),
        ("received_at", "2026-11-31T10:00:00"),
        ("received_at", "9999-12-31T23:59:59+08:00"),
        ("kind", 7),
        ("jurisdiction", "32\x00"),
    ],
)
def test_a_hostile_hotline_ticket_is_a_400_and_records_nothing(hotline, field, value):
    response = hotline.post("/api/v1/complaints/", hotline_ticket(**{field: value}), format="json")
    assert response.status_code == 400, response.content
    assert not Complaint.objects.exists()


# --- markup in text fields comes back escaped -------------------------------------------------


def escaped(payload: str) -> str:
    return payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def assert_escaped(page: str, payload: str):
    assert payload not in page
    assert escaped(payload) in page or escaped(payload).replace("&quot;", "&#x27;") in page


@pytest.mark.parametrize("payload", XSS, ids=["script", "img-onerror"])
def test_markup_in_every_rendered_text_field_is_escaped(client, payload):
    aic = member("320115", AgencyKind.AIC, Role.REVIEWER, full_name=payload)
    operator = OperatorFactory(name=payload, address=payload, actual_operator=payload, contact_person=payload)
    case = CaseFactory(operator=operator, title=payload, facts=payload)
    complaint = ComplaintFactory(content=payload, party_name=payload, informant_name=payload, recorded_by=aic)
    fda = member("320115", AgencyKind.FDA, Role.INSPECTOR)
    restaurant = OperatorFactory(kind=OperatorKind.CATERING, name=payload)
    inspection = inspection_start(actor=fda, template=TemplateFactory(), operator=restaurant)
    Inspection.objects.filter(pk=inspection.pk).update(
        remarks=payload, answers={"remarks": {"value": payload, "note": payload}}
    )
    NotificationFactory(recipient=aic, title=payload, body=payload)

    client.force_login(aic)
    pages = [
        reverse("operator_detail", args=[operator.pk]),
        reverse("operator_list"),
        reverse("case_detail", args=[case.pk]),
        reverse("case_list"),
        reverse("complaint_detail", args=[complaint.pk]),
        reverse("complaint_list"),
        reverse("inbox"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), payload)
    client.force_login(fda)
    for url in [reverse("inspection_detail", args=[inspection.pk]), reverse("inspection_edit", args=[inspection.pk])]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), payload)


# --- CSRF ---------------------------------------------------------------------------------------


def test_a_page_post_without_its_csrf_token_is_refused(county_inspector):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(county_inspector)
    response = browser.post(reverse("operator_new"), {**operator_body(), "county": "320115"})
    assert response.status_code == 403
    assert not Operator.objects.exists()


def test_a_session_authenticated_api_post_without_the_csrf_token_is_refused(county_inspector):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(county_inspector)  # a session, as the pages' scripts have
    response = browser.post("/api/v1/operators/", operator_body(), format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Operator.objects.exists()


def test_the_same_post_with_the_csrf_token_goes_through(county_inspector):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(county_inspector)
    browser.get(reverse("home"))  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/v1/operators/", operator_body(), format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201

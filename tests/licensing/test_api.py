import pytest
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from licensing.models import LicenceStatus, LicenceType, OperatorKind

from ..factories import member, place
from .factories import LicenceFactory, OperatorFactory, valid_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_operators_are_scoped_and_a_foreign_one_is_a_404(api):
    mine = OperatorFactory()
    foreign = OperatorFactory(county=place("320324"))
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.VIEWER))
    assert [o["id"] for o in api.get("/api/v1/operators/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/operators/{foreign.pk}/").status_code == 404


def test_an_operator_is_registered_through_the_api_with_the_same_rules(api):
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.INSPECTOR))
    body = {
        "kind": OperatorKind.DAIRY_PRODUCER,
        "name": "接口乳业",
        "credit_code": valid_credit_code(),
        "county": "320115",
        "address": "某地",
        "arrangement": "leased",
    }
    refused = api.post("/api/v1/operators/", body, format="json")
    assert refused.status_code == 400 and "actual_operator" in refused.json()
    created = api.post("/api/v1/operators/", {**body, "actual_operator": "李某"}, format="json")
    assert created.status_code == 201 and created.json()["arrangement_flagged"] is True
    bad_code = api.post(
        "/api/v1/operators/", {**body, "credit_code": "91320115000000000X", "actual_operator": "李"}, format="json"
    )
    assert bad_code.status_code == 400


def test_L3_refusal_through_the_api_names_the_rule(api):
    shop = OperatorFactory(kind=OperatorKind.SMALL_RETAILER)
    api.force_authenticate(member("320115", AgencyKind.AGR, Role.REVIEWER))
    response = api.post("/api/v1/licences/", {"type": LicenceType.PURCHASE, "operator": shop.pk}, format="json")
    assert response.status_code == 400 and "L3" in str(response.json())


def test_a_reviewer_decides_through_the_api(api):
    licence = LicenceFactory(status=LicenceStatus.APPLIED)
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.REVIEWER))
    detail = api.get(f"/api/v1/licences/{licence.pk}/").json()
    assert detail["actions"] == ["grant", "refuse"]
    granted = api.post(
        f"/api/v1/licences/{licence.pk}/decide/grant/",
        {"reason": "符合条件", "number": "QS-API-1", "issued_on": "2026-11-01", "expires_on": "2031-10-31"},
        format="json",
    )
    assert granted.status_code == 200 and granted.json()["status"] == LicenceStatus.GRANTED
    log = api.get(f"/api/v1/licences/{licence.pk}/decisions/").json()
    assert [(c["from_state"], c["to_state"]) for c in log] == [("applied", "granted")]


def test_a_viewer_is_refused_a_decision_through_the_api(api):
    licence = LicenceFactory(status=LicenceStatus.APPLIED)
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.VIEWER))
    assert api.post(f"/api/v1/licences/{licence.pk}/decide/refuse/", {"reason": "x"}, format="json").status_code == 403


def test_re_review_coverage_through_the_api(api):
    LicenceFactory(status=LicenceStatus.GRANTED, number="A")
    api.force_authenticate(member("320100", AgencyKind.QTS, Role.VIEWER))
    rows = {r["jurisdiction"]: r for r in api.get("/api/v1/re-review-coverage/").json()}
    assert rows["320115"]["pending"] == 1

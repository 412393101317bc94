import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import ResponsibilityLetter

from ..factories import AgencyFactory, NotificationFactory, member, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_the_api_requires_authentication(api):
    assert api.get("/api/v1/me/").status_code in (401, 403)


def test_token_authentication_returns_the_current_user(api, county_inspector):
    token = Token.objects.create(user=county_inspector)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api.get("/api/v1/me/").json()
    assert body["username"] == county_inspector.username and body["jurisdiction"] == "320115"
    assert body["agency"]["kind"] == AgencyKind.QTS


def test_jurisdictions_are_reference_data_filterable_by_parent(api, county_inspector):
    api.force_authenticate(county_inspector)
    rows = api.get("/api/v1/jurisdictions/", {"parent": "320100"}).json()
    assert len(rows) == 11 and {r["parent"] for r in rows} == {"320100"}


def test_agencies_are_scoped_and_another_citys_is_a_404(api, county_viewer):
    foreign = AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320324"))
    api.force_authenticate(county_viewer)
    listed = api.get("/api/v1/agencies/").json()["results"]
    assert {a["jurisdiction"] for a in listed} == {"320115"}
    assert api.get(f"/api/v1/agencies/{foreign.pk}/").status_code == 404


def test_the_current_campaign_with_phases_and_countdown(api, county_inspector, campaign):
    api.force_authenticate(county_inspector)
    body = api.get("/api/v1/campaigns/current/").json()
    assert body["summary_deadline"] == "2026-12-30" and len(body["phases"]) == 3
    assert "days_to_deadline" in body


def post_letter(api, jurisdiction="320115", content=b"%PDF-1.4\n%%EOF\n"):
    upload = SimpleUploadedFile("l.pdf", content, content_type="application/pdf")
    letter = {"jurisdiction": jurisdiction, "signed_on": "2026-04-20", "issuer_signatory": "甲", "signatory": "乙"}
    return api.post("/api/v1/responsibility-letters/", {**letter, "document": upload}, format="multipart")


def test_a_letter_is_recorded_through_the_api_by_the_same_service(api, campaign):
    fso = member("320100", AgencyKind.FSO, Role.REVIEWER)
    api.force_authenticate(fso)
    response = post_letter(api)
    assert response.status_code == 201, response.content
    assert ResponsibilityLetter.objects.get().recorded_by == fso


def test_a_bad_letter_through_the_api_is_a_400_that_changes_nothing(api, campaign):
    api.force_authenticate(member("320100", AgencyKind.FSO, Role.REVIEWER))
    response = post_letter(api, jurisdiction="320324", content=b"not a pdf")
    assert response.status_code == 400 and "jurisdiction" in response.json()
    assert not ResponsibilityLetter.objects.exists()


def test_a_read_only_user_cannot_record_letters_through_the_api(api, campaign):
    api.force_authenticate(member("320100", AgencyKind.FSO, Role.VIEWER))
    assert post_letter(api).status_code == 403
    assert not ResponsibilityLetter.objects.exists()


def test_notifications_are_personal_and_marked_read(api, county_inspector):
    mine = NotificationFactory(recipient=county_inspector)
    NotificationFactory(recipient=member("320115", AgencyKind.QTS, Role.REVIEWER))
    api.force_authenticate(county_inspector)
    listed = api.get("/api/v1/notifications/").json()["results"]
    assert [n["id"] for n in listed] == [mine.pk]
    assert api.post("/api/v1/notifications/mark-read/", {"ids": [mine.pk]}, format="json").json() == {"marked": 1}
    assert api.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0


def test_the_openapi_schema_and_docs_are_served_offline(client, county_inspector):
    client.force_login(county_inspector)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/responsibility-letters/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_an_admin_manages_accounts_through_the_api_with_the_same_rules(api, city_admin):
    agency = AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115"))
    api.force_authenticate(city_admin)
    created = api.post(
        "/api/v1/users/",
        {
            "username": "lisi",
            "full_name": "李四",
            "agency": agency.pk,
            "role": Role.INSPECTOR,
            "password": "Strong-pass-2026",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    weak = api.post(
        "/api/v1/users/",
        {"username": "wangwu", "full_name": "王五", "agency": agency.pk, "role": Role.INSPECTOR, "password": "weak"},
        format="json",
    )
    assert weak.status_code == 400
    changed = api.patch(
        f"/api/v1/users/{created.json()['id']}/", {"role": Role.REVIEWER, "reason": "晋升"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["role"] == Role.REVIEWER


def test_accounts_of_another_city_are_a_404_and_non_admins_a_403(api, city_admin, county_inspector):
    foreign = member("320324", AgencyKind.QTS, Role.INSPECTOR)
    api.force_authenticate(city_admin)
    assert api.get(f"/api/v1/users/{foreign.pk}/").status_code == 404
    placed_abroad = api.post(
        "/api/v1/users/",
        {
            "username": "zhao",
            "full_name": "赵",
            "agency": foreign.agency_id,
            "role": Role.INSPECTOR,
            "password": "Strong-pass-2026",
            "is_active": False,
        },
        format="json",
    )
    assert placed_abroad.status_code == 400 and "agency" in placed_abroad.json()
    api.force_authenticate(county_inspector)
    assert api.get("/api/v1/users/").status_code == 403


def test_the_openapi_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)

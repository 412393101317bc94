import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import User

from ..factories import AgencyFactory, member, place

pytestmark = pytest.mark.django_db


def new_account(agency, **overrides):
    data = {
        "username": "zhangsan",
        "full_name": "张三",
        "email": "",
        "phone": "",
        "agency": agency.pk,
        "role": Role.INSPECTOR,
        "password": "Strong-pass-2026",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_an_account_in_its_jurisdiction(client, city_admin):
    agency = AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115"))
    client.force_login(city_admin)
    response = client.post(reverse("user_new"), new_account(agency))
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert user.agency == agency and user.check_password("Strong-pass-2026")
    assert user.history.get().history_user == city_admin


def test_an_admin_cannot_place_an_account_in_another_city(client, city_admin):
    foreign = AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320324"))
    client.force_login(city_admin)
    response = client.post(reverse("user_new"), new_account(foreign))
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert not User.objects.filter(username="zhangsan").exists()


def test_a_weak_password_is_refused_in_the_page(client, city_admin):
    agency = AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115"))
    client.force_login(city_admin)
    response = client.post(reverse("user_new"), new_account(agency, password="password"))
    assert response.status_code == 200 and response.context["form"].errors
    assert not User.objects.filter(username="zhangsan").exists()


def test_an_admin_edits_and_deactivates_an_account_with_a_reason(client, city_admin, county_inspector):
    client.force_login(city_admin)
    response = client.post(
        reverse("user_edit", args=[county_inspector.pk]),
        {
            "full_name": "新名字",
            "email": "",
            "phone": "",
            "agency": county_inspector.agency_id,
            "role": Role.INSPECTOR,
            "reason": "调离",
        },
    )
    assert response.status_code == 302
    county_inspector.refresh_from_db()
    assert not county_inspector.is_active and county_inspector.history.first().history_change_reason == "调离"


def test_an_account_of_another_city_is_a_404(client, city_admin):
    foreign = member("320324", AgencyKind.QTS, Role.INSPECTOR)
    client.force_login(city_admin)
    assert client.get(reverse("user_edit", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("user_password", args=[foreign.pk])).status_code == 404


@pytest.mark.parametrize("url", ["user_list", "user_new"])
def test_non_admins_are_refused_account_pages(client, county_viewer, county_inspector, url):
    for user in (county_viewer, county_inspector):
        client.force_login(user)
        assert client.get(reverse(url)).status_code == 403


def test_the_account_list_is_filtered_and_exported(client, city_admin):
    member("320115", AgencyKind.QTS, Role.REVIEWER, full_name="审核甲")
    member("320324", AgencyKind.QTS, Role.REVIEWER, full_name="外市乙")
    client.force_login(city_admin)
    response = client.get(reverse("user_list"), {"role": Role.REVIEWER})
    names = {u.full_name for u in response.context["object_list"]}
    assert "审核甲" in names and "外市乙" not in names
    export = client.get(reverse("user_list"), {"role": Role.REVIEWER, "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_agency_list_shows_only_the_users_scope(client, county_viewer):
    AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320324"))
    client.force_login(county_viewer)
    response = client.get(reverse("agency_list"))
    assert {a.jurisdiction_id for a in response.context["object_list"]} == {"320115"}


def test_list_pages_cost_the_same_queries_for_more_rows(client, city_admin):
    client.force_login(city_admin)
    for _ in range(3):
        member("320115", AgencyKind.QTS, Role.INSPECTOR)
    client.get(reverse("user_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("user_list"))
    for _ in range(20):
        member("320102", AgencyKind.AIC, Role.INSPECTOR)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("user_list"))
    assert len(many) == len(few)

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Agency
from dairy_campaign.services.audit import audited_save, history_of
from dairy_campaign.services.users import user_update

from ..factories import AgencyFactory, UserFactory, member, place

pytestmark = pytest.mark.django_db


def test_each_change_records_who_when_what_and_why(city_admin):
    agency = AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320115"))
    agency.name = "江宁区市场监督管理局"
    audited_save(agency, actor=city_admin, reason="机构更名")
    latest = history_of(agency)[0]
    assert latest.who == city_admin and latest.reason == "机构更名" and latest.when is not None
    [change] = latest.changes
    assert change.before.endswith("工商行政管理局") and change.after == "江宁区市场监督管理局"


def test_a_membership_change_is_in_the_history_without_the_password(city_admin, county_inspector):
    user_update(actor=city_admin, user=county_inspector, reason="岗位调整", role=Role.REVIEWER)
    entries = history_of(county_inspector)
    assert entries[0].reason == "岗位调整"
    assert [c.name for c in entries[0].changes] == ["role"]
    assert all(c.name != "password" for e in entries for c in e.changes)


def test_logging_in_writes_no_history_row(client, county_inspector):
    from ..factories import PASSWORD

    before = county_inspector.history.count()
    client.post(reverse("login"), {"username": county_inspector.username, "password": PASSWORD})
    county_inspector.refresh_from_db()
    assert county_inspector.last_login is not None and county_inspector.history.count() == before


def test_the_history_page_shows_versions_to_those_who_see_the_record(client, city_admin):
    agency = AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320115"))
    agency.name = "新名称"
    audited_save(agency, actor=city_admin, reason="更名")
    client.force_login(city_admin)
    response = client.get(reverse("history", args=["core.agency", agency.pk]))
    assert response.status_code == 200 and "更名" in response.content.decode()


def test_the_history_of_a_foreign_record_is_a_404(client):
    agency = AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320324"))
    client.force_login(member("320100", AgencyKind.FSO, Role.VIEWER))
    assert client.get(reverse("history", args=["core.agency", agency.pk])).status_code == 404


@pytest.mark.parametrize("label", ["core.notification", "auth.group", "nope.nothing", "core"])
def test_models_without_an_audit_trail_have_no_history_page(client, county_inspector, label):
    client.force_login(county_inspector)
    assert client.get(reverse("history", args=[label, 1])).status_code == 404


def test_a_change_in_the_back_office_is_in_the_history_with_its_author(client):
    root = UserFactory(is_superuser=True, is_staff=True, agency=None, role="")
    agency = AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320115"))
    client.force_login(root)
    response = client.post(
        reverse("admin:core_agency_change", args=[agency.pk]),
        {"kind": agency.kind, "jurisdiction": agency.jurisdiction_id, "name": "后台改名", "name_en": ""},
    )
    assert response.status_code == 302
    assert history_of(agency)[0].who == root


def _sql_reading(table: str, captured) -> list[str]:
    return [q["sql"] for q in captured if f'FROM "{table}"' in q["sql"]]


def test_validating_does_not_look_up_a_related_record_read_with_the_record(city_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agency = Agency.objects.select_related("jurisdiction").get(pk=AgencyFactory(kind=AgencyKind.AIC).pk)
    agency.name = "江宁区市场监督管理局"
    with CaptureQueriesContext(connection) as captured:
        audited_save(agency, actor=city_admin, reason="机构更名")
    assert not _sql_reading("core_jurisdiction", captured.captured_queries)


def test_a_foreign_key_set_to_a_missing_record_is_still_refused(city_admin):
    agency = Agency.objects.select_related("jurisdiction").get(pk=AgencyFactory(kind=AgencyKind.AIC).pk)
    agency.jurisdiction_id = "329999"  # no such place; the loaded jurisdiction no longer matches
    with pytest.raises(ValidationError) as refused:
        audited_save(agency, actor=city_admin, reason="改隶")
    assert "jurisdiction" in refused.value.message_dict
    assert Agency.objects.get(pk=agency.pk).jurisdiction_id == "320115"


def test_constraints_over_a_loaded_foreign_key_are_still_checked(city_admin):
    AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320115"))
    other = AgencyFactory(kind=AgencyKind.FDA, jurisdiction=place("320115"))
    other.kind = AgencyKind.AIC  # a second market department in the same place
    with pytest.raises(ValidationError):
        audited_save(other, actor=city_admin, reason="改为工商")
    assert Agency.objects.get(pk=other.pk).kind == AgencyKind.FDA

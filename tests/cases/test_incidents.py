"""P4: immediate reports of major cases and emergencies go at once to the food-safety office
one level up and to the provincial office."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import IncidentReport
from cases.services.incidents import incident_report, missing_offices, recipient_places
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification

from ..factories import AgencyFactory, member, place
from .factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_office():
    return member("320100", AgencyKind.FSO, Role.VIEWER, full_name="南京市食安办")


@pytest.fixture
def province_office():
    return member("320000", AgencyKind.FSO, Role.REVIEWER, full_name="省食安办")


def report_fields(**overrides):
    fields = {
        "title": "江宁区发现疑似超标婴幼儿配方乳粉流入市场",
        "occurred_at": timezone.now() - datetime.timedelta(hours=5),
        "description": "出厂检验发现一批次三聚氰胺检测值异常，部分产品已发往区内超市。",
        "products": "婴幼儿配方乳粉 900g",
        "people_affected": 3,
    }
    return {**fields, **overrides}


def offices_told(report) -> set[str]:
    return {a.jurisdiction_id for a in report.notified.all()}


def test_P4_a_county_report_goes_to_its_city_office_and_the_province(city_office, province_office):
    reporter = member("320115", AgencyKind.QTS, Role.REVIEWER)
    bystander = member("320300", AgencyKind.FSO, Role.REVIEWER)
    report = incident_report(actor=reporter, **report_fields())
    assert (report.agency, report.jurisdiction_id, report.reported_by) == (reporter.agency, "320115", reporter)
    assert offices_told(report) == {"320100", "320000"}
    for office in (city_office, province_office):
        note = Notification.objects.get(recipient=office)
        assert report.title in note.title and note.url.endswith(f"/cases/incidents/{report.pk}/")
    assert not Notification.objects.filter(recipient=bystander).exists()
    assert missing_offices(report) == []


def test_P4_a_city_report_goes_to_the_province_only(city_office, province_office):
    report = incident_report(actor=member("320100", AgencyKind.AIC, Role.INSPECTOR), **report_fields())
    assert offices_told(report) == {"320000"}
    assert not Notification.objects.filter(recipient=city_office).exists()


def test_P4_a_province_level_report_goes_to_the_provincial_office(province_office):
    report = incident_report(actor=member("320000", AgencyKind.CIQ, Role.INSPECTOR), **report_fields())
    assert offices_told(report) == {"320000"}
    assert Notification.objects.filter(recipient=province_office).count() == 1


def test_P4_a_county_level_city_reports_to_its_prefecture_city():
    AgencyFactory(kind=AgencyKind.FSO, jurisdiction=place("320200"))
    AgencyFactory(kind=AgencyKind.FSO, jurisdiction=place("320000"))
    report = incident_report(actor=member("320281", AgencyKind.AIC, Role.CLERK), **report_fields())
    assert offices_told(report) == {"320200", "320000"}


@pytest.mark.parametrize(
    ("code", "places"),
    [("320115", ["320100", "320000"]), ("320100", ["320000"]), ("320000", ["320000"])],
)
def test_P4_recipients_are_the_parent_and_the_province(code, places):
    assert recipient_places(place(code)) == places


def test_P4_a_missing_office_does_not_hold_the_report_back(province_office):
    """No Nanjing office is registered here: the province still hears of it, and the
    report says who was missed."""
    report = incident_report(actor=member("320115", AgencyKind.FDA, Role.INSPECTOR), **report_fields())
    assert offices_told(report) == {"320000"}
    assert missing_offices(report) == ["320100"]
    assert Notification.objects.filter(recipient=province_office).count() == 1


def test_P4_with_no_office_at_all_the_report_is_still_recorded():
    report = incident_report(actor=member("320115", AgencyKind.FDA, Role.INSPECTOR), **report_fields())
    assert IncidentReport.objects.get() == report
    assert missing_offices(report) == ["320100", "320000"]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMIN])
def test_P4_readers_and_account_administrators_do_not_report(role):
    with pytest.raises(PermissionDenied):
        incident_report(actor=member("320115", AgencyKind.QTS, role), **report_fields())
    assert not IncidentReport.objects.exists()


@pytest.mark.parametrize("kind", [AgencyKind.QTS, AgencyKind.AIC, AgencyKind.GOV, AgencyKind.PSB, AgencyKind.FSO])
def test_P4_any_writing_member_of_any_department_reports(kind):
    assert incident_report(actor=member("320115", kind, Role.CLERK), **report_fields()).agency.kind == kind


def test_P4_an_incident_cannot_have_occurred_in_the_future():
    with pytest.raises(ValidationError) as refused:
        incident_report(
            actor=member("320115"), **report_fields(occurred_at=timezone.now() + datetime.timedelta(hours=1))
        )
    assert "occurred_at" in refused.value.message_dict


@pytest.mark.parametrize("field", ["title", "description"])
def test_P4_a_report_says_what_happened(field):
    with pytest.raises(ValidationError) as refused:
        incident_report(actor=member("320115"), **report_fields(**{field: " "}))
    assert field in refused.value.message_dict


def test_P4_a_report_names_only_a_case_the_reporter_sees():
    reporter = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    case = CaseFactory()
    assert incident_report(actor=reporter, **report_fields(case=case)).case == case
    with pytest.raises(ValidationError) as refused:
        incident_report(actor=reporter, **report_fields(case=CaseFactory(jurisdiction=place("320324"))))
    assert "case" in refused.value.message_dict

"""C2: listed supervision (挂牌督办) of major and cross-region cases by a higher office:
who lists, at which level, one open listing per office, progress reports, lifting, and the
overdue and report-due flags."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import CaseStatus, Listing, ListingStatus, ProgressReport
from cases.services.supervision import (
    is_above,
    listing_create,
    listing_lift,
    listing_overdue,
    next_report_on,
    progress_report_submit,
    report_due,
)
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.transitions import state_changes

from ..factories import member
from .factories import CaseFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def city_office():
    return member("320100", AgencyKind.FSO, Role.REVIEWER)


@pytest.fixture
def province_office():
    return member("320000", AgencyKind.FSO, Role.REVIEWER)


@pytest.fixture
def case():
    return CaseFactory(major=True)


def listing_fields(**overrides):
    fields = {
        "level": "city",
        "deadline": local_today() + datetime.timedelta(days=60),
        "report_every_days": 15,
        "requirements": "查清乳粉来源和流向，每15日报告一次进展。",
        "document_number": "宁食安办督〔2026〕3号",
    }
    return {**fields, **overrides}


def listed(actor, case, **overrides) -> Listing:
    return listing_create(actor=actor, case=case, **listing_fields(**overrides))


# --- who lists, at which level -------------------------------------------------------


def test_C2_a_city_office_reviewer_lists_a_major_case_of_a_county_below_it(city_office, case):
    listing = listed(city_office, case)
    assert (listing.office, listing.level, listing.status) == (city_office.agency, "city", ListingStatus.OPEN)
    assert listing.listed_on == local_today() and listing.listed_by == city_office
    assert listing.history.count() == 1


def test_C2_the_province_lists_a_county_case_and_a_city_level_case(province_office):
    county_case = CaseFactory(cross_region=True)
    assert listed(province_office, county_case, level="province").level == "province"
    city_agency = member("320100", AgencyKind.QTS).agency
    city_case = CaseFactory(major=True, jurisdiction=city_agency.jurisdiction, agency=city_agency)
    assert listed(province_office, city_case, level="province").case == city_case


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [
        ("320115", AgencyKind.FSO, Role.REVIEWER),  # a county office reports upward, it does not list
        ("320100", AgencyKind.FSO, Role.INSPECTOR),  # listing is a decision: reviewers only
        ("320100", AgencyKind.FSO, Role.VIEWER),
        ("320100", AgencyKind.QTS, Role.REVIEWER),  # departments do not list
        ("320100", AgencyKind.GOV, Role.REVIEWER),
    ],
)
def test_C2_only_reviewers_of_city_or_provincial_offices_list(case, code, kind, role):
    with pytest.raises(PermissionDenied):
        listed(member(code, kind, role), case)
    assert not Listing.objects.exists()


def test_C2_an_office_lists_only_cases_strictly_below_and_within_its_jurisdiction(city_office):
    other_city = CaseFactory(major=True, jurisdiction=member("320324").agency.jurisdiction)
    same_level = CaseFactory(major=True, jurisdiction=city_office.agency.jurisdiction)
    for case in (other_city, same_level):
        with pytest.raises(PermissionDenied):
            listed(city_office, case)
    assert not Listing.objects.exists()


@pytest.mark.parametrize(
    ("office", "case", "above"),
    [
        ("320100", "320115", True),
        ("320000", "320115", True),
        ("320000", "320100", True),
        ("320100", "320100", False),
        ("320100", "320324", False),
        ("320300", "320115", False),
        ("320115", "320115", False),
        ("320000", "320000", False),
    ],
)
def test_C2_an_office_is_above_a_case_when_strictly_higher_and_containing_it(office, case, above):
    assert is_above(office, case) is above


def test_C2_the_listing_level_is_the_offices(city_office, case):
    with pytest.raises(ValidationError) as refused:
        listed(city_office, case, level="province")
    assert "level" in refused.value.message_dict


def test_C2_a_case_neither_major_nor_cross_region_is_listed_only_when_the_office_declares_it_major(city_office):
    ordinary = CaseFactory()
    with pytest.raises(ValidationError) as refused:
        listed(city_office, ordinary)
    assert "mark_major" in refused.value.message_dict and not Listing.objects.exists()
    listed(city_office, ordinary, mark_major=True)
    ordinary.refresh_from_db()
    assert ordinary.major is True
    assert "宁食安办督〔2026〕3号" in ordinary.history.first().history_change_reason


def test_C2_a_cross_region_case_is_listed_without_being_marked_major(city_office):
    case = CaseFactory(cross_region=True)
    listed(city_office, case)
    case.refresh_from_db()
    assert case.major is False


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.DISMISSED])
def test_C2_a_closed_or_dismissed_case_is_not_listed(city_office, status):
    with pytest.raises(ValidationError) as refused:
        listed(city_office, CaseFactory(major=True, status=status))
    assert "case" in refused.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("deadline", local_today()),
        ("report_every_days", 0),
        ("requirements", "  "),
        ("document_number", ""),
    ],
)
def test_C2_a_listing_needs_a_later_deadline_a_report_rhythm_requirements_and_a_document(
    city_office, case, field, value
):
    with pytest.raises(ValidationError) as refused:
        listed(city_office, case, **{field: value})
    assert field in refused.value.message_dict
    assert not Listing.objects.exists()


def test_C2_one_open_listing_per_office_and_case_but_another_office_may_list_it_too(city_office, province_office, case):
    first = listed(city_office, case)
    with pytest.raises(ValidationError) as refused:
        listed(city_office, case)
    assert "case" in refused.value.message_dict
    listed(province_office, case, level="province")
    listing_lift(actor=city_office, listing=first, reason="案件已查结")
    assert listed(city_office, case).status == ListingStatus.OPEN
    assert Listing.objects.filter(case=case).count() == 3


def test_C2_the_cases_department_is_notified_of_the_listing(city_office, case):
    department_member = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    bystander = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    listing = listed(city_office, case)
    note = Notification.objects.get(recipient=department_member)
    assert case.number in note.title and note.url.endswith(f"/cases/listings/{listing.pk}/")
    assert not Notification.objects.filter(recipient=bystander).exists()


# --- progress reports and lifting ----------------------------------------------------


def test_C2_the_cases_department_reports_progress_and_the_office_is_told(city_office, case):
    listing = listed(city_office, case)
    reporter = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    report = progress_report_submit(actor=reporter, listing=listing, text="已查封仓库，正在追查上游。")
    assert report.listing == listing and report.submitted_by == reporter
    assert Notification.objects.filter(recipient=city_office, title__contains=case.number).count() == 1


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [
        ("320115", AgencyKind.AIC, Role.VIEWER),  # the department, but read-only
        ("320115", AgencyKind.QTS, Role.REVIEWER),  # another department of the county
        ("320100", AgencyKind.AIC, Role.REVIEWER),  # the same kind one level up
        ("320100", AgencyKind.FSO, Role.REVIEWER),  # the office itself
    ],
)
def test_C2_only_a_writing_member_of_the_cases_department_reports(city_office, case, code, kind, role):
    listing = listed(city_office, case)
    with pytest.raises(PermissionDenied):
        progress_report_submit(actor=member(code, kind, role), listing=listing, text="进展")
    assert not ProgressReport.objects.exists()


def test_C2_a_progress_report_needs_text_and_an_open_listing(city_office, case):
    listing = listed(city_office, case)
    reporter = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    with pytest.raises(ValidationError):
        progress_report_submit(actor=reporter, listing=listing, text="   ")
    listing_lift(actor=city_office, listing=listing, reason="已查结")
    with pytest.raises(ValidationError):
        progress_report_submit(actor=reporter, listing=listing, text="迟到的进展")
    assert not ProgressReport.objects.exists()


def test_C2_the_office_lifts_the_listing_with_a_reason_and_the_department_is_told(city_office, case):
    listing = listed(city_office, case)
    department_member = member("320115", AgencyKind.AIC, Role.REVIEWER)
    lifted = listing_lift(
        actor=city_office, listing=listing, reason="案件已查结，处罚到位", document_number="宁食安办函1号"
    )
    assert (lifted.status, lifted.lifted_on) == (ListingStatus.LIFTED, local_today())
    change = state_changes(lifted)[-1]
    assert (change.to_state, change.actor, change.document_number) == ("lifted", city_office, "宁食安办函1号")
    assert Notification.objects.filter(recipient=department_member, title__contains="lifted").exists()


def test_C2_a_listing_is_lifted_only_by_its_office_with_a_reason_and_once(city_office, province_office, case):
    listing = listed(city_office, case)
    for other in (
        province_office,
        member("320100", AgencyKind.FSO, Role.INSPECTOR),
        member("320115", AgencyKind.AIC, Role.REVIEWER),
    ):
        with pytest.raises(PermissionDenied):
            listing_lift(actor=other, listing=listing, reason="越权")
    with pytest.raises(ValidationError):
        listing_lift(actor=city_office, listing=listing, reason=" ")
    listing_lift(actor=city_office, listing=listing, reason="已查结")
    with pytest.raises(ValidationError):
        listing_lift(actor=city_office, listing=listing, reason="再次解除")
    assert Listing.objects.get().status == ListingStatus.LIFTED


# --- flags ---------------------------------------------------------------------------


def fixed_listing(**overrides) -> Listing:
    """A listing made in memory on fixed dates: listed 2026-09-01, deadline 2026-10-31,
    reports every 15 days."""
    fields = {"listed_on": D(2026, 9, 1), "deadline": D(2026, 10, 31), "report_every_days": 15, "status": "open"}
    listing = Listing(**{**fields, **overrides})
    listing.last_report_at = None
    return listing


@pytest.mark.parametrize(
    ("today", "status", "overdue"),
    [
        (D(2026, 10, 30), ListingStatus.OPEN, False),
        (D(2026, 10, 31), ListingStatus.OPEN, False),  # the deadline day itself is in time
        (D(2026, 11, 1), ListingStatus.OPEN, True),
        (D(2026, 12, 20), ListingStatus.LIFTED, False),  # lifted listings are never late
    ],
)
def test_C2_a_listing_is_overdue_when_still_open_after_its_deadline(today, status, overdue):
    assert listing_overdue(fixed_listing(status=status), today) is overdue


@pytest.mark.parametrize(
    ("last_report", "today", "due"),
    [
        (None, D(2026, 9, 16), False),  # 15 days after the listing: the report is owed today
        (None, D(2026, 9, 17), True),  # and late the day after
        (datetime.datetime(2026, 9, 14, 2, 0, tzinfo=datetime.UTC), D(2026, 9, 29), False),
        (datetime.datetime(2026, 9, 14, 2, 0, tzinfo=datetime.UTC), D(2026, 9, 30), True),
    ],
)
def test_C2_a_report_is_due_when_none_came_within_the_rhythm_of_the_last_or_the_listing(last_report, today, due):
    listing = fixed_listing()
    listing.last_report_at = last_report
    assert report_due(listing, today) is due


def test_C2_the_next_report_counts_from_the_last_report_in_local_time():
    listing = fixed_listing()
    listing.last_report_at = datetime.datetime(2026, 9, 13, 17, 0, tzinfo=datetime.UTC)  # 09-14 01:00 in Nanjing
    assert next_report_on(listing) == D(2026, 9, 29)


def test_C2_a_lifted_listing_owes_no_report():
    assert report_due(fixed_listing(status=ListingStatus.LIFTED), D(2026, 12, 1)) is False


def test_C2_the_flags_read_the_reports_stored(city_office, case):
    listing = listed(city_office, case, listed_on=D(2026, 9, 1), deadline=D(2026, 10, 31))
    reporter = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    report = progress_report_submit(actor=reporter, listing=listing, text="进展")
    ProgressReport.objects.filter(pk=report.pk).update(
        submitted_at=datetime.datetime(2026, 9, 20, 2, 0, tzinfo=datetime.UTC)
    )
    listing = Listing.objects.get(pk=listing.pk)
    assert next_report_on(listing) == D(2026, 10, 5)
    assert report_due(listing, D(2026, 10, 5)) is False and report_due(listing, D(2026, 10, 6)) is True
    assert listing_overdue(listing, D(2026, 11, 1)) is True


def test_C2_a_listing_cannot_be_dated_in_the_future(city_office, case):
    with pytest.raises(ValidationError) as refused:
        listed(city_office, case, listed_on=local_today() + datetime.timedelta(days=1))
    assert "listed_on" in refused.value.message_dict

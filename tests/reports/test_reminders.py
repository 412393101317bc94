"""Scheduled reminders (beat): summaries not submitted (P1), overdue rectification orders
(S4), listed supervision (C2) and licence expiries; each reminds only whom it concerns,
once per occasion, in the inbox and by e-mail."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from cases.models import Listing, ListingLevel, ListingStatus, ProgressReport
from dairy_campaign.celery import app as celery_app
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification
from inspections.models import (
    AssignmentSource,
    AssignmentStatus,
    InspectionStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
)
from licensing.models import LicenceStatus, LicenceType, OperatorKind
from reports import tasks_reminders as tasks
from reports.models import SummaryReport, SummaryStatus
from reports.models_reminders import ReminderKind, ReminderLog
from reports.services.reminders import (
    licence_expiry_send,
    licence_threshold,
    listing_deadlines_send,
    rectification_overdue_send,
    summary_reminders_send,
)

from ..cases.factories import CaseFactory
from ..factories import CampaignFactory, member
from ..inspections.factories import AssignmentFactory, InspectionFactory
from ..licensing.factories import LicenceFactory, OperatorFactory

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int = 1):
    """`hour` o'clock in Shanghai on `day`, when beat runs the reminders."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), SHANGHAI), tick=False)


def inbox(user, text: str = "") -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, title__contains=text))


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a sender as beat would, with the e-mails the commits queue actually sent."""

    def run(sender, day):
        with django_capture_on_commit_callbacks(execute=True):
            return sender(today=day)

    return run


# --- P1: the written summaries -------------------------------------------------------------


@pytest.fixture
def departments(campaign):
    """Departments of Jiangning, Nanjing and the province, and how far each is with its
    summary. Every department existing at a jurisdiction reports (P1), the police too."""
    people = {
        "jiangning_qts": member("320115", AgencyKind.QTS, Role.INSPECTOR, email="qts@jn.example"),
        "jiangning_aic": member("320115", AgencyKind.AIC, Role.CLERK, email="aic@jn.example"),
        "jiangning_fda": member("320115", AgencyKind.FDA, Role.REVIEWER, email="fda@jn.example"),
        "jiangning_agr": member("320115", AgencyKind.AGR, Role.INSPECTOR, email="agr@jn.example"),
        "jiangning_psb": member("320115", AgencyKind.PSB, Role.REVIEWER, email="psb@jn.example"),
        "nanjing_fso": member("320100", AgencyKind.FSO, Role.REVIEWER, email="fso@nj.example"),
        "province_fso": member("320000", AgencyKind.FSO, Role.REVIEWER, email=""),
    }
    submitted = timezone.make_aware(datetime.datetime(2026, 11, 28, 9, 0))
    states = {
        "jiangning_qts": (SummaryStatus.SUBMITTED, submitted),
        "jiangning_fda": (SummaryStatus.ACCEPTED, submitted),
        "jiangning_aic": (SummaryStatus.DRAFT, None),
        "jiangning_agr": (SummaryStatus.RETURNED, submitted),  # sent back: to be submitted again
    }
    for key, (status, submitted_at) in states.items():
        user = people[key]
        SummaryReport.objects.create(
            campaign=campaign,
            jurisdiction=user.agency.jurisdiction,
            agency=user.agency,
            status=status,
            submitted_at=submitted_at,
            submitted_by=user if submitted_at else None,
            created_by=user,
        )
    return people


MISSING = {"jiangning_aic", "jiangning_agr", "jiangning_psb", "nanjing_fso", "province_fso"}


def test_p1_reminders_go_only_to_those_missing(departments, send):
    assert send(summary_reminders_send, D(2026, 12, 1)) == len(MISSING)
    for key, user in departments.items():
        notes = inbox(user, "Summary report due")
        assert len(notes) == (1 if key in MISSING else 0), key
    note = inbox(departments["nanjing_fso"])[0]
    assert note.title == "Summary report due by 2026-12-30: 29 days left"
    assert "has not been submitted" in note.body and note.url == reverse("summary_mine")
    # E-mail to those reminded who have an address; the provincial reviewer has none.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "agr@jn.example",
        "aic@jn.example",
        "fso@nj.example",
        "psb@jn.example",
    ]


def test_p1_every_member_of_a_missing_department_is_reminded(departments, send):
    colleague = member("320115", AgencyKind.AIC, Role.VIEWER)
    send(summary_reminders_send, D(2026, 12, 1))
    assert len(inbox(colleague, "Summary report due")) == 1


@pytest.mark.parametrize(
    ("day", "sent"),
    [
        (D(2026, 11, 30), False),
        (D(2026, 12, 1), True),
        (D(2026, 12, 2), False),
        (D(2026, 12, 19), False),
        (D(2026, 12, 20), True),
        (D(2026, 12, 27), False),
        (D(2026, 12, 28), True),
        (D(2026, 12, 29), False),
        (D(2026, 12, 30), False),
    ],
)
def test_p1_summary_reminders_go_out_on_the_first_twentieth_and_twenty_eighth_of_december(departments, send, day, sent):
    assert send(summary_reminders_send, day) == (len(MISSING) if sent else 0)


@pytest.mark.parametrize(("day", "left"), [(D(2026, 12, 20), "10 days left"), (D(2026, 12, 28), "2 days left")])
def test_p1_summary_reminder_counts_the_days_left_to_the_deadline(departments, send, day, left):
    send(summary_reminders_send, day)
    assert inbox(departments["jiangning_aic"])[0].title.endswith(left)


def test_p1_summary_reminder_is_sent_once_per_occasion(departments, send):
    aic = departments["jiangning_aic"]
    assert send(summary_reminders_send, D(2026, 12, 1)) == len(MISSING)
    assert send(summary_reminders_send, D(2026, 12, 1)) == 0
    assert len(inbox(aic)) == 1 and len(mail.outbox) == 4
    assert ReminderLog.objects.filter(kind=ReminderKind.SUMMARY_DUE, agency=aic.agency).count() == 1
    send(summary_reminders_send, D(2026, 12, 20))
    assert len(inbox(aic)) == 2


def test_p1_a_department_that_submitted_since_hears_no_more(departments, send, campaign):
    send(summary_reminders_send, D(2026, 12, 1))
    aic = departments["jiangning_aic"]
    SummaryReport.objects.filter(agency=aic.agency).update(status=SummaryStatus.SUBMITTED, submitted_at=timezone.now())
    assert send(summary_reminders_send, D(2026, 12, 20)) == len(MISSING) - 1
    assert len(inbox(aic)) == 1


def test_p1_no_summary_reminders_without_this_years_campaign(departments, send):
    CampaignFactory(year=2025, starts_on=D(2025, 4, 1), ends_on=D(2025, 12, 31), summary_deadline=D(2025, 12, 30))
    assert send(summary_reminders_send, D(2025, 12, 1)) > 0
    # 2027 has no campaign yet: the 2026 one, the latest, is not reminded of again.
    assert send(summary_reminders_send, D(2027, 12, 1)) == 0


def test_p1_the_summary_task_reads_the_day_in_shanghai_time(departments, django_capture_on_commit_callbacks):
    # 16:30 UTC on 30 November is already 1 December in Shanghai.
    late_evening_utc = time_machine.travel(datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC), tick=False)
    with late_evening_utc, django_capture_on_commit_callbacks(execute=True):
        assert tasks.summary_reminders.delay().get() == len(MISSING)
    with at(D(2026, 12, 2)):
        assert tasks.summary_reminders.delay().get() == 0


# --- S4: overdue rectification orders ---------------------------------------------------


DEADLINE = D(2026, 11, 25)


@pytest.fixture
def restaurant(db):
    return OperatorFactory(kind=OperatorKind.CATERING, name="江宁某某酒楼")


@pytest.fixture
def fda_inspector(db):
    return member("320115", AgencyKind.FDA, Role.INSPECTOR, full_name="王检查")


@pytest.fixture
def fda_reviewer(db):
    return member("320115", AgencyKind.FDA, Role.REVIEWER, full_name="赵审核")


@pytest.fixture
def order(fda_inspector, restaurant):
    inspection = InspectionFactory(
        inspector=fda_inspector, operator=restaurant, status=InspectionStatus.SUBMITTED, inspected_on=D(2026, 11, 20)
    )
    return Measure.objects.create(
        inspection=inspection,
        kind=MeasureKind.RECTIFY,
        description="冷藏柜温度超标",
        deadline=DEADLINE,
        document_number="江宁食药监责改〔2026〕12号",
        status=MeasureStatus.IN_EFFECT,
        recorded_by=fda_inspector,
    )


def test_s4_an_overdue_order_reminds_its_inspector_and_the_departments_reviewers(
    order, fda_inspector, fda_reviewer, send
):
    fda_inspector.email = "wang@fda.example"
    fda_inspector.save()
    fda_colleague = member("320115", AgencyKind.FDA, Role.INSPECTOR)
    fda_viewer = member("320115", AgencyKind.FDA, Role.VIEWER)
    other_county_fda = member("320102", AgencyKind.FDA, Role.REVIEWER)
    aic_reviewer = member("320115", AgencyKind.AIC, Role.REVIEWER)
    assert send(rectification_overdue_send, DEADLINE + datetime.timedelta(days=1)) == 2
    for user in (fda_inspector, fda_reviewer):
        (note,) = inbox(user)
        assert note.title == "Rectification order overdue by 1 day: 江宁某某酒楼"
        assert "冷藏柜温度超标" in note.body and "2026-11-25" in note.body
        assert note.url == reverse("measure_list")
    for user in (fda_colleague, fda_viewer, other_county_fda, aic_reviewer):
        assert not inbox(user)
    assert [m.to for m in mail.outbox] == [["wang@fda.example"]]


def test_s4_an_order_is_not_overdue_before_the_day_after_its_deadline(order, fda_inspector, send):
    assert send(rectification_overdue_send, DEADLINE - datetime.timedelta(days=1)) == 0
    assert send(rectification_overdue_send, DEADLINE) == 0
    assert not inbox(fda_inspector)


def test_s4_an_overdue_order_is_reminded_once_a_day(order, fda_inspector, send):
    day = DEADLINE + datetime.timedelta(days=2)
    assert send(rectification_overdue_send, day) == 1
    assert send(rectification_overdue_send, day) == 0
    assert send(rectification_overdue_send, day + datetime.timedelta(days=1)) == 1
    assert [n.title for n in inbox(fda_inspector)] == [
        "Rectification order overdue by 3 days: 江宁某某酒楼",
        "Rectification order overdue by 2 days: 江宁某某酒楼",
    ]


@pytest.mark.parametrize(
    ("reinspection", "reminded"),
    [(None, True), (AssignmentStatus.OPEN, True), (AssignmentStatus.IN_PROGRESS, True), (AssignmentStatus.DONE, False)],
)
def test_s4_an_order_whose_reinspection_is_done_is_not_overdue(order, fda_inspector, send, reinspection, reminded):
    if reinspection:
        AssignmentFactory(
            inspector=fda_inspector,
            operator=order.inspection.operator,
            source=AssignmentSource.REINSPECTION,
            origin_measure=order,
            status=reinspection,
        )
    assert send(rectification_overdue_send, D(2026, 11, 30)) == (1 if reminded else 0)


@pytest.mark.parametrize("status", [MeasureStatus.RECORDED, MeasureStatus.DONE])
def test_s4_only_orders_in_effect_are_reminded(order, send, status):
    Measure.objects.filter(pk=order.pk).update(status=status)
    assert send(rectification_overdue_send, D(2026, 11, 30)) == 0


def test_s4_an_inactive_inspector_is_not_reminded_but_the_reviewers_are(order, fda_inspector, fda_reviewer, send):
    fda_inspector.is_active = False
    fda_inspector.save()
    assert send(rectification_overdue_send, D(2026, 11, 30)) == 1
    assert len(inbox(fda_reviewer)) == 1


def test_s4_the_rectification_task_is_retried_after_a_lost_database_connection(order, monkeypatch):
    real = tasks.rectification_overdue_send
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "rectification_overdue_send", flaky)
    with at(D(2026, 11, 27)):
        assert tasks.rectification_overdue.apply().get() == 1
    assert len(calls) == 2 and ReminderLog.objects.count() == 1


# --- C2: listed supervision --------------------------------------------------------------


@pytest.fixture
def case_department(db):
    return member("320115", AgencyKind.AIC, Role.INSPECTOR, email="aic@jn.example")


@pytest.fixture
def listing_office(db):
    return member("320100", AgencyKind.FSO, Role.REVIEWER, email="fso@nj.example")


@pytest.fixture
def listing(case_department, listing_office):
    """Listed by Nanjing's office on 1 December, reports every 10 days, deadline 20 December."""
    case = CaseFactory(agency=case_department.agency)
    return Listing.objects.create(
        case=case,
        office=listing_office.agency,
        level=ListingLevel.CITY,
        listed_on=D(2026, 12, 1),
        deadline=D(2026, 12, 20),
        report_every_days=10,
        requirements="限期查清奶源去向",
        document_number="宁食安办督〔2026〕3号",
        listed_by=listing_office,
    )


def test_c2_a_listing_on_time_with_reports_reminds_nobody(listing, send):
    assert send(listing_deadlines_send, D(2026, 12, 11)) == 0  # the report is owed today, not late yet
    assert not Notification.objects.exists()


def test_c2_a_progress_report_due_reminds_the_cases_department_only(listing, case_department, listing_office, send):
    other = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    assert send(listing_deadlines_send, D(2026, 12, 12)) == 1
    (note,) = inbox(case_department)
    assert note.title == f"Progress report due on listed case {listing.case.number}"
    assert note.url.endswith(f"/cases/listings/{listing.pk}/")
    assert not inbox(listing_office) and not inbox(other)
    assert [m.to for m in mail.outbox] == [["aic@jn.example"]]


def test_c2_a_report_submitted_stops_the_reminders_until_the_next_is_owed(listing, case_department, send):
    with at(D(2026, 12, 12)):
        ProgressReport.objects.create(listing=listing, text="已查封仓库", submitted_by=case_department)
    assert send(listing_deadlines_send, D(2026, 12, 13)) == 0
    assert send(listing_deadlines_send, D(2026, 12, 19)) == 0
    assert send(listing_deadlines_send, D(2026, 12, 22)) == 1  # past the deadline; the report is owed today
    assert send(listing_deadlines_send, D(2026, 12, 23)) == 2  # and now the report is late


def test_c2_a_listing_past_its_deadline_reminds_the_listing_office(listing, case_department, listing_office, send):
    with time_machine.travel(datetime.datetime(2026, 12, 18, 9, 0, tzinfo=SHANGHAI), tick=False):
        ProgressReport.objects.create(listing=listing, text="进展", submitted_by=case_department)
    assert send(listing_deadlines_send, D(2026, 12, 20)) == 0
    assert send(listing_deadlines_send, D(2026, 12, 21)) == 1
    (note,) = inbox(listing_office)
    assert note.title == f"Listed case {listing.case.number} is 1 day past its deadline"
    assert not inbox(case_department)


def test_c2_listing_reminders_are_sent_once_a_day(listing, case_department, listing_office, send):
    day = D(2026, 12, 22)  # past the deadline and owing a report
    assert send(listing_deadlines_send, day) == 2
    assert send(listing_deadlines_send, day) == 0
    assert len(inbox(case_department)) == 1 and len(inbox(listing_office)) == 1
    assert send(listing_deadlines_send, day + datetime.timedelta(days=1)) == 2
    assert len(inbox(case_department)) == 2 and len(inbox(listing_office)) == 2


def test_c2_a_lifted_listing_reminds_nobody(listing, send):
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.LIFTED, lifted_on=D(2026, 12, 15))
    assert send(listing_deadlines_send, D(2026, 12, 25)) == 0


# --- Licence expiries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(-1, None), (0, 0), (1, 7), (7, 7), (8, 30), (30, 30), (31, None)],
)
def test_licence_expiry_thresholds(days_left, threshold):
    assert licence_threshold(days_left) == threshold


EXPIRES = D(2026, 12, 31)


@pytest.fixture
def qts_reviewer(db):
    return member("320115", AgencyKind.QTS, Role.REVIEWER, email="qts@jn.example")


@pytest.fixture
def licence(qts_reviewer):
    return LicenceFactory(
        type=LicenceType.PRODUCTION,
        operator=OperatorFactory(name="江宁某乳业有限公司"),
        issuing_agency=qts_reviewer.agency,
        number="QS3201150001",
        status=LicenceStatus.GRANTED,
        issued_on=D(2023, 12, 31),
        expires_on=EXPIRES,
    )


def test_a_licence_reminds_its_issuing_department_30_and_7_days_ahead_and_on_the_day(licence, qts_reviewer, send):
    other = member("320115", AgencyKind.AIC, Role.REVIEWER)
    day, sent_on = EXPIRES - datetime.timedelta(days=40), []
    while day <= EXPIRES + datetime.timedelta(days=2):
        if send(licence_expiry_send, day):
            sent_on.append(day)
        day += datetime.timedelta(days=1)
    assert sent_on == [D(2026, 12, 1), D(2026, 12, 24), D(2026, 12, 31)]
    assert [n.title for n in reversed(inbox(qts_reviewer))] == [
        "Production licence QS3201150001 of 江宁某乳业有限公司 expires in 30 days (2026-12-31)",
        "Production licence QS3201150001 of 江宁某乳业有限公司 expires in 7 days (2026-12-31)",
        "Production licence QS3201150001 of 江宁某乳业有限公司 expires today",
    ]
    assert {n.url for n in inbox(qts_reviewer)} == {reverse("licence_detail", args=[licence.pk])}
    assert not inbox(other)
    assert len(mail.outbox) == 3 and {m.to[0] for m in mail.outbox} == {"qts@jn.example"}


def test_a_missed_run_is_caught_up_the_next_day(licence, qts_reviewer, send):
    assert send(licence_expiry_send, D(2026, 12, 5)) == 1  # the 30-day run of 12-01 did not happen
    assert send(licence_expiry_send, D(2026, 12, 6)) == 0
    assert "expires in 26 days" in inbox(qts_reviewer)[0].title


@pytest.mark.parametrize("status", [LicenceStatus.EXPIRED, LicenceStatus.REVOKED, LicenceStatus.RECTIFYING])
def test_only_valid_licences_are_reminded_of_expiry(licence, send, status):
    licence.status = status
    licence.save()
    assert send(licence_expiry_send, EXPIRES) == 0


def test_a_renewed_licence_is_reminded_afresh(licence, qts_reviewer, send):
    send(licence_expiry_send, D(2026, 12, 1))
    licence.expires_on = D(2026, 12, 20)  # corrected expiry date: a new occasion
    licence.save()
    assert send(licence_expiry_send, D(2026, 12, 1)) == 1
    assert len(inbox(qts_reviewer)) == 2


# --- the tasks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["summary_reminders", "rectification_overdue", "listing_deadlines", "licence_expiry"])
def test_reminder_tasks_are_registered_under_their_beat_names(name):
    task = getattr(tasks, name)
    assert task.name == f"reports.tasks_reminders.{name}"
    assert celery_app.tasks[task.name].run is task.run


def test_the_tasks_run_daily_and_count_what_they_sent(db, order, listing, licence, departments):
    with at(D(2026, 12, 1)):
        assert tasks.summary_reminders.delay().get() == len(MISSING)
        # The order's inspector and the reviewer of Jiangning's FDA among `departments`.
        assert tasks.rectification_overdue.delay().get() == 2
        assert tasks.listing_deadlines.delay().get() == 0
        assert tasks.licence_expiry.delay().get() == 1
    with at(D(2026, 12, 22)):
        assert tasks.listing_deadlines.delay().get() == 2
        assert tasks.listing_deadlines.delay().get() == 0


def test_every_reminder_is_on_the_beat_schedule(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in (
        tasks.summary_reminders,
        tasks.rectification_overdue,
        tasks.listing_deadlines,
        tasks.licence_expiry,
    ):
        assert task.name in scheduled

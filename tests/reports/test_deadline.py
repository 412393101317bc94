"""P1 deadline tracking: every jurisdiction and department, on time, late or missing by
12-30 in Asia/Shanghai."""

import datetime
from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from reports.models import SummaryReport, SummaryStatus
from reports.services.deadline import DeadlineState, deadline_state, deadline_table

from ..factories import AgencyFactory, member, place

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
DEADLINE = datetime.date(2026, 12, 30)
K = AgencyKind


def report_of(campaign, code, kind, *, status=SummaryStatus.SUBMITTED, at=None):
    agency = AgencyFactory(kind=kind, jurisdiction=place(code))
    author = member(code, kind, Role.CLERK)
    return SummaryReport.objects.create(
        campaign=campaign,
        jurisdiction=place(code),
        agency=agency,
        status=status,
        created_by=author,
        submitted_by=author if at else None,
        submitted_at=at,
    )


@pytest.mark.parametrize(
    ("submitted_at", "state"),
    [
        (datetime.datetime(2026, 12, 30, 15, 59, 59, tzinfo=UTC), DeadlineState.ON_TIME),  # 23:59:59 local
        (datetime.datetime(2026, 12, 30, 16, 0, 0, tzinfo=UTC), DeadlineState.LATE),  # 00:00 on 12-31 local
        (datetime.datetime(2026, 12, 29, 16, 0, 0, tzinfo=UTC), DeadlineState.ON_TIME),  # 00:00 on 12-30 local
        (datetime.datetime(2026, 12, 29, 15, 59, 59, tzinfo=UTC), DeadlineState.ON_TIME),
        (datetime.datetime(2027, 1, 2, 1, 0, 0, tzinfo=UTC), DeadlineState.LATE),
    ],
)
def test_deadline_states_around_midnight_of_12_30_in_shanghai(campaign, submitted_at, state):
    report = report_of(campaign, "320115", K.QTS, at=submitted_at)
    assert deadline_state(report, DEADLINE) == state


@pytest.mark.parametrize("status", [SummaryStatus.SUBMITTED, SummaryStatus.ACCEPTED])
def test_P1_submitted_and_accepted_reports_count_by_their_submission(campaign, status):
    at = datetime.datetime(2026, 12, 30, 15, 59, 59, tzinfo=UTC)
    assert deadline_state(report_of(campaign, "320115", K.QTS, status=status, at=at), DEADLINE) == "on_time"


def test_P1_no_report_a_draft_or_a_returned_one_is_missing(campaign):
    at = datetime.datetime(2026, 12, 20, tzinfo=UTC)
    assert deadline_state(None, DEADLINE) == DeadlineState.MISSING
    draft = report_of(campaign, "320115", K.QTS, status=SummaryStatus.DRAFT)
    returned = report_of(campaign, "320115", K.AIC, status=SummaryStatus.RETURNED, at=at)
    assert deadline_state(draft, DEADLINE) == deadline_state(returned, DEADLINE) == DeadlineState.MISSING


def test_the_state_does_not_depend_on_the_server_time_zone(campaign, settings):
    settings.TIME_ZONE = "UTC"
    report = report_of(campaign, "320115", K.QTS, at=datetime.datetime(2026, 12, 30, 16, 30, tzinfo=UTC))
    assert deadline_state(report, DEADLINE) == DeadlineState.LATE


@pytest.fixture
def nanjing(campaign):
    """Nanjing: the city office on time, Jiangning's QTS late, Jiangning's office and
    Xuanwu missing; Xuzhou on time (outside Nanjing)."""
    report_of(campaign, "320100", K.FSO, at=datetime.datetime(2026, 12, 28, 3, tzinfo=UTC))
    report_of(campaign, "320115", K.QTS, at=datetime.datetime(2026, 12, 31, 1, tzinfo=UTC))
    AgencyFactory(kind=K.FSO, jurisdiction=place("320115"))
    report_of(campaign, "320300", K.FSO, at=datetime.datetime(2026, 12, 28, 3, tzinfo=UTC))
    return campaign


def test_P1_the_table_lists_every_jurisdiction_and_department_below_the_user(nanjing):
    user = member("320100", K.FSO, Role.VIEWER)
    table = deadline_table(user=user, campaign=nanjing)
    rows = {row.jurisdiction.code: row for row in table.rows}
    assert "320300" not in rows and "320000" not in rows
    assert set(rows) >= {"320100", "320102", "320115"} and all(code.startswith("3201") for code in rows)
    assert rows["320100"].cells[K.FSO].state == DeadlineState.ON_TIME
    assert rows["320115"].cells[K.QTS].state == DeadlineState.LATE
    assert rows["320115"].cells[K.FSO].state == DeadlineState.MISSING
    # A jurisdiction without any office still owes its jurisdiction-wide report.
    assert rows["320102"].cells[K.FSO].state == DeadlineState.MISSING and rows["320102"].cells[K.FSO].agency is None
    assert table.counts["on_time"] == 1 and table.counts["late"] == 1
    assert table.counts["missing"] == table.expected - 2


def test_the_table_filters_by_state_kind_and_level(nanjing):
    user = member("320000", K.FSO, Role.VIEWER)
    late = deadline_table(user=user, campaign=nanjing, state="late")
    assert [(r.jurisdiction.code, list(r.cells)) for r in late.rows] == [("320115", [K.QTS])]
    cities = deadline_table(user=user, campaign=nanjing, level="city", kind=K.FSO)
    assert len(cities.rows) == 13 and cities.counts == {"on_time": 2, "late": 0, "missing": 11}


def test_the_table_costs_a_few_queries_whatever_its_size(nanjing, django_assert_max_num_queries):
    user = member("320000", K.FSO, Role.VIEWER)
    user = type(user).objects.select_related("agency").get(pk=user.pk)
    with django_assert_max_num_queries(4):
        table = deadline_table(user=user, campaign=nanjing)
        list(table.rows)
    assert len(table.rows) > 100


def test_the_page_shows_counts_and_exports(client, nanjing):
    user = member("320100", K.FSO, Role.VIEWER)
    client.force_login(user)
    html = client.get("/reports/deadline/").content.decode()
    assert 'data-testid="state-320115-QTS" data-state="late"' in html
    assert 'data-testid="state-320300-FSO"' not in html
    exported = client.get("/reports/deadline/?state=late&export=xlsx")
    rows = list(load_workbook(BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("jurisdiction code", "jurisdiction", "department", "deadline")
    assert [r[0] for r in rows[1:]] == ["320115"] and rows[1][3] == "Late"


def test_the_deadline_api_is_scoped(nanjing):
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(member("320300", K.FSO, Role.VIEWER))
    data = api.get("/api/v1/deadline/").data
    assert data["deadline"] == "2026-12-30" and all(r["code"].startswith("3203") for r in data["rows"])
    assert data["counts"]["on_time"] == 1
    api.force_authenticate(member("320000", K.FSO, Role.VIEWER))
    late = api.get("/api/v1/deadline/", {"state": "late"}).data
    assert [(r["code"], r["kind"], r["state"]) for r in late["rows"]] == [("320115", "QTS", "late")]

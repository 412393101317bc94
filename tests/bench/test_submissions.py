"""The submissions benchmark at tiny scale: its drafts are made through the real services and
one of them submits through the API as the load generator sends it (no gunicorn here)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bench.submissions import BENCH_NOTE, SUBMITTED, Draft, prepare_drafts, submit_request
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification
from inspections.models import Assignment, Inspection, InspectionStatus, MeasureKind, MeasureStatus
from inspections.services.filing import submission_problems
from inspections.services.measures import measure_record
from licensing.models import OperatorKind

from ..factories import member
from ..licensing.factories import OperatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_fda():
    """A county food department with two inspectors, a reviewer and restaurants to inspect."""
    reviewer = member("320115", AgencyKind.FDA, Role.REVIEWER, full_name="赵审核")
    inspectors = [member("320115", AgencyKind.FDA, Role.INSPECTOR, full_name=n) for n in ("王检查", "李检查")]
    OperatorFactory.create_batch(4, kind=OperatorKind.CATERING)
    return reviewer, inspectors


def send(draft: Draft):
    """The request the load generator sends for this draft, through the test client."""
    request = submit_request(draft)
    return APIClient().post(
        request.path, request.body, content_type="application/json", HTTP_AUTHORIZATION=request.headers["Authorization"]
    )


def test_prepared_drafts_are_complete_assigned_and_spread_over_the_inspectors(county_fda):
    reviewer, inspectors = county_fda
    drafts = prepare_drafts(3)
    assert len(drafts) == 3
    inspections = Inspection.objects.filter(pk__in=[d.inspection_id for d in drafts]).select_related("template")
    assert {i.status for i in inspections} == {InspectionStatus.DRAFT}
    assert all(submission_problems(i) == {} for i in inspections)
    assert {i.inspector_id for i in inspections} == {u.pk for u in inspectors}
    assert {(a.note, a.assigned_by_id) for a in Assignment.objects.filter(inspections__in=inspections)} == {
        (BENCH_NOTE, reviewer.pk)
    }


def test_one_submission_as_the_load_sends_it_signs_the_checklist_and_notifies_the_reviewer(county_fda):
    reviewer, _ = county_fda
    [draft] = prepare_drafts(1)
    response = send(draft)
    assert response.status_code == 200, response.content
    assert SUBMITTED in response.content
    body = response.json()
    assert body["signed_name"] == draft.signed_name and body["signed_at"]
    assert Notification.objects.filter(recipient=reviewer, url__contains=str(draft.inspection_id)).exists()
    # The answer is the checklist as stored, though the view shows the copy the service wrote.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {draft.token}")
    assert client.get(f"/api/v1/inspections/{draft.inspection_id}/").json() == body


def test_the_same_draft_sent_twice_is_an_error_the_load_counts(county_fda):
    [draft] = prepare_drafts(1)
    assert send(draft).status_code == 200
    again = send(draft)
    assert not 200 <= again.status_code < 300 or SUBMITTED not in again.content


def test_a_new_run_first_uses_the_complete_drafts_an_earlier_run_left(county_fda):
    left = prepare_drafts(2)
    assignments = Assignment.objects.count()
    again = prepare_drafts(3)
    assert [d.inspection_id for d in again[:2]] == [d.inspection_id for d in left]
    assert Assignment.objects.count() == assignments + 1


def test_a_submission_reads_the_photos_and_the_measures_once(county_fda):
    """Performance: the signature's checks, seal, measures and answer share one read of each."""
    [draft] = prepare_drafts(1)
    inspection = Inspection.objects.get(pk=draft.inspection_id)
    measure_record(
        actor=inspection.inspector,
        inspection=inspection,
        kind=MeasureKind.RECTIFY,
        description="贮存温度不符合要求",
        deadline=inspection.inspected_on.replace(year=inspection.inspected_on.year + 1),
    )
    inspection.refresh_from_db()
    draft = Draft(inspection.pk, inspection.revision, draft.token, draft.signed_name)
    with CaptureQueriesContext(connection) as queries:
        response = send(draft)
    assert response.status_code == 200, response.content
    assert [m["status"] for m in response.json()["measures"]] == [MeasureStatus.IN_EFFECT]
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "inspections_inspectionphoto"' in sql for sql in reads) == 1
    assert sum('FROM "inspections_measure"' in sql for sql in reads) == 1


def test_the_request_body_carries_the_signature_the_inspector_saw():
    request = submit_request(Draft(7, 3, "abc", "王检查"))
    assert request.path == "/api/v1/inspections/7/submit/"
    assert json.loads(request.body) == {"signed_name": "王检查", "confirm": True, "revision": 3}
    assert request.headers["Authorization"] == "Token abc"

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from inspections.models import (
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    Inspection,
    InspectionStatus,
    Measure,
    MeasureKind,
    Outcome,
)
from inspections.services.filing import inspection_save_draft, inspection_start, inspection_submit, photo_add
from inspections.services.measures import measure_record
from licensing.models import OperatorKind

from ..licensing.factories import OperatorFactory
from .factories import GOOD_ANSWERS, AssignmentFactory, InspectionFactory

pytestmark = pytest.mark.django_db

CHECKLISTS = "/api/v1/inspections/"


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def draft(fda_inspector, catering_template, restaurant):
    return inspection_start(actor=fda_inspector, template=catering_template, operator=restaurant)


def test_a_checklist_goes_the_full_round_trip_through_the_api(
    api, fda_inspector, fda_colleague, fda_reviewer, catering_template, restaurant
):
    # Start
    as_user(api, fda_inspector)
    started = api.post(CHECKLISTS, {"template": catering_template.pk, "operator": restaurant.pk}, format="json")
    assert started.status_code == 201, started.json()
    body = started.json()
    pk = body["id"]
    assert body["status"] == InspectionStatus.DRAFT and body["revision"] == 1
    assert body["template_code"] == catering_template.code and body["template_version"] == 1
    assert body["operator_name"] == "江宁某某酒楼"
    assert set(body["problems"]) == {"certificates_kept", "no_expired_dairy", "dairy_kinds", "storage"}

    # Draft save
    answers = {**GOOD_ANSWERS, "no_expired_dairy": {"value": "no", "note": "过期奶粉2箱"}}
    saved = api.patch(f"{CHECKLISTS}{pk}/draft/", {"revision": 1, "answers": answers}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["revision"] == 2
    assert saved.json()["answers"]["storage"] == {"value": "良好", "note": ""}
    assert saved.json()["problems"] == {"no_expired_dairy": saved.json()["problems"]["no_expired_dairy"]}

    # A colleague's editor still holds revision 1: 409, the saved answers to merge, nothing changed
    as_user(api, fda_colleague)
    stale = api.post(
        f"{CHECKLISTS}{pk}/draft/", {"revision": 1, "answers": {"storage": {"value": "差"}}}, format="json"
    )
    assert stale.status_code == 409
    assert "王检查" in stale.json()["detail"]
    assert stale.json()["current"]["answers"]["storage"]["value"] == "良好"
    assert stale.json()["current"]["revision"] == 2
    stored = Inspection.objects.get(pk=pk)
    assert stored.revision == 2 and stored.answers["storage"]["value"] == "良好"

    # Photos: a fake is refused, a real JPEG is kept
    as_user(api, fda_inspector)
    fake = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff not really a jpeg", content_type="image/jpeg")
    refused = api.post(f"{CHECKLISTS}{pk}/photos/", {"item_code": "no_expired_dairy", "image": fake})
    assert refused.status_code == 400 and "image" in refused.json()
    photo = api.post(
        f"{CHECKLISTS}{pk}/photos/",
        {"item_code": "no_expired_dairy", "image": jpeg(), "latitude": "31.9540123", "longitude": "118.8398"},
    )
    assert photo.status_code == 201, photo.json()
    assert photo.json()["content_type"] == "image/jpeg" and photo.json()["latitude"] == "31.954012"
    assert photo.json()["url"] == reverse("inspection_photo", args=[photo.json()["id"]])

    # Submit under signature: the name must be the registered one
    wrong_name = api.post(
        f"{CHECKLISTS}{pk}/submit/", {"signed_name": "王", "confirm": True, "revision": 2}, format="json"
    )
    assert wrong_name.status_code == 400 and "signed_name" in wrong_name.json()
    submitted = api.post(
        f"{CHECKLISTS}{pk}/submit/", {"signed_name": "王检查", "confirm": True, "revision": 2}, format="json"
    )
    assert submitted.status_code == 200, submitted.json()
    body = submitted.json()
    assert body["status"] == InspectionStatus.SUBMITTED and body["outcome"] == Outcome.PROBLEMS
    assert body["signed_name"] == "王检查" and body["signed_at"] and body["signature_meaning"]
    assert body["problems"] is None and len(body["photos"]) == 1

    # Returned with a note
    as_user(api, fda_reviewer)
    assert api.post(f"{CHECKLISTS}{pk}/return/", {"note": ""}, format="json").status_code == 400
    returned = api.post(f"{CHECKLISTS}{pk}/return/", {"note": "请补充来源说明"}, format="json")
    assert returned.status_code == 200, returned.json()
    assert returned.json()["status"] == InspectionStatus.RETURNED
    assert returned.json()["review_note"] == "请补充来源说明"

    # Corrected and resubmitted: a second review round
    as_user(api, fda_inspector)
    revision = returned.json()["revision"]
    corrected = api.patch(
        f"{CHECKLISTS}{pk}/draft/",
        {"revision": revision, "answers": {}, "remarks": "来源为某批发商"},
        format="json",
    )
    assert corrected.status_code == 200, corrected.json()
    resubmitted = api.post(
        f"{CHECKLISTS}{pk}/submit/",
        {"signed_name": "王检查", "confirm": True, "revision": corrected.json()["revision"]},
        format="json",
    )
    assert resubmitted.status_code == 200 and resubmitted.json()["round"] == 2

    # Approved
    as_user(api, fda_reviewer)
    approved = api.post(f"{CHECKLISTS}{pk}/approve/", {"note": "同意"}, format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == InspectionStatus.APPROVED
    assert approved.json()["reviewed_by"] == fda_reviewer.pk

    history = api.get(f"{CHECKLISTS}{pk}/history/").json()
    assert [(c["from_state"], c["to_state"]) for c in history] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]
    assert history[1]["reason"] == "请补充来源说明" and history[1]["actor"] == "赵审核"
    assert history[-1]["to_label"] == str(InspectionStatus.APPROVED.label)


def test_a_stale_revision_at_submission_is_a_conflict(api, draft, fda_inspector):
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers=GOOD_ANSWERS)
    as_user(api, fda_inspector)
    stale = api.post(
        f"{CHECKLISTS}{draft.pk}/submit/", {"signed_name": "王检查", "confirm": True, "revision": 1}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["current"]["revision"] == 2
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.DRAFT


def test_a_bad_answer_is_a_400_and_nothing_is_saved(api, draft, fda_inspector):
    as_user(api, fda_inspector)
    refused = api.patch(
        f"{CHECKLISTS}{draft.pk}/draft/",
        {"revision": 1, "answers": {"storage": {"value": "良好"}, "dairy_kinds": {"value": "many"}}},
        format="json",
    )
    assert refused.status_code == 400 and "answers" in refused.json()
    draft.refresh_from_db()
    assert draft.answers == {} and draft.revision == 1


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("patch", "draft/"),
        ("post", "photos/"),
        ("post", "submit/"),
        ("post", "approve/"),
        ("post", "return/"),
        ("get", "history/"),
    ],
)
def test_another_countys_checklist_is_a_404(api, draft, other_county_fda, method, suffix):
    as_user(api, other_county_fda)
    response = getattr(api, method)(f"{CHECKLISTS}{draft.pk}/{suffix}", {"revision": 1}, format="json")
    assert response.status_code == 404


def test_another_countys_records_are_not_listed(api, draft, other_county_fda, fda_inspector, restaurant):
    measure_record(actor=fda_inspector, inspection=draft, kind=MeasureKind.TRACE_SOURCE, description="追溯")
    AssignmentFactory(inspector=fda_inspector, operator=restaurant)
    as_user(api, other_county_fda)
    for url in (CHECKLISTS, "/api/v1/measures/", "/api/v1/assignments/"):
        assert api.get(url).json()["results"] == []
    measure = Measure.objects.get()
    assert api.get(f"/api/v1/measures/{measure.pk}/").status_code == 404
    assert api.delete(f"/api/v1/measures/{measure.pk}/").status_code == 404


def test_a_viewer_may_not_start_a_checklist(api, fda_viewer, catering_template, restaurant):
    as_user(api, fda_viewer)
    response = api.post(CHECKLISTS, {"template": catering_template.pk, "operator": restaurant.pk}, format="json")
    assert response.status_code == 403
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("patch", "draft/", {"revision": 1, "answers": {"storage": {"value": "差"}}}),
        ("post", "submit/", {"signed_name": "x", "confirm": True}),
        ("post", "approve/", {"note": "同意"}),
        ("post", "return/", {"note": "补充"}),
    ],
)
def test_a_viewer_may_not_change_a_checklist(api, draft, fda_viewer, method, suffix, data):
    as_user(api, fda_viewer)
    assert api.get(f"{CHECKLISTS}{draft.pk}/").status_code == 200
    assert getattr(api, method)(f"{CHECKLISTS}{draft.pk}/{suffix}", data, format="json").status_code == 403
    draft.refresh_from_db()
    assert draft.revision == 1 and draft.status == InspectionStatus.DRAFT


def test_a_viewer_may_not_upload_a_photo_record_a_measure_or_assign(
    api, draft, fda_viewer, fda_inspector, catering_template, restaurant
):
    as_user(api, fda_viewer)
    photo = api.post(f"{CHECKLISTS}{draft.pk}/photos/", {"item_code": "storage_photo", "image": jpeg()})
    assert photo.status_code == 403
    measure = api.post(
        "/api/v1/measures/",
        {"inspection": draft.pk, "kind": MeasureKind.TRACE_SOURCE, "description": "追溯"},
        format="json",
    )
    assert measure.status_code == 403
    task = {
        "inspector": fda_inspector.pk,
        "operator": restaurant.pk,
        "template_code": catering_template.code,
        "due_on": "2026-12-10",
    }
    assert api.post("/api/v1/assignments/", task, format="json").status_code == 403
    assert not draft.photos.exists() and not Measure.objects.exists() and not Assignment.objects.exists()


def test_measures_are_recorded_listed_and_removed_on_a_draft(api, draft, fda_inspector):
    as_user(api, fda_inspector)
    no_deadline = api.post(
        "/api/v1/measures/",
        {"inspection": draft.pk, "kind": MeasureKind.RECTIFY, "description": "冷藏温度不达标"},
        format="json",
    )
    assert no_deadline.status_code == 400 and "deadline" in no_deadline.json()
    created = api.post(
        "/api/v1/measures/",
        {
            "inspection": draft.pk,
            "kind": MeasureKind.RECTIFY,
            "description": "冷藏温度不达标",
            "deadline": "2026-12-20",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "recorded" and created.json()["operator_name"] == "江宁某某酒楼"
    listed = api.get("/api/v1/measures/", {"kind": MeasureKind.RECTIFY, "deadline_until": "2026-12-31"}).json()
    assert [m["id"] for m in listed["results"]] == [created.json()["id"]]
    assert api.get("/api/v1/measures/", {"deadline_from": "2027-01-01"}).json()["results"] == []
    assert api.get(f"{CHECKLISTS}{draft.pk}/").json()["measures"][0]["kind"] == MeasureKind.RECTIFY
    assert api.delete(f"/api/v1/measures/{created.json()['id']}/").status_code == 204
    assert not Measure.objects.exists()


def test_an_assignment_is_created_found_in_my_tasks_and_started(
    api, fda_reviewer, fda_inspector, catering_template, restaurant
):
    as_user(api, fda_reviewer)
    task = {
        "inspector": fda_inspector.pk,
        "operator": restaurant.pk,
        "template_code": catering_template.code,
        "due_on": "2026-12-10",
    }
    assert api.post("/api/v1/assignments/", {**task, "due_on": "2026-11-01"}, format="json").status_code == 400
    created = api.post("/api/v1/assignments/", task, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["jurisdiction"] == restaurant.county_id and created.json()["source"] == "manual"

    as_user(api, fda_inspector)
    mine = api.get("/api/v1/assignments/mine/").json()["results"]
    assert [t["id"] for t in mine] == [created.json()["id"]]
    started = api.post(CHECKLISTS, {"assignment": created.json()["id"]}, format="json")
    assert started.status_code == 201, started.json()
    assert started.json()["assignment"] == created.json()["id"]
    assert started.json()["operator"] == restaurant.pk
    assert Assignment.objects.get().status == AssignmentStatus.IN_PROGRESS


def test_a_reviewer_cancels_an_assignment_with_a_reason(api, fda_reviewer, fda_inspector, restaurant):
    task = AssignmentFactory(inspector=fda_inspector, assigned_by=fda_reviewer, operator=restaurant)
    as_user(api, fda_inspector)
    assert api.post(f"/api/v1/assignments/{task.pk}/cancel/", {"reason": "重复"}, format="json").status_code == 403
    as_user(api, fda_reviewer)
    assert api.post(f"/api/v1/assignments/{task.pk}/cancel/", {}, format="json").status_code == 400
    cancelled = api.post(f"/api/v1/assignments/{task.pk}/cancel/", {"reason": "重复任务"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == AssignmentStatus.CANCELLED


def test_the_plan_creates_one_task_per_operator_and_a_second_run_creates_none(
    api, fda_reviewer, fda_inspector, fda_colleague, catering_template, restaurant
):
    OperatorFactory(kind=OperatorKind.CATERING, name="江宁某某食堂")
    plan = {
        "template_code": catering_template.code,
        "operator_kinds": [OperatorKind.CATERING],
        "inspectors": [fda_inspector.pk, fda_colleague.pk],
        "due_on": "2026-12-15",
    }
    as_user(api, fda_reviewer)
    first = api.post("/api/v1/assignments/plan/", plan, format="json")
    assert first.status_code == 200, first.json()
    assert first.json() == {"created": 2}
    assert api.post("/api/v1/assignments/plan/", plan, format="json").json() == {"created": 0}
    tasks = Assignment.objects.all()
    assert {t.source for t in tasks} == {AssignmentSource.PLAN}
    assert sorted(t.operator.name for t in tasks) == ["江宁某某酒楼", "江宁某某食堂"]
    assert {t.inspector_id for t in tasks} == {fda_inspector.pk, fda_colleague.pk}
    listed = api.get("/api/v1/assignments/", {"template_code": catering_template.code, "inspector": fda_inspector.pk})
    assert listed.json()["count"] == 1
    assert api.get("/api/v1/assignments/", {"due_until": "2026-12-14"}).json()["count"] == 0
    bad_kind = api.post("/api/v1/assignments/plan/", {**plan, "operator_kinds": ["bakery"]}, format="json")
    assert bad_kind.status_code == 400 and "operator_kinds" in bad_kind.json()


def test_coverage_counts_one_of_two_restaurants_inspected(
    api, campaign, fda_inspector, fda_viewer, catering_template, restaurant
):
    other = OperatorFactory(kind=OperatorKind.CATERING, name="江宁某某食堂")
    OperatorFactory(kind=OperatorKind.DAIRY_PRODUCER)
    InspectionFactory(
        inspector=fda_inspector, template=catering_template, operator=restaurant, status=InspectionStatus.SUBMITTED
    )
    as_user(api, fda_viewer)
    rows = api.get("/api/v1/inspection-coverage/", {"kind": OperatorKind.CATERING}).json()
    assert rows == [
        {
            "county_code": "320115",
            "county_name": restaurant.county.name,
            "kind": "catering",
            "kind_label": str(OperatorKind.CATERING.label),
            "registered": 2,
            "inspected": 1,
            "missing": 1,
            "percent": 50,
        }
    ]
    assert {r["kind"] for r in api.get("/api/v1/inspection-coverage/").json()} == {"catering", "dairy_producer"}
    assert api.get("/api/v1/inspection-coverage/", {"county": "320102"}).json() == []
    missing = api.get("/api/v1/inspection-coverage/not-inspected/", {"kind": OperatorKind.CATERING}).json()
    assert missing["count"] == 1 and missing["results"][0]["id"] == other.pk
    assert api.get("/api/v1/inspection-coverage/", {"kind": "bakery"}).status_code == 400


def test_coverage_is_empty_without_a_campaign(api, fda_viewer, restaurant):
    as_user(api, fda_viewer)
    assert api.get("/api/v1/inspection-coverage/").json() == []
    assert api.get("/api/v1/inspection-coverage/not-inspected/").json()["count"] == 0


def test_checklists_are_filtered(api, draft, fda_inspector, fda_colleague, catering_template, restaurant):
    InspectionFactory(
        inspector=fda_colleague, template=catering_template, operator=restaurant, status=InspectionStatus.SUBMITTED
    )
    as_user(api, fda_inspector)

    def ids(**params):
        return [r["id"] for r in api.get(CHECKLISTS, params).json()["results"]]

    assert ids(status="draft") == [draft.pk]
    assert ids(inspector=fda_inspector.pk) == [draft.pk]
    assert len(ids(template_code=catering_template.code, operator=restaurant.pk, jurisdiction="3201")) == 2
    assert ids(jurisdiction="3202") == []
    assert ids(inspected_until="2026-11-21") != [] and draft.pk not in ids(inspected_until="2026-11-21")


def _filed_checklists(n, *, inspector, template, operator):
    for i in range(n):
        inspection = inspection_start(actor=inspector, template=template, operator=operator)
        inspection_save_draft(actor=inspector, inspection=inspection, revision=1, answers=GOOD_ANSWERS)
        photo_add(actor=inspector, inspection=inspection, item_code="storage_photo", image=jpeg(f"p{i}.jpg"))
        measure_record(actor=inspector, inspection=inspection, kind=MeasureKind.TRACE_SOURCE, description="追溯")
        if i % 2:
            inspection_submit(
                actor=inspector, inspection=inspection, signed_name=inspector.full_name, confirm=True, revision=2
            )


def test_the_checklist_list_costs_the_same_queries_for_2_or_12_rows(api, fda_inspector, catering_template, restaurant):
    as_user(api, fda_inspector)
    api.get(CHECKLISTS)  # warm the user's agency cache
    _filed_checklists(2, inspector=fda_inspector, template=catering_template, operator=restaurant)
    with CaptureQueriesContext(connection) as two:
        response = api.get(CHECKLISTS)
    assert response.json()["count"] == 2
    assert all(r["problems"] == {} for r in response.json()["results"] if r["status"] == "draft")
    _filed_checklists(10, inspector=fda_inspector, template=catering_template, operator=restaurant)
    with CaptureQueriesContext(connection) as twelve:
        response = api.get(CHECKLISTS)
    assert response.json()["count"] == 12
    assert len(twelve.captured_queries) == len(two.captured_queries), [q["sql"] for q in twelve.captured_queries]


def test_the_list_names_the_same_problems_as_the_checklist_itself(api, draft, fda_inspector):
    inspection_save_draft(
        actor=fda_inspector,
        inspection=draft,
        revision=1,
        answers={**GOOD_ANSWERS, "no_expired_dairy": {"value": "no", "note": "过期"}},
    )
    as_user(api, fda_inspector)
    listed = api.get(CHECKLISTS).json()["results"][0]["problems"]
    assert listed == api.get(f"{CHECKLISTS}{draft.pk}/").json()["problems"]
    assert list(listed) == ["no_expired_dairy"]

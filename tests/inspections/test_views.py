import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import Assignment, InspectionStatus
from inspections.services.filing import inspection_save_draft, inspection_start, inspection_submit

from .factories import GOOD_ANSWERS, AssignmentFactory
from .test_filing import jpeg


@pytest.fixture
def draft(fda_inspector, catering_template, restaurant):
    return inspection_start(actor=fda_inspector, template=catering_template, operator=restaurant)


def autosave(client, draft, revision, answers):
    return client.post(
        reverse("inspection_autosave", args=[draft.pk]),
        json.dumps({"revision": revision, "answers": answers}),
        content_type="application/json",
    )


PAGES = ["inspection_detail", "inspection_edit", "measure_new"]


@pytest.mark.parametrize("name", PAGES)
def test_another_countys_checklist_is_not_found(client, draft, other_county_fda, name):
    client.force_login(other_county_fda)
    assert client.get(reverse(name, args=[draft.pk])).status_code == 404


def test_another_county_cannot_save_a_draft_or_attach_a_photo(client, draft, other_county_fda):
    client.force_login(other_county_fda)
    assert autosave(client, draft, 1, {"storage": "差"}).status_code == 404
    response = client.post(reverse("inspection_photo_add", args=[draft.pk]), {"item_code": "storage_photo"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_viewer_reads_the_checklist_but_cannot_file_it(client, draft, fda_viewer):
    client.force_login(fda_viewer)
    assert client.get(reverse("inspection_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("inspection_edit", args=[draft.pk])).status_code == 302
    assert autosave(client, draft, 1, {"storage": "差"}).status_code == 403
    assert client.get(reverse("assignment_plan")).status_code == 403


def test_autosave_answers_in_json_and_a_stale_revision_gets_409_with_the_saved_answers(
    client, draft, fda_inspector, fda_colleague
):
    client.force_login(fda_inspector)
    first = autosave(client, draft, 1, {"storage": {"value": "良好", "note": ""}})
    assert first.status_code == 200 and first.json()["revision"] == 2
    client.force_login(fda_colleague)
    stale = autosave(client, draft, 1, {"storage": {"value": "差", "note": ""}})
    assert stale.status_code == 409
    assert stale.json()["answers"]["storage"]["value"] == "良好" and stale.json()["revision"] == 2
    draft.refresh_from_db()
    assert draft.answers["storage"]["value"] == "良好"


def test_a_conflicting_form_save_shows_both_versions_and_keeps_the_typed_answers(
    client, draft, fda_inspector, fda_colleague
):
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers={"storage": "良好"})
    client.force_login(fda_colleague)
    response = client.post(reverse("inspection_edit", args=[draft.pk]), {"revision": "1", "a-storage": "差"})
    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="差" selected' in page and 'data-testid="saved-storage"' in page and "王检查" in page


def test_bad_answers_in_the_form_save_nothing_and_are_marked(client, draft, fda_inspector):
    client.force_login(fda_inspector)
    response = client.post(
        reverse("inspection_edit", args=[draft.pk]), {"revision": "1", "a-storage": "良好", "a-dairy_kinds": "x"}
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.answers == {} and draft.revision == 1


def test_malformed_autosave_body_is_a_clear_400(client, draft, fda_inspector):
    client.force_login(fda_inspector)
    response = client.post(reverse("inspection_autosave", args=[draft.pk]), "nope", content_type="application/json")
    assert response.status_code == 400 and "not a valid draft" in response.json()["detail"]


def test_photo_upload_and_file_are_served_only_to_those_who_see_the_checklist(
    client, draft, fda_inspector, other_county_fda
):
    client.force_login(fda_inspector)
    response = client.post(
        reverse("inspection_photo_add", args=[draft.pk]),
        {"item_code": "storage_photo", "image": jpeg()},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    photo = draft.photos.get()
    assert client.get(reverse("inspection_photo", args=[photo.pk]))["Content-Type"] == "image/jpeg"
    client.force_login(other_county_fda)
    assert client.get(reverse("inspection_photo", args=[photo.pk])).status_code == 404


def test_signing_with_another_name_is_refused_and_the_page_says_why(client, draft, fda_inspector):
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers=GOOD_ANSWERS)
    client.force_login(fda_inspector)
    response = client.post(
        reverse("inspection_submit", args=[draft.pk]), {"signed_name": "别人", "confirm": "on", "revision": "2"}
    )
    assert response.status_code == 400 and "王检查" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.DRAFT


def test_reviewer_returns_and_approves_through_the_pages(client, draft, fda_inspector, fda_reviewer):
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers=GOOD_ANSWERS)
    draft.refresh_from_db()
    inspection_submit(
        actor=fda_inspector, inspection=draft, signed_name="王检查", confirm=True, revision=draft.revision
    )
    client.force_login(fda_reviewer)
    refused = client.post(reverse("inspection_review", args=[draft.pk, "return"]), {"note": ""})
    assert refused.status_code == 302
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.SUBMITTED
    client.post(reverse("inspection_review", args=[draft.pk, "approve"]), {"note": "同意"})
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.APPROVED


@pytest.mark.parametrize("name", ["inspection_list", "assignment_list", "measure_list", "coverage_missing"])
def test_lists_export_to_excel(client, draft, fda_reviewer, campaign, name):
    client.force_login(fda_reviewer)
    response = client.get(reverse(name) + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 1


def test_the_plan_page_creates_a_task_for_every_restaurant_s2_s4(
    client, fda_reviewer, fda_inspector, catering_template, restaurant
):
    client.force_login(fda_reviewer)
    response = client.post(
        reverse("assignment_plan"),
        {
            "template": catering_template.pk,
            "operator_kinds": ["catering"],
            "inspectors": [fda_inspector.pk],
            "due_on": "2026-12-20",
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.get().operator == restaurant


def test_the_task_list_shows_overdue_tasks_first(client, fda_inspector, restaurant):
    AssignmentFactory(inspector=fda_inspector, operator=restaurant, due_on="2026-12-10")
    AssignmentFactory(inspector=fda_inspector, operator=restaurant, due_on="2026-11-01", note="逾期任务")
    client.force_login(fda_inspector)
    page = client.get(reverse("task_list")).content.decode()
    assert page.index("逾期任务") < page.index("2026-12-10")


def test_list_pages_use_a_fixed_number_of_queries(
    client, fda_inspector, catering_template, restaurant, django_assert_max_num_queries
):
    for _ in range(12):
        inspection_start(actor=fda_inspector, template=catering_template, operator=restaurant)
    client.force_login(fda_inspector)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("inspection_list")).status_code == 200

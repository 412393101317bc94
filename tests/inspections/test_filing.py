import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dairy_campaign.transitions import state_changes
from inspections.models import InspectionStatus, Outcome
from inspections.services.filing import (
    DraftConflict,
    inspection_save_draft,
    inspection_start,
    inspection_submit,
    photo_add,
)
from inspections.services.review import inspection_approve, inspection_return

from .factories import GOOD_ANSWERS


def jpeg(name="photo.jpg", size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def draft(fda_inspector, catering_template, restaurant):
    return inspection_start(actor=fda_inspector, template=catering_template, operator=restaurant)


def sign(inspection, actor):
    inspection.refresh_from_db()
    return inspection_submit(
        actor=actor, inspection=inspection, signed_name=actor.full_name, confirm=True, revision=inspection.revision
    )


def test_a_draft_keeps_answers_and_counts_revisions(draft, fda_inspector):
    saved = inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers={"dairy_kinds": "4"})
    assert saved.answers == {"dairy_kinds": {"value": "4", "note": ""}}
    assert saved.revision == 2


def test_the_second_save_of_the_same_revision_is_a_conflict_and_changes_nothing(draft, fda_inspector, fda_colleague):
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers={"storage": "良好"})
    with pytest.raises(DraftConflict) as conflict:
        inspection_save_draft(actor=fda_colleague, inspection=draft, revision=1, answers={"storage": "差"})
    assert "王检查" in conflict.value.messages[0]
    draft.refresh_from_db()
    assert draft.answers["storage"]["value"] == "良好" and draft.revision == 2


def test_a_bad_answer_is_refused_and_nothing_is_saved(draft, fda_inspector):
    with pytest.raises(ValidationError):
        inspection_save_draft(
            actor=fda_inspector, inspection=draft, revision=1, answers={"storage": "良好", "dairy_kinds": "many"}
        )
    draft.refresh_from_db()
    assert draft.answers == {} and draft.revision == 1


def test_s4_expired_dairy_needs_a_note_and_a_photo_before_submission(draft, fda_inspector):
    answers = {**GOOD_ANSWERS, "no_expired_dairy": {"value": "no"}}
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers=answers)
    with pytest.raises(ValidationError) as refused:
        sign(draft, fda_inspector)
    assert "note is required" in str(refused.value)
    inspection_save_draft(
        actor=fda_inspector, inspection=draft, revision=2, answers={"no_expired_dairy": {"value": "no", "note": "2箱"}}
    )
    with pytest.raises(ValidationError, match="photo"):
        sign(draft, fda_inspector)
    photo_add(actor=fda_inspector, inspection=draft, item_code="no_expired_dairy", image=jpeg())
    submitted = sign(draft, fda_inspector)
    assert submitted.status == InspectionStatus.SUBMITTED and submitted.outcome == Outcome.PROBLEMS
    assert submitted.signed_name == "王检查" and submitted.signed_at


def test_a_file_that_is_not_an_image_is_refused(draft, fda_inspector):
    fake = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff not really a jpeg", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="not a photo"):
        photo_add(actor=fda_inspector, inspection=draft, item_code="storage_photo", image=fake)
    assert not draft.photos.exists()


def test_returned_checklist_is_corrected_resubmitted_and_approved_with_every_round_kept(
    draft, fda_inspector, fda_reviewer
):
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers=GOOD_ANSWERS)
    sign(draft, fda_inspector)
    inspection_return(actor=fda_reviewer, inspection=draft, note="贮存条件应为一般")
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.RETURNED
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=draft.revision, answers={"storage": "一般"})
    sign(draft, fda_inspector)
    approved = inspection_approve(actor=fda_reviewer, inspection=draft)
    assert approved.status == InspectionStatus.APPROVED and approved.round == 2
    moves = [(c.from_state, c.to_state) for c in state_changes(approved)]
    assert moves == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]
    assert fda_inspector.notifications.filter(title__contains="returned").exists()


def test_an_inspector_cannot_review_and_a_signer_cannot_approve_their_own(draft, fda_inspector, fda_colleague):
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers=GOOD_ANSWERS)
    sign(draft, fda_inspector)
    with pytest.raises(PermissionDenied):
        inspection_approve(actor=fda_colleague, inspection=draft)


def test_a_submitted_checklist_cannot_be_edited(draft, fda_inspector):
    inspection_save_draft(actor=fda_inspector, inspection=draft, revision=1, answers=GOOD_ANSWERS)
    sign(draft, fda_inspector)
    with pytest.raises(ValidationError, match="submitted"):
        inspection_save_draft(actor=fda_inspector, inspection=draft, revision=draft.revision, answers={})

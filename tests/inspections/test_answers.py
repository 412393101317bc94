"""Answers checked against the template: pure functions, table-driven (no database)."""

import pytest

from inspections.models import AnswerType, TemplateItem
from inspections.services.answers import clean_answer, evidence_problems, has_problems, merge_answers


def item(code, answer_type, **extra) -> TemplateItem:
    return TemplateItem(code=code, text=code, answer_type=answer_type, **extra)


YES_NO = item("certificates_kept", AnswerType.YES_NO)
NUMBER = item("dairy_kinds", AnswerType.NUMBER, unit="种")
TEXT = item("remarks", AnswerType.TEXT, required=False)
CHOICE = item("storage", AnswerType.CHOICE, choices=["良好", "一般", "差"])
PHOTO = item("storage_photo", AnswerType.PHOTO)


@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (YES_NO, {"value": "yes"}, {"value": "yes", "note": ""}),
        (YES_NO, {"value": "no", "note": "  无进货票据 "}, {"value": "no", "note": "无进货票据"}),
        (YES_NO, {"value": "na"}, {"value": "na", "note": ""}),
        (YES_NO, {"value": " yes "}, {"value": "yes", "note": ""}),
        (NUMBER, {"value": "3"}, {"value": "3", "note": ""}),
        (NUMBER, {"value": "0"}, {"value": "0", "note": ""}),
        (NUMBER, {"value": "2.50"}, {"value": "2.50", "note": ""}),
        (NUMBER, {"value": " 12.5 "}, {"value": "12.5", "note": ""}),
        (NUMBER, {"value": 7}, {"value": "7", "note": ""}),
        (NUMBER, {"value": "0.000001"}, {"value": "0.000001", "note": ""}),
        (CHOICE, {"value": "一般"}, {"value": "一般", "note": ""}),
        (TEXT, {"value": "库房整洁，冷藏柜温度正常"}, {"value": "库房整洁，冷藏柜温度正常", "note": ""}),
    ],
    ids=[
        "yes",
        "no-with-note",
        "not-applicable",
        "yes-padded",
        "integer",
        "zero",
        "decimal-keeps-its-digits",
        "decimal-padded",
        "json-int",
        "small-decimal",
        "listed-choice",
        "text",
    ],
)
def test_a_valid_answer_is_stored_as_value_and_note(question, raw, stored):
    assert clean_answer(question, raw) == (stored, None)


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        (YES_NO, "maybe", "yes, no or not applicable"),
        (YES_NO, "YES", "yes, no or not applicable"),
        (YES_NO, "是", "yes, no or not applicable"),
        (NUMBER, "many", "Enter a number"),
        (NUMBER, "1,5", "Enter a number"),
        (NUMBER, "3种", "Enter a number"),
        (NUMBER, "-1", "zero or more"),
        (NUMBER, "-0.001", "zero or more"),
        (NUMBER, "NaN", "zero or more"),
        (NUMBER, "nan", "zero or more"),
        (NUMBER, "sNaN", "zero or more"),
        (NUMBER, "Infinity", "zero or more"),
        (NUMBER, "-Infinity", "zero or more"),
        (NUMBER, "inf", "zero or more"),
        (NUMBER, float("nan"), "zero or more"),
        (NUMBER, float("inf"), "zero or more"),
        (CHOICE, "很好", "Choose one of the listed answers"),
        (CHOICE, "良", "Choose one of the listed answers"),
        (PHOTO, "photo.jpg", "Attach photos"),
    ],
)
def test_an_invalid_answer_is_refused_with_a_message(question, value, message):
    answer, error = clean_answer(question, {"value": value})
    assert answer is None
    assert message in error


def test_a_number_is_kept_as_a_decimal_string_never_a_float():
    answer, _ = clean_answer(NUMBER, {"value": 0.1})
    assert answer["value"] == "0.1" and isinstance(answer["value"], str)


@pytest.mark.parametrize("question", [YES_NO, NUMBER, TEXT, CHOICE, PHOTO], ids=lambda q: q.answer_type)
@pytest.mark.parametrize("empty", [None, "", "   "], ids=["none", "empty", "blank"])
def test_an_empty_value_clears_the_answer_of_every_type(question, empty):
    assert clean_answer(question, {"value": empty}) == (None, None)
    assert clean_answer(question, {}) == (None, None)


def test_an_empty_value_with_a_note_keeps_the_note_only():
    assert clean_answer(YES_NO, {"value": "", "note": " 待核实 "}) == ({"value": None, "note": "待核实"}, None)


def test_notes_and_text_answers_are_cut_to_their_limits():
    answer, _ = clean_answer(TEXT, {"value": "字" * 2500, "note": "注" * 1200})
    assert len(answer["value"]) == 2000 and len(answer["note"]) == 1000


ITEMS = [YES_NO, NUMBER, TEXT, CHOICE]


def test_merge_updates_the_changed_items_and_keeps_the_others():
    current = {"certificates_kept": {"value": "yes", "note": ""}, "storage": {"value": "良好", "note": ""}}
    merged, errors = merge_answers(ITEMS, current, {"storage": {"value": "差", "note": "冷柜损坏"}, "dairy_kinds": "4"})
    assert errors == {}
    assert merged == {
        "certificates_kept": {"value": "yes", "note": ""},
        "storage": {"value": "差", "note": "冷柜损坏"},
        "dairy_kinds": {"value": "4", "note": ""},
    }
    assert current["storage"]["value"] == "良好"


def test_merge_of_an_empty_value_removes_the_answer():
    current = {"dairy_kinds": {"value": "4", "note": ""}, "storage": {"value": "良好", "note": ""}}
    merged, errors = merge_answers(ITEMS, current, {"dairy_kinds": {"value": ""}, "remarks": None})
    assert errors == {} and merged == {"storage": {"value": "良好", "note": ""}}


def test_merge_reports_each_bad_answer_and_unknown_question_by_code():
    merged, errors = merge_answers(
        ITEMS, {}, {"dairy_kinds": "-2", "storage": "很好", "no_such_item": "yes", "certificates_kept": "yes"}
    )
    assert set(errors) == {"dairy_kinds", "storage", "no_such_item"}
    assert "not on the checklist" in errors["no_such_item"]
    assert "dairy_kinds" not in merged and "storage" not in merged


NOTE_ON_NO = item("certificates_kept", AnswerType.YES_NO, note_on_no=True)
NOTE_AND_PHOTO_ON_NO = item("no_expired_dairy", AnswerType.YES_NO, note_on_no=True, photo_on_no=True)
PHOTO_ON_NO = item("clean_storage", AnswerType.YES_NO, photo_on_no=True)
OPTIONAL_NOTE_ON_NO = item("ledger_kept", AnswerType.YES_NO, required=False, note_on_no=True)
REQUIRED_PHOTO = item("storage_photo", AnswerType.PHOTO)
OPTIONAL_PHOTO = item("shop_photo", AnswerType.PHOTO, required=False)
EVIDENCE_ITEMS = [
    NOTE_ON_NO,
    NOTE_AND_PHOTO_ON_NO,
    PHOTO_ON_NO,
    OPTIONAL_NOTE_ON_NO,
    NUMBER,
    TEXT,
    CHOICE,
    REQUIRED_PHOTO,
    OPTIONAL_PHOTO,
]
COMPLETE = {
    "certificates_kept": {"value": "yes", "note": ""},
    "no_expired_dairy": {"value": "yes", "note": ""},
    "clean_storage": {"value": "na", "note": ""},
    "dairy_kinds": {"value": "3", "note": ""},
    "storage": {"value": "良好", "note": ""},
}


def a(value, note=""):
    return {"value": value, "note": note}


@pytest.mark.parametrize(
    ("changes", "photos", "problems"),
    [
        ({}, {"storage_photo"}, {}),
        ({}, set(), {"storage_photo": "Attach at least one photo"}),
        ({}, {"shop_photo"}, {"storage_photo": "Attach at least one photo"}),
        ({"dairy_kinds": None}, {"storage_photo"}, {"dairy_kinds": "Answer this question"}),
        ({"storage": a("")}, {"storage_photo"}, {"storage": "Answer this question"}),
        ({"certificates_kept": a(None, "待核实")}, {"storage_photo"}, {"certificates_kept": "Answer this question"}),
        ({"certificates_kept": a("no")}, {"storage_photo"}, {"certificates_kept": "a note is required"}),
        ({"certificates_kept": a("no", "无购货凭证")}, {"storage_photo"}, {}),
        ({"certificates_kept": a("yes")}, {"storage_photo"}, {}),
        ({"no_expired_dairy": a("no")}, {"storage_photo"}, {"no_expired_dairy": "a note is required"}),
        ({"no_expired_dairy": a("no", "过期酸奶2箱")}, {"storage_photo"}, {"no_expired_dairy": "Attach a photo"}),
        ({"no_expired_dairy": a("no", "过期酸奶2箱")}, {"storage_photo", "no_expired_dairy"}, {}),
        ({"no_expired_dairy": a("na")}, {"storage_photo"}, {}),
        ({"clean_storage": a("no", "")}, {"storage_photo"}, {"clean_storage": "Attach a photo"}),
        ({"clean_storage": a("no", "")}, {"storage_photo", "clean_storage"}, {}),
        ({"ledger_kept": a("no")}, {"storage_photo"}, {"ledger_kept": "a note is required"}),
        ({"ledger_kept": a("no", "台账缺页")}, {"storage_photo"}, {}),
    ],
    ids=[
        "complete",
        "required-photo-missing",
        "another-item-photo-does-not-count",
        "required-number-missing",
        "required-choice-empty",
        "note-without-answer",
        "no-without-note",
        "no-with-note",
        "yes-needs-no-note",
        "s4-expired-no-without-note-asks-the-note-first",
        "s4-expired-no-with-note-without-photo",
        "s4-expired-no-with-note-and-photo",
        "s4-expired-not-applicable",
        "no-without-photo",
        "no-with-photo",
        "optional-item-answered-no-still-needs-its-note",
        "optional-item-answered-no-with-note",
    ],
)
def test_evidence_problems_required_answers_and_s4_note_and_photo_on_no(changes, photos, problems):
    answers = {**COMPLETE, **changes}
    answers = {code: answer for code, answer in answers.items() if answer is not None}
    found = evidence_problems(EVIDENCE_ITEMS, answers, photos)
    assert set(found) == set(problems)
    for code, message in problems.items():
        assert message in found[code]


def test_optional_items_may_stay_unanswered():
    assert "remarks" not in COMPLETE and "ledger_kept" not in COMPLETE and "shop_photo" not in COMPLETE
    assert evidence_problems(EVIDENCE_ITEMS, COMPLETE, {"storage_photo"}) == {}


def test_a_no_anywhere_means_problems_were_found():
    assert has_problems({"a": a("yes"), "b": a("no", "x")})
    assert not has_problems({"a": a("yes"), "b": a("na"), "c": a("3"), "d": None})

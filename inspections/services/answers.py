"""Checking a checklist's answers against its template version: pure functions."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from ..models import AnswerType, YesNo

NUMBER = re.compile(r"[0-9]{1,15}(\.[0-9]{1,6})?", re.ASCII)
MAX_NUMBER = Decimal("999999999999")


def clean_answer(item, raw: dict) -> tuple[dict | None, str | None]:
    """One item's answer as stored ({"value": ..., "note": ...}), or an error message.

    An empty value clears the answer. Numbers are kept as decimal strings, never floats.
    """
    value, note = raw.get("value"), raw.get("note") or ""
    if (
        not isinstance(value, (str, int, float, Decimal, type(None)))
        or isinstance(value, bool)
        or not isinstance(note, str)
    ):
        return None, _("This answer is not in a form the checklist accepts.")
    if "\x00" in note or "\x00" in str(value or ""):
        # PostgreSQL refuses NUL in text and in JSONB: refused here, not a 500 on saving.
        return None, _("Remove the NUL character: it cannot be stored.")
    note = note.strip()[:1000]
    if value is None or (isinstance(value, str) and not value.strip()):
        return ({"value": None, "note": note} if note else None), None
    value = str(value).strip()
    if item.answer_type == AnswerType.YES_NO and value not in YesNo.values:
        return None, _("Answer yes, no or not applicable.")
    if item.answer_type == AnswerType.NUMBER:
        # Plain decimals only: no exponents, separators or signs, so what is stored reads back as typed.
        if not NUMBER.fullmatch(value):
            return None, _("Enter a number of zero or more, such as 12 or 3.5.")
        number = Decimal(value)
        if number > MAX_NUMBER:
            return None, _("The number is too large.")
        value = str(number)
    if item.answer_type == AnswerType.CHOICE and value not in item.choices:
        return None, _("Choose one of the listed answers.")
    if item.answer_type == AnswerType.PHOTO:
        return None, _("Attach photos to this item instead of typing an answer.")
    if item.answer_type == AnswerType.TEXT:
        value = value[:2000]
    return {"value": value, "note": note}, None


def merge_answers(items, current: dict, changes: dict) -> tuple[dict, dict]:
    """`current` answers updated with `changes` (by item code): (answers, errors by code)."""
    by_code = {item.code: item for item in items}
    merged, errors = dict(current), {}
    for code, raw in changes.items():
        item = by_code.get(code)
        if item is None:
            errors[code] = _("This question is not on the checklist.")
            continue
        answer, error = clean_answer(item, raw if isinstance(raw, dict) else {"value": raw})
        if error:
            errors[code] = error
        elif answer is None:
            merged.pop(code, None)
        else:
            merged[code] = answer
    return merged, errors


def evidence_problems(items, answers: dict, photo_codes: set[str]) -> dict[str, str]:
    """What stops a checklist from being submitted: unanswered required items, and the note
    or photo an item demands when it is answered “no”."""
    problems = {}
    for item in items:
        answer = answers.get(item.code) or {}
        value, note = answer.get("value"), answer.get("note", "")
        if item.answer_type == AnswerType.PHOTO:
            if item.required and item.code not in photo_codes:
                problems[item.code] = _("Attach at least one photo.")
            continue
        if item.required and value in (None, ""):
            problems[item.code] = _("Answer this question.")
        elif value == YesNo.NO and item.note_on_no and not note:
            problems[item.code] = _("Describe what was found: a note is required when the answer is “no”.")
        elif value == YesNo.NO and item.photo_on_no and item.code not in photo_codes:
            problems[item.code] = _("Attach a photo of what was found: required when the answer is “no”.")
    return problems


def has_problems(answers: dict) -> bool:
    return any((a or {}).get("value") == YesNo.NO for a in answers.values())

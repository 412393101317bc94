"""How a checklist is laid out for the filing and reading pages."""

from dataclasses import dataclass, field

from cases.selectors import cases_for_sources

from ..models import AnswerType, Inspection, YesNo


@dataclass
class ItemView:
    item: object
    value: object = None
    note: str = ""
    photos: list = field(default_factory=list)
    error: str = ""
    saved: dict | None = None  # the other editor's saved answer, on a conflict

    @property
    def code(self):
        return self.item.code

    @property
    def is_no(self):
        return self.value == YesNo.NO

    @property
    def differs(self) -> bool:
        if self.saved is None:
            return False
        return (self.saved.get("value"), self.saved.get("note", "")) != (self.value, self.note)


@dataclass
class SectionView:
    title: str
    items: list[ItemView]


def checklist_layout(inspection: Inspection, *, answers=None, errors=None, saved=None) -> list[SectionView]:
    """Sections of the inspection's own template version, each item with its answer, its
    photos and any error; `saved` holds the stored answers when they conflict with `answers`."""
    answers = inspection.answers if answers is None else answers
    errors = errors or {}
    photos: dict[str, list] = {}
    for photo in inspection.photos.all():
        photos.setdefault(photo.item_code, []).append(photo)
    sections: dict[int, SectionView] = {}
    for item in inspection.template.items_in_order():
        answer = answers.get(item.code) or {}
        view = ItemView(
            item=item,
            value=answer.get("value"),
            note=answer.get("note", ""),
            photos=photos.get(item.code, []),
            error=errors.get(item.code, ""),
            saved=(saved.get(item.code) or {}) if saved is not None else None,
        )
        sections.setdefault(item.section_id, SectionView(item.section.title, [])).items.append(view)
    return list(sections.values())


def answers_from_post(inspection: Inspection, data) -> dict:
    """The answers a whole-form post carries, keyed by item code."""
    changes = {}
    for item in inspection.template.items_in_order():
        if item.answer_type == AnswerType.PHOTO:
            continue
        value_key, note_key = f"a-{item.code}", f"n-{item.code}"
        if value_key in data or note_key in data:
            changes[item.code] = {"value": data.get(value_key), "note": data.get(note_key, "")}
    return changes


def answer_label(item, value) -> str:
    if value in (None, ""):
        return ""
    if item.answer_type == AnswerType.YES_NO:
        return str(dict(YesNo.choices).get(value, value))
    if item.answer_type == AnswerType.NUMBER and item.unit:
        return f"{value} {item.unit}"
    return str(value)


def measures_with_cases(inspection: Inspection) -> list:
    """The checklist's measures, each with `.case` when it opened one (C2)."""
    measures = list(inspection.measures.all())
    cases = cases_for_sources(measures)
    for measure in measures:
        measure.case = cases.get(measure.pk)
    return measures

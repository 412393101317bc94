"""Checklist templates and their versions.

A published version never changes: a filed checklist points at the version it was filed
on, and its answers are keyed by item code. Editing means taking a draft of the next
version (a copy), changing the draft, and publishing it with a note of what changed; the
version it replaces is retired but stays readable. Templates are not audited row by row:
the versions are the history.

Who edits: the provincial level (320000) of the department that files the checklist, as a
reviewer or administrator; the provincial food safety office's reviewers edit all of them.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dairy_campaign.choices import AgencyKind, Role
from licensing.models import OperatorKind

from ..models import AnswerType, ChecklistTemplate, Subject, TemplateItem, TemplateSection, TemplateStatus
from ..template_data import BUILTIN_CHANGE_NOTE, BUILTIN_TEMPLATES

PROVINCE = "320000"
EDITOR_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})
ITEM_FIELDS = frozenset(
    {
        "section",
        "code",
        "text",
        "help_text",
        "answer_type",
        "choices",
        "unit",
        "required",
        "note_on_no",
        "photo_on_no",
        "rule",
    }
)
TEMPLATE_FIELDS = frozenset({"name", "rules", "operator_kinds"})


def load_builtin_templates(Template, Section, Item) -> int:  # noqa: N803 - model classes, historical in migrations
    """Create version 1, published, of every built-in checklist whose code has no version
    yet (template_data.py). Idempotent; returns how many templates were created.

    Takes the model classes so the data migration can pass its historical models."""
    existing = set(Template.objects.values_list("code", flat=True))
    now = timezone.now()
    created = 0
    with transaction.atomic():
        for spec in BUILTIN_TEMPLATES:
            if spec["code"] in existing:
                continue
            template = Template(
                code=spec["code"],
                version=1,
                name=spec["name"],
                subject=spec["subject"],
                operator_kinds=list(spec["operator_kinds"]),
                owner_kind=spec["owner_kind"],
                rules=spec["rules"],
                status=TemplateStatus.PUBLISHED.value,
                change_note=BUILTIN_CHANGE_NOTE,
                published_at=now,
            )
            template.full_clean()
            template.save()
            for section_order, section_spec in enumerate(spec["sections"], start=1):
                section = Section.objects.create(template=template, order=section_order, title=section_spec["title"])
                items = []
                for item_order, fields in enumerate(section_spec["items"], start=1):
                    item = Item(section=section, order=item_order, **fields)
                    item.full_clean(validate_constraints=False)
                    items.append(item)
                Item.objects.bulk_create(items)
            created += 1
    return created


def template_current(code: str) -> ChecklistTemplate | None:
    """The published version of checklist `code`: the one new checklists are filed on."""
    return ChecklistTemplate.objects.published().filter(code=code).first()


def template_draft_of(code: str) -> ChecklistTemplate | None:
    return ChecklistTemplate.objects.filter(code=code, status=TemplateStatus.DRAFT).first()


def may_edit_templates(user, template: ChecklistTemplate | None = None) -> bool:
    """Whether `user` edits `template` (or, without one, edits templates at all): superusers;
    reviewers and administrators of the provincial department that files the checklist;
    reviewers of the provincial food safety office, for every checklist."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    agency = getattr(user, "agency", None)
    if agency is None or agency.jurisdiction_id != PROVINCE or user.role not in EDITOR_ROLES:
        return False
    if agency.kind == AgencyKind.FSO and user.role == Role.REVIEWER:
        return True
    return template is None or template.owner_kind == agency.kind


def require_template_editor(user, template: ChecklistTemplate | None = None):
    if not may_edit_templates(user, template):
        raise PermissionDenied(
            _(
                "Checklists are edited by reviewers and administrators of the provincial department that files "
                "them, or by reviewers of the provincial food safety office."
            )
        )


def _require_draft(actor, template: ChecklistTemplate):
    require_template_editor(actor, template)
    if template.status != TemplateStatus.DRAFT:
        raise ValidationError(
            _(
                "Version %(version)d of this checklist is %(status)s and cannot be changed: checklists filed on it "
                "keep it as it is. Start a new version to make changes."
            )
            % {"version": template.version, "status": template.get_status_display().lower()}
        )


def _lock_versions(code: str) -> list[ChecklistTemplate]:
    """Serialise revisions and publications of one checklist (PostgreSQL row locks)."""
    return list(ChecklistTemplate.objects.select_for_update().filter(code=code).order_by("version"))


@transaction.atomic
def template_revise(*, actor, template: ChecklistTemplate) -> ChecklistTemplate:
    """The draft of the next version of `template`'s checklist: the existing draft if there
    is one, else a new draft copying `template`'s sections and items (so an older version
    can be taken as the base of the next one)."""
    require_template_editor(actor, template)
    versions = _lock_versions(template.code)
    draft = next((v for v in versions if v.status == TemplateStatus.DRAFT), None)
    if draft is not None:
        return draft
    draft = ChecklistTemplate(
        code=template.code,
        version=max(v.version for v in versions) + 1,
        name=template.name,
        subject=template.subject,
        operator_kinds=list(template.operator_kinds),
        owner_kind=template.owner_kind,
        rules=template.rules,
        status=TemplateStatus.DRAFT,
    )
    draft.full_clean()
    draft.save()
    items = []
    for section in template.sections.prefetch_related("items"):
        copy = TemplateSection.objects.create(template=draft, order=section.order, title=section.title)
        items.extend(
            TemplateItem(
                section=copy,
                order=item.order,
                code=item.code,
                text=item.text,
                help_text=item.help_text,
                answer_type=item.answer_type,
                choices=list(item.choices or []),
                unit=item.unit,
                required=item.required,
                note_on_no=item.note_on_no,
                photo_on_no=item.photo_on_no,
                rule=item.rule,
            )
            for item in section.items.all()
        )
    TemplateItem.objects.bulk_create(items)
    return draft


@transaction.atomic
def template_update(*, actor, draft: ChecklistTemplate, **fields) -> ChecklistTemplate:
    """Rename a draft, or change the rules it names or the operator kinds it is for. The
    department and the subject stay: they decide who files it and about what."""
    _require_draft(actor, draft)
    unknown = set(fields) - TEMPLATE_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    if "name" in fields:
        draft.name = fields["name"].strip()
    if "rules" in fields:
        draft.rules = fields["rules"].strip()
    if "operator_kinds" in fields:
        kinds = list(dict.fromkeys(fields["operator_kinds"] or []))
        if draft.subject != Subject.OPERATOR and kinds:
            raise ValidationError({"operator_kinds": _("Only checklists about operators name operator kinds.")})
        if set(kinds) - set(OperatorKind.values):
            raise ValidationError({"operator_kinds": _("Choose operator kinds of the register.")})
        draft.operator_kinds = kinds
    draft.full_clean()
    draft.save()
    return draft


@transaction.atomic
def template_discard(*, actor, draft: ChecklistTemplate) -> None:
    """Throw away an unpublished draft; the version in use stays in use."""
    _require_draft(actor, draft)
    draft.delete()


@transaction.atomic
def template_section_add(*, actor, draft: ChecklistTemplate, title: str) -> TemplateSection:
    """Add a section at the end of a draft."""
    _require_draft(actor, draft)
    last = draft.sections.aggregate(last=Max("order"))["last"] or 0
    section = TemplateSection(template=draft, order=last + 1, title=title.strip())
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def template_section_update(*, actor, section: TemplateSection, title: str) -> TemplateSection:
    _require_draft(actor, section.template)
    section.title = title.strip()
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def template_section_delete(*, actor, section: TemplateSection) -> None:
    """Remove an empty section of a draft (its questions are deleted or moved first, so no
    question disappears by accident)."""
    _require_draft(actor, section.template)
    if section.items.exists():
        raise ValidationError(_("Delete or move the questions of this section first."))
    section.delete()


def _clean_item_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    for name in ("code", "text", "help_text", "unit", "rule"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "choices" in cleaned:
        cleaned["choices"] = [str(c).strip() for c in cleaned["choices"] or [] if str(c).strip()]
    return cleaned


def _check_item(draft: ChecklistTemplate, item: TemplateItem):
    """Answers are keyed by item code: a code is unique within a version, and keeps its
    answer type across versions, so answers filed on different versions compare."""
    twins = TemplateItem.objects.filter(section__template=draft, code=item.code)
    if item.pk:
        twins = twins.exclude(pk=item.pk)
    if twins.exists():
        raise ValidationError({"code": _("Another question of this checklist has the code “%s”.") % item.code})
    earlier = (
        TemplateItem.objects.filter(section__template__code=draft.code, code=item.code)
        .exclude(section__template=draft)
        .exclude(answer_type=item.answer_type)
        .order_by("-section__template__version")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            {
                "code": _(
                    "In earlier versions the code “%(code)s” is a question answered as “%(type)s”; answers are "
                    "compared by code, so give a question with another kind of answer a new code."
                )
                % {"code": item.code, "type": AnswerType(earlier.answer_type).label}
            }
        )


@transaction.atomic
def template_item_save(*, actor, draft: ChecklistTemplate, item: TemplateItem | None = None, **fields) -> TemplateItem:
    """Add a question to a draft (`item` None, `section` given) or change one of its
    questions; moving it to another section puts it last there. The evidence flags
    (note/photo on “no”) are what S4's findings and the others rely on at submission."""
    _require_draft(actor, draft)
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    fields = _clean_item_fields(fields)
    if item is not None and item.section.template_id != draft.pk:
        raise ValidationError(_("This question belongs to another version."))
    section = fields.pop("section", None) or (item.section if item else None)
    if section is None or section.template_id != draft.pk:
        raise ValidationError({"section": _("Choose a section of this draft.")})
    if item is None:
        item = TemplateItem(section=section)
    for name, value in fields.items():
        setattr(item, name, value)
    if item.answer_type != AnswerType.CHOICE and "choices" not in fields:
        item.choices = []  # a question that stops being a choice drops its choices
    if item.section_id != section.pk or item.order is None:
        last = section.items.exclude(pk=item.pk).aggregate(last=Max("order"))["last"] or 0
        item.section, item.order = section, last + 1
    item.full_clean()
    _check_item(draft, item)
    item.save()
    return item


@transaction.atomic
def template_item_move(*, actor, item: TemplateItem, up: bool) -> TemplateItem:
    """Swap a draft's question with the one before (`up`) or after it in its section."""
    _require_draft(actor, item.section.template)
    siblings = item.section.items.exclude(pk=item.pk)
    neighbour = (
        siblings.filter(order__lt=item.order).order_by("-order").first()
        if up
        else siblings.filter(order__gt=item.order).order_by("order").first()
    )
    if neighbour is None:
        return item
    mine, theirs = item.order, neighbour.order
    # Orders are unique per section and start at 1: park this one at 0 during the swap.
    TemplateItem.objects.filter(pk=item.pk).update(order=0)
    TemplateItem.objects.filter(pk=neighbour.pk).update(order=mine)
    TemplateItem.objects.filter(pk=item.pk).update(order=theirs)
    item.order = theirs
    return item


@transaction.atomic
def template_item_delete(*, actor, item: TemplateItem) -> None:
    """Remove a question from a draft; earlier versions keep it, with their answers."""
    _require_draft(actor, item.section.template)
    item.delete()


@transaction.atomic
def template_publish(*, actor, draft: ChecklistTemplate, change_note: str) -> ChecklistTemplate:
    """Put a draft in use: new checklists are filed on it from now on; the version it
    replaces is retired and stays readable with everything filed on it. Refused without a
    note of what changed, for a draft without questions, or with an empty section."""
    _require_draft(actor, draft)
    change_note = (change_note or "").strip()
    if not change_note:
        raise ValidationError({"change_note": _("Say what changed in this version.")})
    sections = list(draft.sections.prefetch_related("items"))
    if not any(s.items.all() for s in sections):
        raise ValidationError(_("A checklist without questions cannot be published."))
    empty = [s.title for s in sections if not s.items.all()]
    if empty:
        raise ValidationError(
            _("These sections have no questions: %s. Add questions or delete them.") % "、".join(empty)
        )
    for section in sections:
        for item in section.items.all():
            item.full_clean()
    _lock_versions(draft.code)
    ChecklistTemplate.objects.filter(code=draft.code, status=TemplateStatus.PUBLISHED).update(
        status=TemplateStatus.RETIRED
    )
    draft.status = TemplateStatus.PUBLISHED
    draft.change_note = change_note
    draft.published_at = timezone.now()
    draft.published_by = actor
    draft.full_clean()
    draft.save()
    return draft


@dataclass(frozen=True)
class TemplateChanges:
    added: list[TemplateItem]
    removed: list[TemplateItem]
    changed: list[tuple[TemplateItem, TemplateItem]]

    def __bool__(self):
        return bool(self.added or self.removed or self.changed)


COMPARED = ("text", "help_text", "answer_type", "choices", "unit", "required", "note_on_no", "photo_on_no", "rule")


def template_changes(before: ChecklistTemplate, after: ChecklistTemplate) -> TemplateChanges:
    """Questions added, removed and changed from one version to another, matched by code."""
    old = {i.code: i for i in before.items_in_order()}
    new = {i.code: i for i in after.items_in_order()}
    return TemplateChanges(
        added=[i for code, i in new.items() if code not in old],
        removed=[i for code, i in old.items() if code not in new],
        changed=[
            (old[code], i)
            for code, i in new.items()
            if code in old and any(getattr(old[code], f) != getattr(i, f) for f in COMPARED)
        ],
    )


def template_previous(template: ChecklistTemplate) -> ChecklistTemplate | None:
    return (
        ChecklistTemplate.objects.filter(code=template.code, version__lt=template.version).order_by("-version").first()
    )

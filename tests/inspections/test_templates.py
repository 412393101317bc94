import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import AnswerType, ChecklistTemplate, TemplateItem, TemplateSection, TemplateStatus
from inspections.services.templates import (
    load_builtin_templates,
    may_edit_templates,
    template_changes,
    template_current,
    template_discard,
    template_item_delete,
    template_item_move,
    template_item_save,
    template_publish,
    template_revise,
    template_section_add,
    template_section_delete,
    template_update,
)
from inspections.template_data import BUILTIN_TEMPLATES
from licensing.models import OperatorKind

from ..factories import UserFactory, member

pytestmark = pytest.mark.django_db

BUILTIN_CODES = [spec["code"] for spec in BUILTIN_TEMPLATES]
RULE_ID = re.compile(r"^[LSQCP][1-9]$")


@pytest.fixture
def editor():
    """The provincial catering department's reviewer: edits the catering checklist."""
    return member("320000", AgencyKind.FDA, Role.REVIEWER, full_name="省餐饮审核")


@pytest.fixture
def catering():
    return template_current("catering")


@pytest.fixture
def draft(editor, catering):
    return template_revise(actor=editor, template=catering)


def first_section(template):
    return template.sections.order_by("order").first()


# --- the built-in checklists ----------------------------------------------------------


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_every_builtin_template_is_published_as_version_1_and_passes_validation(code):
    template = template_current(code)
    assert template is not None and template.version == 1 and template.status == TemplateStatus.PUBLISHED
    template.full_clean()
    items = list(template.items_in_order())
    for item in items:
        item.full_clean()
    assert 2 <= template.sections.count() <= 5
    assert 8 <= len(items) <= 20


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_item_codes_are_unique_within_each_builtin_template(code):
    codes = [item.code for item in template_current(code).items_in_order()]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_every_builtin_question_names_the_plan_rule_it_checks(code):
    template = template_current(code)
    for item in template.items_in_order():
        assert RULE_ID.match(item.rule), (item.code, item.rule)
    assert all(RULE_ID.match(rule.strip()) for rule in template.rules.split(","))


@pytest.mark.parametrize(
    "code, owner, subject, kinds",
    [
        ("production_plant", "QTS", "operator", {"dairy_producer", "dairy_food_producer"}),
        ("infant_formula_daily_log", "QTS", "operator", {"dairy_producer"}),
        ("raw_milk_station", "AGR", "operator", {"purchase_station"}),
        ("farm_and_feed_mill", "AGR", "operator", {"dairy_farm", "farmer_coop", "feed_mill"}),
        ("distribution", "AIC", "operator", {"wholesaler", "supermarket", "small_retailer"}),
        ("catering", "FDA", "operator", {"catering"}),
        ("import_consignment", "CIQ", "consignment", set()),
        ("black_den_sweep", "GOV", "sweep", set()),
        ("supervisory_inspection", "FSO", "jurisdiction", set()),
    ],
)
def test_each_builtin_checklist_belongs_to_the_department_and_subject_the_plan_gives_it(code, owner, subject, kinds):
    template = template_current(code)
    assert (template.owner_kind, template.subject, set(template.operator_kinds)) == (owner, subject, kinds)
    assert set(template.operator_kinds) <= set(OperatorKind.values)


def test_s4_catering_asks_for_a_note_and_a_photo_of_expired_dairy_and_a_note_on_unknown_source(catering):
    items = {item.code: item for item in catering.items_in_order()}
    expired, source = items["no_expired_dairy"], items["dairy_source_known"]
    assert expired.text == "无过期乳制品" and expired.answer_type == AnswerType.YES_NO
    assert expired.note_on_no and expired.photo_on_no and expired.rule == "S4"
    assert source.answer_type == AnswerType.YES_NO and source.note_on_no
    assert any(item.answer_type == AnswerType.PHOTO for item in items.values())


def test_s1_the_daily_log_counts_intake_and_melamine_tested_batches():
    items = {item.code: item for item in template_current("infant_formula_daily_log").items_in_order()}
    for code in ("raw_milk_batches_in", "melamine_tested_batches"):
        assert items[code].answer_type == AnswerType.NUMBER and items[code].unit == "批"


def test_s3_the_distribution_checklist_checks_both_ledgers_and_the_l5_dairy_category():
    items = {item.code: item for item in template_current("distribution").items_in_order()}
    assert "供货商及其联系方式" in items["purchase_ledger_complete"].text
    assert "流向" in items["wholesale_ledger_complete"].text
    assert items["dairy_category_approved"].rule == "L5"


def test_loading_the_builtin_templates_again_creates_nothing_and_restores_a_missing_one():
    assert load_builtin_templates(ChecklistTemplate, TemplateSection, TemplateItem) == 0
    ChecklistTemplate.objects.filter(code="black_den_sweep").delete()
    assert load_builtin_templates(ChecklistTemplate, TemplateSection, TemplateItem) == 1
    assert template_current("black_den_sweep").items_in_order().count() == 14


# --- who edits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "place, kind, role, code, allowed",
    [
        ("320000", AgencyKind.FDA, Role.REVIEWER, "catering", True),
        ("320000", AgencyKind.FDA, Role.ADMIN, "catering", True),
        ("320000", AgencyKind.FDA, Role.REVIEWER, "production_plant", False),
        ("320000", AgencyKind.FDA, Role.INSPECTOR, "catering", False),
        ("320000", AgencyKind.FDA, Role.VIEWER, "catering", False),
        ("320100", AgencyKind.FDA, Role.REVIEWER, "catering", False),
        ("320115", AgencyKind.FDA, Role.ADMIN, "catering", False),
        ("320000", AgencyKind.FSO, Role.REVIEWER, "production_plant", True),
        ("320000", AgencyKind.FSO, Role.REVIEWER, "catering", True),
        ("320000", AgencyKind.FSO, Role.ADMIN, "catering", False),
        ("320000", AgencyKind.FSO, Role.ADMIN, "supervisory_inspection", True),
        ("320000", AgencyKind.GOV, Role.REVIEWER, "black_den_sweep", True),
    ],
)
def test_templates_are_edited_at_province_level_by_the_department_that_files_them(place, kind, role, code, allowed):
    assert may_edit_templates(member(place, kind, role), template_current(code)) is allowed


def test_a_superuser_edits_every_template():
    admin = UserFactory(agency=None, role="", is_superuser=True)
    assert all(may_edit_templates(admin, template_current(code)) for code in BUILTIN_CODES)


def test_a_county_reviewer_may_not_start_a_new_version(catering):
    with pytest.raises(PermissionDenied):
        template_revise(actor=member("320115", AgencyKind.FDA, Role.REVIEWER), template=catering)
    assert not ChecklistTemplate.objects.filter(code="catering", status=TemplateStatus.DRAFT).exists()


def test_another_departments_provincial_reviewer_may_not_edit_a_draft(draft):
    outsider = member("320000", AgencyKind.AIC, Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        template_section_add(actor=outsider, draft=draft, title="外部")
    with pytest.raises(PermissionDenied):
        template_publish(actor=outsider, draft=draft, change_note="x")


# --- versions ---------------------------------------------------------------------------


def test_a_new_version_is_a_draft_copying_every_section_and_question(draft, catering):
    assert (draft.code, draft.version, draft.status) == ("catering", 2, TemplateStatus.DRAFT)
    assert [s.title for s in draft.sections.all()] == [s.title for s in catering.sections.all()]
    copied = [(i.code, i.text, i.note_on_no, i.photo_on_no, i.rule) for i in draft.items_in_order()]
    original = [(i.code, i.text, i.note_on_no, i.photo_on_no, i.rule) for i in catering.items_in_order()]
    assert copied == original
    assert not template_changes(catering, draft)


def test_asking_for_a_new_version_twice_gives_the_same_draft(editor, catering, draft):
    assert template_revise(actor=editor, template=catering) == draft
    assert template_revise(actor=editor, template=draft) == draft
    assert ChecklistTemplate.objects.filter(code="catering").count() == 2


@pytest.mark.parametrize(
    "change",
    [
        lambda actor, t: template_section_add(actor=actor, draft=t, title="新增"),
        lambda actor, t: template_item_save(actor=actor, draft=t, item=t.items_in_order().first(), text="改"),
        lambda actor, t: template_item_delete(actor=actor, item=t.items_in_order().first()),
        lambda actor, t: template_item_move(actor=actor, item=t.items_in_order().last(), up=True),
        lambda actor, t: template_update(actor=actor, draft=t, name="改名"),
        lambda actor, t: template_publish(actor=actor, draft=t, change_note="再次发布"),
        lambda actor, t: template_discard(actor=actor, draft=t),
    ],
    ids=["section_add", "item_save", "item_delete", "item_move", "update", "publish", "discard"],
)
def test_a_published_version_cannot_be_changed(editor, catering, change):
    before = [(i.pk, i.order, i.text) for i in catering.items_in_order()]
    with pytest.raises(ValidationError, match="cannot be changed"):
        change(editor, catering)
    catering.refresh_from_db()
    assert catering.status == TemplateStatus.PUBLISHED and catering.name == "餐饮服务单位乳制品检查表"
    assert [(i.pk, i.order, i.text) for i in catering.items_in_order()] == before


def test_publishing_supersedes_the_version_in_use_and_records_who_when_and_what_changed(editor, catering, draft):
    template_item_save(
        actor=editor, draft=draft, item=draft.items_in_order().get(code="no_expired_dairy"), text="无超过保质期的乳制品"
    )
    published = template_publish(actor=editor, draft=draft, change_note="措辞调整")
    catering.refresh_from_db()
    assert catering.status == TemplateStatus.RETIRED
    assert published.status == TemplateStatus.PUBLISHED and published.published_by == editor
    assert published.published_at and published.change_note == "措辞调整"
    assert template_current("catering") == published
    assert catering.items_in_order().get(code="no_expired_dairy").text == "无过期乳制品"


def test_a_version_is_published_only_with_a_note_of_what_changed(editor, draft):
    with pytest.raises(ValidationError) as refused:
        template_publish(actor=editor, draft=draft, change_note="  ")
    assert "change_note" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == TemplateStatus.DRAFT


def test_a_checklist_without_questions_is_not_published(editor, draft):
    for item in draft.items_in_order():
        template_item_delete(actor=editor, item=item)
    for section in draft.sections.all():
        template_section_delete(actor=editor, section=section)
    with pytest.raises(ValidationError, match="without questions"):
        template_publish(actor=editor, draft=draft, change_note="清空")


def test_an_empty_section_stops_publication_until_it_gets_questions_or_goes(editor, draft):
    section = template_section_add(actor=editor, draft=draft, title="四、其他")
    with pytest.raises(ValidationError, match="四、其他"):
        template_publish(actor=editor, draft=draft, change_note="新增一节")
    template_section_delete(actor=editor, section=section)
    assert template_publish(actor=editor, draft=draft, change_note="无变化").status == TemplateStatus.PUBLISHED


def test_a_section_with_questions_is_not_deleted(editor, draft):
    with pytest.raises(ValidationError, match="first"):
        template_section_delete(actor=editor, section=first_section(draft))


def test_a_question_added_to_a_draft_goes_last_in_its_section(editor, draft):
    section = first_section(draft)
    item = template_item_save(
        actor=editor,
        draft=draft,
        section=section,
        code="dairy_invoice_count",
        text="本月乳制品购货发票张数",
        answer_type=AnswerType.NUMBER,
        unit="张",
        rule="S4",
    )
    assert item.order == section.items.count() and item.section == section
    changes = template_changes(template_current("catering"), draft)
    assert [i.code for i in changes.added] == ["dairy_invoice_count"] and not changes.removed


def test_an_item_code_is_unique_within_a_version(editor, draft):
    with pytest.raises(ValidationError) as refused:
        template_item_save(
            actor=editor,
            draft=draft,
            section=first_section(draft),
            code="no_expired_dairy",
            text="重复",
            answer_type=AnswerType.YES_NO,
        )
    assert "code" in refused.value.message_dict


def test_an_item_code_keeps_its_answer_type_across_versions(editor, draft):
    item = draft.items_in_order().get(code="no_expired_dairy")
    with pytest.raises(ValidationError, match="new code"):
        template_item_save(
            actor=editor, draft=draft, item=item, answer_type=AnswerType.NUMBER, note_on_no=False, photo_on_no=False
        )


def test_a_choice_question_lists_at_least_two_choices(editor, draft):
    with pytest.raises(ValidationError) as refused:
        template_item_save(
            actor=editor,
            draft=draft,
            section=first_section(draft),
            code="supplier_kind",
            text="供货单位类型",
            answer_type=AnswerType.CHOICE,
            choices=["批发商", " "],
        )
    assert "choices" in refused.value.message_dict


def test_evidence_on_no_is_only_asked_of_yes_no_questions(editor, draft):
    with pytest.raises(ValidationError) as refused:
        template_item_save(
            actor=editor,
            draft=draft,
            section=first_section(draft),
            code="fridge_count",
            text="冷藏设施数量",
            answer_type=AnswerType.NUMBER,
            photo_on_no=True,
        )
    assert "note_on_no" in refused.value.message_dict


def test_a_question_is_moved_to_another_section_and_within_it(editor, draft):
    first, second = draft.sections.order_by("order")[:2]
    item = first.items.order_by("order").first()
    moved = template_item_save(actor=editor, draft=draft, item=item, section=second)
    assert moved.section == second and moved.order == second.items.count()
    template_item_move(actor=editor, item=moved, up=True)
    codes = list(second.items.order_by("order").values_list("code", flat=True))
    assert codes[-2] == item.code


def test_a_question_of_another_version_is_not_changed_through_a_draft(editor, catering, draft):
    with pytest.raises(ValidationError, match="another version"):
        template_item_save(actor=editor, draft=draft, item=catering.items_in_order().first(), text="改")


def test_the_draft_is_renamed_and_its_operator_kinds_checked(editor, draft):
    template_update(actor=editor, draft=draft, name="餐饮服务单位乳制品专项检查表", rules="S4")
    draft.refresh_from_db()
    assert draft.name == "餐饮服务单位乳制品专项检查表"
    with pytest.raises(ValidationError):
        template_update(actor=editor, draft=draft, operator_kinds=[])
    with pytest.raises(ValidationError):
        template_update(actor=editor, draft=draft, operator_kinds=["bakery"])


def test_a_discarded_draft_leaves_the_version_in_use(editor, catering, draft):
    template_discard(actor=editor, draft=draft)
    assert template_current("catering") == catering
    assert not ChecklistTemplate.objects.filter(pk=draft.pk).exists()
    assert template_revise(actor=editor, template=catering).version == 2


def test_an_older_version_can_be_the_base_of_the_next_one(editor, catering, draft):
    template_item_delete(actor=editor, item=draft.items_in_order().get(code="labels_complete"))
    template_publish(actor=editor, draft=draft, change_note="删除标签题")
    catering.refresh_from_db()
    v3 = template_revise(actor=editor, template=catering)
    assert v3.version == 3 and v3.items_in_order().filter(code="labels_complete").exists()

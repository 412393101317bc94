import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import ChecklistTemplate, Inspection, TemplateItem, TemplateStatus
from inspections.services.templates import template_current, template_item_save, template_publish, template_revise

from ..factories import UserFactory, member, place

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def editor():
    return member("320000", AgencyKind.FDA, Role.REVIEWER, full_name="省餐饮审核")


@pytest.fixture
def viewer():
    return member("320000", AgencyKind.FDA, Role.VIEWER)


@pytest.fixture
def outsider():
    """A provincial reviewer of another department: reads the catering checklist, never edits it."""
    return member("320000", AgencyKind.AIC, Role.REVIEWER)


@pytest.fixture
def catering():
    return template_current("catering")


@pytest.fixture
def draft(editor, catering):
    return template_revise(actor=editor, template=catering)


@pytest.fixture
def api():
    return APIClient()


def expired_item(template) -> TemplateItem:
    return template.items_in_order().get(code="no_expired_dairy")


# --- pages ------------------------------------------------------------------------------


def test_the_list_shows_the_versions_in_use_with_a_draft_marker_and_exports(client, draft):
    client.force_login(member("320115", AgencyKind.FDA, Role.INSPECTOR))
    response = client.get(reverse("template_list"))
    rows = list(response.context["object_list"])
    assert {t.code for t in rows} == {
        "production_plant",
        "infant_formula_daily_log",
        "raw_milk_station",
        "farm_and_feed_mill",
        "distribution",
        "catering",
        "import_consignment",
        "black_den_sweep",
        "supervisory_inspection",
    }
    assert all(t.status == TemplateStatus.PUBLISHED for t in rows)
    catering_row = next(t for t in rows if t.code == "catering")
    assert catering_row.draft_version == 2 and catering_row.item_count == 10
    assert 'data-testid="draft-marker"' in response.content.decode()
    filtered = client.get(reverse("template_list"), {"owner_kind": AgencyKind.AGR})
    assert {t.code for t in filtered.context["object_list"]} == {"raw_milk_station", "farm_and_feed_mill"}
    every_version = client.get(reverse("template_list"), {"status": "all", "q": "catering"})
    assert [t.version for t in every_version.context["object_list"]] == [2, 1]
    export = client.get(reverse("template_list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"] == XLSX


def test_the_template_page_shows_sections_questions_and_versions_and_exports_the_questions(client, catering):
    client.force_login(member("320115", AgencyKind.FDA, Role.INSPECTOR))
    response = client.get(reverse("template_detail", args=[catering.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "无过期乳制品" in page and "一、索证索票与来源" in page
    assert [v.version for v in response.context["versions"]] == [1]
    assert not response.context["may_edit"] and 'data-testid="new-version"' not in page
    export = client.get(reverse("template_detail", args=[catering.pk]), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"] == XLSX
    by_code = client.get(reverse("template_by_code", args=["catering"]))
    assert by_code.url == reverse("template_detail", args=[catering.pk])


def test_an_account_without_a_department_sees_no_template(client, catering):
    client.force_login(UserFactory(agency=None, role=""))
    assert client.get(reverse("template_detail", args=[catering.pk])).status_code == 404


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_a_viewer_or_another_department_is_refused_every_edit_page_with_403(client, request, who, catering, draft):
    client.force_login(request.getfixturevalue(who))
    item, section = expired_item(draft), draft.sections.first()
    posts = [
        (reverse("template_revise", args=[catering.pk]), {}),
        (reverse("template_publish", args=[draft.pk]), {"change_note": "x"}),
        (reverse("template_section_add", args=[draft.pk]), {"title": "x"}),
        (reverse("template_item_delete", args=[item.pk]), {}),
        (reverse("template_item_move", args=[item.pk, "up"]), {}),
        (reverse("template_discard", args=[draft.pk]), {}),
        (reverse("template_section_delete", args=[section.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    for url in (
        reverse("template_item_edit", args=[item.pk]),
        reverse("template_item_new", args=[section.pk]),
        reverse("template_section_edit", args=[section.pk]),
        reverse("template_edit", args=[draft.pk]),
    ):
        assert client.get(url).status_code == 403, url
    draft.refresh_from_db()
    assert draft.status == TemplateStatus.DRAFT and expired_item(draft).text == "无过期乳制品"


def test_editing_a_question_of_the_published_version_is_refused_in_the_page(client, editor, catering):
    client.force_login(editor)
    item = expired_item(catering)
    page = client.get(reverse("template_item_edit", args=[item.pk]))
    assert page.url == reverse("template_detail", args=[catering.pk])
    assert [m.level_tag for m in get_messages(page.wsgi_request)] == ["error"]
    posted = client.post(
        reverse("template_item_edit", args=[item.pk]),
        {"section": item.section_id, "code": item.code, "text": "改写", "answer_type": "yes_no"},
    )
    assert posted.status_code == 302
    item.refresh_from_db()
    assert item.text == "无过期乳制品"


def test_an_editor_makes_publishes_a_new_version_in_the_pages_and_v1_stays_readable(client, editor, catering):
    client.force_login(editor)
    page = client.get(reverse("template_detail", args=[catering.pk]))
    assert 'data-testid="new-version"' in page.content.decode()
    revised = client.post(reverse("template_revise", args=[catering.pk]))
    draft = ChecklistTemplate.objects.get(code="catering", status=TemplateStatus.DRAFT)
    assert revised.url == reverse("template_detail", args=[draft.pk])

    client.post(reverse("template_section_add", args=[draft.pk]), {"title": "四、从业人员"})
    section = draft.sections.get(title="四、从业人员")
    form = client.get(reverse("template_item_new", args=[section.pk]))
    assert form.status_code == 200 and "form-select" in form.content.decode()
    added = client.post(
        reverse("template_item_new", args=[section.pk]),
        {
            "section": section.pk,
            "text": "采购人员熟悉乳制品索证索票要求",
            "code": "buyer_trained",
            "answer_type": "yes_no",
            "required": "on",
            "note_on_no": "on",
            "rule": "S4",
        },
    )
    assert added.status_code == 302
    item = expired_item(draft)
    edited = client.post(
        reverse("template_item_edit", args=[item.pk]),
        {
            "section": item.section_id,
            "text": "无超过保质期的乳制品",
            "code": item.code,
            "answer_type": "yes_no",
            "required": "on",
            "note_on_no": "on",
            "photo_on_no": "on",
            "rule": "S4",
        },
    )
    assert edited.status_code == 302

    refused = client.post(reverse("template_publish", args=[draft.pk]), {"change_note": ""})
    assert refused.status_code == 400 and refused.context["publish_form"].errors
    published = client.post(reverse("template_publish", args=[draft.pk]), {"change_note": "新增从业人员一节"})
    assert published.status_code == 302
    draft.refresh_from_db()
    catering.refresh_from_db()
    assert draft.status == TemplateStatus.PUBLISHED and draft.published_by == editor
    assert catering.status == TemplateStatus.RETIRED

    old = client.get(reverse("template_detail", args=[catering.pk]))
    assert old.status_code == 200 and "无过期乳制品" in old.content.decode()
    assert 'data-testid="superseded"' in old.content.decode()
    new = client.get(reverse("template_detail", args=[draft.pk]))
    changes = new.context["changes"]
    assert [i.code for i in changes.added] == ["buyer_trained"]
    assert [after.code for _before, after in changes.changed] == ["no_expired_dairy"]


def test_a_checklist_filed_on_v1_still_shows_v1s_question_after_v2_is_published(client, editor, catering, draft):
    inspector = member("320115", AgencyKind.FDA, Role.INSPECTOR)
    filed = Inspection.objects.create(
        template=catering,
        agency=inspector.agency,
        jurisdiction=place("320115"),
        inspector=inspector,
        inspected_on=datetime.date(2026, 9, 1),
        answers={"no_expired_dairy": {"value": "yes", "note": ""}},
    )
    template_item_save(actor=editor, draft=draft, item=expired_item(draft), text="无超过保质期的乳制品")
    template_publish(actor=editor, draft=draft, change_note="措辞调整")

    filed.refresh_from_db()
    assert filed.template == catering and filed.template.version == 1
    assert expired_item(filed.template).text == "无过期乳制品"
    assert expired_item(template_current("catering")).text == "无超过保质期的乳制品"
    client.force_login(inspector)
    page = client.get(reverse("template_detail", args=[filed.template_id])).content.decode()
    assert "无过期乳制品" in page and "无超过保质期的乳制品" not in page


def test_a_question_with_a_duplicate_code_is_shown_on_the_form_and_not_saved(client, editor, draft):
    client.force_login(editor)
    section = draft.sections.first()
    response = client.post(
        reverse("template_item_new", args=[section.pk]),
        {"section": section.pk, "text": "重复", "code": "no_expired_dairy", "answer_type": "yes_no"},
    )
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert draft.items_in_order().filter(code="no_expired_dairy").count() == 1


# --- API ----------------------------------------------------------------------------------


def test_the_api_lists_templates_with_nested_questions_filtered_by_code_and_status(api, draft):
    api.force_authenticate(member("320115", AgencyKind.FDA, Role.VIEWER))
    listed = api.get("/api/v1/checklist-templates/", {"code": "catering"}).json()["results"]
    assert [(t["version"], t["status"]) for t in listed] == [(2, "draft"), (1, "published")]
    in_use = api.get("/api/v1/checklist-templates/", {"status": "published"}).json()
    assert in_use["count"] == 9
    detail = api.get(f"/api/v1/checklist-templates/{listed[1]['id']}/").json()
    codes = [item["code"] for section in detail["sections"] for item in section["items"]]
    assert "no_expired_dairy" in codes and "dairy_source_known" in codes


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_a_viewer_or_another_department_is_refused_edits_through_the_api(api, request, who, catering, draft):
    api.force_authenticate(request.getfixturevalue(who))
    item = expired_item(draft)
    assert api.post(f"/api/v1/checklist-templates/{catering.pk}/revise/").status_code == 403
    assert api.post(f"/api/v1/checklist-templates/{draft.pk}/publish/", {"change_note": "x"}).status_code == 403
    assert api.post(f"/api/v1/checklist-templates/{draft.pk}/sections/", {"title": "x"}).status_code == 403
    assert api.patch(f"/api/v1/checklist-template-items/{item.pk}/", {"text": "x"}).status_code == 403
    assert api.delete(f"/api/v1/checklist-template-items/{item.pk}/").status_code == 403
    assert expired_item(draft).text == "无过期乳制品"


def test_an_editor_revises_edits_and_publishes_through_the_api(api, editor, catering):
    api.force_authenticate(editor)
    created = api.post(f"/api/v1/checklist-templates/{catering.pk}/revise/")
    assert created.status_code == 201 and created.json()["version"] == 2
    assert api.post(f"/api/v1/checklist-templates/{catering.pk}/revise/").status_code == 200
    draft = created.json()
    section = api.post(f"/api/v1/checklist-templates/{draft['id']}/sections/", {"title": "四、其他"}, format="json")
    assert section.status_code == 201
    new_item = api.post(
        "/api/v1/checklist-template-items/",
        {
            "section": section.json()["id"],
            "code": "storage_kind",
            "text": "乳制品贮存方式",
            "answer_type": "choice",
            "choices": ["冷藏", "常温"],
            "rule": "S4",
        },
        format="json",
    )
    assert new_item.status_code == 201 and new_item.json()["order"] == 1
    changed = api.patch(
        f"/api/v1/checklist-template-items/{new_item.json()['id']}/", {"answer_type": "text"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["choices"] == []
    duplicate = api.post(
        "/api/v1/checklist-template-items/",
        {"section": section.json()["id"], "code": "no_expired_dairy", "text": "重复", "answer_type": "yes_no"},
        format="json",
    )
    assert duplicate.status_code == 400 and "code" in duplicate.json()
    no_note = api.post(f"/api/v1/checklist-templates/{draft['id']}/publish/", {"change_note": " "}, format="json")
    assert no_note.status_code == 400
    published = api.post(f"/api/v1/checklist-templates/{draft['id']}/publish/", {"change_note": "新增"}, format="json")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["published_by"] == "省餐饮审核"
    old = api.get(f"/api/v1/checklist-templates/{catering.pk}/").json()
    assert old["status"] == "retired" and "storage_kind" not in str(old["sections"])


def test_a_question_of_a_published_version_is_refused_through_the_api_with_a_400(api, editor, catering):
    api.force_authenticate(editor)
    item = expired_item(catering)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = api.patch(f"/api/v1/checklist-template-items/{item.pk}/", {"text": "改写"}, format="json")
    assert refused.status_code == 400 and "cannot be changed" in str(refused.json())
    assert api.delete(f"/api/v1/checklist-template-items/{item.pk}/").status_code == 400
    created = api.post(
        "/api/v1/checklist-template-items/",
        {"section": item.section_id, "code": "new_one", "text": "新题", "answer_type": "yes_no"},
        format="json",
    )
    assert created.status_code == 400
    item.refresh_from_db()
    assert item.text == "无过期乳制品"


def test_the_api_refuses_anonymous_callers(api, catering):
    assert api.get("/api/v1/checklist-templates/").status_code in (401, 403)


def test_the_checklist_templates_are_in_every_members_menu(client):
    client.force_login(member("320115", AgencyKind.GOV, Role.VIEWER))
    response = client.get(reverse("template_list"))
    menu = response.context["nav_menu"]
    urls = [node["entry"]["url"] for node in menu if "entry" in node]
    urls += [entry["url"] for node in menu for entry in node.get("entries", [])]
    assert reverse("template_list") in urls

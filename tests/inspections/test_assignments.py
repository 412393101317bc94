"""Assignments: reviewers give operators to inspectors (逐家排查, S2/S4), inspectors work
through their task list, and a task closes when its checklist is approved."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import Assignment, AssignmentSource, AssignmentStatus, InspectionStatus, TemplateStatus
from inspections.services.assignments import assignment_cancel, assignment_create, assignments_plan, task_list
from inspections.services.filing import inspection_save_draft, inspection_start, inspection_submit
from inspections.services.review import inspection_approve
from licensing.models import OperatorKind, OperatorStatus

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories import GOOD_ANSWERS, AssignmentFactory, TemplateFactory

TODAY = datetime.date(2026, 11, 27)
DUE = datetime.date(2026, 12, 10)


NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today_in_english():
    with time_machine.travel(NOW, tick=False):
        yield


def assign(reviewer, inspector, template, operator, **overrides):
    kwargs = {"due_on": DUE, "template_code": template.code, "operator": operator, **overrides}
    return assignment_create(actor=reviewer, inspector=inspector, **kwargs)


# assignment_create


def test_a_reviewer_assigns_an_operator_and_the_inspector_is_notified(
    fda_reviewer, fda_inspector, catering_template, restaurant
):
    task = assign(fda_reviewer, fda_inspector, catering_template, restaurant, note=" 重点检查冷藏 ")
    task.refresh_from_db()
    assert task.status == AssignmentStatus.OPEN and task.source == AssignmentSource.MANUAL
    assert task.agency == fda_reviewer.agency and task.jurisdiction == restaurant.county
    assert task.assigned_by == fda_reviewer and task.inspector == fda_inspector
    assert task.template_code == catering_template.code and task.due_on == DUE and task.note == "重点检查冷藏"
    assert task.history.get().history_change_reason == "Assigned"
    note = fda_inspector.notifications.get()
    assert "1 inspection(s) assigned" in note.title and "2026-12-10" in note.title


@pytest.mark.parametrize("who", ["fda_inspector", "fda_viewer"])
def test_only_a_reviewer_assigns(request, who, fda_colleague, catering_template, restaurant):
    with pytest.raises(PermissionDenied):
        assign(request.getfixturevalue(who), fda_colleague, catering_template, restaurant)
    assert not Assignment.objects.exists()


def test_a_reviewer_may_assign_the_task_to_themself(fda_reviewer, catering_template, restaurant):
    assert assign(fda_reviewer, fda_reviewer, catering_template, restaurant).inspector == fda_reviewer


@pytest.mark.parametrize(
    "make_inspector",
    [
        lambda: member("320115", AgencyKind.QTS, Role.INSPECTOR),
        lambda: member("320102", AgencyKind.FDA, Role.INSPECTOR),
        lambda: member("320100", AgencyKind.FDA, Role.INSPECTOR),
        lambda: member("320115", AgencyKind.FDA, Role.INSPECTOR, is_active=False),
        lambda: member("320115", AgencyKind.FDA, Role.VIEWER),
        lambda: member("320115", AgencyKind.FDA, Role.CLERK),
    ],
    ids=["other-department", "other-county", "city-level", "inactive", "viewer", "clerk"],
)
def test_the_inspector_must_be_an_active_field_member_of_the_reviewers_department(
    make_inspector, fda_reviewer, catering_template, restaurant
):
    with pytest.raises(ValidationError) as refused:
        assign(fda_reviewer, make_inspector(), catering_template, restaurant)
    assert "inspector" in refused.value.message_dict


def test_the_due_date_cannot_be_in_the_past_but_may_be_today(
    fda_reviewer, fda_inspector, catering_template, restaurant
):
    with pytest.raises(ValidationError) as refused:
        assign(fda_reviewer, fda_inspector, catering_template, restaurant, due_on=TODAY - datetime.timedelta(days=1))
    assert "due_on" in refused.value.message_dict
    assert assign(fda_reviewer, fda_inspector, catering_template, restaurant, due_on=TODAY).due_on == TODAY


def test_s2_the_checklist_must_be_for_the_operators_kind(fda_reviewer, fda_inspector, catering_template):
    producer = OperatorFactory(kind=OperatorKind.DAIRY_PRODUCER)
    with pytest.raises(ValidationError, match="not for this kind of operator"):
        assign(fda_reviewer, fda_inspector, catering_template, producer)


def test_the_checklist_must_be_in_use_and_of_the_reviewers_department(fda_reviewer, fda_inspector, restaurant):
    draft = TemplateFactory(status=TemplateStatus.DRAFT)
    qts = TemplateFactory(owner_kind=AgencyKind.QTS)
    for template in (draft, qts):
        with pytest.raises(ValidationError) as refused:
            assign(fda_reviewer, fda_inspector, template, restaurant)
        assert "template_code" in refused.value.message_dict
    assert not Assignment.objects.exists()


def test_the_operator_must_be_within_the_reviewers_jurisdiction(fda_reviewer, fda_inspector, catering_template):
    elsewhere = OperatorFactory(kind=OperatorKind.CATERING, county=place("320102"))
    with pytest.raises(ValidationError, match="within your jurisdiction"):
        assign(fda_reviewer, fda_inspector, catering_template, elsewhere)


def test_an_operator_checklist_needs_an_operator(fda_reviewer, fda_inspector, catering_template):
    with pytest.raises(ValidationError) as refused:
        assign(fda_reviewer, fda_inspector, catering_template, None)
    assert "operator" in refused.value.message_dict


# assignments_plan (逐家排查)


@pytest.fixture
def county_register(db):
    """Jiangning's catering units: five operating, one banned, one closed; plus a producer,
    an unlicensed den and a restaurant in the next county."""
    operating = [OperatorFactory(kind=OperatorKind.CATERING, name=f"江宁餐饮{i}") for i in range(5)]
    OperatorFactory(kind=OperatorKind.CATERING, name="江宁餐饮-取缔", status=OperatorStatus.BANNED)
    OperatorFactory(kind=OperatorKind.CATERING, name="江宁餐饮-关闭", status=OperatorStatus.CLOSED)
    OperatorFactory(kind=OperatorKind.DAIRY_PRODUCER)
    OperatorFactory(kind=OperatorKind.UNLICENSED, credit_code=None)
    OperatorFactory(kind=OperatorKind.CATERING, name="玄武餐饮", county=place("320102"))
    return operating


def plan(reviewer, template, inspectors, **overrides):
    kwargs = {"template_code": template.code, "operator_kinds": [OperatorKind.CATERING], "due_on": DUE, **overrides}
    return assignments_plan(actor=reviewer, inspectors=inspectors, **kwargs)


def test_s2_s4_plan_gives_every_operating_operator_of_the_county_one_task_in_turn(
    fda_reviewer, fda_inspector, fda_colleague, catering_template, county_register
):
    created = plan(fda_reviewer, catering_template, [fda_inspector, fda_colleague])
    assert created == 5
    tasks = list(Assignment.objects.order_by("operator__name"))
    assert [t.operator for t in tasks] == sorted(county_register, key=lambda o: o.name)
    assert [t.inspector for t in tasks] == [fda_inspector, fda_colleague] * 2 + [fda_inspector]
    for task in tasks:
        assert task.source == AssignmentSource.PLAN and task.status == AssignmentStatus.OPEN
        assert task.template_code == catering_template.code and task.due_on == DUE
        assert task.agency == fda_reviewer.agency and task.assigned_by == fda_reviewer
        assert task.jurisdiction_id == "320115"


def test_s2_s4_plan_skips_banned_and_closed_operators_and_other_counties(
    fda_reviewer, fda_inspector, catering_template, county_register
):
    plan(fda_reviewer, catering_template, [fda_inspector])
    planned = set(Assignment.objects.values_list("operator__name", flat=True))
    assert planned == {o.name for o in county_register}
    assert not Assignment.objects.filter(operator__county_id="320102").exists()


def test_s2_s4_plan_notifies_each_inspector_once_with_their_count(
    fda_reviewer, fda_inspector, fda_colleague, catering_template, county_register
):
    plan(fda_reviewer, catering_template, [fda_inspector, fda_colleague])
    assert "3 inspection(s) assigned" in fda_inspector.notifications.get().title
    assert "2 inspection(s) assigned" in fda_colleague.notifications.get().title


def test_s2_s4_a_second_plan_run_creates_no_task_and_sends_nothing(
    fda_reviewer, fda_inspector, catering_template, county_register
):
    plan(fda_reviewer, catering_template, [fda_inspector])
    assert plan(fda_reviewer, catering_template, [fda_inspector]) == 0
    assert Assignment.objects.count() == 5
    assert fda_inspector.notifications.count() == 1


def test_s2_s4_a_later_plan_run_adds_only_operators_registered_since(
    fda_reviewer, fda_inspector, catering_template, county_register
):
    plan(fda_reviewer, catering_template, [fda_inspector])
    newcomer = OperatorFactory(kind=OperatorKind.CATERING, name="江宁新开餐饮")
    assert plan(fda_reviewer, catering_template, [fda_inspector]) == 1
    assert Assignment.objects.filter(operator=newcomer).count() == 1


def test_s2_s4_a_plan_run_after_the_tasks_are_done_creates_no_task(
    fda_reviewer, fda_inspector, catering_template, county_register
):
    plan(fda_reviewer, catering_template, [fda_inspector])
    Assignment.objects.update(status=AssignmentStatus.DONE)
    assert plan(fda_reviewer, catering_template, [fda_inspector]) == 0


def test_s2_s4_a_plan_run_gives_a_new_task_for_a_cancelled_one(
    fda_reviewer, fda_inspector, fda_colleague, catering_template, county_register
):
    plan(fda_reviewer, catering_template, [fda_inspector])
    cancelled = Assignment.objects.get(operator=county_register[0])
    assignment_cancel(actor=fda_reviewer, assignment=cancelled, reason="改派")
    assert plan(fda_reviewer, catering_template, [fda_colleague]) == 1
    replacement = Assignment.objects.exclude(pk=cancelled.pk).get(operator=county_register[0])
    assert replacement.inspector == fda_colleague and replacement.status == AssignmentStatus.OPEN


def test_s2_s4_planned_tasks_keep_who_assigned_them_in_their_history(
    fda_reviewer, fda_inspector, catering_template, county_register
):
    plan(fda_reviewer, catering_template, [fda_inspector])
    history = Assignment.history.all()
    assert history.count() == 5
    assert {(h.history_user_id, h.history_type) for h in history} == {(fda_reviewer.pk, "+")}


def test_s2_s4_a_city_reviewer_plans_every_county_of_the_city(fda_inspector, catering_template, county_register):
    city_reviewer = member("320100", AgencyKind.FDA, Role.REVIEWER)
    city_inspector = member("320100", AgencyKind.FDA, Role.INSPECTOR)
    assert plan(city_reviewer, catering_template, [city_inspector]) == 6
    xuanwu = Assignment.objects.get(operator__county_id="320102")
    assert xuanwu.jurisdiction_id == "320102" and xuanwu.agency == city_reviewer.agency


def test_s2_s4_plan_is_refused_for_a_kind_the_checklist_does_not_cover(
    fda_reviewer, fda_inspector, catering_template, county_register
):
    with pytest.raises(ValidationError, match="not for this kind of operator"):
        plan(
            fda_reviewer,
            catering_template,
            [fda_inspector],
            operator_kinds=[OperatorKind.CATERING, OperatorKind.DAIRY_PRODUCER],
        )
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"operator_kinds": []}, "operator_kinds"),
        ({"due_on": TODAY - datetime.timedelta(days=1)}, "due_on"),
    ],
    ids=["no-kind", "past-due-date"],
)
def test_s2_s4_plan_is_refused_without_kinds_or_with_a_past_due_date(
    overrides, field, fda_reviewer, fda_inspector, catering_template, county_register
):
    with pytest.raises(ValidationError) as refused:
        plan(fda_reviewer, catering_template, [fda_inspector], **overrides)
    assert field in refused.value.message_dict
    assert not Assignment.objects.exists()


def test_s2_s4_plan_needs_inspectors_of_the_reviewers_department(
    fda_reviewer, fda_inspector, catering_template, county_register
):
    with pytest.raises(ValidationError) as refused:
        plan(fda_reviewer, catering_template, [])
    assert "inspectors" in refused.value.message_dict
    outsider = member("320102", AgencyKind.FDA, Role.INSPECTOR)
    with pytest.raises(ValidationError) as refused:
        plan(fda_reviewer, catering_template, [fda_inspector, outsider])
    assert "inspector" in refused.value.message_dict
    assert not Assignment.objects.exists()


def test_s2_s4_only_a_reviewer_plans(fda_inspector, catering_template, county_register):
    with pytest.raises(PermissionDenied):
        plan(fda_inspector, catering_template, [fda_inspector])
    assert not Assignment.objects.exists()


# assignment_cancel


@pytest.fixture
def task(fda_reviewer, fda_inspector, catering_template, restaurant):
    return assign(fda_reviewer, fda_inspector, catering_template, restaurant)


def test_a_reviewer_cancels_a_task_with_a_reason(task, fda_reviewer, fda_inspector):
    assignment_cancel(actor=fda_reviewer, assignment=task, reason="该店已停业")
    task.refresh_from_db()
    assert task.status == AssignmentStatus.CANCELLED
    assert task.history.first().history_change_reason == "该店已停业"
    assert list(task_list(fda_inspector)) == []


def test_a_cancellation_needs_a_reason(task, fda_reviewer):
    with pytest.raises(ValidationError) as refused:
        assignment_cancel(actor=fda_reviewer, assignment=task, reason="  ")
    assert "reason" in refused.value.message_dict
    task.refresh_from_db()
    assert task.status == AssignmentStatus.OPEN


@pytest.mark.parametrize("who", ["fda_inspector", "fda_viewer", "other_county_fda"])
def test_only_a_reviewer_of_the_department_and_county_cancels(request, who, task):
    with pytest.raises(PermissionDenied):
        assignment_cancel(actor=request.getfixturevalue(who), assignment=task, reason="重复派发")
    task.refresh_from_db()
    assert task.status == AssignmentStatus.OPEN


def test_a_reviewer_of_another_department_cannot_cancel(task):
    qts_reviewer = member("320115", AgencyKind.QTS, Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        assignment_cancel(actor=qts_reviewer, assignment=task, reason="重复派发")


@pytest.mark.parametrize("closed", [AssignmentStatus.DONE, AssignmentStatus.CANCELLED])
def test_a_closed_task_cannot_be_cancelled(closed, task, fda_reviewer):
    Assignment.objects.filter(pk=task.pk).update(status=closed)
    task.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        assignment_cancel(actor=fda_reviewer, assignment=task, reason="重复派发")


def test_an_in_progress_task_can_be_cancelled(task, fda_reviewer, fda_inspector):
    inspection_start(actor=fda_inspector, assignment=task)
    task.refresh_from_db()
    assignment_cancel(actor=fda_reviewer, assignment=task, reason="改派他人")
    task.refresh_from_db()
    assert task.status == AssignmentStatus.CANCELLED
    with pytest.raises(ValidationError, match="closed"):
        inspection_start(actor=fda_inspector, assignment=task)


# task_list


def test_the_task_list_shows_only_my_pending_tasks_overdue_first(fda_inspector, fda_colleague, catering_template):
    def make(inspector, due, status=AssignmentStatus.OPEN):
        operator = OperatorFactory(kind=OperatorKind.CATERING)
        return AssignmentFactory(
            inspector=inspector, operator=operator, template_code=catering_template.code, due_on=due, status=status
        )

    later = make(fda_inspector, datetime.date(2026, 12, 20))
    overdue = make(fda_inspector, datetime.date(2026, 11, 20), AssignmentStatus.IN_PROGRESS)
    today = make(fda_inspector, TODAY)
    make(fda_inspector, datetime.date(2026, 11, 1), AssignmentStatus.DONE)
    make(fda_inspector, datetime.date(2026, 11, 2), AssignmentStatus.CANCELLED)
    make(fda_colleague, datetime.date(2026, 11, 3))

    assert list(task_list(fda_inspector)) == [overdue, today, later]
    assert len(task_list(fda_colleague)) == 1


# from task to approved checklist


def test_starting_the_checklist_moves_the_task_in_progress_and_approval_marks_it_done(
    task, fda_reviewer, fda_inspector, restaurant, catering_template
):
    inspection = inspection_start(actor=fda_inspector, assignment=task)
    task.refresh_from_db()
    assert task.status == AssignmentStatus.IN_PROGRESS
    assert inspection.assignment == task and inspection.operator == restaurant
    assert inspection.template == catering_template and inspection.inspected_on == TODAY
    assert inspection_start(actor=fda_inspector, assignment=task) == inspection

    inspection_save_draft(actor=fda_inspector, inspection=inspection, revision=1, answers=GOOD_ANSWERS)
    inspection_submit(actor=fda_inspector, inspection=inspection, signed_name="王检查", confirm=True, revision=2)
    task.refresh_from_db()
    assert task.status == AssignmentStatus.IN_PROGRESS
    assert list(task_list(fda_inspector)) == [task]

    inspection_approve(actor=fda_reviewer, inspection=inspection)
    task.refresh_from_db()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.APPROVED and task.status == AssignmentStatus.DONE
    assert list(task_list(fda_inspector)) == []
    with pytest.raises(ValidationError, match="closed"):
        inspection_start(actor=fda_inspector, assignment=task)


def test_a_task_is_started_only_by_its_department_in_its_county(task, other_county_fda):
    qts_inspector = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    for outsider in (qts_inspector, other_county_fda):
        with pytest.raises(PermissionDenied):
            inspection_start(actor=outsider, assignment=task)
    task.refresh_from_db()
    assert task.status == AssignmentStatus.OPEN and not task.inspections.exists()

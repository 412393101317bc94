"""Measures (S4, L5, C1): what the inspector does on the spot, what waits for the reviewer,
and the re-inspection a rectification order brings when its deadline comes."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import CaseStatus, SourceKind
from cases.selectors import cases_for_sources
from dairy_campaign.choices import AgencyKind, Role
from inspections.models import (
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    InspectionStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Subject,
)
from inspections.services.filing import inspection_save_draft, inspection_start, inspection_submit
from inspections.services.measures import measure_record, measure_remove, reinspections_create_due
from inspections.services.review import inspection_approve, inspection_return
from licensing.models import OperatorKind, OperatorStatus

from ..factories import member, place
from ..licensing.factories import LicenceFactory, OperatorFactory
from .factories import GOOD_ANSWERS, TemplateFactory

INSPECTED_ON = datetime.date(2026, 11, 20)
DEADLINE = datetime.date(2026, 11, 25)
NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today_in_english():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def draft(fda_inspector, catering_template, restaurant):
    return inspection_start(
        actor=fda_inspector, template=catering_template, operator=restaurant, inspected_on=INSPECTED_ON
    )


def fill_and_sign(inspection, actor, answers=GOOD_ANSWERS):
    inspection.refresh_from_db()
    inspection_save_draft(actor=actor, inspection=inspection, revision=inspection.revision, answers=answers)
    inspection.refresh_from_db()
    return inspection_submit(
        actor=actor, inspection=inspection, signed_name=actor.full_name, confirm=True, revision=inspection.revision
    )


def reload(record):
    record.refresh_from_db()
    return record


DESTROYED = {
    "description": "过期乳制品",
    "product": "纯牛奶250ml",
    "quantity": Decimal("24"),
    "unit": "盒",
    "witness": "店主张某",
}


# S4: destruction on the spot


@pytest.mark.parametrize("kind", [MeasureKind.STOP_AND_DESTROY, MeasureKind.DESTROY_EXPIRED])
@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"product": " "}, "product"),
        ({"quantity": None}, "quantity"),
        ({"quantity": Decimal("0")}, "quantity"),
        ({"quantity": Decimal("-3")}, "quantity"),
        ({"unit": ""}, "unit"),
        ({"witness": "  "}, "witness"),
    ],
    ids=["no-product", "no-quantity", "zero-quantity", "negative-quantity", "no-unit", "no-witness"],
)
def test_s4_destruction_needs_product_quantity_unit_and_witness(kind, missing, field, draft, fda_inspector):
    with pytest.raises(ValidationError) as refused:
        measure_record(actor=fda_inspector, inspection=draft, kind=kind, **{**DESTROYED, **missing})
    assert field in refused.value.message_dict
    assert not Measure.objects.exists()


@pytest.mark.parametrize("kind", [MeasureKind.STOP_AND_DESTROY, MeasureKind.DESTROY_EXPIRED])
def test_s4_a_complete_destruction_is_recorded_as_typed(kind, draft, fda_inspector):
    measure = measure_record(actor=fda_inspector, inspection=draft, kind=kind, **{**DESTROYED, "witness": " 店主张某 "})
    measure = reload(measure)
    assert measure.status == MeasureStatus.RECORDED and measure.recorded_by == fda_inspector
    assert (measure.product, measure.quantity, measure.unit, measure.witness) == ("纯牛奶250ml", 24, "盒", "店主张某")


def test_s4_destruction_carries_no_deadline(draft, fda_inspector):
    with pytest.raises(ValidationError) as refused:
        measure_record(
            actor=fda_inspector,
            inspection=draft,
            kind=MeasureKind.DESTROY_EXPIRED,
            deadline=DEADLINE,
            **DESTROYED,
        )
    assert "deadline" in refused.value.message_dict


# S4: rectification by a deadline


def test_s4_rectification_needs_a_deadline(draft, fda_inspector):
    with pytest.raises(ValidationError) as refused:
        measure_record(actor=fda_inspector, inspection=draft, kind=MeasureKind.RECTIFY, description="贮存条件差")
    assert "deadline" in refused.value.message_dict


@pytest.mark.parametrize("days", [-3, 0], ids=["before-the-inspection", "the-inspection-day"])
def test_s4_rectification_deadline_falls_after_the_inspection_day(days, draft, fda_inspector):
    with pytest.raises(ValidationError) as refused:
        measure_record(
            actor=fda_inspector,
            inspection=draft,
            kind=MeasureKind.RECTIFY,
            description="贮存条件差",
            deadline=INSPECTED_ON + datetime.timedelta(days=days),
        )
    assert "deadline" in refused.value.message_dict


def test_s4_rectification_due_the_next_day_is_recorded(draft, fda_inspector):
    measure = measure_record(
        actor=fda_inspector,
        inspection=draft,
        kind=MeasureKind.RECTIFY,
        description="贮存条件差",
        deadline=INSPECTED_ON + datetime.timedelta(days=1),
    )
    assert reload(measure).deadline == datetime.date(2026, 11, 21)


def test_a_measure_states_its_finding(draft, fda_inspector):
    with pytest.raises(ValidationError) as refused:
        measure_record(actor=fda_inspector, inspection=draft, kind=MeasureKind.TRACE_SOURCE)
    assert "description" in refused.value.message_dict


def test_unknown_measures_and_fields_are_refused(draft, fda_inspector):
    with pytest.raises(ValidationError, match="Choose a measure"):
        measure_record(actor=fda_inspector, inspection=draft, kind="warning", description="x")
    with pytest.raises(ValidationError, match="Unknown fields: status"):
        measure_record(
            actor=fda_inspector, inspection=draft, kind=MeasureKind.TRACE_SOURCE, description="x", status="done"
        )
    assert not Measure.objects.exists()


def test_measures_against_an_operator_need_an_operator(fda_inspector):
    supervisory = TemplateFactory(subject=Subject.JURISDICTION, operator_kinds=[])
    inspection = inspection_start(actor=fda_inspector, template=supervisory, jurisdiction=place("320115"))
    for kind in (MeasureKind.RECTIFY, MeasureKind.BAN_UNLICENSED, MeasureKind.BAN_BLACK_DEN):
        with pytest.raises(ValidationError, match="against an operator"):
            measure_record(actor=fda_inspector, inspection=inspection, kind=kind, description="x", deadline=DEADLINE)


# Measures only on editable checklists, by the department that files them


def test_measures_are_recorded_only_while_the_checklist_is_editable(draft, fda_inspector, fda_reviewer):
    trace = measure_record(actor=fda_inspector, inspection=draft, kind=MeasureKind.TRACE_SOURCE, description="来源不明")
    fill_and_sign(draft, fda_inspector)
    with pytest.raises(ValidationError, match="submitted"):
        measure_record(actor=fda_inspector, inspection=reload(draft), kind=MeasureKind.OPEN_CASE, description="x")
    with pytest.raises(ValidationError, match="submitted"):
        measure_remove(actor=fda_inspector, measure=trace)

    inspection_return(actor=fda_reviewer, inspection=draft, note="补充溯源措施")
    added = measure_record(actor=fda_inspector, inspection=reload(draft), kind=MeasureKind.OPEN_CASE, description="x")
    assert added.pk

    fill_and_sign(draft, fda_inspector)
    inspection_approve(actor=fda_reviewer, inspection=draft)
    with pytest.raises(ValidationError, match="submitted"):
        measure_record(actor=fda_inspector, inspection=reload(draft), kind=MeasureKind.OPEN_CASE, description="y")
    assert draft.measures.count() == 2


def test_a_measure_is_removed_from_a_draft_with_its_history(draft, fda_inspector):
    measure = measure_record(actor=fda_inspector, inspection=draft, kind=MeasureKind.TRACE_SOURCE, description="x")
    measure_remove(actor=fda_inspector, measure=measure)
    assert not draft.measures.exists()
    assert Measure.history.filter(history_type="-").get().history_change_reason == "Measure removed from the draft"


@pytest.mark.parametrize("who", ["fda_viewer", "other_county_fda"])
def test_outsiders_and_viewers_record_no_measure(request, who, draft):
    with pytest.raises(PermissionDenied):
        measure_record(
            actor=request.getfixturevalue(who), inspection=draft, kind=MeasureKind.TRACE_SOURCE, description="x"
        )


def test_another_department_records_no_measure_on_the_checklist(draft):
    qts = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    with pytest.raises(PermissionDenied):
        measure_record(actor=qts, inspection=draft, kind=MeasureKind.TRACE_SOURCE, description="x")


# On submit and on approval


def test_s4_on_submit_destruction_is_done_and_orders_are_in_effect(draft, fda_inspector):
    def record(kind, **fields):
        return measure_record(actor=fda_inspector, inspection=draft, kind=kind, **fields)

    destroyed = record(MeasureKind.STOP_AND_DESTROY, **{**DESTROYED, "description": "来源不明乳粉"})
    expired = record(MeasureKind.DESTROY_EXPIRED, **DESTROYED)
    rectify = record(MeasureKind.RECTIFY, description="贮存条件差", deadline=DEADLINE)
    trace = record(MeasureKind.TRACE_SOURCE, description="追查供货商")
    case = record(MeasureKind.OPEN_CASE, description="涉嫌经营来源不明乳制品")

    submitted = fill_and_sign(draft, fda_inspector)

    assert submitted.outcome == Outcome.PROBLEMS
    assert reload(destroyed).status == MeasureStatus.DONE and reload(expired).status == MeasureStatus.DONE
    assert reload(rectify).status == MeasureStatus.IN_EFFECT and reload(trace).status == MeasureStatus.IN_EFFECT
    assert reload(case).status == MeasureStatus.RECORDED
    assert destroyed.history.first().history_user == fda_inspector


def test_a_case_is_referred_on_approval_not_on_submission_or_return(draft, fda_inspector, fda_reviewer):
    case = measure_record(
        actor=fda_inspector, inspection=draft, kind=MeasureKind.OPEN_CASE, description="涉嫌经营来源不明乳制品"
    )
    fill_and_sign(draft, fda_inspector)
    inspection_return(actor=fda_reviewer, inspection=draft, note="补充照片")
    assert reload(case).status == MeasureStatus.RECORDED
    fill_and_sign(draft, fda_inspector)
    inspection_approve(actor=fda_reviewer, inspection=draft)
    assert reload(case).status == MeasureStatus.REFERRED
    assert case.history.first().history_user == fda_reviewer


def test_c2_an_approved_open_a_case_measure_arrives_as_a_clue_of_the_department(draft, fda_inspector, fda_reviewer):
    measure = measure_record(
        actor=fda_inspector, inspection=draft, kind=MeasureKind.OPEN_CASE, description="涉嫌经营来源不明乳制品"
    )
    fill_and_sign(draft, fda_inspector)
    inspection_approve(actor=fda_reviewer, inspection=draft)
    clue = cases_for_sources([measure])[measure.pk]
    assert (clue.status, clue.source_kind, clue.agency, clue.operator) == (
        CaseStatus.CLUE,
        SourceKind.INSPECTION,
        draft.agency,
        draft.operator,
    )
    assert (
        clue.facts == "涉嫌经营来源不明乳制品" and clue.number in reload(measure).history.first().history_change_reason
    )


# L5: unlicensed dairy sellers


@pytest.fixture
def aic_inspector(db):
    return member("320115", AgencyKind.AIC, Role.INSPECTOR, full_name="钱工商")


@pytest.fixture
def aic_reviewer(db):
    return member("320115", AgencyKind.AIC, Role.REVIEWER, full_name="孙科长")


@pytest.fixture
def seller_template(db):
    return TemplateFactory(
        name="流通环节乳制品检查表",
        operator_kinds=[OperatorKind.WHOLESALER, OperatorKind.SUPERMARKET, OperatorKind.SMALL_RETAILER],
        owner_kind=AgencyKind.AIC,
        rules="S3 L5",
    )


@pytest.fixture
def retailer(db):
    return OperatorFactory(kind=OperatorKind.SMALL_RETAILER, name="江宁某某便利店")


@pytest.fixture
def seller_draft(aic_inspector, seller_template, retailer):
    return inspection_start(actor=aic_inspector, template=seller_template, operator=retailer, inspected_on=INSPECTED_ON)


def ban_unlicensed(inspector, inspection):
    return measure_record(
        actor=inspector,
        inspection=inspection,
        kind=MeasureKind.BAN_UNLICENSED,
        description="无乳制品经营许可销售乳制品",
        document_number="宁江工商取字〔2026〕8号",
    )


def test_l5_ban_of_an_unlicensed_seller_takes_effect_only_when_the_reviewer_approves(
    seller_draft, aic_inspector, aic_reviewer, retailer
):
    ban = ban_unlicensed(aic_inspector, seller_draft)
    fill_and_sign(seller_draft, aic_inspector)
    assert reload(ban).status == MeasureStatus.RECORDED
    assert reload(retailer).status == OperatorStatus.OPERATING

    inspection_return(actor=aic_reviewer, inspection=seller_draft, note="补充证据")
    assert reload(retailer).status == OperatorStatus.OPERATING

    fill_and_sign(seller_draft, aic_inspector)
    inspection_approve(actor=aic_reviewer, inspection=seller_draft)
    assert reload(ban).status == MeasureStatus.DONE
    assert reload(retailer).status == OperatorStatus.BANNED
    banned = retailer.history.first()
    assert banned.history_user == aic_reviewer
    assert "无乳制品经营许可销售乳制品" in banned.history_change_reason
    assert "宁江工商取字〔2026〕8号" in banned.history_change_reason


def test_l5_a_seller_licensed_for_dairy_is_not_banned_as_unlicensed(seller_draft, aic_inspector, retailer):
    LicenceFactory(type="distribution", status="granted", scope=["dairy"], operator=retailer)
    with pytest.raises(ValidationError, match="L5"):
        ban_unlicensed(aic_inspector, seller_draft)
    assert not Measure.objects.exists()


@pytest.mark.parametrize(
    ("status", "scope"),
    [("granted", ["prepackaged", "bulk"]), ("revoked", ["dairy"]), ("applied", ["dairy"])],
    ids=["licence-without-dairy", "revoked-dairy-licence", "dairy-applied-for"],
)
def test_l5_a_seller_without_a_valid_dairy_licence_may_be_banned(status, scope, seller_draft, aic_inspector, retailer):
    LicenceFactory(type="distribution", status=status, scope=scope, operator=retailer)
    assert ban_unlicensed(aic_inspector, seller_draft).pk


# C1: black dens


@pytest.fixture
def den(db):
    return OperatorFactory(kind=OperatorKind.UNLICENSED, name="城郊出租仓库私灌奶粉点", credit_code=None)


@pytest.fixture
def den_template(db):
    return TemplateFactory(
        name="黑窝点检查表", operator_kinds=[OperatorKind.UNLICENSED], owner_kind=AgencyKind.AIC, rules="C1"
    )


def test_c1_a_black_den_ban_is_refused_for_a_registered_operator(draft, fda_inspector, seller_draft, aic_inspector):
    for inspector, inspection in ((fda_inspector, draft), (aic_inspector, seller_draft)):
        with pytest.raises(ValidationError, match="C1"):
            measure_record(actor=inspector, inspection=inspection, kind=MeasureKind.BAN_BLACK_DEN, description="x")
    assert not Measure.objects.exists()


def test_c1_a_black_den_is_banned_when_the_reviewer_approves(den, den_template, aic_inspector, aic_reviewer):
    inspection = inspection_start(actor=aic_inspector, template=den_template, operator=den, inspected_on=INSPECTED_ON)
    ban = measure_record(
        actor=aic_inspector, inspection=inspection, kind=MeasureKind.BAN_BLACK_DEN, description="无证灌装乳粉"
    )
    fill_and_sign(inspection, aic_inspector)
    assert reload(den).status == OperatorStatus.OPERATING
    inspection_approve(actor=aic_reviewer, inspection=inspection)
    assert reload(den).status == OperatorStatus.BANNED and reload(ban).status == MeasureStatus.DONE


# S4: the rectification order and its re-inspection


@pytest.fixture
def order(draft, fda_inspector):
    measure = measure_record(
        actor=fda_inspector,
        inspection=draft,
        kind=MeasureKind.RECTIFY,
        description="冷藏柜温度超标",
        deadline=DEADLINE,
        document_number="宁江食药责改〔2026〕12号",
    )
    fill_and_sign(draft, fda_inspector)
    return reload(measure)


def test_rectification_deadline_creates_the_reinspection_task(
    order, draft, fda_inspector, restaurant, catering_template
):
    assert order.status == MeasureStatus.IN_EFFECT
    assert reinspections_create_due(today=DEADLINE - datetime.timedelta(days=1)) == []
    assert not Assignment.objects.exists()

    [task] = reinspections_create_due(today=DEADLINE)

    task = reload(task)
    assert task.source == AssignmentSource.REINSPECTION and task.origin_measure == order
    assert task.status == AssignmentStatus.OPEN
    assert task.inspector == fda_inspector and task.assigned_by == fda_inspector
    assert task.agency == draft.agency and task.jurisdiction == restaurant.county and task.operator == restaurant
    assert task.template_code == catering_template.code
    assert task.due_on == DEADLINE + datetime.timedelta(days=7)
    assert "2026-11-25" in task.note and "冷藏柜温度超标" in task.note
    assert task.history.get().history_change_reason == "Rectification deadline reached"
    assert fda_inspector.notifications.filter(title__contains="Re-inspection due").count() == 1

    assert reinspections_create_due(today=DEADLINE + datetime.timedelta(days=1)) == []
    assert Assignment.objects.count() == 1
    assert fda_inspector.notifications.filter(title__contains="Re-inspection due").count() == 1


def test_rectification_reinspection_is_due_a_week_after_the_run_that_finds_it(order):
    [task] = reinspections_create_due(today=datetime.date(2026, 11, 27))
    assert task.due_on == datetime.date(2026, 12, 4)


def test_rectification_reinspection_of_an_approved_checklist_is_assigned_by_its_reviewer(
    order, draft, fda_reviewer, fda_inspector
):
    inspection_approve(actor=fda_reviewer, inspection=draft)
    [task] = reinspections_create_due(today=DEADLINE)
    assert task.assigned_by == fda_reviewer and task.inspector == fda_inspector


def test_rectification_reinspection_creates_one_task_per_due_order(draft, fda_inspector, restaurant):
    for deadline in (DEADLINE, DEADLINE, datetime.date(2026, 12, 5)):
        measure_record(
            actor=fda_inspector, inspection=draft, kind=MeasureKind.RECTIFY, description="整改", deadline=deadline
        )
    fill_and_sign(draft, fda_inspector)
    assert len(reinspections_create_due(today=DEADLINE)) == 2
    assert len(reinspections_create_due(today=datetime.date(2026, 12, 5))) == 1
    assert Assignment.objects.filter(source=AssignmentSource.REINSPECTION).count() == 3


def test_rectification_orders_of_drafts_and_returned_checklists_bring_no_reinspection(
    draft, fda_inspector, fda_reviewer
):
    measure_record(
        actor=fda_inspector, inspection=draft, kind=MeasureKind.RECTIFY, description="整改", deadline=DEADLINE
    )
    assert reinspections_create_due(today=DEADLINE) == []
    fill_and_sign(draft, fda_inspector)
    inspection_return(actor=fda_reviewer, inspection=draft, note="核对期限")
    assert reinspections_create_due(today=DEADLINE) == []
    assert not Assignment.objects.exists()


def test_rectification_other_measures_bring_no_reinspection(draft, fda_inspector):
    measure_record(actor=fda_inspector, inspection=draft, kind=MeasureKind.TRACE_SOURCE, description="溯源")
    measure_record(actor=fda_inspector, inspection=draft, kind=MeasureKind.DESTROY_EXPIRED, **DESTROYED)
    fill_and_sign(draft, fda_inspector)
    assert reinspections_create_due(today=datetime.date(2026, 12, 31)) == []


def reinspect(task, inspector, answers=GOOD_ANSWERS):
    inspection = inspection_start(actor=inspector, assignment=task)
    return fill_and_sign(inspection, inspector, answers)


def test_rectification_an_approved_conforming_reinspection_completes_the_order(order, fda_inspector, fda_reviewer):
    [task] = reinspections_create_due(today=DEADLINE)
    reinspection = reinspect(task, fda_inspector)
    assert reinspection.outcome == Outcome.CONFORMING
    assert reload(order).status == MeasureStatus.IN_EFFECT

    inspection_approve(actor=fda_reviewer, inspection=reinspection)

    assert reload(order).status == MeasureStatus.DONE
    assert order.history.first().history_change_reason == "Re-inspection found it rectified"
    assert reload(task).status == AssignmentStatus.DONE
    assert reload(reinspection).status == InspectionStatus.APPROVED


def test_rectification_a_reinspection_finding_problems_leaves_the_order_in_effect(order, fda_inspector, fda_reviewer):
    [task] = reinspections_create_due(today=DEADLINE)
    still_bad = {**GOOD_ANSWERS, "certificates_kept": {"value": "no", "note": "仍无进货票据"}}
    reinspection = reinspect(task, fda_inspector, still_bad)
    assert reinspection.outcome == Outcome.PROBLEMS
    inspection_approve(actor=fda_reviewer, inspection=reinspection)
    assert reload(order).status == MeasureStatus.IN_EFFECT
    assert reload(task).status == AssignmentStatus.DONE


def test_rectification_an_order_with_its_reinspection_cannot_be_removed_from_the_returned_checklist(
    order, draft, fda_inspector, fda_reviewer
):
    reinspections_create_due(today=DEADLINE)
    inspection_return(actor=fda_reviewer, inspection=draft, note="核对整改期限")
    with pytest.raises(ValidationError):
        measure_remove(actor=fda_inspector, measure=order)
    assert reload(order).status == MeasureStatus.IN_EFFECT

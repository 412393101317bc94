"""Demo inspections for `seed_demo`: a campaign in full swing in Jiangning (江宁区). Tasks
planned one by one, checklists in every state of review, findings and orders, a
re-inspection due, and the coverage they add up to. Idempotent: skipped once any checklist
exists."""

import datetime
import io
from importlib import import_module

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from dairy_campaign.models import Jurisdiction, User
from dairy_campaign.services.campaigns import local_today
from licensing.models import Operator

from .models import AnswerType, Assignment, ChecklistTemplate, Inspection, MeasureKind
from .services.assignments import assignment_create, assignments_plan
from .services.filing import inspection_save_draft, inspection_start, inspection_submit, photo_add
from .services.measures import measure_record, reinspections_create_due
from .services.review import inspection_approve, inspection_return


def _user(name):
    return User.objects.get(username=name)


def _operator(name):
    return Operator.objects.get(name=name)


def demo_photo(name="evidence.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 170, 120)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def answers_for(inspection: Inspection, findings: dict[str, str] | None = None) -> dict:
    """A plausible filled-in checklist: every item answered; `findings` (code → note) are "no"."""
    findings = findings or {}
    answers = {}
    for item in inspection.template.items_in_order():
        if item.answer_type == AnswerType.YES_NO:
            no = item.code in findings
            answers[item.code] = {"value": "no" if no else "yes", "note": findings.get(item.code, "")}
        elif item.answer_type == AnswerType.NUMBER:
            answers[item.code] = {"value": "12", "note": ""}
        elif item.answer_type == AnswerType.CHOICE:
            answers[item.code] = {"value": item.choices[0], "note": ""}
        elif item.answer_type == AnswerType.TEXT:
            answers[item.code] = {"value": "现场检查情况正常", "note": ""}
    return answers


def _photos(actor, inspection: Inspection, findings: dict):
    for item in inspection.template.items_in_order():
        wanted = item.answer_type == AnswerType.PHOTO and item.required
        if wanted or (item.photo_on_no and item.code in findings):
            photo_add(actor=actor, inspection=inspection, item_code=item.code, image=demo_photo(f"{item.code}.jpg"))


def _first_yes_no(template: ChecklistTemplate, skip=()) -> str:
    return next(i.code for i in template.items_in_order() if i.answer_type == AnswerType.YES_NO and i.code not in skip)


def file(actor, *, operator=None, jurisdiction=None, code, days_ago, findings=None, measures=(), submit=True):
    """Start, fill in and (by default) sign a checklist, as the inspector would on site."""
    inspected_on = local_today() - datetime.timedelta(days=days_ago)
    task = Assignment.objects.pending().filter(inspector=actor, operator=operator, template_code=code).first()
    if operator is not None and task is not None:
        inspection = inspection_start(actor=actor, assignment=task, inspected_on=inspected_on)
    else:
        template = ChecklistTemplate.objects.published().get(code=code)
        inspection = inspection_start(
            actor=actor, template=template, operator=operator, jurisdiction=jurisdiction, inspected_on=inspected_on
        )
    findings = findings or {}
    inspection = inspection_save_draft(
        actor=actor, inspection=inspection, revision=inspection.revision, answers=answers_for(inspection, findings)
    )
    _photos(actor, inspection, findings)
    for kind, fields in measures:
        measure_record(actor=actor, inspection=inspection, kind=kind, **fields)
    if submit:
        inspection_submit(
            actor=actor, inspection=inspection, signed_name=actor.full_name, confirm=True, revision=inspection.revision
        )
    return inspection


def seed_production():
    """S2: every producer planned one by one; one plant clean, one ordered to rectify with the
    deadline passed, so its re-inspection task is waiting."""
    inspector, reviewer = _user("qts_jn_inspector"), _user("qts_jn_reviewer")
    today = local_today()
    assignments_plan(
        actor=reviewer,
        template_code="production_plant",
        operator_kinds=["dairy_producer", "dairy_food_producer"],
        inspectors=[inspector],
        due_on=today + datetime.timedelta(days=14),
    )
    weigang = _operator("南京卫岗乳业有限公司江宁工厂")
    clean = file(inspector, operator=weigang, code="production_plant", days_ago=30)
    inspection_approve(actor=reviewer, inspection=clean, note="检查规范")
    template = ChecklistTemplate.objects.published().get(code="production_plant")
    finding = _first_yes_no(template)
    late = file(
        inspector,
        operator=_operator("江宁新鲜乳品有限公司"),
        code="production_plant",
        days_ago=20,
        findings={finding: "原料乳进货查验记录缺少3批次"},
        measures=[
            (
                MeasureKind.RECTIFY,
                {
                    "description": "补齐原料乳进货查验记录，落实批批检验",
                    "deadline": today - datetime.timedelta(days=2),
                    "document_number": "宁江质监责改〔2026〕7号",
                },
            )
        ],
    )
    inspection_approve(actor=reviewer, inspection=late, note="同意，限期整改")
    reinspections_create_due(today=today)


def seed_catering():
    """S4: a canteen with expired milk destroyed under supervision (approved), and a
    restaurant's checklist returned for correction."""
    inspector, reviewer = _user("fda_jn_inspector"), _user("fda_jn_reviewer")
    template = ChecklistTemplate.objects.published().get(code="catering")
    expired = "no_expired_dairy" if template.items_in_order().filter(code="no_expired_dairy").exists() else None
    canteen = file(
        inspector,
        operator=_operator("江宁大学城学生食堂"),
        code="catering",
        days_ago=12,
        findings={expired: "冷藏库发现过期酸奶6箱"} if expired else {},
        measures=[
            (
                MeasureKind.DESTROY_EXPIRED,
                {
                    "description": "过期酸奶当场监督销毁",
                    "product": "原味酸奶 100g×12",
                    "quantity": 6,
                    "unit": "箱",
                    "witness": "食堂负责人 刘某",
                },
            )
        ],
    )
    inspection_approve(actor=reviewer, inspection=canteen)
    restaurant = file(inspector, operator=_operator("秦淮人家酒楼（江宁店）"), code="catering", days_ago=3)
    inspection_return(actor=reviewer, inspection=restaurant, note="请补充乳制品供货商资质证明的核查情况")


def seed_distribution_and_links():
    """L5: a grocery selling dairy without the dairy category, waiting for the reviewer to
    approve its ban; an agriculture check of a station; a supervisory inspection begun."""
    aic = _user("aic_jn_inspector")
    file(
        aic,
        operator=_operator("东山便民食杂店"),
        code="distribution",
        days_ago=5,
        measures=[
            (
                MeasureKind.BAN_UNLICENSED,
                {"description": "许可证未核定乳制品类别，现场销售乳制品", "document_number": "宁江工商取〔2026〕2号"},
            )
        ],
    )
    station = file(
        _user("agr_jn_inspector"), operator=_operator("汤山生鲜乳收购站"), code="raw_milk_station", days_ago=8
    )
    inspection_approve(actor=_user("agr_jn_reviewer"), inspection=station)
    assignment_create(
        actor=_user("qts_jn_reviewer"),
        inspector=_user("qts_jn_inspector"),
        due_on=local_today() + datetime.timedelta(days=5),
        template_code="infant_formula_daily_log",
        operator=_operator("南京卫岗乳业有限公司江宁工厂"),
        note="驻厂监督员每日记录",
    )
    file(
        _user("fso_nj"),
        jurisdiction=Jurisdiction.objects.get(code="320115"),
        code="supervisory_inspection",
        days_ago=1,
        submit=False,
    )


@transaction.atomic
def seed(stdout=None) -> dict:
    if not Inspection.objects.exists() and ChecklistTemplate.objects.published().exists():
        seed_production()
        seed_catering()
        seed_distribution_and_links()
    field = import_module("inspections.demo_field").seed(stdout) or {}
    return {"inspections": Inspection.objects.count(), **field}

"""Province-scale field work for `generate_province` (DESIGN §5): 300k checklists over the
register, the plan assignments behind a third of them, open tasks, the measures of the few
that found problems, black-den sweeps and held import consignments."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.ownership import OWNERS
from dairy_campaign.synthetic import World
from licensing.models import Operator
from licensing.models.choices import OperatorKind, OperatorStatus

from .models import (
    AnswerType,
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    ChecklistTemplate,
    Consignment,
    ConsignmentStatus,
    Den,
    Inspection,
    InspectionStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Sweep,
    YesNo,
)
from .models.choices import AreaType

INSPECTIONS = 300_000
OPEN_TASKS = 15_000
SWEEPS = 300
CONSIGNMENTS = 300
PROBLEM_RATE = 0.05
SIGNATURE_MEANING = "本人对检查记录的真实性负责"
# Of the checklists: approved, awaiting review, returned, still in draft.
STATUSES = [InspectionStatus.APPROVED, InspectionStatus.SUBMITTED, InspectionStatus.RETURNED, InspectionStatus.DRAFT]
STATUS_WEIGHTS = [0.80, 0.10, 0.03, 0.07]
MEASURES = [MeasureKind.RECTIFY, MeasureKind.DESTROY_EXPIRED, MeasureKind.STOP_AND_DESTROY, MeasureKind.TRACE_SOURCE]
MEASURE_WEIGHTS = [0.60, 0.25, 0.10, 0.05]
SAMPLE_VALUES = {
    AnswerType.YES_NO: YesNo.YES,
    AnswerType.NUMBER: "12",
    AnswerType.TEXT: "无异常",
}


@dataclass
class Answers:
    """A conforming set of answers for one template version, and the item a finding says no to."""

    template_id: int
    template_code: str
    conforming: dict
    finding_code: str | None

    @classmethod
    def of(cls, template) -> "Answers":
        items = [item for section in template.sections.all() for item in section.items.all()]
        conforming = {}
        for item in items:
            value = item.choices[0] if item.answer_type == AnswerType.CHOICE else SAMPLE_VALUES.get(item.answer_type)
            if value is not None:
                conforming[item.code] = {"value": value, "note": ""}
        no_photo_needed = [i.code for i in items if i.answer_type == AnswerType.YES_NO and not i.photo_on_no]
        return cls(template.pk, template.code, conforming, no_photo_needed[0] if no_photo_needed else None)

    def with_finding(self) -> dict:
        answers = dict(self.conforming)
        if self.finding_code:
            answers[self.finding_code] = {"value": YesNo.NO, "note": "现场发现问题，已责令整改"}
        return answers


def agency_kind_for(operator_kind: str) -> str:
    """The department that keeps (and inspects) this kind of operator."""
    if operator_kind == OperatorKind.UNLICENSED:
        return AgencyKind.AIC
    return sorted(OWNERS[f"operator.{operator_kind}"])[0]


def generate(world: World) -> None:
    templates = {}
    for template in ChecklistTemplate.objects.published().prefetch_related("sections__items"):
        for kind in template.operator_kinds or []:
            templates[kind] = Answers.of(template)
    subjects = [
        (pk, county, kind)
        for kind, operators in world.shared["operators"].items()
        if kind in templates
        for pk, county in operators
    ]
    _inspections(world, templates, subjects)
    _open_tasks(world, templates, subjects)
    _sweeps(world)
    _consignments(world)


def _inspections(world: World, templates: dict, subjects: list) -> None:
    visits = [_visit(world, templates, subjects) for _ in range(world.n(INSPECTIONS))]
    # A third of the checklists were filed on a one-by-one plan (逐家排查): their tasks come first.
    planned = visits[::3]
    for visit, pk in zip(planned, world.save(Assignment, (_done_task(world, v) for v in planned)), strict=True):
        visit["assignment_id"] = pk
    keys = world.save(Inspection, (_inspection(world, v) for v in visits))
    world.save(Measure, _measures(world, keys, visits))


def _visit(world: World, templates: dict, subjects: list) -> dict:
    """The facts of one inspection, drawn once and shared by its task, checklist and measures."""
    operator, county, kind = world.rng.choice(subjects)
    agency_kind = agency_kind_for(kind)
    place = world.seat_of(agency_kind, county)
    status = world.rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
    return {
        "operator": operator,
        "county": county,
        "place": place,
        "agency_kind": agency_kind,
        "answers": templates[kind],
        "inspector": world.one_of(place, agency_kind, Role.INSPECTOR),
        "reviewer": world.one_of(place, agency_kind, Role.REVIEWER),
        "status": status,
        "problems": status != InspectionStatus.DRAFT and world.rng.random() < PROBLEM_RATE,
        "day": world.day(),
        "assignment_id": None,
    }


def _done_task(world: World, visit: dict) -> Assignment:
    return Assignment(
        agency_id=world.agency[(visit["agency_kind"], visit["place"])],
        jurisdiction_id=visit["county"],
        operator_id=visit["operator"],
        template_code=visit["answers"].template_code,
        inspector_id=visit["inspector"],
        assigned_by_id=visit["reviewer"],
        due_on=visit["day"] + datetime.timedelta(days=world.rng.randrange(0, 20)),
        status=AssignmentStatus.DONE,
        source=AssignmentSource.PLAN,
    )


def _inspection(world: World, visit: dict) -> Inspection:
    status, day, inspector = visit["status"], visit["day"], visit["inspector"]
    signed = status != InspectionStatus.DRAFT
    reviewed = status in (InspectionStatus.APPROVED, InspectionStatus.RETURNED)
    answers = visit["answers"]
    return Inspection(
        template_id=answers.template_id,
        assignment_id=visit["assignment_id"],
        agency_id=world.agency[(visit["agency_kind"], visit["place"])],
        jurisdiction_id=visit["county"],
        operator_id=visit["operator"],
        inspector_id=inspector,
        inspected_on=day,
        answers=answers.with_finding() if visit["problems"] else answers.conforming,
        status=status,
        outcome=(Outcome.PROBLEMS if visit["problems"] else Outcome.CONFORMING) if signed else "",
        signed_by_id=inspector if signed else None,
        signed_name=world.names[inspector] if signed else "",
        signature_meaning=SIGNATURE_MEANING if signed else "",
        signed_at=world.moment(day) if signed else None,
        reviewed_by_id=visit["reviewer"] if reviewed else None,
        reviewed_at=world.moment(day + datetime.timedelta(days=2)) if reviewed else None,
        review_note="请补充整改照片" if status == InspectionStatus.RETURNED else "",
    )


def _open_tasks(world: World, templates: dict, subjects: list) -> None:
    """Tasks still to do, some of them overdue."""

    def rows():
        for _ in range(world.n(OPEN_TASKS)):
            operator, county, kind = world.rng.choice(subjects)
            agency_kind = agency_kind_for(kind)
            place = world.seat_of(agency_kind, county)
            yield Assignment(
                agency_id=world.agency[(agency_kind, place)],
                jurisdiction_id=county,
                operator_id=operator,
                template_code=templates[kind].template_code,
                inspector_id=world.one_of(place, agency_kind, Role.INSPECTOR),
                assigned_by_id=world.one_of(place, agency_kind, Role.REVIEWER),
                due_on=world.today + datetime.timedelta(days=world.rng.randrange(-15, 45)),
                status=AssignmentStatus.OPEN,
                source=AssignmentSource.MANUAL,
            )

    world.save(Assignment, rows())


def _measures(world: World, keys: list[int], visits: list[dict]):
    for pk, visit in zip(keys, visits, strict=True):
        if not visit["problems"]:
            continue
        day = visit["day"]
        measure = world.rng.choices(MEASURES, weights=MEASURE_WEIGHTS)[0]
        destroys = measure in (MeasureKind.DESTROY_EXPIRED, MeasureKind.STOP_AND_DESTROY)
        yield Measure(
            inspection_id=pk,
            kind=measure,
            description="过期乳制品" if destroys else "进货查验记录不全",
            product="纯牛奶" if destroys else "",
            quantity=Decimal(world.rng.randrange(1, 500)) if destroys else None,
            unit="公斤" if destroys else "",
            witness=world.person() if destroys else "",
            deadline=day + datetime.timedelta(days=30) if measure == MeasureKind.RECTIFY else None,
            document_number=f"责改〔{day.year}〕{pk}号" if measure == MeasureKind.RECTIFY else "",
            status=MeasureStatus.IN_EFFECT if measure == MeasureKind.RECTIFY else MeasureStatus.DONE,
            recorded_by_id=visit["inspector"],
        )


def _sweeps(world: World) -> None:
    """C1: joint sweeps of the places black dens hide; each banned unlicensed operator was one's den."""
    dens = list(
        Operator.objects.filter(kind=OperatorKind.UNLICENSED, status=OperatorStatus.BANNED)
        .order_by("pk")
        .values_list("pk", "county_id")
    )
    swept = []

    def rows():
        for number in range(world.n(SWEEPS)):
            county = dens[number % len(dens)][1] if dens else world.county()
            day = world.day()
            swept.append((county, day))
            yield Sweep(
                jurisdiction_id=county,
                agency_id=world.agency[(AgencyKind.GOV, county)],
                area_type=world.rng.choice(AreaType.values),
                area=f"{world.county_names[county]}城乡结合部",
                swept_on=day,
                leader=world.person(),
                leader_title="副区长",
                participants="工商、质监、农业、公安",
                recorded_by_id=world.one_of(county, AgencyKind.GOV, Role.CLERK),
            )

    sweeps = world.save(Sweep, rows())
    by_county = {}
    for pk, (county, day) in zip(sweeps, swept, strict=True):
        by_county.setdefault(county, []).append((pk, day))
    world.save(
        Den,
        (
            Den(
                sweep_id=by_county[county][0][0],
                operator_id=operator,
                activity="无证生产销售散装奶",
                banned_on=by_county[county][0][1],
                seized_product="散装鲜奶",
                seized_quantity=Decimal(world.rng.randrange(10, 800)),
                seized_unit="公斤",
            )
            for operator, county in dens
            if county in by_county
        ),
    )


def _consignments(world: World) -> None:
    importers = world.shared["operators"].get(OperatorKind.IMPORTER, [])
    if not importers:
        return

    def rows():
        for number in range(world.n(CONSIGNMENTS)):
            importer, county = world.rng.choice(importers)
            city = world.city_of(county)
            released = world.rng.random() < 0.8
            day = world.day()
            yield Consignment(
                importer_id=importer,
                product="婴幼儿配方乳粉",
                quantity=Decimal(world.rng.randrange(1, 40)),
                unit="吨",
                origin_country=world.rng.choice(["新西兰", "荷兰", "法国", "澳大利亚", "爱尔兰"]),
                arrived_on=day,
                health_certificate_number=f"HC{day.year}{number:06d}",
                certificate_content_ok=True,
                certificate_seal_ok=True,
                certificate_signatory_ok=True,
                warehouse=f"{world.county_names[city]}指定监管仓库",
                status=ConsignmentStatus.RELEASED if released else ConsignmentStatus.HELD,
                lab_conforming=True if released else None,
                lab_reference=f"检验报告 {number:06d}" if released else "",
                lab_recorded_at=world.moment(day + datetime.timedelta(days=5)) if released else None,
                recorded_by_id=world.one_of(city, AgencyKind.CIQ, Role.INSPECTOR),
            )

    world.shared["consignments"] = world.save(Consignment, rows())

"""Demo samples and results for `seed_demo`, after the lots and plans demos: Jiangning's
quality supervision samples producers' raw milk in every custody step (one intake at
3.2 mg/kg, held, with its case), industry and commerce samples what shops sell (infant
formula at 1.6 mg/kg at 东山便民食杂店, L6 proposed), inspection and quarantine samples the
held import consignment (conforming).

Recorded through the services by the demo accounts. Idempotent: each demo sample is known
by its seal number and taken once; without demo lots, nothing is taken.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from dairy_campaign.models import User
from dairy_campaign.services.campaigns import local_today
from inspections.models import Consignment, ConsignmentStatus
from licensing.models import Operator

from .models import Category, Lot, LotKind, MassUnit, PlanLine, PlanStatus, Sample, SampleStatus
from .services.lots import lot_record
from .services.results import result_enter, result_review
from .services.samples import custody_advance, sample_take

S = SampleStatus
METHOD = "GB/T 22388-2008"
QTS_LAB = "江宁区产品质量监督检验所"
AIC_LAB = "南京市产品质量监督检验院"
CIQ_LAB = "江苏出入境检验检疫局食品检测中心"
RETAILER = "东山便民食杂店"
WHOLESALER = "南京江宁乳品批发有限公司"


@dataclass(frozen=True)
class Demo:
    seal: str
    holder: str
    kind: str
    step: str
    value: str = ""
    unit: str = MassUnit.MG_PER_KG
    nth: int = 0  # which of the holder's lots of that kind, newest first


QTS = ("qts_jn_inspector", "lab_jn_clerk", "qts_jn_reviewer", "张伟、李强", QTS_LAB)
AIC = ("aic_jn_inspector", "aic_jn_inspector", "aic_jn_reviewer", "杨帆、陈刚", AIC_LAB)
CIQ = ("ciq_nj_inspector", "ciq_nj_inspector", "ciq_nj_reviewer", "钱海燕、周斌", CIQ_LAB)

PRODUCER_SAMPLES = [
    Demo("宁江质监封-0001", "南京卫岗乳业有限公司江宁工厂", LotKind.RAW_MILK, S.SAMPLED, nth=0),
    Demo("宁江质监封-0002", "南京卫岗乳业有限公司江宁工厂", LotKind.RAW_MILK, S.SENT, nth=1),
    Demo("宁江质监封-0003", "南京卫岗乳业有限公司江宁工厂", LotKind.RAW_MILK, S.RECEIVED, nth=2),
    Demo("宁江质监封-0004", "南京卫岗乳业有限公司江宁工厂", LotKind.RAW_MILK, S.REPORTED, "0.05", nth=3),
    Demo("宁江质监封-0005", "南京卫岗乳业有限公司江宁工厂", LotKind.RAW_MILK, S.REVIEWED, "80", MassUnit.UG_PER_KG, 4),
    Demo("宁江质监封-0006", "南京卫岗乳业有限公司江宁工厂", LotKind.MILK_POWDER, S.REVIEWED, "0", nth=0),
    Demo("宁江质监封-0007", "江宁麦香食品有限公司", LotKind.FINISHED, S.REVIEWED, "0.12", nth=1),
    # Q8: the intake over the limit, awaiting the reviewer, its lot held and its case open.
    Demo("宁江质监封-0008", "江宁新鲜乳品有限公司", LotKind.RAW_MILK, S.REPORTED, "3.2", nth=3),
]
RETAIL_SAMPLES = [
    Demo("宁江工商封-0001", "苏果超市（江宁万达店）", LotKind.RETAIL, S.REVIEWED, "0.06", nth=0),
    # Q8 and L6: infant formula over the limit on a grocery's shelf.
    Demo("宁江工商封-0002", RETAILER, LotKind.RETAIL, S.REPORTED, "1.6", nth=0),
]


def _users(names) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    """`hour` o'clock local on `day`, but never in the future."""
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return min(at, timezone.now())


def _lot(demo: Demo, inspector: User) -> Lot | None:
    lots = Lot.objects.visible_to(inspector).filter(operator__name=demo.holder, kind=demo.kind)
    if demo.holder == RETAILER:
        lots = lots.filter(category=Category.INFANT_FORMULA)
    else:
        lots = lots.filter(own_test_mg_per_kg__isnull=False) if demo.kind == LotKind.RAW_MILK else lots
    return lots.order_by("-dated", "-id")[demo.nth : demo.nth + 1].first()


def _plan_line(inspector: User, lot: Lot) -> PlanLine | None:
    """Q1/Q4: the approved plan line of the sampler's department covering the holder."""
    return (
        PlanLine.objects.filter(
            plan__agency_id=inspector.agency_id, plan__status=PlanStatus.APPROVED, operator_id=lot.operator_id
        )
        .order_by("plan__rule")
        .first()
    )


def _walk(demo: Demo, lot: Lot, people) -> Sample:
    """Take the sample and carry it along its custody up to the demo's step."""
    inspector, clerk, reviewer, samplers, lab = people
    day = min(lot.dated + datetime.timedelta(days=1), local_today())
    sample = sample_take(
        actor=inspector,
        lot=lot,
        samplers=samplers,
        sampled_at=_moment(day, 9),
        quantity=Decimal("0.5") if lot.unit == "t" else Decimal("2"),
        unit="kg" if lot.unit == "t" else lot.unit,
        seal_number=demo.seal,
        lab=lab,
        plan_line=_plan_line(inspector, lot),
    )
    order = [S.SAMPLED, S.SENT, S.RECEIVED, S.TESTED, S.REPORTED, S.REVIEWED]
    target = order.index(demo.step)
    if target >= order.index(S.SENT):
        custody_advance(actor=inspector, sample=sample, step=S.SENT, at=_moment(day, 11), note="冷藏箱封存送检")
    if target >= order.index(S.RECEIVED):
        custody_advance(actor=clerk, sample=sample, step=S.RECEIVED, at=_moment(day, 15), note="封条完好，样品已接收")
    if target >= order.index(S.REPORTED):
        result = result_enter(
            actor=clerk,
            sample=sample,
            value=Decimal(demo.value),
            unit=demo.unit,
            detection_limit=Decimal("50") if demo.unit == MassUnit.UG_PER_KG else Decimal("0.05"),
            method=METHOD,
            lab=lab,
            tested_on=timezone.localtime(_moment(day, 15)).date(),
        )
        if demo.step == S.REVIEWED:
            result_review(actor=reviewer, result=result)
    return sample


def _infant_formula_on_the_shelf(aic: User) -> Lot | None:
    """The grocery's tins of infant formula, bought from the district's wholesaler."""
    found = Lot.objects.filter(operator__name=RETAILER, category=Category.INFANT_FORMULA).first()
    if found:
        return found
    shop = Operator.objects.filter(name=RETAILER).first()
    wholesaler = Operator.objects.filter(name=WHOLESALER).first()
    if shop is None:
        return None
    dated = local_today() - datetime.timedelta(days=6)
    return lot_record(
        actor=aic,
        kind=LotKind.RETAIL,
        operator=shop.pk,
        supplier=wholesaler.pk if wholesaler else None,
        batch_number=f"YF-{dated:%Y%m%d}-A",
        product="婴幼儿配方乳粉（1段）900g",
        category=Category.INFANT_FORMULA,
        dated=dated,
        quantity=Decimal("24"),
        unit="罐",
    )


def _import_lot(ciq: User) -> Lot | None:
    """The held consignment awaiting its lab result, as a lot to sample."""
    consignment = (
        Consignment.objects.filter(status=ConsignmentStatus.HELD, lab_conforming__isnull=True)
        .order_by("arrived_on", "id")
        .first()
    )
    if consignment is None:
        return None
    existing = Lot.objects.filter(consignment=consignment).first()
    if existing:
        return existing
    return lot_record(
        actor=ciq,
        kind=LotKind.IMPORT,
        consignment=consignment.pk,
        supplier_name=f"{consignment.origin_country}供货商（见卫生证书）",
        batch_number=consignment.health_certificate_number,
        product=consignment.product,
        category=Category.MILK_POWDER,
        dated=consignment.arrived_on,
        quantity=consignment.quantity,
        unit=consignment.unit,
    )


def _people(names) -> tuple | None:
    """(inspector, clerk, reviewer) as users, then the samplers' names and the lab."""
    users = _users(names[:3])
    if len(users) < len(set(names[:3])):
        return None
    return (users[names[0]], users[names[1]], users[names[2]], *names[3:])


def _take_all(demos, names) -> int:
    people = _people(names)
    if people is None:
        return 0
    taken = 0
    for demo in demos:
        if Sample.objects.filter(seal_number=demo.seal).exists():
            continue
        lot = _lot(demo, people[0])
        if lot is None:
            continue
        _walk(demo, lot, people)
        taken += 1
    return taken


IMPORT_SEAL = "宁检封-0001"


def _take_import() -> int:
    """S5: the held consignment sampled by inspection and quarantine; its conforming result
    is recorded on the consignment, whose release stays the CIQ reviewer's decision."""
    people = _people(CIQ)
    if people is None or Sample.objects.filter(seal_number=IMPORT_SEAL).exists():
        return 0
    lot = _import_lot(people[0])
    if lot is None:
        return 0
    _walk(Demo(IMPORT_SEAL, lot.operator.name, LotKind.IMPORT, S.REPORTED, "0.05"), lot, people)
    return 1


@transaction.atomic
def seed(stdout=None) -> dict:
    # Records keep their texts (reasons, referral summaries) in the working language.
    with translation.override(settings.LANGUAGE_CODE):
        return _seed(stdout)


def _seed(stdout) -> dict:
    if not Lot.objects.exists():
        return {}  # the lots demo recorded nothing: no samples either
    taken = _take_all(PRODUCER_SAMPLES, QTS)
    aic = _users(["aic_jn_inspector"]).get("aic_jn_inspector")
    if aic is not None and _infant_formula_on_the_shelf(aic) is not None:
        taken += _take_all(RETAIL_SAMPLES, AIC)
    taken += _take_import()
    if stdout is not None and taken:
        stdout.write(f"  samples taken: {taken}")
    return {"samples": taken}

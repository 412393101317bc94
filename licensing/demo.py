"""Demo register and licences for `seed_demo`: a living picture of the licensing work in
Jiangning (江宁区) and a few other counties. Idempotent: keyed on credit codes."""

import datetime

from django.db import transaction

from dairy_campaign.models import Jurisdiction, User
from dairy_campaign.services.campaigns import local_today

from .credit_code import CHARSET, check_character
from .models import Arrangement, Licence, LicenceStatus, LicenceType, Operator, OperatorKind, ScopeCategory, Vehicle
from .services.licences import (
    licence_apply,
    licence_grant,
    licence_order_rectification,
    licence_pass_review,
    licence_start_review,
    licence_withdraw,
)
from .services.register import operator_create, vehicle_register

K = OperatorKind

# (serial, county, kind, name, extra fields)
OPERATORS = [
    (
        1,
        "320115",
        K.DAIRY_PRODUCER,
        "南京卫岗乳业有限公司江宁工厂",
        {"infant_formula": True, "registered_with_aic": True},
    ),
    (2, "320115", K.DAIRY_PRODUCER, "江宁新鲜乳品有限公司", {"registered_with_aic": True}),
    (
        3,
        "320115",
        K.DAIRY_PRODUCER,
        "南京秣陵乳制品厂",
        {"registered_with_aic": True, "arrangement": Arrangement.LEASED, "actual_operator": "王某某（租赁经营）"},
    ),
    (4, "320115", K.DAIRY_FOOD_PRODUCER, "江宁麦香食品有限公司", {"registered_with_aic": True}),
    (5, "320115", K.DAIRY_FARM, "江宁汤山奶牛养殖场", {"scale_farm": True, "herd_size": 1200}),
    (6, "320115", K.DAIRY_FARM, "江宁横溪家庭牧场", {"herd_size": 80}),
    (7, "320115", K.FARMER_COOP, "江宁区禄口奶牛专业合作社", {}),
    (8, "320115", K.PURCHASE_STATION, "汤山生鲜乳收购站", {}),
    (9, "320115", K.PURCHASE_STATION, "淳化生鲜乳收购站", {}),
    (10, "320115", K.FEED_MILL, "江宁正大饲料有限公司", {"registered_with_aic": True}),
    (11, "320115", K.WHOLESALER, "南京江宁乳品批发有限公司", {"registered_with_aic": True}),
    (12, "320115", K.SUPERMARKET, "苏果超市（江宁万达店）", {"registered_with_aic": True}),
    (13, "320115", K.SMALL_RETAILER, "东山便民食杂店", {"registered_with_aic": True}),
    (14, "320115", K.CATERING, "江宁大学城学生食堂", {"registered_with_aic": True}),
    (15, "320115", K.CATERING, "秦淮人家酒楼（江宁店）", {"registered_with_aic": True}),
    (16, "320115", K.IMPORTER, "南京空港进口乳品有限公司", {"registered_with_aic": True}),
    (17, "320102", K.SUPERMARKET, "苏宁易购（新街口店）", {"registered_with_aic": True}),
    (18, "320324", K.DAIRY_PRODUCER, "睢宁乳业有限公司", {"registered_with_aic": True}),
    (19, "320981", K.DAIRY_FARM, "东台沿海奶牛场", {"scale_farm": True, "herd_size": 3000}),
]


def demo_credit_code(county: str, serial: int) -> str:
    body = f"91{county}" + "".join(CHARSET[(serial * 7 + i * 3) % 31] for i in range(9))
    return body + check_character(body)


def _user(name):
    return User.objects.get(username=name)


def seed_register(clerks) -> dict[int, Operator]:
    operators = {}
    places = {j.code: j for j in Jurisdiction.objects.filter(code__in={row[1] for row in OPERATORS})}
    for serial, county, kind, name, extra in OPERATORS:
        code = demo_credit_code(county, serial)
        existing = Operator.objects.filter(credit_code=code).first()
        if existing:
            operators[serial] = existing
            continue
        operators[serial] = operator_create(
            actor=clerks["backoffice"],
            kind=kind,
            name=name,
            credit_code=code,
            county=places[county],
            address=f"{name}厂区/门店",
            contact_person="负责人",
            phone="025-5210" + f"{serial:04d}",
            **extra,
        )
    return operators


def _granted(actor, operator, type, number, issued, **kwargs):
    licence = licence_apply(actor=actor, operator=operator, type=type, applied_on=issued, **kwargs)
    return licence_grant(
        actor=actor,
        licence=licence,
        number=number,
        issued_on=issued,
        expires_on=issued.replace(year=issued.year + 5),
        reason="符合许可条件",
    )


def seed_licences(ops):
    qts, agr, aic = _user("qts_jn_reviewer"), _user("agr_jn_reviewer"), _user("aic_jn_reviewer")
    issued = datetime.date(local_today().year - 2, 6, 1)
    today = local_today()
    weigang = _granted(qts, ops[1], LicenceType.PRODUCTION, "QS3201 0501 0001", issued)
    xinxian = _granted(qts, ops[2], LicenceType.PRODUCTION, "QS3201 0501 0002", issued)
    moling = _granted(qts, ops[3], LicenceType.PRODUCTION, "QS3201 0501 0003", issued)
    _granted(qts, ops[4], LicenceType.PRODUCTION, "QS3201 2401 0004", issued)
    # Re-review (L1): one passed, one stopped for rectification, one revoked with follow-ups.
    licence_start_review(actor=qts, licence=weigang, reason="专项整治重新审核")
    licence_pass_review(actor=qts, licence=weigang, reason="重新审核符合条件", document_number="宁江质监审〔2026〕1号")
    licence_start_review(actor=qts, licence=xinxian, reason="专项整治重新审核")
    licence_order_rectification(
        actor=qts,
        licence=xinxian,
        rectify_by=today + datetime.timedelta(days=20),
        reason="原料乳进货查验记录不全",
        legal_basis="乳品质量安全监督管理条例",
        document_number="宁江质监责改〔2026〕3号",
    )
    licence_start_review(actor=qts, licence=moling, reason="专项整治重新审核")
    licence_order_rectification(
        actor=qts,
        licence=moling,
        rectify_by=today + datetime.timedelta(days=1),
        reason="以租赁方式逃避监管，未落实批批检验",
        legal_basis="乳品质量安全监督管理条例",
        document_number="宁江质监责改〔2026〕4号",
    )
    licence_withdraw(
        actor=qts,
        licence=moling,
        to=LicenceStatus.REVOKED,
        reason="整改不合格",
        legal_basis="乳品质量安全监督管理条例第六十条",
        document_number="宁江质监撤〔2026〕1号",
    )
    for serial, number in ((5, "苏收3201150001"), (7, "苏收3201150002")):
        _granted(agr, ops[serial], LicenceType.PURCHASE, number, issued, station=ops[8 if serial == 5 else 9])
    vehicle = vehicle_register(actor=agr, owner=ops[5], plate="苏A·N7788", capacity_tonnes="8.50")
    _granted(agr, ops[5], LicenceType.TRANSPORT, "苏运3201150001", issued, vehicle=vehicle)
    for serial, number, scope in (
        (11, "SP3201150001", [ScopeCategory.DAIRY, ScopeCategory.INFANT_FORMULA, ScopeCategory.PREPACKAGED]),
        (12, "SP3201150002", [ScopeCategory.DAIRY, ScopeCategory.PREPACKAGED]),
        (13, "SP3201150003", [ScopeCategory.PREPACKAGED]),
    ):
        _granted(aic, ops[serial], LicenceType.DISTRIBUTION, number, issued, scope=scope)
    # An application still waiting for a decision.
    licence_apply(actor=agr, operator=ops[6], type=LicenceType.PURCHASE)


@transaction.atomic
def seed(stdout=None) -> dict:
    clerks = {"backoffice": User.objects.get(username="backoffice")}
    ops = seed_register(clerks)
    if not Licence.objects.filter(operator__in=ops.values()).exists():
        seed_licences(ops)
    return {"operators": len(ops), "vehicles": Vehicle.objects.count()}

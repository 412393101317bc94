"""Demo sweeps (C1), import consignments (S5) and self-inspection reports (P1) in Jiangning
(江宁区). Idempotent: sweeps are keyed on county and area, dens on their name, consignments
on the health certificate number, reports on operator and campaign."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from dairy_campaign.demo import DEMO_PDF, REASON
from dairy_campaign.models import Jurisdiction, User
from dairy_campaign.services.campaigns import campaign_current, local_today
from licensing.demo import demo_credit_code
from licensing.models import Licence, LicenceStatus, LicenceType, Operator, OperatorKind, OperatorStatus
from licensing.models.choices import PRODUCERS
from licensing.services.licences import licence_apply, licence_grant
from licensing.services.register import operator_create

from .models import AreaType, Consignment, Den, SelfInspectionReport, Sweep
from .services.consignments import (
    FailedItem,
    consignment_destroy,
    consignment_lab_result_record,
    consignment_register,
    consignment_release,
)
from .services.self_reports import self_report_accept, self_report_record, self_report_return
from .services.sweeps import den_ban, den_record, sweep_record

COUNTY = "320115"
IMPORTER_SERIAL = 16  # the importer of licensing's demo register, if it was loaded


def _days_ago(n: int) -> datetime.date:
    return local_today() - datetime.timedelta(days=n)


def _user(name: str) -> User:
    return User.objects.get(username=name)


# --- C1 ------------------------------------------------------------------------------

SWEEPS = [
    {
        "area_type": AreaType.FRINGE,
        "area": "秣陵街道城乡结合部",
        "days_ago": 52,
        "leader": "陈志远",
        "leader_title": "江宁区人民政府副区长",
        "participants": "区工商局、区质监局、区公安分局、秣陵街道办事处",
        "notes": "重点排查出租民房和无名小作坊。",
        "dens": [
            {
                "name": "殷巷村无证乳粉分装窝点",
                "address": "秣陵街道殷巷村三组12号",
                "activity": "将来源不明的散装乳粉分装为小包装冒充品牌乳粉销售",
                "banned": True,
                "document_number": "宁江工商取〔2026〕7号",
                "seized_product": "散装乳粉",
                "seized_quantity": Decimal("850"),
                "seized_unit": "kg",
            },
            {
                "name": "将军大道出租房无证酸奶作坊",
                "address": "秣陵街道将军大道88号出租房",
                "activity": "无证生产酸奶并向周边早餐店供货",
                "banned": True,
                "document_number": "宁江工商取〔2026〕8号",
                "seized_product": "自制酸奶成品",
                "seized_quantity": Decimal("126"),
                "seized_unit": "瓶",
            },
        ],
    },
    {
        "area_type": AreaType.WAREHOUSE,
        "area": "淳化街道出租库房集中区",
        "days_ago": 18,
        "leader": "王海涛",
        "leader_title": "江宁区人民政府副区长",
        "participants": "区工商局、区农业局、淳化街道办事处",
        "notes": "",
        "dens": [
            {
                "name": "青龙村出租库房乳粉囤积点",
                "address": "淳化街道青龙村仓储区5号库",
                "activity": "囤积来源不明的乳粉，疑为已召回批次",
                "banned": False,
                "seized_product": "袋装乳粉",
                "seized_quantity": Decimal("1.2"),
                "seized_unit": "吨",
                "ban_later": ("经查为已召回问题乳粉，予以取缔", "宁江工商取〔2026〕11号"),
            },
            {
                "name": "上峰路临时仓库（待查）",
                "address": "淳化街道上峰路临时搭建仓库",
                "activity": "疑似存放散装乳粉，正在核查",
                "banned": False,
            },
        ],
    },
]


def seed_sweeps(county: Jurisdiction) -> int:
    gov, aic = _user("gov_jn"), _user("aic_jn_inspector")
    for spec in SWEEPS:
        sweep = Sweep.objects.filter(jurisdiction=county, area=spec["area"]).first()
        if sweep is None:
            sweep = sweep_record(
                actor=gov,
                jurisdiction=county,
                area_type=spec["area_type"],
                area=spec["area"],
                swept_on=_days_ago(spec["days_ago"]),
                leader=spec["leader"],
                leader_title=spec["leader_title"],
                participants=spec["participants"],
                notes=spec["notes"],
            )
        for den_spec in spec["dens"]:
            den_spec = dict(den_spec)
            ban_later = den_spec.pop("ban_later", None)
            if Den.objects.filter(sweep=sweep, operator__name=den_spec["name"]).exists():
                continue
            den = den_record(actor=gov, sweep=sweep, **den_spec)
            if ban_later:
                reason, document = ban_later
                den_ban(actor=aic, den=den, reason=reason, document_number=document)
    return len(SWEEPS)


# --- S5 ------------------------------------------------------------------------------


def ensure_importer(county: Jurisdiction, ciq: User) -> Operator:
    code = demo_credit_code(county.code, IMPORTER_SERIAL)
    importer = (
        Operator.objects.filter(credit_code=code).first()
        or Operator.objects.filter(kind=OperatorKind.IMPORTER, county=county).first()
    )
    if importer:
        return importer
    return operator_create(
        actor=ciq,
        kind=OperatorKind.IMPORTER,
        name="南京空港进口乳品有限公司",
        credit_code=code,
        county=county,
        address="江宁区禄口街道空港保税物流中心",
        contact_person="负责人",
        phone="025-52100016",
        registered_with_aic=True,
        reason=REASON,
    )


def ensure_filing(importer: Operator, ciq: User) -> Licence:
    filing = Licence.objects.filter(
        operator=importer, type=LicenceType.CONSIGNEE_FILING, status=LicenceStatus.GRANTED
    ).first()
    if filing:
        return filing
    issued = local_today().replace(month=1, day=15)
    licence = licence_apply(actor=ciq, operator=importer, type=LicenceType.CONSIGNEE_FILING, applied_on=issued)
    return licence_grant(
        actor=ciq,
        licence=licence,
        number=f"3201{importer.pk:06d}",
        issued_on=issued,
        expires_on=issued.replace(year=issued.year + 3),
        reason="收货人备案材料齐全",
    )


def _consignment(inspector, importer, filing, certificate, **fields) -> tuple[Consignment, bool]:
    existing = Consignment.objects.filter(health_certificate_number=certificate).first()
    if existing:
        return existing, False
    base = {
        "importer": importer,
        "consignee_filing": filing,
        "health_certificate_number": certificate,
        "certificate_content_ok": True,
        "certificate_seal_ok": True,
        "certificate_signatory_ok": True,
        "warehouse": "南京禄口机场进境食品指定监管仓库",
    }
    return consignment_register(actor=inspector, **base, **fields), True


def seed_consignments(county: Jurisdiction) -> int:
    inspector, reviewer, lab = _user("ciq_nj_inspector"), _user("ciq_nj_reviewer"), _user("lab_jn_clerk")
    importer = ensure_importer(county, reviewer)
    filing = ensure_filing(importer, reviewer)
    _consignment(
        inspector,
        importer,
        filing,
        "NZ-2026-HC-08817",
        product="全脂乳粉（大包装原料粉）",
        quantity=Decimal("25000"),
        unit="kg",
        origin_country="新西兰",
        arrived_on=_days_ago(4),
        quarantine_permit_required=True,
        quarantine_permit_number="320100202600355",
    )
    released, created = _consignment(
        inspector,
        importer,
        filing,
        "NL-2026-HC-11302",
        product="婴幼儿配方乳粉（1段）",
        quantity=Decimal("12000"),
        unit="罐",
        origin_country="荷兰",
        arrived_on=_days_ago(30),
    )
    if created:
        consignment_lab_result_record(
            actor=lab, consignment=released, conforming=True, reference="宁检测〔2026〕R-0917：三聚氰胺未检出"
        )
        consignment_release(
            actor=reviewer,
            consignment=released,
            reason="检验检疫合格",
            document_number="宁检证〔2026〕0917号",
            legal_basis="进出口乳品检验检疫监督管理办法",
        )
    destroyed, created = _consignment(
        inspector,
        importer,
        filing,
        "AU-2026-HC-05521",
        product="调制乳粉",
        quantity=Decimal("3.5"),
        unit="吨",
        origin_country="澳大利亚",
        arrived_on=_days_ago(21),
    )
    if created:
        consignment_lab_result_record(
            actor=lab, consignment=destroyed, conforming=False, reference="宁检测〔2026〕R-0955：三聚氰胺 3.1 mg/kg"
        )
        consignment_destroy(
            actor=reviewer,
            consignment=destroyed,
            failed_items=[FailedItem.SAFETY, FailedItem.HEALTH],
            reason="三聚氰胺超过临时管理限量值，监督销毁",
            document_number="宁检处〔2026〕12号",
            legal_basis="进出口乳品检验检疫监督管理办法",
        )
    return Consignment.objects.filter(importer=importer).count()


# --- P1 ------------------------------------------------------------------------------

FINDINGS = [
    ("原料乳进货查验记录个别批次缺少供货方签字。", "已补签并建立专人复核制度。"),
    ("部分批次检验报告未归档。", "已补齐检验报告，按批次建档。"),
    ("未发现问题。", "继续执行批批检验和索证索票制度。"),
]


def _upload(operator: Operator) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"self-inspection-{operator.pk}.pdf", DEMO_PDF, content_type="application/pdf")


def seed_self_reports(county: Jurisdiction) -> int:
    campaign = campaign_current()
    if campaign is None:
        return 0
    open_ = Operator.objects.filter(county=county).exclude(status=OperatorStatus.BANNED).order_by("pk")
    producers = list(open_.filter(kind__in=PRODUCERS)[:3])
    catering = list(open_.filter(kind=OperatorKind.CATERING)[:2])
    day = max(campaign.starts_on, min(_days_ago(40), campaign.ends_on))
    recorded = []
    for operators, clerk in ((producers, _user("qts_jn_inspector")), (catering, _user("fda_jn_inspector"))):
        for i, operator in enumerate(operators):
            if SelfInspectionReport.objects.filter(operator=operator, campaign=campaign).exists():
                continue
            problems, actions = FINDINGS[i % len(FINDINGS)]
            recorded.append(
                self_report_record(
                    actor=clerk,
                    operator=operator,
                    campaign=campaign,
                    received_on=day,
                    problems_found=problems,
                    actions_taken=actions,
                    document=_upload(operator),
                )
            )
    reviewer = _user("qts_jn_reviewer")
    mine = [r for r in recorded if r.operator.kind in PRODUCERS]
    if mine:
        self_report_accept(actor=reviewer, report=mine[0], note="自查全面，整改到位。")
    if len(mine) > 1:
        self_report_return(actor=reviewer, report=mine[1], note="未附原料乳批批检验记录，请补充后重新报送。")
    return SelfInspectionReport.objects.filter(campaign=campaign, operator__county=county).count()


@transaction.atomic
def seed(stdout=None) -> dict:
    county = Jurisdiction.objects.get(code=COUNTY)
    outcome = {
        "sweeps": seed_sweeps(county),
        "consignments": seed_consignments(county),
        "self_reports": seed_self_reports(county),
    }
    if stdout is not None:
        counts = "{sweeps} sweeps, {consignments} consignments, {self_reports} self-inspection reports"
        stdout.write("field records: " + counts.format(**outcome))
    return outcome

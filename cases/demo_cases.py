"""Demo cases for `seed_demo` (C2): Jiangning's (江宁区) cases in every state, through the
same services as the pages. A clue from a lab result, a filed case with its task force and
evidence, a case transferred to the police and accepted, one awaiting the police and late,
a decided case with a fine, a closed case and a clue not filed.

Idempotent: each case is looked up by its title in 320115 and made only when missing.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from dairy_campaign.choices import AgencyKind
from dairy_campaign.demo import DEMO_PDF
from dairy_campaign.models import Agency, Jurisdiction, User
from dairy_campaign.services.campaigns import local_today
from licensing.models import Operator

from .models import Case, Decision, SourceKind, Violation
from .services.cases import (
    case_close,
    case_create,
    case_decide,
    case_dismiss,
    case_file,
    case_investigate,
    case_task_force,
)
from .services.clues import case_open_clue
from .services.evidence import evidence_attach
from .services.police import police_accept, police_refer

COUNTY = "320115"
V = Violation


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _party(name: str) -> dict:
    operator = Operator.objects.filter(name=name).first()
    return {"operator": operator} if operator else {"party_name": name}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def _exists(title: str) -> bool:
    return Case.objects.filter(jurisdiction_id=COUNTY, title=title).exists()


def _clue_days_ago(case: Case, days: int) -> Case:
    """The demo's clues arrived some days ago (the services stamp them with now)."""
    case.clue_at = timezone.now() - datetime.timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(clue_at=case.clue_at)
    return case


def _new(inspector: str, title: str, facts: str, party: str, violations, **extra) -> Case:
    return case_create(
        actor=_user(inspector),
        title=title,
        facts=facts,
        jurisdiction=Jurisdiction.objects.get(code=COUNTY),
        violations=violations,
        **_party(party),
        **extra,
    )


def _filed(reviewer: str, case: Case, number: str, violations, **extra) -> Case:
    return case_file(
        actor=_user(reviewer),
        case=case,
        reason="经初步核查，涉嫌违法事实存在，符合立案条件",
        document_number=number,
        violations=violations,
        **extra,
    )


def seed_clue_from_lab():
    title = "东山便民食杂店婴幼儿配方乳粉三聚氰胺超标"
    if _exists(title):
        return
    case_open_clue(
        actor=_user("aic_jn_inspector"),
        agency=Agency.objects.get(kind=AgencyKind.AIC, jurisdiction_id=COUNTY),
        jurisdiction=Jurisdiction.objects.get(code=COUNTY),
        source_kind=SourceKind.LAB_RESULT,
        title=title,
        facts="流通环节抽检：某品牌婴幼儿配方乳粉三聚氰胺检出值 1.6 mg/kg，超过临时管理限量值 1 mg/kg。",
        source_label="抽检样品 JN-LT-0107 检验报告（三聚氰胺 1.6 mg/kg，不合格）",
        violations=[V.OVER_LIMIT],
        **_party("东山便民食杂店"),
    )


def seed_filed_with_task_force():
    title = "南京秣陵乳制品厂未对原料乳逐批检验"
    if _exists(title):
        return
    case = _new(
        "qts_jn_inspector",
        title,
        "驻厂检查发现：9月以来购进原料乳 46 批次，仅 12 批次有三聚氰胺检验记录；实际经营者王某某（租赁经营）。",
        "南京秣陵乳制品厂",
        [V.NO_BATCH_TESTING, V.NO_RECORDS],
        source_label="江宁区农业委员会移送线索函 宁江农〔2026〕12号",
    )
    _filed("qts_jn_reviewer", case, "宁江质监立〔2026〕21号", [V.NO_BATCH_TESTING, V.NO_RECORDS], major=True)
    case_task_force(
        actor=_user("qts_jn_reviewer"),
        case=case,
        name="秣陵乳制品厂原料乳检验专案组",
        leader=_user("qts_jn_reviewer"),
        members=[_user("qts_jn_inspector"), _user("psb_jn")],
        formed_on=local_today(),
    )
    evidence_attach(
        actor=_user("qts_jn_inspector"), case=case, upload=_pdf("现场检查笔录.pdf"), description="现场检查笔录"
    )
    evidence_attach(
        actor=_user("qts_jn_inspector"),
        case=case,
        upload=_pdf("原料乳进货台账复印件.pdf"),
        description="原料乳进货台账",
    )


def _referred(case: Case, *, reviewer: str, number: str, documents: list[str]):
    return police_refer(
        actor=_user(reviewer),
        case=case,
        police_unit=Agency.objects.get(kind=AgencyKind.PSB, jurisdiction_id=COUNTY),
        referred_on=local_today(),
        document_number=number,
        documents=[_pdf(name) for name in documents],
    )


def seed_referred_and_accepted():
    title = "江宁新鲜乳品有限公司涉嫌在生鲜乳中添加三聚氰胺"
    if _exists(title):
        return
    case = _new(
        "qts_jn_inspector",
        title,
        "生产线旁发现白色粉末两袋，经快检为三聚氰胺；操作工称系收购站提供的“蛋白粉”。",
        "江宁新鲜乳品有限公司",
        [V.DELIBERATE_ADDITION],
        major=True,
    )
    _clue_days_ago(case, 12)
    _filed("qts_jn_reviewer", case, "宁江质监立〔2026〕18号", [V.DELIBERATE_ADDITION])
    case_investigate(actor=_user("qts_jn_reviewer"), case=case, reason="调取监控、询问当事人")
    referral = _referred(
        case, reviewer="qts_jn_reviewer", number="宁江质监移〔2026〕3号", documents=["涉嫌犯罪案件移送书.pdf"]
    )
    police_accept(
        actor=_user("psb_jn"),
        referral=referral,
        police_case_number="江公（治）立字〔2026〕0315号",
        answered_on=local_today(),
        note="已立案侦查",
    )


def seed_referred_late():
    title = "南京江宁乳品批发有限公司批发超标乳粉"
    if _exists(title):
        return
    case = _new(
        "aic_jn_inspector",
        title,
        "批发销售三聚氰胺超标乳粉 120 箱，货值约 8 万元，涉嫌销售有毒有害食品。",
        "南京江宁乳品批发有限公司",
        [V.OVER_LIMIT],
        cross_region=True,
    )
    _clue_days_ago(case, 45)
    _filed("aic_jn_reviewer", case, "宁江工商立〔2026〕40号", [V.OVER_LIMIT])
    case_investigate(actor=_user("aic_jn_reviewer"), case=case, reason="追查上游供货来源")
    _referred(case, reviewer="aic_jn_reviewer", number="宁江工商移〔2026〕5号", documents=["移送书.pdf"])


def seed_decided_with_fine():
    title = "苏果超市（江宁万达店）销售过期乳制品"
    if _exists(title):
        return
    case = _new(
        "aic_jn_inspector",
        title,
        "货架上发现超过保质期的调制乳粉 36 罐。",
        "苏果超市（江宁万达店）",
        [V.EXPIRED],
    )
    _filed("aic_jn_reviewer", case, "宁江工商立〔2026〕33号", [V.EXPIRED])
    case_investigate(actor=_user("aic_jn_reviewer"), case=case, reason="调查进货来源和销售数量")
    case_decide(
        actor=_user("aic_jn_reviewer"),
        case=case,
        decision=Decision.FINE,
        reason="销售超过保质期的食品，事实清楚，证据确凿",
        legal_basis="《食品安全法》第八十五条",
        document_number="宁江工商罚字〔2026〕61号",
        fine_amount=Decimal("20000"),
        confiscated="过期调制乳粉 36 罐",
    )


def seed_closed():
    title = "江宁区某乳品经销部未建立进货台账"
    if _exists(title):
        return
    case = _new(
        "aic_jn_inspector",
        title,
        "经销部未建立乳制品进货台账，无法提供供货商资质。",
        "江宁区某乳品经销部",
        [V.NO_RECORDS],
    )
    _filed("aic_jn_reviewer", case, "宁江工商立〔2026〕29号", [V.NO_RECORDS])
    reviewer = _user("aic_jn_reviewer")
    case_investigate(actor=reviewer, case=case, reason="现场检查并询问负责人")
    case_decide(
        actor=reviewer,
        case=case,
        decision=Decision.WARNING,
        reason="首次违法，已当场补建台账",
        document_number="宁江工商罚字〔2026〕55号",
    )
    case_close(actor=reviewer, case=case, reason="当事人已履行，整改到位")


def seed_dismissed():
    title = "举报秦淮人家酒楼使用来源不明乳粉"
    if _exists(title):
        return
    case = _new(
        "fda_jn_inspector",
        title,
        "群众来信反映该酒楼制作甜品使用无标签乳粉。",
        "秦淮人家酒楼（江宁店）",
        [V.EXPIRED],
        source_kind=SourceKind.COMPLAINT,
        source_label="群众来信（2026年第17号）",
    )
    case_dismiss(
        actor=_user("fda_jn_reviewer"),
        case=case,
        reason="经现场核查，所用乳粉索证索票齐全，举报内容不实",
    )


@transaction.atomic
def seed(stdout=None) -> dict:
    for step in (
        seed_clue_from_lab,
        seed_filed_with_task_force,
        seed_referred_and_accepted,
        seed_referred_late,
        seed_decided_with_fine,
        seed_closed,
        seed_dismissed,
    ):
        step()
    if stdout is not None:
        stdout.write(f"cases: {Case.objects.filter(jurisdiction_id=COUNTY).count()} in {COUNTY}")
    return {"cases": Case.objects.count()}

"""Demo hotline tickets (P3) in Jiangning (江宁区): a complaint answered, two tip-offs turned
into cases (one reward proposed, one approved and paid) and an overdue 12365 complaint.

The 12315 hotline pushes its tickets with the service account `hotline_12315`, a clerk of
the provincial industry and commerce department, which has no password. Its API token is
never printed: make one in the back office (Auth Token → Tokens) or with
`python manage.py drf_create_token hotline_12315`, and give it to the hotline system, which
sends `Authorization: Token <key>`.

Idempotent: tickets are keyed on hotline and ticket number, and each step is taken only
when the ticket has not reached it yet."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.demo import REASON, ensure_agency
from dairy_campaign.models import Jurisdiction, User
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today

from .models import Complaint, ComplaintKind, ComplaintStatus, Hotline, Reward, RewardStatus, Violation
from .services.complaints import complaint_answer, complaint_receive, complaint_to_case
from .services.rewards import reward_approve, reward_pay, reward_propose

HOTLINE_ACCOUNT = "hotline_12315"
COUNTY = "320115"

TICKETS = [
    {
        "hotline": Hotline.AIC_12315,
        "serial": 101,
        "kind": ComplaintKind.COMPLAINT,
        "days_ago": 12,
        "content": "在东山街道某连锁超市购买的袋装酸奶已过保质期两天仍在销售，要求处理。",
        "party_name": "东山街道某连锁超市",
        "informant": ("周某某", "13851234567", "南京市江宁区东山街道上坊新城12栋"),
        "answer": "经现场检查，该超市货架上有过期酸奶6袋，已责令下架销毁，并约谈负责人，已电话回复举报人。",
    },
    {
        "hotline": Hotline.AIC_12315,
        "serial": 102,
        "kind": ComplaintKind.TIP,
        "days_ago": 9,
        "content": "秣陵街道一家食杂店销售无厂名厂址的散装奶粉，称是“厂家直供”。",
        "party_name": "秣陵街道某食杂店",
        "informant": ("吴某", "13913579246", "南京市江宁区秣陵街道殷巷社区"),
        "case": ("食杂店销售来源不明散装乳粉", [Violation.EXPIRED, Violation.NO_RECORDS]),
        "reward": (Decimal("500.00"), "举报线索属实并已立案查处，按有奖举报办法拟奖励。", None),
    },
    {
        "hotline": Hotline.AIC_12315,
        "serial": 103,
        "kind": ComplaintKind.TIP,
        "days_ago": 30,
        "content": "淳化街道某批发部夜间从外地面包车上卸货，疑为已召回的问题乳粉。",
        "party_name": "淳化街道某食品批发部",
        "informant": ("郑某某", "15062345678", "南京市江宁区淳化街道青龙社区"),
        "case": ("批发部经营已召回问题乳粉", [Violation.OVER_LIMIT]),
        "reward": (Decimal("2000.00"), "线索直接查获问题乳粉1.2吨，依法拟予重奖。", "paid"),
    },
    {
        "hotline": Hotline.QTS_12365,
        "serial": 201,
        "kind": ComplaintKind.COMPLAINT,
        "days_ago": 24,
        "content": "购买的某品牌液态奶开封后有异味，怀疑生产企业原料把关不严。",
        "party_name": "江宁区某乳制品有限公司",
        "informant": ("钱某", "025-52101234", ""),
    },
]


def _user(name: str) -> User:
    return User.objects.get(username=name)


def ensure_hotline_account() -> User:
    """The 12315 service account: a clerk of the provincial AIC, API token only."""
    user = User.objects.filter(username=HOTLINE_ACCOUNT).first()
    if user is not None:
        return user
    user = User(
        username=HOTLINE_ACCOUNT,
        full_name="12315热线系统",
        agency=ensure_agency(AgencyKind.AIC, "320000"),
        role=Role.CLERK,
    )
    user.set_unusable_password()
    return audited_save(user, actor=None, reason=REASON)


def _receive(spec, county: Jurisdiction, hotline_account: User) -> Complaint:
    actor = hotline_account if spec["hotline"] == Hotline.AIC_12315 else _user("qts_jn_reviewer")
    name, phone, address = spec["informant"]
    complaint, _created = complaint_receive(
        actor=actor,
        hotline=spec["hotline"],
        ticket_number=f"{spec['hotline']}-{local_today().year}-{spec['serial']:06d}",
        kind=spec["kind"],
        received_at=timezone.now() - datetime.timedelta(days=spec["days_ago"], hours=3),
        content=spec["content"],
        jurisdiction=county,
        party_name=spec["party_name"],
        informant_name=name,
        informant_phone=phone,
        informant_address=address,
    )
    return complaint


def _handle(spec, complaint: Complaint):
    inspector = _user("aic_jn_inspector")
    if spec.get("answer") and complaint.status == ComplaintStatus.RECEIVED:
        answered_on = min(timezone.localdate(complaint.received_at) + datetime.timedelta(days=3), local_today())
        complaint_answer(actor=inspector, complaint=complaint, result=spec["answer"], answered_on=answered_on)
    if spec.get("case"):
        title, violations = spec["case"]
        complaint_to_case(actor=inspector, complaint=complaint, title=title, violations=violations)
        complaint.refresh_from_db()
    if spec.get("reward"):
        _reward(spec["reward"], complaint)


def _reward(spec, complaint: Complaint):
    amount, grounds, outcome = spec
    reward = Reward.objects.filter(complaint=complaint).first()
    if reward is None:
        reward = reward_propose(actor=_user("aic_jn_inspector"), complaint=complaint, amount=amount, grounds=grounds)
    if outcome != "paid":
        return
    if reward.status == RewardStatus.PROPOSED:
        reward_approve(actor=_user("aic_jn_reviewer"), reward=reward, reason="线索属实，同意奖励")
    if reward.status == RewardStatus.APPROVED:
        reward_pay(actor=_user("aic_jn_inspector"), reward=reward, paid_on=local_today(), reason="现金发放，领款人签字")


@transaction.atomic
def seed(stdout=None) -> dict:
    county = Jurisdiction.objects.get(code=COUNTY)
    hotline_account = ensure_hotline_account()
    for spec in TICKETS:
        _handle(spec, _receive(spec, county, hotline_account))
    if stdout is not None:
        stdout.write(
            f"hotline tickets: {Complaint.objects.count()}; service account {HOTLINE_ACCOUNT} "
            "(make its API token with: manage.py drf_create_token hotline_12315)"
        )
    return {"complaints": Complaint.objects.count(), "rewards": Reward.objects.count()}

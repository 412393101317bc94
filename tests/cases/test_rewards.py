"""P3 有奖举报: a tip-off turned into a case is rewarded on the handling department's
proposal, approved or refused by one of its reviewers other than the proposer, then paid."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import ComplaintKind, Hotline, Reward, RewardStatus
from cases.services.complaints import complaint_answer, complaint_receive, complaint_to_case
from cases.services.rewards import (
    REWARD_TRANSITIONS,
    reward_actions_for,
    reward_approve,
    reward_pay,
    reward_propose,
    reward_refuse,
)
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification, StateChange
from dairy_campaign.services.campaigns import local_today

from ..factories import AgencyFactory, member, place

pytestmark = pytest.mark.django_db
R = RewardStatus


@pytest.fixture
def hotline():
    return member("320000", AgencyKind.AIC, Role.CLERK)


_serial = iter(range(1, 10_000))


def tip(hotline, aic_inspector, *, kind=ComplaintKind.TIP, to_case=True):
    complaint, _ = complaint_receive(
        actor=hotline,
        hotline=Hotline.AIC_12315,
        ticket_number=f"12315-{next(_serial)}",
        kind=kind,
        received_at=timezone.now() - datetime.timedelta(days=3),
        content="某批发部销售已召回的问题乳粉",
        jurisdiction=place("320115"),
        party_name="某批发部",
        informant_name="郑某某",
        informant_phone="15062345678",
    )
    if to_case:
        complaint_to_case(actor=aic_inspector, complaint=complaint, title="批发部销售问题乳粉")
        complaint.refresh_from_db()
    return complaint


def propose(actor, complaint, amount=Decimal("500.00")):
    return reward_propose(actor=actor, complaint=complaint, amount=amount, grounds="线索属实并已立案")


def test_P3_the_reward_table_goes_proposed_then_approved_or_refused_then_paid():
    assert REWARD_TRANSITIONS[R.PROPOSED] == {R.APPROVED, R.REFUSED}
    assert REWARD_TRANSITIONS[R.APPROVED] == {R.PAID}
    assert set(REWARD_TRANSITIONS) == {R.PROPOSED, R.APPROVED}


def test_P3_a_tip_turned_into_a_case_is_rewarded_approved_by_another_reviewer_and_paid(
    hotline, aic_inspector, aic_reviewer
):
    complaint = tip(hotline, aic_inspector)
    reward = propose(aic_inspector, complaint)
    assert reward.status == R.PROPOSED and reward.amount == Decimal("500.00") and reward.proposed_by == aic_inspector
    assert Notification.objects.filter(recipient=aic_reviewer, title__contains="Reward proposed").exists()
    assert reward_actions_for(aic_reviewer, reward) == ["approve", "refuse"]

    reward_approve(actor=aic_reviewer, reward=reward)
    assert (reward.status, reward.approved_by, reward.approved_on) == (R.APPROVED, aic_reviewer, local_today())
    assert Notification.objects.filter(recipient=aic_inspector, title__contains="approved").exists()

    reward_pay(actor=aic_inspector, reward=reward, paid_on=local_today(), reason="银行转账 20261127")
    reward.refresh_from_db()
    assert reward.status == R.PAID and reward.paid_on == local_today()
    states = list(StateChange.objects.filter(object_id=str(reward.pk)).values_list("to_state", flat=True))
    assert states[-2:] == [R.APPROVED, R.PAID]


def test_P3_the_proposer_does_not_approve_their_own_reward(hotline, aic_inspector):
    reviewer = member("320115", AgencyKind.AIC, Role.REVIEWER)
    complaint = tip(hotline, aic_inspector)
    reward = propose(reviewer, complaint)
    assert reward_actions_for(reviewer, reward) == []
    with pytest.raises(PermissionDenied):
        reward_approve(actor=reviewer, reward=reward)
    with pytest.raises(PermissionDenied):
        reward_refuse(actor=reviewer, reward=reward, reason="自己驳回")
    reward.refresh_from_db()
    assert reward.status == R.PROPOSED


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [
        ("320115", AgencyKind.AIC, Role.INSPECTOR),  # not a reviewer
        ("320115", AgencyKind.QTS, Role.REVIEWER),  # reviewer of another department
        ("320100", AgencyKind.AIC, Role.REVIEWER),  # the city bureau: not the handling agency
    ],
)
def test_P3_only_a_reviewer_of_the_handling_agency_decides_on_a_reward(
    hotline, aic_inspector, aic_reviewer, code, kind, role
):
    reward = propose(aic_inspector, tip(hotline, aic_inspector))
    someone = member(code, kind, role)
    with pytest.raises(PermissionDenied):
        reward_approve(actor=someone, reward=reward)
    with pytest.raises(PermissionDenied):
        reward_refuse(actor=someone, reward=reward, reason="不同意")


def test_P3_a_refusal_says_why_and_ends_the_reward(hotline, aic_inspector, aic_reviewer):
    reward = propose(aic_inspector, tip(hotline, aic_inspector))
    with pytest.raises(ValidationError):
        reward_refuse(actor=aic_reviewer, reward=reward, reason=" ")
    reward_refuse(actor=aic_reviewer, reward=reward, reason="线索与查处结果无直接关系")
    assert reward.status == R.REFUSED
    assert reward_actions_for(aic_reviewer, reward) == [] and reward_actions_for(aic_inspector, reward) == []
    with pytest.raises(ValidationError):
        reward_pay(actor=aic_inspector, reward=reward, paid_on=local_today())


@pytest.mark.parametrize(
    ("kind", "to_case", "answered"),
    [
        (ComplaintKind.TIP, False, False),  # not yet a case
        (ComplaintKind.TIP, False, True),  # answered: no verdict on its truth
        (ComplaintKind.COMPLAINT, True, False),  # a complaint, not a tip-off
    ],
)
def test_P3_only_a_tip_off_turned_into_a_case_is_rewarded(hotline, aic_inspector, kind, to_case, answered):
    complaint = tip(hotline, aic_inspector, kind=kind, to_case=to_case)
    if answered:
        complaint_answer(actor=aic_inspector, complaint=complaint, result="已查处", answered_on=local_today())
    with pytest.raises(ValidationError) as error:
        propose(aic_inspector, complaint)
    assert "P3" in str(error.value)
    assert not Reward.objects.exists()


def test_P3_a_tip_off_is_rewarded_once(hotline, aic_inspector):
    complaint = tip(hotline, aic_inspector)
    propose(aic_inspector, complaint)
    with pytest.raises(ValidationError):
        propose(aic_inspector, complaint)
    assert Reward.objects.count() == 1


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-10"), 12.5, "abc", None, Decimal("NaN")])
def test_P3_a_reward_is_a_positive_amount_in_decimal_yuan(hotline, aic_inspector, amount):
    with pytest.raises(ValidationError) as error:
        propose(aic_inspector, tip(hotline, aic_inspector), amount=amount)
    assert "amount" in error.value.message_dict


def test_P3_more_than_two_decimals_of_a_yuan_are_refused(hotline, aic_inspector):
    with pytest.raises(ValidationError):
        propose(aic_inspector, tip(hotline, aic_inspector), amount=Decimal("10.005"))


def test_P3_grounds_are_required(hotline, aic_inspector):
    with pytest.raises(ValidationError) as error:
        reward_propose(actor=aic_inspector, complaint=tip(hotline, aic_inspector), amount=Decimal("100"), grounds="")
    assert "grounds" in error.value.message_dict


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [
        ("320115", AgencyKind.AIC, Role.VIEWER),
        ("320115", AgencyKind.QTS, Role.INSPECTOR),
        ("320000", AgencyKind.AIC, Role.CLERK),  # the hotline bureau handed the ticket on
    ],
)
def test_P3_only_the_handling_agency_proposes_a_reward(hotline, aic_inspector, code, kind, role):
    complaint = tip(hotline, aic_inspector)
    AgencyFactory(kind=kind, jurisdiction=place(code))
    with pytest.raises(PermissionDenied):
        propose(member(code, kind, role), complaint)


def test_P3_only_an_approved_reward_is_paid_and_never_in_the_future(hotline, aic_inspector, aic_reviewer):
    reward = propose(aic_inspector, tip(hotline, aic_inspector))
    with pytest.raises(ValidationError):
        reward_pay(actor=aic_inspector, reward=reward, paid_on=local_today())
    reward_approve(actor=aic_reviewer, reward=reward, reason="同意")
    with pytest.raises(ValidationError) as error:
        reward_pay(actor=aic_inspector, reward=reward, paid_on=local_today() + datetime.timedelta(days=1))
    assert "paid_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        reward_pay(actor=aic_inspector, reward=reward, paid_on=local_today() - datetime.timedelta(days=1))
    assert "paid_on" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        reward_pay(actor=member("320115", AgencyKind.AIC, Role.VIEWER), reward=reward, paid_on=local_today())
    reward.refresh_from_db()
    assert reward.status == R.APPROVED

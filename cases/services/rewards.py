"""P3 (四.三 全面实施有奖举报制度): rewards for tip-offs. The handling department proposes
a reward, one of its reviewers (not the proposer) approves or refuses it, and the payment
is recorded.

Which tips are rewarded: a tip-off that was turned into a case. The case is the record
that the tip proved true; an answered tip carries no verdict on its truth, so it is not
rewarded here (its department may still turn it into a case first)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from dairy_campaign.ownership import DECIDE_ROLES
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.services.notifications import notify, notify_agencies
from dairy_campaign.transitions import transition

from ..models import Complaint, ComplaintKind, ComplaintStatus, Reward, RewardStatus
from .complaints import may_handle

R = RewardStatus
REWARD_TRANSITIONS = {
    R.PROPOSED: frozenset({R.APPROVED, R.REFUSED}),
    R.APPROVED: frozenset({R.PAID}),
}


def reward_refusal(complaint: Complaint) -> str | None:
    """P3: why `complaint` cannot be rewarded, or None when it can."""
    if complaint.kind != ComplaintKind.TIP:
        return _("P3: rewards are for tip-offs, not consultations or complaints.")
    if complaint.status != ComplaintStatus.CASE_OPENED or not complaint.case_id:
        return _("P3: a tip-off is rewarded once it has been turned into a case.")
    if Reward.objects.filter(complaint=complaint).exists():
        return _("This tip-off already has a reward.")
    return None


def may_propose_reward(actor, complaint: Complaint) -> bool:
    return may_handle(actor, complaint) and reward_refusal(complaint) is None


def _is_reviewer_of_handler(actor, reward: Reward) -> bool:
    if not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    return actor.role in DECIDE_ROLES and actor.agency_id == reward.complaint.assigned_agency_id


def reward_actions_for(actor, reward: Reward) -> list[str]:
    """The decisions open to `actor` on `reward` now."""
    if reward.status == R.PROPOSED and _is_reviewer_of_handler(actor, reward) and actor.pk != reward.proposed_by_id:
        return ["approve", "refuse"]
    if reward.status == R.APPROVED and may_handle(actor, reward.complaint):
        return ["pay"]
    return []


def _amount(value) -> Decimal:
    # Money is Decimal from end to end; a float would already have lost the cents.
    if isinstance(value, float) or value is None:
        raise ValidationError({"amount": _("Give the amount in yuan.")})
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"amount": _("Give the amount in yuan.")}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": _("A reward is a positive amount.")})
    return amount


@transaction.atomic
def reward_propose(*, actor, complaint: Complaint, amount, grounds: str) -> Reward:
    """P3: the handling department proposes a reward for a tip-off turned into a case.
    Its reviewers are notified."""
    if not may_handle(actor, complaint):
        raise PermissionDenied(_("Only the handling department proposes a reward for this tip-off."))
    refusal = reward_refusal(complaint)
    if refusal:
        raise ValidationError(refusal)
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": _("Give the grounds for the reward.")})
    reward = Reward(complaint=complaint, amount=_amount(amount), grounds=grounds, proposed_by=actor)
    audited_save(reward, actor=actor, reason=_("Reward proposed"))
    notify_agencies(
        agencies=[complaint.assigned_agency],
        title=_("Reward proposed for tip-off %(ticket)s") % {"ticket": complaint},
        body=grounds[:500],
        url=reverse("complaint_detail", args=[complaint.pk]),
    )
    return reward


def _decide(actor, reward: Reward, name: str):
    if name not in reward_actions_for(actor, reward):
        if actor.pk == reward.proposed_by_id and reward.status == R.PROPOSED:
            raise PermissionDenied(_("The proposer does not approve or refuse their own proposal."))
        if name == "pay":
            raise PermissionDenied(_("Only the handling department records the payment of a reward."))
        raise PermissionDenied(_("Only a reviewer of the handling department decides on this reward."))


def _tell_proposer(reward: Reward, title: str):
    notify(
        recipients=[reward.proposed_by],
        title=title % {"ticket": reward.complaint},
        url=reverse("complaint_detail", args=[reward.complaint_id]),
    )


@transaction.atomic
def reward_approve(*, actor, reward: Reward, reason: str = "") -> Reward:
    """P3: a reviewer of the handling department, not the proposer, approves the reward."""
    _decide(actor, reward, "approve")
    transition(
        obj=reward,
        to=R.APPROVED,
        table=REWARD_TRANSITIONS,
        actor=actor,
        reason=(reason or "").strip() or _("Approved"),
        approved_by=actor,
        approved_on=local_today(),
    )
    _tell_proposer(reward, _("Reward approved for tip-off %(ticket)s"))
    return reward


@transaction.atomic
def reward_refuse(*, actor, reward: Reward, reason: str) -> Reward:
    """P3: a reviewer of the handling department, not the proposer, refuses the reward,
    saying why."""
    _decide(actor, reward, "refuse")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the reward is refused.")})
    transition(obj=reward, to=R.REFUSED, table=REWARD_TRANSITIONS, actor=actor, reason=reason)
    _tell_proposer(reward, _("Reward refused for tip-off %(ticket)s"))
    return reward


@transaction.atomic
def reward_pay(*, actor, reward: Reward, paid_on: datetime.date, reason: str = "") -> Reward:
    """P3: record that an approved reward was paid to the informant."""
    if reward.status != R.APPROVED:
        raise ValidationError(_("Only an approved reward is paid."))
    _decide(actor, reward, "pay")
    if paid_on is None or paid_on > local_today():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    if reward.approved_on and paid_on < reward.approved_on:
        raise ValidationError({"paid_on": _("The payment date cannot be before the approval.")})
    transition(
        obj=reward,
        to=R.PAID,
        table=REWARD_TRANSITIONS,
        actor=actor,
        reason=(reason or "").strip() or _("Paid"),
        paid_on=paid_on,
    )
    return reward


REWARD_DECISIONS = {"approve": reward_approve, "refuse": reward_refuse, "pay": reward_pay}


def reward_decide(*, actor, reward: Reward, decision: str, **data) -> Reward:
    try:
        service = REWARD_DECISIONS[decision]
    except KeyError:
        raise ValidationError(_("Unknown decision.")) from None
    return service(actor=actor, reward=reward, **data)

"""Demo sampling plans for `seed_demo`, in Jiangning (320115), for the current month:
an approved Q1 plan with its batches drawn, an approved Q4 plan, a Q2 plan refused once
for a vehicle left out and then approved, and a Q5 plan still in draft with shortfalls.

Idempotent: each plan is recognised by its rule and its demo note. Built through the
services, on whatever intake lots the lots demo recorded before (counts are not assumed).
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from dairy_campaign.models import Jurisdiction, User
from dairy_campaign.services.campaigns import local_today

from .models import PlanStatus, Rule, SamplingPlan
from .services.plans import (
    line_minimum,
    plan_approve,
    plan_create,
    plan_fill_minimums,
    plan_line_set,
    plan_refuse,
    plan_submit,
)
from .services.selection import line_select

COUNTY = "320115"
NOTES = {
    Rule.Q1: "演示：本月购入生鲜乳、原料乳粉三聚氰胺抽检计划（每家不少于批次的15%）",
    Rule.Q4: "演示：本月乳制品企业出厂产品每周抽检计划",
    Rule.Q2: "演示：本月收购站、运输车、饲料厂抽检全覆盖计划",
    Rule.Q5: "演示：婴幼儿配方乳粉流通环节季度抽检计划（草稿）",
}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1), today.replace(day=last)


def _quarter_from(first: datetime.date) -> datetime.date:
    """The last day of the third month starting with `first`'s."""
    month = first.month + 2
    year = first.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _draft(rule, inspector, place, start, end):
    return plan_create(
        actor=_user(inspector), rule=rule, jurisdiction=place, period_start=start, period_end=end, notes=NOTES[rule]
    )


def _approved(rule, inspector, reviewer, place, start, end, number):
    plan = _draft(rule, inspector, place, start, end)
    plan_fill_minimums(actor=_user(inspector), plan=plan)
    plan_submit(actor=_user(inspector), plan=plan, reason="请审核")
    plan_approve(actor=_user(reviewer), plan=plan, reason="计划抽检数量符合要求", document_number=number)
    return plan


def _q1(place, start, end):
    plan = _approved(Rule.Q1, "qts_jn_inspector", "qts_jn_reviewer", place, start, end, "宁江质监抽〔2026〕1号")
    inspector = _user("qts_jn_inspector")
    drawn = 0
    for line in plan.lines.filter(planned__gt=0):
        try:
            line_select(actor=inspector, line=line)
        except ValidationError:
            continue  # no batches recorded for this producer yet
        drawn += 1
    return drawn


def _q2(place, start, end):
    """Refused once: the transport vehicle was left out (Q2 covers every vehicle)."""
    inspector, reviewer = _user("agr_jn_inspector"), _user("agr_jn_reviewer")
    plan = _draft(Rule.Q2, "agr_jn_inspector", place, start, end)
    plan_fill_minimums(actor=inspector, plan=plan)
    vehicles = list(plan.lines.filter(vehicle__isnull=False))
    for line in vehicles:
        plan_line_set(actor=inspector, line=line, planned=0)
    plan_submit(actor=inspector, plan=plan, reason="请审核")
    if vehicles:
        try:
            plan_approve(actor=reviewer, plan=plan, reason="同意")
        except ValidationError as refusal:
            plan_refuse(actor=reviewer, plan=plan, reason="；".join(refusal.messages))
        plan.refresh_from_db()
        for line in vehicles:
            plan_line_set(actor=inspector, line=line, planned=1)
        plan_submit(actor=inspector, plan=plan, reason="已补充运输车辆")
    plan_approve(actor=reviewer, plan=plan, reason="站、车、厂全覆盖", document_number="宁江农抽〔2026〕2号")
    return plan


def _q5(place, start):
    """A draft: the wholesaler is planned, the shops are not yet (shortfalls on the page)."""
    inspector = _user("aic_jn_inspector")
    plan = _draft(Rule.Q5, "aic_jn_inspector", place, start, _quarter_from(start))
    for line in plan.lines.select_related("operator").filter(operator__kind="wholesaler"):
        plan_line_set(actor=inspector, line=line, planned=line_minimum(Rule.Q5, line))
    return plan


@transaction.atomic
def seed(stdout=None) -> dict:
    place = Jurisdiction.objects.get(code=COUNTY)
    start, end = _month(local_today())
    demo = SamplingPlan.objects.filter(jurisdiction=place)
    outcome = {}
    if not demo.filter(rule=Rule.Q1, notes=NOTES[Rule.Q1]).exists():
        outcome["q1_lines_drawn"] = _q1(place, start, end)
    if not demo.filter(rule=Rule.Q4, notes=NOTES[Rule.Q4]).exists():
        _approved(Rule.Q4, "qts_jn_inspector", "qts_jn_reviewer", place, start, end, "宁江质监抽〔2026〕2号")
    if not demo.filter(rule=Rule.Q2, notes=NOTES[Rule.Q2]).exists():
        _q2(place, start, end)
    if not demo.filter(rule=Rule.Q5, notes=NOTES[Rule.Q5]).exists():
        _q5(place, start)
    outcome["plans_approved"] = demo.filter(status=PlanStatus.APPROVED).count()
    return outcome

"""Sampling plans (Q1–Q6): lines from the register, minimums, approval, Q1 batch draws."""

import datetime
import hashlib
import random
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification, StateChange
from licensing.models import OperatorKind, OperatorStatus, Vehicle
from sampling.models import LotKind, PlanLine, PlanStatus, Rule
from sampling.services.plans import (
    Shortfall,
    line_minimum,
    plan_approve,
    plan_create,
    plan_fill_minimums,
    plan_line_set,
    plan_lines_set,
    plan_refuse,
    plan_shortfalls,
    plan_submit,
    shortfall_message,
)
from sampling.services.selection import line_select, population_digest, selection_verify

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories import LotFactory

pytestmark = pytest.mark.django_db
D = datetime.date
K = OperatorKind
NOV = (D(2026, 11, 1), D(2026, 11, 30))
NOV_2 = D(2026, 11, 2)


def _team(kind):
    return SimpleNamespace(
        inspector=member("320115", kind, Role.INSPECTOR, full_name="起草人"),
        reviewer=member("320115", kind, Role.REVIEWER, full_name="审核人"),
        viewer=member("320115", kind, Role.VIEWER),
    )


@pytest.fixture
def qts(db):
    return _team(AgencyKind.QTS)


@pytest.fixture
def agr(db):
    return _team(AgencyKind.AGR)


@pytest.fixture
def aic(db):
    return _team(AgencyKind.AIC)


@pytest.fixture
def clerk(db):
    return member("320115", AgencyKind.QTS, Role.CLERK)


def batches(producer, n, clerk, day=NOV_2, kind=LotKind.RAW_MILK):
    return LotFactory.create_batch(n, operator=producer, supplier=None, dated=day, kind=kind, recorded_by=clerk)


def draw_up(actor, rule, code="320115", period=NOV):
    return plan_create(actor=actor, rule=rule, jurisdiction=place(code), period_start=period[0], period_end=period[1])


def lines(plan) -> dict[str, PlanLine]:
    return {str(line.unit): line for line in plan.lines.select_related("operator", "vehicle")}


def bases(plan) -> dict[str, int]:
    return {unit: line.base for unit, line in lines(plan).items()}


def plan_counts(plan, actor, **counts_by_unit):
    by_unit = lines(plan)
    plan_lines_set(actor=actor, plan=plan, planned={by_unit[u].pk: n for u, n in counts_by_unit.items()})


def refusal(plan, reviewer) -> list[str]:
    with pytest.raises(ValidationError) as error:
        plan_approve(actor=reviewer, plan=plan, reason="审核")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED  # a refused approval changes nothing
    return error.value.messages


# --- building the lines from the register ----------------------------------------------


def test_q1_plan_has_a_line_per_producer_in_business_with_its_purchased_batches_in_the_period(qts, clerk):
    fresh = OperatorFactory(kind=K.DAIRY_PRODUCER, name="江宁新鲜乳品有限公司")
    bakery = OperatorFactory(kind=K.DAIRY_FOOD_PRODUCER, name="江宁麦香食品有限公司")
    suspended = OperatorFactory(kind=K.DAIRY_PRODUCER, name="停产整改乳业", status=OperatorStatus.SUSPENDED)
    OperatorFactory(kind=K.DAIRY_PRODUCER, name="已关停乳业", status=OperatorStatus.CLOSED)
    OperatorFactory(kind=K.DAIRY_PRODUCER, name="睢宁乳业", county=place("320324"))
    OperatorFactory(kind=K.PURCHASE_STATION, name="汤山收购站")
    batches(fresh, 18, clerk)
    batches(fresh, 2, clerk, kind=LotKind.MILK_POWDER, day=D(2026, 11, 30))
    batches(fresh, 3, clerk, day=D(2026, 10, 31))  # before the period
    batches(bakery, 7, clerk, day=D(2026, 11, 1))
    LotFactory(operator=fresh, supplier=None, kind=LotKind.FINISHED, dated=D(2026, 11, 5), recorded_by=clerk)

    plan = draw_up(qts.inspector, Rule.Q1)

    assert bases(plan) == {fresh.name: 20, bakery.name: 7, suspended.name: 0}
    assert {line.planned for line in plan.lines.all()} == {0}
    assert plan.agency == qts.inspector.agency and plan.status == PlanStatus.DRAFT


def test_q2_plan_covers_every_station_vehicle_and_feed_mill_of_the_jurisdiction(agr):
    station = OperatorFactory(kind=K.PURCHASE_STATION, name="汤山生鲜乳收购站")
    mill = OperatorFactory(kind=K.FEED_MILL, name="江宁正大饲料有限公司")
    farm = OperatorFactory(kind=K.DAIRY_FARM, name="汤山奶牛场", scale_farm=True)
    Vehicle.objects.create(plate="苏A·N7788", owner=farm, capacity_tonnes=8)
    Vehicle.objects.create(
        plate="苏C·X1234", owner=OperatorFactory(kind=K.DAIRY_FARM, county=place("320324")), capacity_tonnes=8
    )
    OperatorFactory(kind=K.PURCHASE_STATION, name="睢宁收购站", county=place("320324"))

    plan = draw_up(agr.inspector, Rule.Q2)

    assert bases(plan) == {station.name: 1, mill.name: 1, "苏A·N7788": 1}


def test_q3_plan_lists_the_scale_dairy_farms_only(agr):
    big = OperatorFactory(kind=K.DAIRY_FARM, name="汤山奶牛养殖场", scale_farm=True, herd_size=1200)
    OperatorFactory(kind=K.DAIRY_FARM, name="横溪家庭牧场", herd_size=80)
    OperatorFactory(kind=K.FARMER_COOP, name="禄口奶牛专业合作社")

    assert bases(draw_up(agr.inspector, Rule.Q3)) == {big.name: 1}


def test_q4_plan_counts_the_weeks_of_the_period_for_every_dairy_producer(qts):
    producer = OperatorFactory(kind=K.DAIRY_PRODUCER, name="卫岗江宁工厂")
    OperatorFactory(kind=K.DAIRY_FOOD_PRODUCER, name="麦香食品")  # Q4 is about dairy producers' products

    # 1 November 2026 is a Sunday: the month touches six ISO weeks.
    assert bases(draw_up(qts.inspector, Rule.Q4)) == {producer.name: 6}


def test_q5_plan_counts_the_months_for_every_wholesaler_supermarket_and_small_shop(aic):
    names = {OperatorFactory(kind=kind).name for kind in (K.WHOLESALER, K.SUPERMARKET, K.SMALL_RETAILER)}
    OperatorFactory(kind=K.CATERING)

    plan = draw_up(aic.inspector, Rule.Q5, period=(D(2026, 10, 1), D(2026, 12, 31)))

    assert bases(plan) == dict.fromkeys(names, 3)


def test_a_city_plan_covers_every_county_below(qts):
    OperatorFactory(kind=K.DAIRY_PRODUCER, name="江宁乳业")
    OperatorFactory(kind=K.DAIRY_PRODUCER, name="玄武乳业", county=place("320102"))
    OperatorFactory(kind=K.DAIRY_PRODUCER, name="睢宁乳业", county=place("320324"))
    city = member("320100", AgencyKind.QTS, Role.INSPECTOR)

    assert set(bases(draw_up(city, Rule.Q4, code="320100"))) == {"江宁乳业", "玄武乳业"}


# --- Q6: the minimums ------------------------------------------------------------------


def _line(rule, base, kind=K.DAIRY_PRODUCER):
    return PlanLine(base=base, operator=OperatorFactory.build(kind=kind))


@pytest.mark.parametrize(
    ("rule", "base", "kind", "minimum"),
    [
        (Rule.Q1, 20, K.DAIRY_PRODUCER, 3),
        (Rule.Q1, 7, K.DAIRY_FOOD_PRODUCER, 2),
        (Rule.Q1, 0, K.DAIRY_PRODUCER, 0),
        (Rule.Q1, 1, K.DAIRY_PRODUCER, 1),
        (Rule.Q2, 1, K.PURCHASE_STATION, 1),
        (Rule.Q2, 1, K.FEED_MILL, 1),
        (Rule.Q3, 1, K.DAIRY_FARM, 0),  # Q3 is reckoned on the plan's farms together
        (Rule.Q4, 6, K.DAIRY_PRODUCER, 6),
        (Rule.Q5, 3, K.WHOLESALER, 3),
        (Rule.Q5, 3, K.SUPERMARKET, 3),
        (Rule.Q5, 3, K.SMALL_RETAILER, 1),
        (Rule.Q5, 9, K.SMALL_RETAILER, 3),
    ],
)
def test_q6_line_minimum_per_rule(rule, base, kind, minimum):
    assert line_minimum(rule, _line(rule, base, kind)) == minimum


@pytest.mark.parametrize(
    ("shortfall", "message"),
    [
        (
            Shortfall("Q1", "甲", 3, 2, 1, base=20),
            "Q1: 甲 — 20 batches need at least 3 samples, 2 planned (1 short).",
        ),
        (Shortfall("Q1", "甲", 1, 0, 1, base=6), "Q1: 甲 — 6 batches need at least 1 sample, 0 planned (1 short)."),
        (Shortfall("Q1", "甲", 1, 0, 1, base=1), "Q1: 甲 — 1 batch needs at least 1 sample, 0 planned (1 short)."),
        (
            Shortfall("Q2", "苏A·N7788", 1, 0, 1, base=1),
            "Q2: 苏A·N7788 — every raw-milk station, transport vehicle and feed mill is sampled at least once, "
            "0 planned (1 short).",
        ),
        (
            Shortfall("Q3", "scale farms", 2, 0, 2, base=7),
            "Q3: 7 scale farms need at least 2 sampled, 0 planned (2 short).",
        ),
        (
            Shortfall("Q4", "乙", 1, 0, 1, base=1),
            "Q4: 乙 — 1 week needs at least 1 sample (one a week), 0 planned (1 short).",
        ),
        (Shortfall("Q5", "丙", 1, 0, 1, base=3), "Q5: 丙 — 3 months need at least 1 sample, 0 planned (1 short)."),
    ],
)
def test_q6_shortfall_messages_name_rule_unit_and_shortfall(shortfall, message):
    assert shortfall_message(shortfall) == shortfall.message == message


def test_q1_plan_below_fifteen_percent_is_refused_naming_the_producer_and_the_shortfall(qts, clerk):
    fresh = OperatorFactory(kind=K.DAIRY_PRODUCER, name="江宁新鲜乳品有限公司")
    batches(fresh, 20, clerk)
    plan = draw_up(qts.inspector, Rule.Q1)
    plan_counts(plan, qts.inspector, **{fresh.name: 2})
    plan_submit(actor=qts.inspector, plan=plan)

    assert refusal(plan, qts.reviewer) == [
        "Q1: 江宁新鲜乳品有限公司 — 20 batches need at least 3 samples, 2 planned (1 short)."
    ]


def test_q1_batches_recorded_since_the_plan_was_made_count_at_approval(qts, clerk):
    fresh = OperatorFactory(kind=K.DAIRY_PRODUCER, name="江宁新鲜乳品有限公司")
    batches(fresh, 20, clerk)
    plan = draw_up(qts.inspector, Rule.Q1)
    plan_counts(plan, qts.inspector, **{fresh.name: 3})
    plan_submit(actor=qts.inspector, plan=plan)
    assert plan_shortfalls(plan) == []
    batches(fresh, 1, clerk, day=D(2026, 11, 20))

    assert refusal(plan, qts.reviewer) == [
        "Q1: 江宁新鲜乳品有限公司 — 21 batches need at least 4 samples, 3 planned (1 short)."
    ]


def test_q2_refusal_names_the_vehicle_left_out(agr):
    station = OperatorFactory(kind=K.PURCHASE_STATION, name="汤山生鲜乳收购站")
    Vehicle.objects.create(plate="苏A·N7788", owner=OperatorFactory(kind=K.DAIRY_FARM), capacity_tonnes=8)
    plan = draw_up(agr.inspector, Rule.Q2)
    plan_counts(plan, agr.inspector, **{station.name: 2})
    plan_submit(actor=agr.inspector, plan=plan)

    assert refusal(plan, agr.reviewer) == [
        "Q2: 苏A·N7788 — every raw-milk station, transport vehicle and feed mill is sampled at least once, "
        "0 planned (1 short)."
    ]


def test_q2_refusal_names_the_station_left_out(agr):
    OperatorFactory(kind=K.PURCHASE_STATION, name="淳化生鲜乳收购站")
    mill = OperatorFactory(kind=K.FEED_MILL, name="正大饲料")
    plan = draw_up(agr.inspector, Rule.Q2)
    plan_counts(plan, agr.inspector, **{mill.name: 1})
    plan_submit(actor=agr.inspector, plan=plan)

    (message,) = refusal(plan, agr.reviewer)
    assert message.startswith("Q2: 淳化生鲜乳收购站 — ") and "(1 short)" in message


def test_q3_refusal_names_the_plans_scale_farms_and_how_many_are_missing(agr):
    farms = [OperatorFactory(kind=K.DAIRY_FARM, scale_farm=True, name=f"规模奶牛场{i}") for i in range(7)]
    plan = draw_up(agr.inspector, Rule.Q3)
    plan_counts(plan, agr.inspector, **{farms[0].name: 3})
    plan_submit(actor=agr.inspector, plan=plan)

    assert refusal(plan, agr.reviewer) == ["Q3: 7 scale farms need at least 2 sampled, 1 planned (1 short)."]
    (shortfall,) = plan_shortfalls(plan)
    assert shortfall == Shortfall("Q3", "scale farms", 2, 1, 1, base=7)


def test_q4_refusal_asks_for_one_sample_a_week(qts):
    producer = OperatorFactory(kind=K.DAIRY_PRODUCER, name="卫岗江宁工厂")
    plan = draw_up(qts.inspector, Rule.Q4)
    plan_counts(plan, qts.inspector, **{producer.name: 4})
    plan_submit(actor=qts.inspector, plan=plan)

    assert refusal(plan, qts.reviewer) == [
        "Q4: 卫岗江宁工厂 — 6 weeks need at least 6 samples (one a week), 4 planned (2 short)."
    ]


def test_q5_refusal_names_each_outlet_below_its_frequency(aic):
    shop = OperatorFactory(kind=K.SMALL_RETAILER, name="东山便民食杂店")
    market = OperatorFactory(kind=K.SUPERMARKET, name="苏果超市江宁店")
    plan = draw_up(aic.inspector, Rule.Q5, period=(D(2026, 10, 1), D(2026, 12, 31)))
    plan_counts(plan, aic.inspector, **{shop.name: 1, market.name: 1})
    plan_submit(actor=aic.inspector, plan=plan)

    assert refusal(plan, aic.reviewer) == [
        "Q5: 苏果超市江宁店 — 3 months need at least 3 samples, 1 planned (2 short)."
    ]


def test_every_unit_below_its_minimum_is_named_in_one_refusal(qts, clerk):
    a, b, c = (OperatorFactory(kind=K.DAIRY_PRODUCER, name=n) for n in ("甲乳业", "乙乳业", "丙乳业"))
    batches(a, 20, clerk)
    batches(b, 7, clerk)
    batches(c, 10, clerk)
    plan = draw_up(qts.inspector, Rule.Q1)
    plan_counts(plan, qts.inspector, **{c.name: 2})
    plan_submit(actor=qts.inspector, plan=plan)

    assert set(refusal(plan, qts.reviewer)) == {
        "Q1: 甲乳业 — 20 batches need at least 3 samples, 0 planned (3 short).",
        "Q1: 乙乳业 — 7 batches need at least 2 samples, 0 planned (2 short).",
    }


@pytest.mark.parametrize("rule", [Rule.Q1, Rule.Q2, Rule.Q3, Rule.Q4, Rule.Q5])
def test_a_plan_meeting_every_minimum_is_approved_and_its_drafter_told(rule, qts, agr, aic, clerk):
    team = {Rule.Q1: qts, Rule.Q2: agr, Rule.Q3: agr, Rule.Q4: qts, Rule.Q5: aic}[rule]
    producer = OperatorFactory(kind=K.DAIRY_PRODUCER)
    batches(producer, 20, clerk)
    OperatorFactory(kind=K.PURCHASE_STATION)
    farm = OperatorFactory(kind=K.DAIRY_FARM, scale_farm=True)
    Vehicle.objects.create(plate="苏A·N0001", owner=farm, capacity_tonnes=8)
    for kind in (K.WHOLESALER, K.SMALL_RETAILER, K.DAIRY_FARM):
        OperatorFactory(kind=kind, scale_farm=kind == K.DAIRY_FARM)
    plan = draw_up(team.inspector, rule)
    assert plan_fill_minimums(actor=team.inspector, plan=plan) > 0
    assert plan_shortfalls(plan) == []
    plan_submit(actor=team.inspector, plan=plan)

    plan_approve(actor=team.reviewer, plan=plan, reason="符合要求", document_number="宁江抽〔2026〕1号")

    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.decided_by == team.reviewer and plan.decided_at
    change = StateChange.objects.filter(object_id=str(plan.pk), to_state=PlanStatus.APPROVED).get()
    assert change.actor == team.reviewer and change.document_number == "宁江抽〔2026〕1号"
    assert Notification.objects.filter(recipient=team.inspector, title__startswith="Sampling plan approved").exists()


def test_q6_fill_in_the_minimums_raises_each_line_to_its_minimum_and_keeps_larger_counts(qts, clerk):
    a, b = OperatorFactory(kind=K.DAIRY_PRODUCER, name="甲"), OperatorFactory(kind=K.DAIRY_PRODUCER, name="乙")
    batches(a, 20, clerk)
    batches(b, 7, clerk)
    plan = draw_up(qts.inspector, Rule.Q1)
    plan_counts(plan, qts.inspector, 乙=5)

    assert plan_fill_minimums(actor=qts.inspector, plan=plan) == 1
    assert {u: line.planned for u, line in lines(plan).items()} == {"甲": 3, "乙": 5}


def test_q3_fill_in_the_minimums_takes_the_largest_herds_first(agr):
    for name, herd in (("小场", 200), ("大场", 3000), ("中场", 900), *((f"场{i}", 100) for i in range(4))):
        OperatorFactory(kind=K.DAIRY_FARM, scale_farm=True, name=name, herd_size=herd)
    plan = draw_up(agr.inspector, Rule.Q3)

    plan_fill_minimums(actor=agr.inspector, plan=plan)

    assert {u for u, line in lines(plan).items() if line.planned} == {"大场", "中场"}
    assert plan_shortfalls(plan) == []


def test_units_registered_since_the_plan_was_made_join_it_at_submission(agr):
    OperatorFactory(kind=K.PURCHASE_STATION, name="老站")
    plan = draw_up(agr.inspector, Rule.Q2)
    plan_fill_minimums(actor=agr.inspector, plan=plan)
    OperatorFactory(kind=K.PURCHASE_STATION, name="新站")

    plan_submit(actor=agr.inspector, plan=plan)

    assert {u: line.planned for u, line in lines(plan).items()} == {"老站": 1, "新站": 0}
    assert refusal(plan, agr.reviewer)[0].startswith("Q2: 新站 — ")


# --- who may do what -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "kind"),
    [(Rule.Q1, AgencyKind.AIC), (Rule.Q2, AgencyKind.QTS), (Rule.Q3, AgencyKind.AIC), (Rule.Q5, AgencyKind.AGR)],
)
def test_only_the_rules_department_draws_up_its_plan(rule, kind):
    with pytest.raises(PermissionDenied):
        draw_up(member("320115", kind, Role.INSPECTOR), rule)


def test_a_viewer_draws_up_no_plan(qts):
    with pytest.raises(PermissionDenied):
        draw_up(qts.viewer, Rule.Q1)


def test_a_plan_outside_the_drafters_jurisdiction_is_refused(qts):
    with pytest.raises(ValidationError) as error:
        draw_up(qts.inspector, Rule.Q1, code="320324")
    assert "jurisdiction" in error.value.message_dict


def test_the_same_plan_twice_is_refused(qts):
    draw_up(qts.inspector, Rule.Q4)
    with pytest.raises(ValidationError):
        draw_up(qts.inspector, Rule.Q4)


def test_a_period_ending_before_it_starts_is_refused(qts):
    with pytest.raises(ValidationError) as error:
        draw_up(qts.inspector, Rule.Q4, period=(D(2026, 11, 30), D(2026, 11, 1)))
    assert "period_end" in error.value.message_dict


def test_only_reviewers_of_the_department_other_than_the_drafter_approve(qts, agr):
    OperatorFactory(kind=K.DAIRY_PRODUCER)
    plan = draw_up(qts.inspector, Rule.Q4)
    plan_fill_minimums(actor=qts.inspector, plan=plan)
    plan_submit(actor=qts.inspector, plan=plan)
    other_city = member("320300", AgencyKind.QTS, Role.REVIEWER)
    for outsider in (qts.inspector, qts.viewer, agr.reviewer, other_city):
        with pytest.raises(PermissionDenied):
            plan_approve(actor=outsider, plan=plan, reason="同意")
    self_drafted = draw_up(qts.reviewer, Rule.Q4, period=(D(2026, 12, 1), D(2026, 12, 31)))
    plan_fill_minimums(actor=qts.reviewer, plan=self_drafted)
    plan_submit(actor=qts.reviewer, plan=self_drafted)
    with pytest.raises(PermissionDenied):
        plan_approve(actor=qts.reviewer, plan=self_drafted, reason="同意")
    city_reviewer = member("320100", AgencyKind.QTS, Role.REVIEWER)
    plan_approve(actor=city_reviewer, plan=plan, reason="同意")
    assert plan.status == PlanStatus.APPROVED


def test_planned_counts_change_only_in_a_draft_or_refused_plan(qts):
    OperatorFactory(kind=K.DAIRY_PRODUCER)
    plan = draw_up(qts.inspector, Rule.Q4)
    line = plan.lines.get()
    plan_line_set(actor=qts.inspector, line=line, planned=6)
    with pytest.raises(PermissionDenied):
        plan_line_set(actor=qts.viewer, line=line, planned=7)
    with pytest.raises(ValidationError):
        plan_line_set(actor=qts.inspector, line=line, planned=-1)
    plan_submit(actor=qts.inspector, plan=plan)
    line.refresh_from_db()
    with pytest.raises(ValidationError):
        plan_line_set(actor=qts.inspector, line=line, planned=7)
    with pytest.raises(ValidationError):
        plan_fill_minimums(actor=qts.inspector, plan=plan)
    assert line.planned == 6


def test_lines_of_another_plan_are_not_set_through_this_one(qts):
    OperatorFactory(kind=K.DAIRY_PRODUCER)
    plan = draw_up(qts.inspector, Rule.Q4)
    other = draw_up(qts.inspector, Rule.Q4, period=(D(2026, 12, 1), D(2026, 12, 31)))
    with pytest.raises(ValidationError):
        plan_lines_set(actor=qts.inspector, plan=plan, planned={other.lines.get().pk: 5})


def test_a_refused_plan_goes_back_to_its_drafter_who_corrects_and_resubmits_it(agr):
    station = OperatorFactory(kind=K.PURCHASE_STATION, name="汤山站")
    plan = draw_up(agr.inspector, Rule.Q2)
    plan_submit(actor=agr.inspector, plan=plan)
    messages = refusal(plan, agr.reviewer)

    plan_refuse(actor=agr.reviewer, plan=plan, reason="；".join(messages))

    assert plan.status == PlanStatus.REFUSED
    note = Notification.objects.get(recipient=agr.inspector, title__startswith="Sampling plan refused")
    assert "汤山站" in note.body
    plan_counts(plan, agr.inspector, **{station.name: 1})
    plan_submit(actor=agr.inspector, plan=plan, reason="已补充")
    plan_approve(actor=agr.reviewer, plan=plan, reason="同意")
    steps = StateChange.objects.filter(object_id=str(plan.pk)).order_by("id").values_list("from_state", "to_state")
    assert list(steps) == [
        ("draft", "submitted"),
        ("submitted", "refused"),
        ("refused", "submitted"),
        ("submitted", "approved"),
    ]


def test_a_draft_is_neither_approved_nor_refused(qts):
    plan = draw_up(qts.inspector, Rule.Q4)
    with pytest.raises(ValidationError):
        plan_approve(actor=qts.reviewer, plan=plan, reason="同意")
    with pytest.raises(ValidationError):
        plan_refuse(actor=qts.reviewer, plan=plan, reason="不同意")


def test_a_refusal_gives_its_reason(agr):
    plan = draw_up(agr.inspector, Rule.Q2)
    plan_submit(actor=agr.inspector, plan=plan)
    with pytest.raises(ValidationError):
        plan_refuse(actor=agr.reviewer, plan=plan, reason=" ")


# --- Q1: drawing the batches -------------------------------------------------------------


def approved_q1(qts, clerk, n=20, planned=None):
    producer = OperatorFactory(kind=K.DAIRY_PRODUCER, name="江宁新鲜乳品有限公司")
    batches(producer, n, clerk)
    plan = draw_up(qts.inspector, Rule.Q1)
    plan_fill_minimums(actor=qts.inspector, plan=plan)
    if planned is not None:
        plan_counts(plan, qts.inspector, **{producer.name: planned})
    plan_submit(actor=qts.inspector, plan=plan)
    plan_approve(actor=qts.reviewer, plan=plan, reason="同意")
    return producer, plan.lines.get()


def test_selection_is_reproducible_from_the_stored_seed(qts, clerk):
    producer, line = approved_q1(qts, clerk)
    batches(producer, 2, clerk, day=D(2026, 12, 1))  # outside the period: not in the population

    line_select(actor=qts.inspector, line=line)

    line.refresh_from_db()
    ids = sorted(
        producer.lots.filter(kind__in=["raw_milk", "milk_powder"], dated__range=NOV).values_list("id", flat=True)
    )
    assert 0 <= line.seed < 2**63
    assert line.population_digest == hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
    assert line.selected_lot_ids == sorted(random.Random(line.seed).sample(ids, k=3))
    assert len(set(line.selected_lot_ids)) == 3 and set(line.selected_lot_ids) <= set(ids)
    assert selection_verify(line) is True


def test_selection_takes_every_batch_when_fewer_are_recorded_than_planned(qts, clerk):
    _producer, line = approved_q1(qts, clerk, n=3, planned=5)
    line_select(actor=qts.inspector, line=line)
    line.refresh_from_db()
    assert len(line.selected_lot_ids) == 3 and selection_verify(line)


def test_selecting_twice_is_refused_the_draw_is_evidence(qts, clerk):
    _producer, line = approved_q1(qts, clerk)
    line_select(actor=qts.inspector, line=line)
    line.refresh_from_db()
    first = (line.seed, line.selected_lot_ids)
    with pytest.raises(ValidationError):
        line_select(actor=qts.reviewer, line=line)
    line.refresh_from_db()
    assert (line.seed, line.selected_lot_ids) == first


def test_verify_detects_a_changed_population(qts, clerk):
    producer, line = approved_q1(qts, clerk)
    line_select(actor=qts.inspector, line=line)
    line.refresh_from_db()
    assert selection_verify(line)

    batches(producer, 1, clerk, day=D(2026, 11, 15))

    assert selection_verify(line) is False


def test_verify_detects_a_tampered_draw(qts, clerk):
    producer, line = approved_q1(qts, clerk)
    line_select(actor=qts.inspector, line=line)
    line.refresh_from_db()
    others = sorted(set(producer.lots.values_list("id", flat=True)) - set(line.selected_lot_ids))
    line.selected_lot_ids = sorted([others[0], *line.selected_lot_ids[1:]])
    assert selection_verify(line) is False
    assert selection_verify(PlanLine(plan=line.plan, operator=producer)) is False  # never drawn


def test_batches_are_drawn_only_for_q1_lines_of_an_approved_plan(qts, clerk):
    producer = OperatorFactory(kind=K.DAIRY_PRODUCER)
    batches(producer, 20, clerk)
    draft = draw_up(qts.inspector, Rule.Q1)
    plan_fill_minimums(actor=qts.inspector, plan=draft)
    with pytest.raises(ValidationError):
        line_select(actor=qts.inspector, line=draft.lines.get())
    weekly = draw_up(qts.inspector, Rule.Q4)
    plan_fill_minimums(actor=qts.inspector, plan=weekly)
    plan_submit(actor=qts.inspector, plan=weekly)
    plan_approve(actor=qts.reviewer, plan=weekly, reason="同意")
    with pytest.raises(ValidationError):
        line_select(actor=qts.inspector, line=weekly.lines.get())


def test_a_viewer_or_another_department_draws_no_batches(qts, clerk):
    _producer, line = approved_q1(qts, clerk)
    for outsider in (qts.viewer, member("320115", AgencyKind.AIC, Role.INSPECTOR)):
        with pytest.raises(PermissionDenied):
            line_select(actor=outsider, line=line)
    line.refresh_from_db()
    assert line.seed is None


def test_the_population_digest_is_sha256_of_the_comma_joined_ascending_ids():
    assert population_digest([3, 11, 25]) == hashlib.sha256(b"3,11,25").hexdigest()
    assert population_digest([]) == hashlib.sha256(b"").hexdigest()


def test_a_producer_closed_since_the_plan_was_made_keeps_its_line_and_its_batches_count_q1(qts, clerk):
    producer = OperatorFactory(kind=K.DAIRY_PRODUCER, name="关停乳业")
    batches(producer, 7, clerk)
    plan = draw_up(qts.inspector, Rule.Q1)
    producer.status = OperatorStatus.CLOSED
    producer.save()
    batches(producer, 13, clerk, day=D(2026, 11, 4))
    plan_submit(actor=qts.inspector, plan=plan)

    assert bases(plan) == {"关停乳业": 20}

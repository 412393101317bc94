"""Province-scale sampling for `generate_province` (DESIGN §5): 500k purchased raw-milk and
milk-powder batches with the producers' own tests (S1), weekly finished batches, products on
sale and feed lots; each county's approved Q1 plan; 60k samples with their chain of custody,
their results (a few per cent non-conforming, Q7) and the lots held and referred because of
them (Q8)."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from dairy_campaign.choices import Role
from dairy_campaign.synthetic import World
from inspections.synthetic import agency_kind_for
from licensing.models.choices import PRODUCERS, SELLERS, OperatorKind

from .models import (
    Category,
    CustodyEvent,
    LabResult,
    Lot,
    LotKind,
    LotStatus,
    PlanLine,
    Referral,
    Sample,
    SampleStatus,
    SamplingPlan,
)
from .models.choices import MassUnit, PlanStatus, ReferralKind, Rule, Verdict
from .rules import fifteen_percent_minimum, melamine_limit

K = OperatorKind
INTAKE_LOTS = 500_000
RETAIL_LOTS = 12_000
FEED_LOTS = 3_000
# Samples by what they are drawn from; 60k in all.
SAMPLES = {"intake": 42_000, "finished": 5_000, "retail": 10_000, "feed": 3_000}
NON_CONFORMING_RATE = 0.02
OWN_TEST_MISSING_RATE = 0.03
STEPS = list(SampleStatus.values)  # the chain of custody, in order
LAB = "江苏省产品质量监督检验研究院"
METHOD = "GB/T 22388-2008"


def generate(world: World) -> None:
    operators = world.shared["operators"]
    producers = [o for kind in PRODUCERS for o in operators.get(kind, [])]
    intake = _intake(world, producers)
    others = _other_lots(world, producers, operators)
    lines = _q1_plans(world, intake)
    nonconforming = _samples(world, intake, others, lines)
    world.shared["nonconforming_lots"] = nonconforming


def _intake(world: World, producers: list) -> list[tuple[int, int, str, str]]:
    """(lot id, producer id, producer's county, category) of every purchased batch."""
    suppliers = [
        o for kind in (K.PURCHASE_STATION, K.DAIRY_FARM, K.FARMER_COOP) for o in world.shared["operators"][kind]
    ]
    vehicles = world.shared["vehicles"]
    held: list[tuple[int, str, str]] = []
    serial = Counter()

    def rows():
        for _ in range(world.n(INTAKE_LOTS)):
            producer, county = world.rng.choice(producers)
            supplier, _ = world.rng.choice(suppliers)
            serial[producer] += 1
            powder = world.rng.random() < 0.05
            day = world.day()
            tested = world.rng.random() >= OWN_TEST_MISSING_RATE
            category = Category.MILK_POWDER if powder else Category.LIQUID_MILK
            held.append((producer, county, category))
            yield Lot(
                kind=LotKind.MILK_POWDER if powder else LotKind.RAW_MILK,
                operator_id=producer,
                supplier_id=supplier,
                vehicle_id=None if powder else world.rng.choice(vehicles)[0],
                batch_number=f"{'MP' if powder else 'RM'}{day:%Y%m%d}-{serial[producer]:06d}",
                product="全脂乳粉" if powder else "生鲜乳",
                category=category,
                dated=day,
                quantity=Decimal(world.rng.randrange(2, 30)),
                unit="吨",
                own_test_mg_per_kg=Decimal(world.rng.randrange(0, 200)) / 1000 if tested else None,
                recorded_by_id=world.one_of(county, agency_kind_for(K.DAIRY_PRODUCER), Role.CLERK),
            )

    keys = world.save(Lot, rows())
    return [(pk, *facts) for pk, facts in zip(keys, held, strict=True)]


def _other_lots(world: World, producers: list, operators: dict) -> dict[str, list[tuple[int, int, str, str]]]:
    """(lot id, holder id, holder's county, category) of finished, retail and feed lots, by source."""
    sellers = [o for kind in SELLERS for o in operators.get(kind, [])]
    feed_holders = [o for kind in (K.FEED_MILL, K.DAIRY_FARM) for o in operators.get(kind, [])]
    made: list[tuple[str, int, str, str]] = []

    def rows():
        weeks = max(1, (world.today - world.campaign.starts_on).days // 7)
        for producer, county in producers:
            for week in range(min(weeks, world.n(SAMPLES["finished"]) // max(1, len(producers)) + 1)):
                day = world.campaign.starts_on + datetime.timedelta(days=7 * week + world.rng.randrange(7))
                made.append(("finished", producer, county, Category.LIQUID_MILK))
                yield Lot(
                    kind=LotKind.FINISHED,
                    operator_id=producer,
                    batch_number=f"FP{day:%Y%m%d}-{week:03d}",
                    product="灭菌乳",
                    category=Category.LIQUID_MILK,
                    dated=day,
                    quantity=Decimal(world.rng.randrange(1, 50)),
                    unit="吨",
                    recorded_by_id=world.one_of(county, agency_kind_for(K.DAIRY_PRODUCER), Role.CLERK),
                )
        for number in range(world.n(RETAIL_LOTS)):
            seller, county = world.rng.choice(sellers)
            formula = world.rng.random() < 0.6
            source, _ = world.rng.choice(producers)
            made.append(("retail", seller, county, Category.INFANT_FORMULA if formula else Category.MILK_POWDER))
            yield Lot(
                kind=LotKind.RETAIL,
                operator_id=seller,
                supplier_id=source,
                batch_number=f"RT{number:07d}",
                product="婴幼儿配方乳粉" if formula else "成人奶粉",
                category=Category.INFANT_FORMULA if formula else Category.MILK_POWDER,
                dated=world.day(),
                quantity=Decimal(world.rng.randrange(1, 100)),
                unit="罐",
                recorded_by_id=world.one_of(county, agency_kind_for(K.WHOLESALER), Role.CLERK),
            )
        for number in range(world.n(FEED_LOTS)):
            holder, county = world.rng.choice(feed_holders)
            made.append(("feed", holder, county, Category.FEED))
            yield Lot(
                kind=LotKind.FEED,
                operator_id=holder,
                batch_number=f"FD{number:07d}",
                product="奶牛精饲料",
                category=Category.FEED,
                dated=world.day(),
                quantity=Decimal(world.rng.randrange(1, 20)),
                unit="吨",
                recorded_by_id=world.one_of(county, agency_kind_for(K.FEED_MILL), Role.CLERK),
            )

    keys = world.save(Lot, rows())
    lots = defaultdict(list)
    for pk, (source, holder, county, category) in zip(keys, made, strict=True):
        lots[source].append((pk, holder, county, category))
    return lots


def _q1_plans(world: World, intake: list) -> dict[int, int]:
    """Each county's approved Q1 plan for the campaign: plan line id by producer."""
    batches = Counter(producer for _, producer, *_ in intake)
    county_of = {producer: county for _, producer, county, _ in intake}
    counties = sorted(set(county_of.values()))
    kind = agency_kind_for(K.DAIRY_PRODUCER)

    plans = world.save(
        SamplingPlan,
        (
            SamplingPlan(
                jurisdiction_id=county,
                agency_id=world.agency[(kind, county)],
                rule=Rule.Q1,
                period_start=world.campaign.starts_on,
                period_end=world.campaign.ends_on,
                status=PlanStatus.APPROVED,
                created_by_id=world.one_of(county, kind, Role.CLERK),
                decided_by_id=world.one_of(county, kind, Role.REVIEWER),
                decided_at=world.moment(world.campaign.starts_on + datetime.timedelta(days=10)),
            )
            for county in counties
        ),
    )
    plan_of = dict(zip(counties, plans, strict=True))
    producers = sorted(batches)
    keys = world.save(
        PlanLine,
        (
            PlanLine(
                plan_id=plan_of[county_of[producer]],
                operator_id=producer,
                base=batches[producer],
                planned=fifteen_percent_minimum(batches[producer]),
            )
            for producer in producers
        ),
    )
    return dict(zip(producers, keys, strict=True))


def _samples(world: World, intake: list, others: dict, lines: dict) -> list[tuple[int, int, int, str]]:
    """Samples, custody, results and Q8 consequences; returns the non-conforming lots."""
    drawn = [(*lot, lines.get(lot[1])) for lot in intake]
    picks = world.rng.sample(drawn, min(len(drawn), world.n(SAMPLES["intake"])))
    for source in ("finished", "retail", "feed"):
        pool = others.get(source, [])
        picks += [(*lot, None) for lot in world.rng.sample(pool, min(len(pool), world.n(SAMPLES[source])))]
    kind_of = {pk: kind for kind, ops in world.shared["operators"].items() for pk, _ in ops}
    facts = []

    def rows():
        for number, (lot, holder, county, category, line) in enumerate(picks):
            agency_kind = agency_kind_for(kind_of[holder])
            day = world.day()
            steps = world.rng.choices([len(STEPS), len(STEPS) - 1, 3, 2], weights=[0.92, 0.03, 0.03, 0.02])[0]
            sampler = world.one_of(county, agency_kind, Role.INSPECTOR)
            facts.append((lot, holder, county, category, agency_kind, day, steps, sampler))
            yield Sample(
                code=f"JS{day:%Y}{number + 1:07d}",
                lot_id=lot,
                county_id=county,
                plan_line_id=line,
                agency_id=world.agency[(agency_kind, county)],
                samplers=f"{world.names[sampler]}、{world.person()}",
                sampled_at=world.moment(day),
                quantity=Decimal("0.5"),
                unit="公斤",
                seal_number=f"FT{number + 1:08d}",
                lab=LAB,
                status=STEPS[steps - 1],
                recorded_by_id=sampler,
            )

    keys = world.save(Sample, rows())
    world.save(CustodyEvent, _custody(world, keys, facts))
    return _results(world, keys, facts)


def _custody(world: World, keys: list[int], facts: list):
    for pk, (*_, day, steps, sampler) in zip(keys, facts, strict=True):
        for step in range(steps):
            yield CustodyEvent(
                sample_id=pk, step=STEPS[step], at=world.moment(day + datetime.timedelta(days=step)), by_id=sampler
            )


def _results(world: World, keys: list[int], facts: list) -> list[tuple[int, int, int, str]]:
    """Results of the tested samples; returns (result, lot, holder, county) of the non-conforming."""
    tested = [(pk, f) for pk, f in zip(keys, facts, strict=True) if f[6] >= STEPS.index(SampleStatus.REPORTED) + 1]
    outcome = []

    def rows():
        for pk, (lot, holder, county, category, agency_kind, day, steps, _) in tested:
            limit = melamine_limit(category)
            over = world.rng.random() < NON_CONFORMING_RATE
            value = (
                limit + Decimal(world.rng.randrange(1, 3000)) / 100
                if over
                else Decimal(world.rng.randrange(0, 90)) / 100
            )
            reviewed = steps == len(STEPS)
            clerk = world.one_of(county, agency_kind, Role.CLERK)
            outcome.append((over, lot, holder, county, agency_kind, value))
            yield LabResult(
                sample_id=pk,
                entered_value=value,
                entered_unit=MassUnit.MG_PER_KG,
                mg_per_kg=value,
                detection_limit=Decimal("0.05"),
                category=category,
                limit=limit,
                verdict=Verdict.NON_CONFORMING if over else Verdict.CONFORMING,
                method=METHOD,
                lab=LAB,
                tested_on=day + datetime.timedelta(days=3),
                entered_by_id=clerk,
                reviewed_by_id=world.one_of(county, agency_kind, Role.REVIEWER) if reviewed else None,
                reviewed_at=world.moment(day + datetime.timedelta(days=4)) if reviewed else None,
            )

    results = world.save(LabResult, rows())
    bad = [(pk, *facts) for pk, (over, *facts) in zip(results, outcome, strict=True) if over]
    world.save(
        Referral,
        (
            Referral(
                kind=ReferralKind.CASE,
                result_id=result,
                lot_id=lot,
                to_agency_id=world.agency[(agency_kind, county)],
                summary=f"三聚氰胺 {value} mg/kg，超过限量",
            )
            for result, lot, holder, county, agency_kind, value in bad
        ),
    )
    # Q8: the lot is held; the change is kept in its history like any other.
    world.update(Lot, [Lot(pk=lot, status=LotStatus.ON_HOLD) for _, lot, *_ in bad], ["status"])
    return [(result, lot, holder, county) for result, lot, holder, county, *_ in bad]

"""Demo lots for `seed_demo`: eight weeks of Jiangning (江宁区) producers' intake of raw milk
and milk powder with their own tests (S1, a few batches left untested), their weekly
finished batches, the same batches on sale at the district's wholesaler, supermarket and
grocery, and the feed mill's feed at the dairy farm, so that traces (Q8) lead somewhere.

Recorded through the services by the users who keep each holder: the lab clerk of quality
supervision for producers, industry and commerce for sellers, agriculture for feed.
Idempotent: a holder that already has lots of a kind gets none of that kind again.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from dairy_campaign.models import User
from dairy_campaign.services.campaigns import local_today
from licensing.models import Operator, Vehicle

from .models import Category, Lot, LotKind
from .services.lots import lot_record_many

WEEKS = 8
# Producer: (batch prefix, raw-milk intakes over the eight weeks, finished product, category).
PRODUCERS = {
    "南京卫岗乳业有限公司江宁工厂": ("WG", 36, "卫岗纯牛奶 250mL", Category.LIQUID_MILK),
    "江宁新鲜乳品有限公司": ("XX", 28, "江宁鲜牛奶 950mL", Category.LIQUID_MILK),
    "江宁麦香食品有限公司": ("MX", 22, "麦香牛奶面包", Category.MILK_FOOD),
}
SUPPLIERS = ("汤山生鲜乳收购站", "淳化生鲜乳收购站", "江宁汤山奶牛养殖场")
FARM = "江宁汤山奶牛养殖场"
FEED_MILL = "江宁正大饲料有限公司"
# Seller: the producers whose finished batches it stocks, and how many recent weeks of them.
SELLERS = {
    "南京江宁乳品批发有限公司": (("南京卫岗乳业有限公司江宁工厂", "江宁新鲜乳品有限公司"), 4),
    "苏果超市（江宁万达店）": (("南京卫岗乳业有限公司江宁工厂", "江宁麦香食品有限公司"), 3),
    "东山便民食杂店": (("江宁新鲜乳品有限公司",), 2),
}
# Milk powder bought from outside the register: (producer, supplier as recorded, batches).
POWDER = {
    "南京卫岗乳业有限公司江宁工厂": ("黑龙江某乳业有限公司", 3),
    "江宁麦香食品有限公司": ("内蒙古某乳品有限公司", 2),
}
# S1: the batches whose producer recorded no test of its own (the newest of each).
UNTESTED = {"江宁新鲜乳品有限公司": 2, "江宁麦香食品有限公司": 1}


def _tests():
    """Own-test results in mg/kg, far below the 2.5 limit, one 'not detected' in five."""
    values = ("0.05", "0.08", "0", "0.12", "0.06")
    n = 0
    while True:
        yield Decimal(values[n % len(values)])
        n += 1


def _intake(ops, vehicle, today) -> dict[str, list[dict]]:
    rows, tests = {}, _tests()
    stations = [ops[name] for name in SUPPLIERS]
    for name, (prefix, count, _product, _category) in PRODUCERS.items():
        producer, batch = ops[name], []
        for i in range(count):
            dated = today - datetime.timedelta(days=WEEKS * 7 - 1 - i * WEEKS * 7 // count)
            supplier = stations[i % len(stations)]
            untested = i >= count - UNTESTED.get(name, 0)
            batch.append(
                {
                    "kind": LotKind.RAW_MILK,
                    "operator": producer.pk,
                    "supplier": supplier.pk,
                    "vehicle": vehicle.pk if vehicle and supplier.name == FARM else None,
                    "batch_number": f"{prefix}-RM-{dated:%Y%m%d}-{i + 1:02d}",
                    "product": "生鲜乳",
                    "category": Category.LIQUID_MILK,
                    "dated": dated,
                    "quantity": Decimal(8 + (i * 7) % 9) + Decimal("0.5"),
                    "unit": "t",
                    "own_test_mg_per_kg": None if untested else next(tests),
                }
            )
        if name in POWDER:
            supplier_name, powders = POWDER[name]
            for i in range(powders):
                dated = today - datetime.timedelta(days=50 - i * 21)
                batch.append(
                    {
                        "kind": LotKind.MILK_POWDER,
                        "operator": producer.pk,
                        "supplier_name": supplier_name,
                        "batch_number": f"{prefix}-MP-{dated:%Y%m%d}",
                        "product": "全脂乳粉（原料）",
                        "category": Category.MILK_POWDER,
                        "dated": dated,
                        "quantity": Decimal(2000 + 500 * i),
                        "unit": "kg",
                        "own_test_mg_per_kg": next(tests),
                    }
                )
        rows[name] = batch
    return rows


def _finished_date(today, week: int) -> datetime.date:
    """The Tuesday of `week` weeks ago (0: this week's, if it has come)."""
    tuesday = today - datetime.timedelta(days=(today.weekday() - 1) % 7)
    return tuesday - datetime.timedelta(weeks=week)


def _finished(ops, today) -> dict[str, list[dict]]:
    rows = {}
    for name, (prefix, _count, product, category) in PRODUCERS.items():
        rows[name] = [
            {
                "kind": LotKind.FINISHED,
                "operator": ops[name].pk,
                "batch_number": f"{prefix}-FP-{_finished_date(today, week):%Y%m%d}",
                "product": product,
                "category": category,
                "dated": _finished_date(today, week),
                "quantity": Decimal(20 + 5 * (week % 3)),
                "unit": "t" if category == Category.LIQUID_MILK else "箱",
            }
            for week in range(WEEKS)
        ]
    return rows


def _retail(ops, today) -> dict[str, list[dict]]:
    rows = {}
    for seller, (producers, weeks) in SELLERS.items():
        rows[seller] = []
        for name in producers:
            prefix, _count, product, category = PRODUCERS[name]
            for week in range(1, weeks + 1):
                made = _finished_date(today, week)
                rows[seller].append(
                    {
                        "kind": LotKind.RETAIL,
                        "operator": ops[seller].pk,
                        "supplier": ops[name].pk,
                        "batch_number": f"{prefix}-FP-{made:%Y%m%d}",
                        "product": product,
                        "category": category,
                        "dated": made + datetime.timedelta(days=2),
                        "quantity": Decimal(40 + 10 * week),
                        "unit": "箱",
                    }
                )
    return rows


def _feed(ops, today) -> dict[str, list[dict]]:
    mill, farm = ops[FEED_MILL], ops[FARM]
    made = [today - datetime.timedelta(days=52 - 8 * i) for i in range(6)]

    def lot(holder, dated, supplier=None):
        return {
            "kind": LotKind.FEED,
            "operator": holder.pk,
            "supplier": supplier.pk if supplier else None,
            "batch_number": f"ZD-SL-{dated:%Y%m%d}",
            "product": "奶牛精饲料",
            "category": Category.FEED,
            "dated": dated,
            "quantity": Decimal(30 if supplier is None else 12),
            "unit": "t",
        }

    # The farm's feed comes from the mill: same batch numbers, delivered two days later.
    return {
        FEED_MILL: [lot(mill, d) for d in made],
        FARM: [lot(farm, d + datetime.timedelta(days=2), supplier=mill) for d in made[:4]],
    }


def _record(actor, groups: dict[str, list[dict]], ops) -> int:
    recorded = 0
    for holder, rows in groups.items():
        if not rows or Lot.objects.filter(operator=ops[holder], kind__in={r["kind"] for r in rows}).exists():
            continue
        recorded += len(lot_record_many(actor=actor, rows=rows))
    return recorded


@transaction.atomic
def seed(stdout=None) -> dict:
    names = set(PRODUCERS) | set(SUPPLIERS) | set(SELLERS) | {FEED_MILL, FARM}
    ops = {o.name: o for o in Operator.objects.filter(name__in=names, county_id="320115")}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=("lab_jn_clerk", "aic_jn_inspector", "agr_jn_inspector"))
    }
    if len(ops) < len(names) or len(users) < 3:
        return {}  # the register or the accounts of the demo are not there
    today = local_today()
    vehicle = Vehicle.objects.filter(owner=ops[FARM]).first()
    lab, aic, agr = users["lab_jn_clerk"], users["aic_jn_inspector"], users["agr_jn_inspector"]
    # Intake first, so that finished batches and what sellers bought are traced to it.
    recorded = _record(lab, _intake(ops, vehicle, today), ops)
    recorded += _record(lab, _finished(ops, today), ops)
    recorded += _record(aic, _retail(ops, today), ops)
    recorded += _record(agr, _feed(ops, today), ops)
    return {"lots": recorded}

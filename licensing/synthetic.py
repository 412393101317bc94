"""Province-scale register and licences for `generate_province` (DESIGN §5): ~150k operators,
2,000 raw-milk vehicles and the licences each kind holds."""

import datetime
from collections import defaultdict

from dairy_campaign.choices import AgencyKind
from dairy_campaign.synthetic import World

from .credit_code import CHARSET, check_character
from .models import Licence, Operator, Vehicle
from .models.choices import Arrangement, LicenceStatus, LicenceType, OperatorKind, OperatorStatus, ReviewOutcome

K = OperatorKind
# Full-scale counts by kind (DESIGN §5).
OPERATORS = {
    K.DAIRY_PRODUCER: 120,
    K.DAIRY_FOOD_PRODUCER: 30,
    K.PURCHASE_STATION: 800,
    K.FEED_MILL: 300,
    K.DAIRY_FARM: 2700,
    K.FARMER_COOP: 300,
    K.WHOLESALER: 5000,
    K.SUPERMARKET: 15000,
    K.SMALL_RETAILER: 85000,
    K.CATERING: 40000,
    K.IMPORTER: 100,
    K.UNLICENSED: 400,
}
VEHICLES = 2000
NAME_SUFFIX = {
    K.DAIRY_PRODUCER: "乳业有限公司",
    K.DAIRY_FOOD_PRODUCER: "食品有限公司",
    K.PURCHASE_STATION: "生鲜乳收购站",
    K.FEED_MILL: "饲料有限公司",
    K.DAIRY_FARM: "奶牛养殖场",
    K.FARMER_COOP: "奶农专业合作社",
    K.WHOLESALER: "食品批发部",
    K.SUPERMARKET: "购物中心",
    K.SMALL_RETAILER: "便利店",
    K.CATERING: "餐饮店",
    K.IMPORTER: "进出口有限公司",
    K.UNLICENSED: "无证加工点",
}
STREETS = ["人民路", "解放路", "建设路", "中山路", "长江路", "淮海路", "新华路", "文化路", "东风路", "胜利路"]
# Who may hold a purchase licence or a transport permit (L3).
MILK_HOLDERS = (K.DAIRY_PRODUCER, K.FARMER_COOP, K.DAIRY_FARM)
SELLER_KINDS = (K.WHOLESALER, K.SUPERMARKET, K.SMALL_RETAILER)
LICENCE_OF = {
    K.DAIRY_PRODUCER: (LicenceType.PRODUCTION, AgencyKind.QTS, "QS"),
    K.DAIRY_FOOD_PRODUCER: (LicenceType.PRODUCTION, AgencyKind.QTS, "QS"),
    K.WHOLESALER: (LicenceType.DISTRIBUTION, AgencyKind.AIC, "JY"),
    K.SUPERMARKET: (LicenceType.DISTRIBUTION, AgencyKind.AIC, "JY"),
    K.SMALL_RETAILER: (LicenceType.DISTRIBUTION, AgencyKind.AIC, "JY"),
    K.IMPORTER: (LicenceType.CONSIGNEE_FILING, AgencyKind.CIQ, "BA"),
}


def credit_code(county: str, serial: int) -> str:
    """A valid GB 32100 code whose organisation part starts with Y: unique per serial."""
    digits = []
    for _ in range(8):
        serial, remainder = divmod(serial, len(CHARSET))
        digits.append(CHARSET[remainder])
    first17 = f"91{county}Y{''.join(reversed(digits))}"
    return first17 + check_character(first17)


def generate(world: World) -> None:
    by_kind = _operators(world)
    vehicles = _vehicles(world, by_kind)
    _licences(world, by_kind, vehicles)
    world.shared["operators"] = by_kind
    world.shared["vehicles"] = vehicles


def _status(world: World, kind: str) -> str:
    if kind == K.UNLICENSED:
        return OperatorStatus.BANNED if world.rng.random() < 0.6 else OperatorStatus.OPERATING
    roll = world.rng.random()
    return OperatorStatus.CLOSED if roll < 0.015 else OperatorStatus.SUSPENDED if roll < 0.025 else "operating"


def _operators(world: World) -> dict[str, list[tuple[int, str]]]:
    """(id, county) of every operator, by kind."""
    placed: list[tuple[str, str]] = []
    serial = 0

    def rows():
        nonlocal serial
        for kind, full_size in OPERATORS.items():
            for number in range(world.n(full_size)):
                serial += 1
                county = world.county()
                placed.append((kind, county))
                flagged = kind in (K.PURCHASE_STATION, K.DAIRY_FARM) and world.rng.random() < 0.03
                yield Operator(
                    kind=kind,
                    name=f"{world.county_names[county]}{world.person()[0]}记{NAME_SUFFIX[kind]}{number + 1:05d}",
                    credit_code=None if kind == K.UNLICENSED else credit_code(county, serial),
                    county_id=county,
                    address=f"{world.county_names[county]}{world.rng.choice(STREETS)}{world.rng.randrange(1, 999)}号",
                    contact_person=world.person(),
                    phone=f"1{world.rng.randrange(3, 9)}{world.rng.randrange(10**8, 10**9)}",
                    registered_with_aic=kind != K.UNLICENSED,
                    infant_formula=kind == K.DAIRY_PRODUCER and number % 6 == 0,
                    scale_farm=kind == K.DAIRY_FARM and number % 4 == 0,
                    herd_size=world.rng.randrange(20, 2000) if kind == K.DAIRY_FARM else None,
                    status=_status(world, kind),
                    arrangement=Arrangement.LEASED if flagged else Arrangement.SELF_RUN,
                    actual_operator=world.person() if flagged else "",
                )

    keys = world.save(Operator, rows())
    by_kind = defaultdict(list)
    for (kind, county), pk in zip(placed, keys, strict=True):
        by_kind[kind].append((pk, county))
    return dict(by_kind)


def _vehicles(world: World, by_kind) -> list[tuple[int, int, str]]:
    """(vehicle id, owner id, owner's county) of every raw-milk vehicle."""
    holders = [o for kind in MILK_HOLDERS for o in by_kind.get(kind, [])]
    owners = [world.rng.choice(holders) for _ in range(world.n(VEHICLES))]
    cities = sorted({world.city_of(c) for c in world.counties})
    plates = [
        f"苏{chr(ord('A') + cities.index(world.city_of(county)))}R{n:05d}" for n, (_, county) in enumerate(owners)
    ]
    rows = (
        Vehicle(plate=plate, owner_id=owner, capacity_tonnes=world.rng.choice((5, 8, 10, 15, 20)))
        for plate, (owner, _) in zip(plates, owners, strict=True)
    )
    keys = world.save(Vehicle, rows)
    return [(pk, owner, county) for pk, (owner, county) in zip(keys, owners, strict=True)]


def _life(world: World, status: str | None = None) -> dict:
    """Dates and state of one licence: most valid, some under re-review, revoked or expiring."""
    issued = world.campaign.starts_on - datetime.timedelta(days=world.rng.randrange(30, 5 * 365))
    expires = issued + datetime.timedelta(days=5 * 365)
    if world.rng.random() < 0.01:  # expiring within the month: the reminders have work to do
        expires = world.today + datetime.timedelta(days=world.rng.randrange(1, 30))
    roll = world.rng.random()
    status = status or (
        LicenceStatus.APPLIED
        if roll < 0.02
        else LicenceStatus.REVOKED
        if roll < 0.03
        else LicenceStatus.RECTIFYING
        if roll < 0.045
        else LicenceStatus.UNDER_REVIEW
        if roll < 0.10
        else LicenceStatus.GRANTED
    )
    life = {"status": status, "applied_on": issued - datetime.timedelta(days=20)}
    if status != LicenceStatus.APPLIED:
        life.update(issued_on=issued, expires_on=expires)
    if status == LicenceStatus.GRANTED and world.rng.random() < 0.7:
        life.update(reviewed_on=world.day(), review_outcome=ReviewOutcome.PASSED)
    if status in (LicenceStatus.RECTIFYING, LicenceStatus.REVOKED):
        life.update(reviewed_on=world.day(), review_outcome=ReviewOutcome.FAILED)
    if status == LicenceStatus.RECTIFYING:
        life["rectify_by"] = world.today + datetime.timedelta(days=world.rng.randrange(-10, 60))
    return life


def _licences(world: World, by_kind, vehicles) -> None:
    def issuer(kind: str, county: str) -> int:
        return world.agency[(kind, world.seat_of(kind, county))]

    def rows():
        serial = 0
        for kind, (licence_type, agency_kind, prefix) in LICENCE_OF.items():
            for pk, county in by_kind.get(kind, []):
                serial += 1
                life = _life(world)
                scope = []
                if licence_type == LicenceType.DISTRIBUTION:
                    scope = ["prepackaged", "dairy"] if world.rng.random() < 0.9 else ["prepackaged"]
                    if kind != K.SMALL_RETAILER and world.rng.random() < 0.5:
                        scope.append("infant_formula")
                yield Licence(
                    type=licence_type,
                    operator_id=pk,
                    number="" if life["status"] == LicenceStatus.APPLIED else f"{prefix}{county}{serial:07d}",
                    issuing_agency_id=issuer(agency_kind, county),
                    scope=scope,
                    **life,
                )
        holders = [o for kind in MILK_HOLDERS for o in by_kind.get(kind, [])]
        for pk, county in by_kind.get(K.PURCHASE_STATION, []):
            serial += 1
            holder, _ = world.rng.choice(holders)
            yield Licence(
                type=LicenceType.PURCHASE,
                operator_id=holder,
                station_id=pk,
                number=f"SG{county}{serial:07d}",
                issuing_agency_id=issuer(AgencyKind.AGR, county),
                **_life(world, LicenceStatus.GRANTED),
            )
        for vehicle, owner, county in vehicles:
            serial += 1
            yield Licence(
                type=LicenceType.TRANSPORT,
                operator_id=owner,
                vehicle_id=vehicle,
                number=f"YS{county}{serial:07d}",
                issuing_agency_id=issuer(AgencyKind.AGR, county),
                **_life(world, LicenceStatus.GRANTED),
            )

    world.save(Licence, rows())

"""Province-scale synthetic data for `generate_province` (issue #8, DESIGN §5).

The command runs the core's `generate(world)` first, then each app's `synthetic.generate(world)`
in dependency order. Every app adds what it made to the shared `World`, so later apps can point
at earlier records without reading them back. Rows go in with `bulk_create`, and their history
rows too, so that the audit trail is as complete as for records typed in the pages.

Everything is drawn from one seeded random generator: the same scale gives the same data.
"""

import datetime
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, models
from simple_history.utils import bulk_create_with_history

from .choices import AgencyKind, Role
from .copy_rows import copy_rows
from .models import Agency, Campaign, Jurisdiction, User
from .models.agencies import AGENCY_SUFFIX
from .services.campaigns import campaign_create, local_today

SYNTHETIC_PASSWORD = "Bench-2026-load"
REASON = "合成数据 / synthetic data (generate_province)"
SEED = 20081216  # any fixed number: the data must be the same on every run
BATCH = 5000
MARKER_USER = "p320000_fso_reviewer"
SMALL = 0.01  # below this scale, only two cities are populated

# County departments and the roles each one staffs, twice over for the field departments.
COUNTY_STAFF = {
    AgencyKind.FSO: [Role.REVIEWER, Role.VIEWER, Role.ADMIN],
    AgencyKind.QTS: [Role.INSPECTOR, Role.INSPECTOR, Role.REVIEWER, Role.CLERK],
    AgencyKind.AIC: [Role.INSPECTOR, Role.INSPECTOR, Role.REVIEWER, Role.CLERK],
    AgencyKind.FDA: [Role.INSPECTOR, Role.INSPECTOR, Role.REVIEWER],
    AgencyKind.AGR: [Role.INSPECTOR, Role.INSPECTOR, Role.REVIEWER, Role.CLERK],
    AgencyKind.PSB: [Role.REVIEWER],
    AgencyKind.GOV: [Role.CLERK],
}
CITY_STAFF = {
    AgencyKind.FSO: [Role.REVIEWER, Role.VIEWER, Role.ADMIN],
    AgencyKind.QTS: [Role.REVIEWER],
    AgencyKind.AIC: [Role.REVIEWER],
    AgencyKind.AGR: [Role.REVIEWER],
    AgencyKind.CIQ: [Role.INSPECTOR, Role.REVIEWER],
    AgencyKind.PSB: [Role.REVIEWER],
    AgencyKind.GOV: [Role.CLERK],
}
PROVINCE_STAFF = {
    AgencyKind.FSO: [Role.REVIEWER, Role.REVIEWER, Role.VIEWER, Role.ADMIN],
    AgencyKind.QTS: [Role.REVIEWER],
    AgencyKind.AIC: [Role.REVIEWER],
    AgencyKind.FDA: [Role.REVIEWER],
    AgencyKind.AGR: [Role.REVIEWER],
    AgencyKind.CIQ: [Role.REVIEWER],
    AgencyKind.PSB: [Role.REVIEWER],
    AgencyKind.GOV: [Role.CLERK],
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯健俊帆"


@dataclass
class World:
    """What has been generated so far, shared by every app's generator."""

    scale: float
    rng: random.Random
    campaign: Campaign
    today: datetime.date
    counties: list[str]
    county_weights: list[float]
    county_names: dict[str, str]
    agency: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, code) -> id
    staff: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)  # (code, kind, role) -> ids
    names: dict[int, str] = field(default_factory=dict)  # user id -> full name, for signatures
    made: dict[str, int] = field(default_factory=dict)  # model label -> rows written
    shared: dict = field(default_factory=dict)  # what one app hands to the next

    def n(self, full_size: int) -> int:
        """`full_size` scaled, at least one."""
        return max(1, round(full_size * self.scale))

    def county(self) -> str:
        return self.rng.choices(self.counties, weights=self.county_weights)[0]

    def city_of(self, code: str) -> str:
        return code[:4] + "00"

    def seat_of(self, agency_kind: str, county: str) -> str:
        """Where the department of `agency_kind` serving `county` sits: inspection and
        quarantine at the city, every other department in the county itself."""
        return self.city_of(county) if agency_kind == AgencyKind.CIQ else county

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def one_of(self, code: str, kind: str, role: str) -> int:
        """A member of the department `kind` at `code` with `role` (falling back to the city's)."""
        for place in (code, self.city_of(code), "320000"):
            ids = self.staff.get((place, kind, role))
            if ids:
                return self.rng.choice(ids)
        raise LookupError(f"No {kind} {role} at or above {code}")

    def day(self, start: datetime.date | None = None, end: datetime.date | None = None) -> datetime.date:
        """A day of the campaign so far (or of [start, end])."""
        start = start or self.campaign.starts_on
        end = min(end or self.today, self.today)
        return start + datetime.timedelta(days=self.rng.randrange(max(1, (end - start).days + 1)))

    def moment(self, day: datetime.date) -> datetime.datetime:
        """A working-hours moment of `day`, Asia/Shanghai, as an aware UTC datetime."""
        minutes = self.rng.randrange(8 * 60, 18 * 60)
        local = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
        return (local - datetime.timedelta(hours=8)).replace(tzinfo=datetime.UTC)

    def save(self, model: type[models.Model], rows: Iterable[models.Model]) -> list[int]:
        """Bulk-insert `rows` in batches, with their history rows when the model keeps history;
        returns their primary keys in order (only keys: a million model instances would not fit)."""
        keys = []
        for batch in chunks(rows, BATCH):
            if connection.vendor == "postgresql":
                keys.extend(copy_rows(model, batch, history_reason=REASON))
                continue
            if hasattr(model, "history"):
                saved = bulk_create_with_history(batch, model, batch_size=BATCH, default_change_reason=REASON)
            else:
                saved = model.objects.bulk_create(batch, batch_size=BATCH)
            keys.extend(row.pk for row in saved)
        self.made[model._meta.label] = self.made.get(model._meta.label, 0) + len(keys)
        return keys

    def update(self, model: type[models.Model], rows: list[models.Model], fields: list[str]) -> None:
        """Change `fields` of existing rows (loaded in full, so that their history rows are whole)."""
        changes = {row.pk: row for row in rows}
        columns = [model._meta.get_field(name).attname for name in fields]
        for batch in chunks(sorted(changes), BATCH):
            current = list(model.objects.filter(pk__in=batch))
            for row in current:
                for column in columns:
                    setattr(row, column, getattr(changes[row.pk], column))
            model.objects.bulk_update(current, fields)
            if hasattr(model, "history"):
                model.history.bulk_history_create(current, update=True, default_change_reason=REASON)


def chunks(rows: Iterable, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def defer_integrity_checks() -> None:
    """On PostgreSQL, skip the per-row foreign-key triggers for this transaction when allowed
    (as pg_restore --disable-triggers does): every key the generator writes comes from rows it
    has just written. Checking each of a million rows' keys at commit would take most of the
    load's time."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def refresh_statistics() -> None:
    """After a bulk load the query planner's row estimates are stale, and on PostgreSQL no
    page is yet marked all-visible (so no index-only scans): vacuum and analyse once."""
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction (as when a test runs the command).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def already_generated() -> bool:
    return User.objects.filter(username=MARKER_USER).exists()


def new_world(scale: float) -> World:
    today = local_today()
    campaign = Campaign.objects.filter(year=today.year).first() or campaign_create(year=today.year)
    rng = random.Random(SEED)
    counties = Jurisdiction.objects.filter(level="county").order_by("code")
    if scale < SMALL:
        # A tiny province (for tests) needs no staff in 95 counties: two cities' counties will do.
        counties = counties.filter(code__regex=r"^(3201|3205)")
    counties = list(counties.values_list("code", "name"))
    # Some counties are dairy country, most are not: weights spread the load unevenly.
    weights = [rng.lognormvariate(0, 0.6) for _ in counties]
    names = dict(Jurisdiction.objects.values_list("code", "name"))
    return World(
        scale=scale,
        rng=rng,
        campaign=campaign,
        today=min(today, campaign.ends_on),
        counties=[code for code, _ in counties],
        county_weights=weights,
        county_names=names,
    )


def generate(world: World) -> None:
    _agencies(world)
    _users(world)


def _staffing(world: World) -> Iterator[tuple[str, dict]]:
    yield "320000", PROVINCE_STAFF
    for code in sorted({world.city_of(county) for county in world.counties}):
        yield code, CITY_STAFF
    for code in world.counties:
        yield code, COUNTY_STAFF


def _agencies(world: World) -> None:
    places = {j.code: j for j in Jurisdiction.objects.all()}
    world.agency = {(kind, code): pk for pk, kind, code in Agency.objects.values_list("pk", "kind", "jurisdiction_id")}
    missing = []
    for code, staff in _staffing(world):
        for kind in staff:
            if (kind, code) not in world.agency:
                zh, en = AGENCY_SUFFIX[kind]
                place = places[code]
                missing.append(
                    Agency(kind=kind, jurisdiction=place, name=f"{place.name}{zh}", name_en=f"{place.name_en} {en}")
                )
    for agency, pk in zip(missing, world.save(Agency, missing), strict=True):
        world.agency[(agency.kind, agency.jurisdiction_id)] = pk


def _users(world: World) -> None:
    # One hash for every account: hashing 2,000 passwords one by one would take minutes.
    password = make_password(SYNTHETIC_PASSWORD)
    accounts, keys = [], []
    for code, staff in _staffing(world):
        for kind, roles in staff.items():
            for number, role in enumerate(roles, start=1):
                suffix = "" if roles.count(role) == 1 or number == roles.index(role) + 1 else str(number)
                username = f"p{code}_{kind.lower()}_{role}{suffix}"
                keys.append((code, kind, role))
                accounts.append(
                    User(
                        username=username,
                        full_name=world.person(),
                        agency_id=world.agency[(kind, code)],
                        role=role,
                        email=f"{username}@synthetic.dairy-campaign.local",
                        password=password,
                    )
                )
    for key, user, pk in zip(keys, accounts, world.save(User, accounts), strict=True):
        world.staff.setdefault(key, []).append(pk)
        world.names[pk] = user.full_name

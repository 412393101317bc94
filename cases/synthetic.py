"""Province-scale cases and complaints for `generate_province` (DESIGN §5): a case for every
non-conforming lab result (Q8), cases from inspection findings and tip-offs, 3k in all at every
stage; transfers to the police (a few of them late), listed supervision, and the hotline
complaints, some answered, some turned into cases, a few rewarded."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.synthetic import World
from inspections.synthetic import agency_kind_for
from sampling.models import LabResult

from .models import (
    Case,
    CaseStatus,
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    Decision,
    Hotline,
    Listing,
    PoliceReferral,
    PoliceReferralStatus,
    Reward,
    RewardStatus,
    SourceKind,
    Violation,
)
from .models.choices import ListingLevel

CASES = 3_000
COMPLAINTS = 6_000
TIP_SHARE = 0.3
STATUSES = [
    CaseStatus.CLUE,
    CaseStatus.FILED,
    CaseStatus.INVESTIGATING,
    CaseStatus.DECIDED,
    CaseStatus.CLOSED,
    CaseStatus.DISMISSED,
]
STATUS_WEIGHTS = [0.10, 0.15, 0.20, 0.20, 0.30, 0.05]
DECISIONS = [Decision.WARNING, Decision.FINE, Decision.CONFISCATION, Decision.LICENCE_CANCELLATION]
DECISION_WEIGHTS = [0.25, 0.55, 0.15, 0.05]
POLICE_SHARE = 0.08
LISTED_SHARE = 0.02


def generate(world: World) -> None:
    world.shared["complaints"] = _complaints(world)


def finish(world: World) -> None:
    """Cases come from the later apps' records too (lab results), so they are made last."""
    subjects = _subjects(world, world.shared["complaints"])
    cases = _cases(world, subjects)
    _link_complaints(world, subjects, cases)
    _police(world, subjects, cases)
    _listings(world, subjects, cases)


def _complaints(world: World) -> list[dict]:
    """Hotline tickets about registered operators; the tip-offs among them are case material."""
    operators = [(pk, county, kind) for kind, ops in world.shared["operators"].items() for pk, county in ops]
    facts = []

    def rows():
        for number in range(world.n(COMPLAINTS)):
            operator, county, kind = world.rng.choice(operators)
            tip = world.rng.random() < TIP_SHARE
            received = world.moment(world.day())
            agency_kind = agency_kind_for(kind)
            place = world.seat_of(agency_kind, county)
            answered = world.rng.random() < 0.7
            facts.append({"pk": None, "operator": operator, "county": county, "kind": kind, "tip": tip, "at": received})
            yield Complaint(
                hotline=Hotline.AIC_12315 if number % 3 else Hotline.QTS_12365,
                ticket_number=f"T{received:%Y%m%d}{number:07d}",
                kind=ComplaintKind.TIP
                if tip
                else world.rng.choice([ComplaintKind.COMPLAINT, ComplaintKind.CONSULTATION]),
                received_at=received,
                content="举报该店销售来源不明的散装奶粉" if tip else "购买的牛奶有异味",
                operator_id=operator,
                informant_name=world.person(),
                informant_phone=f"139{world.rng.randrange(10**7, 10**8)}",
                jurisdiction_id=county,
                assigned_agency_id=world.agency[(agency_kind, place)],
                deadline=received.date() + datetime.timedelta(days=15),
                status=ComplaintStatus.ANSWERED if answered and not tip else ComplaintStatus.HANDLING,
                result="已核查并答复" if answered and not tip else "",
                answered_on=received.date() + datetime.timedelta(days=5) if answered and not tip else None,
                recorded_by_id=world.one_of(place, agency_kind, Role.INSPECTOR),
            )

    for fact, pk in zip(facts, world.save(Complaint, rows()), strict=True):
        fact["pk"] = pk
    return facts


def _subjects(world: World, complaints: list[dict]) -> list[dict]:
    """What each case is about: non-conforming results, then tip-offs, then inspection findings."""
    result_type = ContentType.objects.get_for_model(LabResult)
    kind_of = {pk: kind for kind, ops in world.shared["operators"].items() for pk, _ in ops}
    subjects = [
        {
            "source": SourceKind.LAB_RESULT,
            "source_type": result_type,
            "source_id": str(result),
            "operator": holder,
            "county": county,
            "kind": kind_of[holder],
            "violation": Violation.OVER_LIMIT,
        }
        for result, _, holder, county in world.shared.get("nonconforming_lots", [])
    ]
    tips = [c for c in complaints if c["tip"]]
    for complaint in tips[: max(0, world.n(CASES) // 5)]:
        subjects.append(
            {
                "source": SourceKind.COMPLAINT,
                "complaint": complaint["pk"],
                "operator": complaint["operator"],
                "county": complaint["county"],
                "kind": complaint["kind"],
                "violation": Violation.EXPIRED,
            }
        )
    operators = [(pk, county, kind) for kind, ops in world.shared["operators"].items() for pk, county in ops]
    while len(subjects) < world.n(CASES):
        operator, county, kind = world.rng.choice(operators)
        subjects.append(
            {
                "source": SourceKind.INSPECTION,
                "operator": operator,
                "county": county,
                "kind": kind,
                "violation": world.rng.choice([Violation.NO_INTAKE_CHECK, Violation.NO_RECORDS, Violation.UNLICENSED]),
            }
        )
    return subjects[: world.n(CASES)]


def _cases(world: World, subjects: list[dict]) -> list[int]:
    def rows():
        for number, subject in enumerate(subjects, start=1):
            agency_kind = agency_kind_for(subject["kind"])
            place = world.seat_of(agency_kind, subject["county"])
            status = world.rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
            clue_day = world.day()
            filed = status not in (CaseStatus.CLUE, CaseStatus.DISMISSED)
            decided = status in (CaseStatus.DECIDED, CaseStatus.CLOSED)
            decision = world.rng.choices(DECISIONS, weights=DECISION_WEIGHTS)[0] if decided else ""
            subject.update(agency=world.agency[(agency_kind, place)], place=place, clue_day=clue_day, filed=filed)
            yield Case(
                number=f"苏{subject['county']}食案〔{clue_day.year}〕{number:05d}号",
                title=f"涉嫌{Violation(subject['violation']).label}案",
                source_kind=subject["source"],
                source_type=subject.get("source_type"),
                source_id=subject.get("source_id", ""),
                operator_id=subject["operator"],
                agency_id=subject["agency"],
                jurisdiction_id=subject["county"],
                violations=[subject["violation"]],
                facts="经查，当事人存在上述违法行为。",
                status=status,
                major=world.rng.random() < 0.03,
                clue_at=world.moment(clue_day),
                filed_on=clue_day + datetime.timedelta(days=3) if filed else None,
                decision=decision,
                fine_amount=Decimal(world.rng.randrange(5, 500)) * 1000 if decision == Decision.FINE else None,
                confiscated="涉案乳制品" if decision == Decision.CONFISCATION else "",
                decided_on=clue_day + datetime.timedelta(days=40) if decided else None,
                decision_number=f"苏食罚〔{clue_day.year}〕{number:05d}号" if decided else "",
                closed_on=clue_day + datetime.timedelta(days=60) if status == CaseStatus.CLOSED else None,
                created_by_id=world.one_of(place, agency_kind, Role.INSPECTOR),
            )

    return world.save(Case, rows())


def _link_complaints(world: World, subjects: list[dict], cases: list[int]) -> None:
    """Tip-offs turned into cases, and the reward proposed for a third of them."""
    linked = [
        Complaint(pk=s["complaint"], case_id=case) for s, case in zip(subjects, cases, strict=True) if "complaint" in s
    ]
    for complaint in linked:
        complaint.status = ComplaintStatus.CASE_OPENED
    world.update(Complaint, linked, ["case", "status"])
    proposers = {s["complaint"]: s for s in subjects if "complaint" in s}
    world.save(
        Reward,
        (
            Reward(
                complaint_id=complaint.pk,
                amount=Decimal(world.rng.choice([500, 1000, 2000, 5000])),
                grounds="举报属实，查处违法行为",
                status=world.rng.choice([RewardStatus.PROPOSED, RewardStatus.APPROVED, RewardStatus.PAID]),
                proposed_by_id=world.one_of(
                    proposers[complaint.pk]["place"], agency_kind_for(proposers[complaint.pk]["kind"]), Role.INSPECTOR
                ),
            )
            for complaint in linked[::3]
        ),
    )


def _police(world: World, subjects: list[dict], cases: list[int]) -> None:
    """Transfers to the police: most within 30 days of the clue, a few late."""

    def rows():
        for subject, case in zip(subjects, cases, strict=True):
            if not subject["filed"] or world.rng.random() >= POLICE_SHARE:
                continue
            days = world.rng.choice([5, 10, 15, 20, 28, 35, 45])
            referred = subject["clue_day"] + datetime.timedelta(days=days)
            accepted = world.rng.random() < 0.7
            yield PoliceReferral(
                case_id=case,
                police_unit_id=world.agency[(AgencyKind.PSB, subject["county"])],
                referred_on=referred,
                document_number=f"移送〔{referred.year}〕{case}号",
                days_from_clue=days,
                status=PoliceReferralStatus.ACCEPTED if accepted else PoliceReferralStatus.REFERRED,
                police_case_number=f"公立〔{referred.year}〕{case}号" if accepted else "",
                answered_on=referred + datetime.timedelta(days=7) if accepted else None,
                referred_by_id=world.one_of(subject["place"], agency_kind_for(subject["kind"]), Role.REVIEWER),
            )

    world.save(PoliceReferral, rows())


def _listings(world: World, subjects: list[dict], cases: list[int]) -> None:
    """Major cases listed for supervision by the city's food-safety office."""

    def rows():
        for subject, case in zip(subjects, cases, strict=True):
            if not subject["filed"] or world.rng.random() >= LISTED_SHARE:
                continue
            city = world.city_of(subject["county"])
            listed = subject["clue_day"] + datetime.timedelta(days=10)
            yield Listing(
                case_id=case,
                office_id=world.agency[(AgencyKind.FSO, city)],
                level=ListingLevel.CITY,
                listed_on=listed,
                deadline=listed + datetime.timedelta(days=60),
                requirements="限期查清事实，依法从重处理",
                document_number=f"督办〔{listed.year}〕{case}号",
                listed_by_id=world.one_of(city, AgencyKind.FSO, Role.REVIEWER),
            )

    world.save(Listing, rows())

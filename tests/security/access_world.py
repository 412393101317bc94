"""The access sweep's world: one record of every kind in four places.

The user under test sits in Jiangning (320115). Its sibling county Luhe (320116), its parent
city Nanjing (320100, the city's own records) and a county of another city, Huqiu in Suzhou
(320505), each hold the same records. Every record carries its place's marker in its name,
number or text, so a page that leaks a foreign row shows the marker. The city's departments
and people carry none: they sit above the county (a county transfers to the city's police,
the city's officers join its task forces), so a county's forms rightly offer them.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile

from cases.models import (
    Accountability,
    Evidence,
    IncidentReport,
    Listing,
    PoliceReferral,
    Reward,
)
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Agency, Notification, ResponsibilityLetter
from inspections.models import Assignment, Den, Inspection, InspectionPhoto, Measure
from licensing.models import FollowUpMeasure, Licence, RegisterImport, Vehicle
from reports.models import ExportJob, SummaryReport
from sampling.models import IntakeImport, LabResult, PlanLine, Referral, SamplingPlan

from ..cases.factories import CaseFactory, ComplaintFactory
from ..factories import AgencyFactory, CampaignFactory, member, place
from ..inspections.factories import TemplateFactory
from ..inspections.factories_field import ConsignmentFactory, SelfReportFactory, SweepFactory, importer
from ..licensing.factories import OperatorFactory
from ..sampling.factories import LotFactory, SampleFactory

OWN, SIBLING, CITY, OTHER = "320115", "320116", "320100", "320505"
PLACES = (OWN, SIBLING, CITY, OTHER)
MARKERS = {OWN: "QOWNX", SIBLING: "QSIBX", CITY: "QCITYX", OTHER: "QOTHRX"}
# The places that are outside each level's view: a county sees only itself, its city
# sees both counties and itself, never the other city.
FOREIGN_TO = {OWN: (SIBLING, CITY, OTHER), CITY: (OTHER,)}
ROLES = (Role.INSPECTOR, Role.REVIEWER, Role.CLERK, Role.VIEWER, Role.ADMIN)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
XLSX = b"PK\x03\x04" + b"\x00" * 64
DAY = datetime.date(2026, 11, 2)
MOMENT = datetime.datetime(2026, 11, 3, 2, 0, tzinfo=datetime.UTC)


def _file(name: str, content: bytes) -> ContentFile:
    return ContentFile(content, name=name)


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class World:
    """`objects[kind][code]` is the record of `kind` at place `code`; `users[(code, kind, role)]`
    the member of that department with that role."""

    objects: dict[str, dict[str, object]] = field(default_factory=dict)
    users: dict[tuple[str, str, str], object] = field(default_factory=dict)

    def add(self, kind: str, code: str, obj) -> None:
        self.objects.setdefault(kind, {})[code] = obj

    def get(self, kind: str, code: str):
        return self.objects[kind][code]

    def user(self, code: str, kind: str, role: str):
        return self.users[(code, kind, role)]


def _members(world: World, code: str) -> None:
    """Every department of the place; at the user's own county and its city, every role."""
    marker = MARKERS[code]
    roles = ROLES if code in (OWN, CITY) else (Role.REVIEWER, Role.INSPECTOR, Role.CLERK)
    for kind in AgencyKind.values:
        agency = AgencyFactory(kind=kind, jurisdiction=place(code))
        if code != CITY:
            # The city's departments are above the county, not foreign to it: a county
            # transfers to the city's police and is supervised by the city's office.
            agency.name = f"{agency.name}{marker}ag"
            agency.save(update_fields=["name"])
        world.add(f"agency_{kind}", code, agency)
        for role in roles:
            # Likewise the city's people: they join a county's task force or lead its sweep.
            name = f"{marker}u{kind}{role[:3]}" if code != CITY else f"city-{kind}-{role}"
            world.users[(code, kind, role)] = member(code, kind, role, full_name=name, username=f"{code}-{kind}-{role}")
    world.add("user", code, world.user(code, AgencyKind.QTS, Role.INSPECTOR))


def _register(world: World, code: str) -> None:
    m = MARKERS[code]
    qts_clerk = world.user(code, AgencyKind.QTS, Role.CLERK)
    producer = OperatorFactory(name=f"{m}op乳业", county=place(code))
    station = OperatorFactory(kind="purchase_station", name=f"{m}st收奶站", county=place(code))
    retailer = OperatorFactory(kind="small_retailer", name=f"{m}rt食杂店", county=place(code))
    den_operator = OperatorFactory(kind="unlicensed", name=f"{m}den黑窝点", county=place(code), credit_code=None)
    world.add("operator", code, producer)
    world.add("station", code, station)
    world.add("retailer", code, retailer)
    vehicle = Vehicle.objects.create(plate=f"苏{m[:5]}", owner=station, capacity_tonnes=Decimal("10"))
    world.add("vehicle", code, vehicle)
    licence = Licence.objects.create(
        type="production",
        operator=producer,
        number=f"{m}lic",
        issuing_agency=world.get(f"agency_{AgencyKind.QTS}", code),
        status="granted",
        applied_on=DAY,
        issued_on=DAY,
    )
    world.add("licence", code, licence)
    world.add(
        "follow_up",
        code,
        FollowUpMeasure.objects.create(
            licence=licence,
            kind="recover_invoices",
            responsible=world.get(f"agency_{AgencyKind.GOV}", code),
            due_on=DAY,
            notes=f"{m}fu",
        ),
    )
    world.add(
        "register_import",
        code,
        RegisterImport.objects.create(
            file_name=f"{m}reg.xlsx", file_sha256=_sha(XLSX), created_by=qts_clerk, file=_file("reg.xlsx", XLSX)
        ),
    )
    world.add(
        "intake_import",
        code,
        IntakeImport.objects.create(
            file_name=f"{m}intake.xlsx", file_sha256=_sha(XLSX), created_by=qts_clerk, file=_file("in.xlsx", XLSX)
        ),
    )
    world.add("den_operator", code, den_operator)


def _cases(world: World, code: str) -> None:
    m = MARKERS[code]
    aic = world.get(f"agency_{AgencyKind.AIC}", code)
    aic_reviewer = world.user(code, AgencyKind.AIC, Role.REVIEWER)
    fso_reviewer = world.user(code, AgencyKind.FSO, Role.REVIEWER)
    case = CaseFactory(
        number=f"{m}case",
        title=f"{m}案件",
        operator=world.get("retailer", code),
        agency=aic,
        jurisdiction=place(code),
        status="filed",
        filed_on=DAY,
    )
    world.add("case", code, case)
    world.add(
        "police_referral",
        code,
        PoliceReferral.objects.create(
            case=case,
            police_unit=world.get(f"agency_{AgencyKind.PSB}", code),
            referred_on=DAY,
            document_number=f"{m}pr",
            days_from_clue=1,
            referred_by=aic_reviewer,
        ),
    )
    world.add(
        "evidence",
        code,
        Evidence.objects.create(
            case=case,
            file=_file("evidence.pdf", PDF),
            sha256=_sha(PDF),
            content_type="application/pdf",
            size=len(PDF),
            description=f"{m}ev",
            attached_by=aic_reviewer,
        ),
    )
    world.add(
        "listing",
        code,
        Listing.objects.create(
            case=case,
            office=world.get(f"agency_{AgencyKind.FSO}", code),
            level="city",
            listed_on=DAY,
            deadline=DAY + datetime.timedelta(days=30),
            requirements=f"{m}listing",
            document_number=f"{m}ls",
            listed_by=fso_reviewer,
        ),
    )
    world.add(
        "accountability",
        code,
        Accountability.objects.create(
            jurisdiction=place(code),
            trigger="den_left",
            facts=f"{m}acc",
            measures="通报批评",
            decided_on=DAY,
            document_number=f"{m}acc",
            recorded_by=fso_reviewer,
        ),
    )
    world.add(
        "incident",
        code,
        IncidentReport.objects.create(
            agency=world.get(f"agency_{AgencyKind.FSO}", code),
            jurisdiction=place(code),
            title=f"{m}incident",
            occurred_at=MOMENT,
            description=f"{m}incident",
            reported_by=fso_reviewer,
        ),
    )
    complaint = ComplaintFactory(
        ticket_number=f"{m}tkt",
        party_name=f"{m}party",
        content=f"{m}complaint",
        jurisdiction=place(code),
        assigned_agency=aic,
        recorded_by=aic_reviewer,
    )
    world.add("complaint", code, complaint)
    world.add(
        "reward",
        code,
        Reward.objects.create(
            complaint=complaint, amount=Decimal("500"), grounds=f"{m}reward", proposed_by=aic_reviewer
        ),
    )


def _inspections(world: World, code: str, template) -> None:
    m = MARKERS[code]
    fda = world.get(f"agency_{AgencyKind.FDA}", code)
    inspector = world.user(code, AgencyKind.FDA, Role.INSPECTOR)
    catering = OperatorFactory(kind="catering", name=f"{m}cat餐饮", county=place(code))
    world.add("catering", code, catering)
    world.add(
        "assignment",
        code,
        Assignment.objects.create(
            agency=fda,
            jurisdiction=place(code),
            operator=catering,
            template_code=template.code,
            inspector=inspector,
            assigned_by=world.user(code, AgencyKind.FDA, Role.REVIEWER),
            due_on=DAY + datetime.timedelta(days=30),
            source="manual",
            note=f"{m}asg",
        ),
    )
    inspection = Inspection.objects.create(
        template=template,
        agency=fda,
        jurisdiction=place(code),
        inspector=inspector,
        operator=catering,
        inspected_on=DAY,
    )
    world.add("inspection", code, inspection)
    world.add(
        "photo",
        code,
        InspectionPhoto.objects.create(
            inspection=inspection,
            item_code="storage_photo",
            image=_file("photo.png", PNG),
            sha256=_sha(PNG),
            content_type="image/png",
            taken_at=MOMENT,
            uploaded_by=inspector,
        ),
    )
    world.add(
        "measure",
        code,
        Measure.objects.create(
            inspection=inspection, kind="rectify", description=f"{m}measure", deadline=DAY, recorded_by=inspector
        ),
    )
    sweep = SweepFactory(
        jurisdiction=place(code),
        agency=world.get(f"agency_{AgencyKind.GOV}", code),
        area=f"{m}sweep",
        recorded_by=world.user(code, AgencyKind.GOV, Role.CLERK),
    )
    world.add("sweep", code, sweep)
    world.add(
        "den",
        code,
        Den.objects.create(sweep=sweep, operator=world.get("den_operator", code), activity=f"{m}den"),
    )
    world.add(
        "consignment",
        code,
        ConsignmentFactory(
            importer=importer(name=f"{m}imp进口", county=place(code)),
            health_certificate_number=f"{m}hc",
            warehouse=f"{m}wh",
            recorded_by=world.user(code, AgencyKind.CIQ, Role.INSPECTOR),
        ),
    )
    world.add(
        "self_report",
        code,
        SelfReportFactory(
            operator=world.get("operator", code),
            problems_found=f"{m}self",
            recorded_by=world.user(code, AgencyKind.QTS, Role.INSPECTOR),
        ),
    )


def _sampling(world: World, code: str) -> None:
    m = MARKERS[code]
    qts = world.get(f"agency_{AgencyKind.QTS}", code)
    clerk = world.user(code, AgencyKind.QTS, Role.CLERK)
    lot = LotFactory(
        operator=world.get("operator", code),
        supplier=world.get("station", code),
        batch_number=f"{m}lot",
        recorded_by=clerk,
    )
    world.add("lot", code, lot)
    plan = SamplingPlan.objects.create(
        jurisdiction=place(code),
        agency=qts,
        rule="Q1",
        period_start=DAY,
        period_end=DAY + datetime.timedelta(days=30),
        notes=f"{m}plan",
        created_by=world.user(code, AgencyKind.QTS, Role.INSPECTOR),
    )
    world.add("plan", code, plan)
    world.add("plan_line", code, PlanLine.objects.create(plan=plan, operator=world.get("operator", code), base=20))
    sample = SampleFactory(code=f"{m}smp", lot=lot, agency=qts, seal_number=f"{m}seal", recorded_by=clerk)
    world.add("sample", code, sample)
    result = LabResult.objects.create(
        sample=sample,
        entered_value=Decimal("3.1"),
        entered_unit="mg/kg",
        mg_per_kg=Decimal("3.1"),
        detection_limit=Decimal("0.05"),
        category="liquid_milk",
        limit=Decimal("2.5"),
        verdict="non_conforming",
        method="GB/T 22388",
        lab=f"{m}lab",
        tested_on=DAY,
        entered_by=clerk,
    )
    world.add("result", code, result)
    world.add(
        "referral",
        code,
        Referral.objects.create(
            kind="case",
            result=result,
            lot=lot,
            to_agency=world.get(f"agency_{AgencyKind.AIC}", code),
            summary=f"{m}ref",
        ),
    )


def _reports(world: World, code: str, campaign) -> None:
    m = MARKERS[code]
    fso_reviewer = world.user(code, AgencyKind.FSO, Role.REVIEWER)
    world.add(
        "summary",
        code,
        SummaryReport.objects.create(
            campaign=campaign,
            jurisdiction=place(code),
            agency=world.get(f"agency_{AgencyKind.FSO}", code),
            text=f"{m}summary",
            document=_file("summary.docx", PDF),
            document_sha256=_sha(PDF),
            created_by=fso_reviewer,
        ),
    )
    world.add(
        "export_job",
        code,
        ExportJob.objects.create(
            user=world.user(code, AgencyKind.QTS, Role.REVIEWER),
            url_name="operator_list",
            state="done",
            file=_file("export.xlsx", XLSX),
            file_name=f"{m}export.xlsx",
            row_count=1,
            rows_written=1,
        ),
    )
    parent = place(code).parent
    world.add(
        "letter",
        code,
        ResponsibilityLetter.objects.create(
            campaign=campaign,
            issuer=parent,
            jurisdiction=place(code),
            signed_on=DAY,
            issuer_signatory=f"{m}iss",
            signatory=f"{m}sig",
            document=_file("letter.pdf", PDF),
            document_sha256=_sha(PDF),
            recorded_by=world.user(code, AgencyKind.FSO, Role.REVIEWER),
        ),
    )
    world.add(
        "notification",
        code,
        Notification.objects.create(recipient=world.user(code, AgencyKind.QTS, Role.REVIEWER), title=f"{m}note"),
    )


def build_world() -> World:
    world = World()
    campaign = CampaignFactory()
    template = TemplateFactory(code="sweep-catering")
    world.add("template", "all", template)
    world.add("campaign", "all", campaign)
    for code in PLACES:
        world.add("jurisdiction", code, place(code))
        _members(world, code)
    for code in PLACES:
        _register(world, code)
        _cases(world, code)
        _inspections(world, code, template)
        _sampling(world, code)
        _reports(world, code, campaign)
    return world


def agency_of(world: World, code: str, kind: str) -> Agency:
    return world.get(f"agency_{kind}", code)

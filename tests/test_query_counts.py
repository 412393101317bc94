"""Issue #8: the lists a county inspector, reviewer or clerk opens every day, pages and API
alike, cost the same number of queries for 2 rows as for 12 (no query per row: related
records are joined or prefetched, per-row permissions annotated), and stay under a ceiling.

Each case makes its rows visible to, and actionable by, the user who opens the list, so the
per-row paths (decisions a reviewer may take, flags) are exercised."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import InspectionStatus, Measure, MeasureKind
from licensing.models import LicenceType, OperatorKind
from sampling.models import Category, LabResult, Verdict

from .cases.factories import CaseFactory, ComplaintFactory
from .factories import member, place
from .inspections.factories import AssignmentFactory, InspectionFactory, TemplateFactory
from .licensing.factories import LicenceFactory, OperatorFactory
from .sampling.factories import LotFactory, SampleFactory

pytestmark = pytest.mark.django_db

CEILING = 15


class County:
    """Jiangning's people, and rows of every list made for them."""

    def __init__(self):
        self.qts_inspector = member("320115", AgencyKind.QTS, Role.INSPECTOR)
        self.qts_reviewer = member("320115", AgencyKind.QTS, Role.REVIEWER)
        self.qts_clerk = member("320115", AgencyKind.QTS, Role.CLERK)
        self.aic_reviewer = member("320115", AgencyKind.AIC, Role.REVIEWER)
        self.template = TemplateFactory()

    def user(self, name: str):
        return getattr(self, name)

    def operators(self, n):
        for _ in range(n):
            OperatorFactory(kind=OperatorKind.DAIRY_PRODUCER)

    def inspections(self, n):
        for i in range(n):
            InspectionFactory(
                template=self.template,
                inspector=self.qts_inspector,
                operator=OperatorFactory(kind=OperatorKind.CATERING),
                status=(InspectionStatus.SUBMITTED, InspectionStatus.DRAFT)[i % 2],
            )

    def assignments(self, n):
        for _ in range(n):
            AssignmentFactory(
                inspector=self.qts_inspector,
                assigned_by=self.qts_reviewer,
                operator=OperatorFactory(kind=OperatorKind.CATERING),
                template_code=self.template.code,
                due_on=datetime.date(2026, 12, 20),
                source="planned",
            )

    def measures(self, n):
        for _ in range(n):
            inspection = InspectionFactory(
                template=self.template,
                inspector=self.qts_inspector,
                operator=OperatorFactory(kind=OperatorKind.CATERING),
                status=InspectionStatus.SUBMITTED,
            )
            Measure.objects.create(
                inspection=inspection, kind=MeasureKind.RECTIFY, description="整改", recorded_by=self.qts_inspector
            )

    def licences(self, n):
        for _ in range(n):
            LicenceFactory(type=LicenceType.PRODUCTION)

    def lots(self, n):
        for _ in range(n):
            LotFactory(recorded_by=self.qts_clerk)

    def samples(self, n):
        for _ in range(n):
            SampleFactory(lot=LotFactory(recorded_by=self.qts_clerk))

    def results(self, n):
        for _ in range(n):
            LabResult.objects.create(
                sample=SampleFactory(lot=LotFactory(recorded_by=self.qts_clerk)),
                entered_value=Decimal("0.5"),
                entered_unit="mg/kg",
                mg_per_kg=Decimal("0.5"),
                detection_limit=Decimal("0.05"),
                category=Category.LIQUID_MILK,
                limit=Decimal("2.5"),
                verdict=Verdict.CONFORMING,
                method="GB/T 22388-2008",
                lab="江苏省产品质量监督检验研究院",
                tested_on=datetime.date(2026, 11, 6),
                entered_by=self.qts_clerk,
            )

    def cases(self, n):
        for _ in range(n):
            CaseFactory(jurisdiction=place("320115"))

    def complaints(self, n):
        for _ in range(n):
            ComplaintFactory(recorded_by=self.aic_reviewer)


# (list, URL name or API path, who opens it, what makes its rows)
LISTS = [
    ("inspection_list", "page", "qts_reviewer", "inspections"),
    ("task_list", "page", "qts_inspector", "assignments"),
    ("assignment_list", "page", "qts_reviewer", "assignments"),
    ("measure_list", "page", "qts_reviewer", "measures"),
    ("operator_list", "page", "qts_reviewer", "operators"),
    ("licence_list", "page", "qts_reviewer", "licences"),
    ("lot_list", "page", "qts_clerk", "lots"),
    ("sample_list", "page", "qts_reviewer", "samples"),
    ("case_list", "page", "aic_reviewer", "cases"),
    ("complaint_list", "page", "aic_reviewer", "complaints"),
    ("/api/v1/inspections/", "api", "qts_reviewer", "inspections"),
    ("/api/v1/inspections/", "api", "qts_inspector", "inspections"),
    ("/api/v1/assignments/", "api", "qts_reviewer", "assignments"),
    ("/api/v1/measures/", "api", "qts_reviewer", "measures"),
    ("/api/v1/operators/", "api", "qts_reviewer", "operators"),
    ("/api/v1/licences/", "api", "qts_reviewer", "licences"),
    ("/api/v1/lots/", "api", "qts_clerk", "lots"),
    ("/api/v1/samples/", "api", "qts_reviewer", "samples"),
    ("/api/v1/lab-results/", "api", "qts_reviewer", "results"),
    ("/api/v1/cases/", "api", "aic_reviewer", "cases"),
    ("/api/v1/complaints/", "api", "aic_reviewer", "complaints"),
]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(("target", "kind", "who", "rows"), LISTS, ids=[f"{t}-{w}" for t, _k, w, _r in LISTS])
def test_a_list_costs_the_same_queries_for_2_rows_as_for_12(client, campaign, target, kind, who, rows):
    county = County()
    url = reverse(target) if kind == "page" else target
    client.force_login(county.user(who))
    make = getattr(county, rows)
    make(2)
    two = _queries(client, url)
    make(10)
    twelve = _queries(client, url)
    assert twelve == two
    assert two <= CEILING

import datetime
import hashlib
from decimal import Decimal

import factory

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import AreaType, Consignment, SelfInspectionReport, Sweep
from licensing.models import LicenceStatus, LicenceType, OperatorKind

from ..factories import AgencyFactory, CampaignFactory, member, place
from ..licensing.factories import LicenceFactory, OperatorFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class SweepFactory(factory.django.DjangoModelFactory):
    """C1: a sweep of Jiangning recorded by its government."""

    class Meta:
        model = Sweep

    jurisdiction = factory.LazyFunction(lambda: place("320115"))
    agency = factory.LazyAttribute(lambda o: AgencyFactory(kind=AgencyKind.GOV, jurisdiction=o.jurisdiction))
    area_type = AreaType.FRINGE
    area = factory.Sequence(lambda n: f"某街道城乡结合部{n}")
    swept_on = datetime.date(2026, 6, 1)
    leader = "陈区长"
    leader_title = "副区长"
    recorded_by = factory.LazyAttribute(lambda o: member(o.jurisdiction.code, AgencyKind.GOV, Role.CLERK))


def importer(**kwargs):
    return OperatorFactory(kind=OperatorKind.IMPORTER, name=kwargs.pop("name", "测试进口乳品有限公司"), **kwargs)


def consignee_filing(operator, status=LicenceStatus.GRANTED):
    return LicenceFactory(
        type=LicenceType.CONSIGNEE_FILING, operator=operator, status=status, number=f"BA-{operator.pk}-{status}"
    )


class ConsignmentFactory(factory.django.DjangoModelFactory):
    """S5: a held import batch; `ready=True` has everything but the lab result done."""

    class Meta:
        model = Consignment

    class Params:
        ready = factory.Trait(
            consignee_filing=factory.LazyAttribute(lambda o: consignee_filing(o.importer)),
            certificate_content_ok=True,
            certificate_seal_ok=True,
            certificate_signatory_ok=True,
        )

    importer = factory.LazyFunction(importer)
    product = "全脂乳粉"
    quantity = Decimal("25000")
    unit = "kg"
    origin_country = "新西兰"
    arrived_on = datetime.date(2026, 9, 1)
    health_certificate_number = factory.Sequence(lambda n: f"NZ-HC-{n:05d}")
    warehouse = "禄口指定监管仓库"
    recorded_by = factory.LazyFunction(lambda: member("320100", AgencyKind.CIQ, Role.INSPECTOR))


class SelfReportFactory(factory.django.DjangoModelFactory):
    """P1: a producer's self-inspection report received by quality supervision."""

    class Meta:
        model = SelfInspectionReport

    operator = factory.SubFactory(OperatorFactory)
    campaign = factory.LazyFunction(CampaignFactory)
    received_on = datetime.date(2026, 6, 10)
    problems_found = "进货查验记录不全"
    actions_taken = "已补齐记录"
    document = factory.django.FileField(data=PDF, filename="report.pdf")
    document_sha256 = hashlib.sha256(PDF).hexdigest()
    recorded_by = factory.LazyFunction(lambda: member("320115", AgencyKind.QTS, Role.INSPECTOR))

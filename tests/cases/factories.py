import datetime

import factory

from cases.models import Case, Complaint, ComplaintKind, Hotline, SourceKind

from ..factories import AgencyFactory, place
from ..licensing.factories import OperatorFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A clue for Jiangning's industry and commerce department about a grocery."""

    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"320115-2026-AJ{n:05d}")
    title = "销售超过临时限量值乳制品"
    source_kind = SourceKind.LAB_RESULT
    operator = factory.SubFactory(OperatorFactory, kind="small_retailer")
    agency = factory.LazyFunction(lambda: AgencyFactory(kind="AIC", jurisdiction=place("320115")))
    jurisdiction = factory.LazyFunction(lambda: place("320115"))
    facts = "抽检婴幼儿配方乳粉三聚氰胺1.6 mg/kg，超过临时管理限量值。"
    clue_at = factory.LazyFunction(lambda: datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC))


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    hotline = Hotline.AIC_12315
    ticket_number = factory.Sequence(lambda n: f"12315-2026-{n:06d}")
    kind = ComplaintKind.TIP
    received_at = factory.LazyFunction(lambda: datetime.datetime(2026, 11, 25, 1, 0, tzinfo=datetime.UTC))
    content = "东山某食杂店销售无生产日期的散装奶粉"
    party_name = "东山某食杂店"
    informant_name = "匿名群众甲"
    informant_phone = "13900001234"
    jurisdiction = factory.LazyFunction(lambda: place("320115"))
    assigned_agency = factory.LazyFunction(lambda: AgencyFactory(kind="AIC", jurisdiction=place("320115")))
    deadline = factory.LazyFunction(lambda: datetime.date(2026, 12, 10))
    recorded_by = None  # set by the caller

import datetime
from decimal import Decimal

import factory

from dairy_campaign.choices import AgencyKind, Role
from licensing.models import OperatorKind
from sampling.models import Category, Lot, LotKind, Sample

from ..factories import AgencyFactory, member, place
from ..licensing.factories import OperatorFactory


def lab_clerk(code="320115", kind=AgencyKind.QTS):
    return member(code, kind, Role.CLERK, full_name="林化验")


class LotFactory(factory.django.DjangoModelFactory):
    """A raw-milk intake of a producer from a station, tested by the producer (S1)."""

    class Meta:
        model = Lot

    kind = LotKind.RAW_MILK
    operator = factory.SubFactory(OperatorFactory, kind=OperatorKind.DAIRY_PRODUCER)
    supplier = factory.SubFactory(OperatorFactory, kind=OperatorKind.PURCHASE_STATION)
    batch_number = factory.Sequence(lambda n: f"RM2026{n:05d}")
    product = "生鲜乳"
    category = Category.LIQUID_MILK
    dated = factory.LazyFunction(lambda: datetime.date(2026, 11, 2))
    quantity = Decimal("12.5")
    unit = "t"
    own_test_mg_per_kg = Decimal("0.05")
    recorded_by = factory.LazyFunction(lambda: member("320115", AgencyKind.QTS, Role.CLERK))


class SampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sample

    code = factory.Sequence(lambda n: f"320115-2026-T{n:05d}")
    lot = factory.SubFactory(LotFactory)
    agency = factory.LazyFunction(lambda: AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115")))
    samplers = "张伟、李强"
    sampled_at = factory.LazyFunction(lambda: datetime.datetime(2026, 11, 3, 2, 0, tzinfo=datetime.UTC))
    quantity = Decimal("0.5")
    unit = "kg"
    seal_number = factory.Sequence(lambda n: f"FT{n:06d}")
    recorded_by = factory.LazyAttribute(lambda o: o.lot.recorded_by)

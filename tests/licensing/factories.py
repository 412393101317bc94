import itertools

import factory

from dairy_campaign.choices import AgencyKind
from licensing.credit_code import CHARSET, check_character
from licensing.models import Licence, LicenceType, Operator, OperatorKind

from ..factories import AgencyFactory, place

_serial = itertools.count(1)


def valid_credit_code(county: str = "320115") -> str:
    n = next(_serial)
    body = f"91{county}" + "".join(CHARSET[(n // 31**i) % 31] for i in range(9))
    return body + check_character(body)


class OperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operator

    kind = OperatorKind.DAIRY_PRODUCER
    name = factory.Sequence(lambda n: f"测试乳业{n}有限公司")
    county = factory.LazyFunction(lambda: place("320115"))
    credit_code = factory.LazyAttribute(lambda o: valid_credit_code(o.county.code))
    address = "江宁区某路1号"
    registered_with_aic = True


KIND_OF_LICENCE = {
    LicenceType.PRODUCTION: AgencyKind.QTS,
    LicenceType.PURCHASE: AgencyKind.AGR,
    LicenceType.TRANSPORT: AgencyKind.AGR,
    LicenceType.DISTRIBUTION: AgencyKind.AIC,
    LicenceType.CONSIGNEE_FILING: AgencyKind.CIQ,
}


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    type = LicenceType.PRODUCTION
    operator = factory.SubFactory(OperatorFactory)
    issuing_agency = factory.LazyAttribute(
        lambda o: AgencyFactory(kind=KIND_OF_LICENCE[o.type], jurisdiction=o.operator.county)
    )
    applied_on = factory.Faker("date_between", start_date="-3y", end_date="-2y")

import datetime

import factory

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Agency, Campaign, Jurisdiction, Notification, User
from dairy_campaign.models.agencies import AGENCY_SUFFIX

PASSWORD = "Test-password-2026"


def place(code: str) -> Jurisdiction:
    return Jurisdiction.objects.get(code=code)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("kind", "jurisdiction")

    kind = AgencyKind.QTS
    jurisdiction = factory.LazyFunction(lambda: place("320115"))
    name = factory.LazyAttribute(lambda o: f"{o.jurisdiction.name}{AGENCY_SUFFIX[o.kind][0]}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.INSPECTOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(code: str, kind: str = AgencyKind.QTS, role: str = Role.INSPECTOR, **kwargs) -> User:
    """A user of a `kind` agency at jurisdiction `code`."""
    return UserFactory(agency=AgencyFactory(kind=kind, jurisdiction=place(code)), role=role, **kwargs)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("year",)

    year = 2026
    name = "2026年乳制品专项整治"
    starts_on = datetime.date(2026, 4, 1)
    ends_on = datetime.date(2026, 12, 31)
    summary_deadline = datetime.date(2026, 12, 30)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"通知{n}")

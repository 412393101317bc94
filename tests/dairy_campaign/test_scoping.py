"""The scoping matrix: users of each level and kind against records of their own
jurisdiction, a sibling, the parent and another city."""

import pytest

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Agency, ResponsibilityLetter, User
from dairy_campaign.ownership import OWNERS

from ..factories import AgencyFactory, member, place

pytestmark = pytest.mark.django_db

OWN, SIBLING, PARENT, OTHER_CITY = "320115", "320102", "320100", "320324"


@pytest.fixture
def agencies():
    return {
        code: AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place(code))
        for code in (OWN, SIBLING, PARENT, OTHER_CITY)
    }


@pytest.mark.parametrize(
    ("user_code", "expected"),
    [
        ("320115", {OWN}),
        ("320100", {OWN, SIBLING, PARENT}),
        ("320300", {OTHER_CITY}),
        ("320000", {OWN, SIBLING, PARENT, OTHER_CITY}),
    ],
)
@pytest.mark.parametrize("kind", [AgencyKind.QTS, AgencyKind.FSO, AgencyKind.PSB])
def test_a_user_sees_its_jurisdiction_and_everything_below(agencies, user_code, expected, kind):
    user = member(user_code, kind, Role.VIEWER)
    visible = set(Agency.objects.visible_to(user).filter(kind=AgencyKind.AIC).values_list("jurisdiction_id", flat=True))
    assert visible == expected


def test_anonymous_and_agencyless_users_see_nothing(agencies):
    from django.contrib.auth.models import AnonymousUser

    assert not Agency.objects.visible_to(AnonymousUser()).exists()
    assert not Agency.objects.visible_to(User.objects.create(username="loose")).exists()


def test_a_superuser_sees_everything(agencies):
    root = User.objects.create_superuser("root", "r@example.com", "Root-pass-2026")
    assert Agency.objects.visible_to(root).filter(kind=AgencyKind.AIC).count() == 4


@pytest.mark.parametrize(
    ("kind", "role", "writes"),
    [
        (AgencyKind.FSO, Role.REVIEWER, True),
        (AgencyKind.GOV, Role.CLERK, True),
        (AgencyKind.FSO, Role.VIEWER, False),
        (AgencyKind.QTS, Role.REVIEWER, False),
        (AgencyKind.PSB, Role.INSPECTOR, False),
        (AgencyKind.FSO, Role.ADMIN, False),
    ],
)
def test_a_user_writes_only_what_its_agency_kind_owns_with_a_writing_role(campaign, kind, role, writes):
    assert {AgencyKind.FSO, AgencyKind.GOV} == OWNERS["responsibility_letter"]
    letter = ResponsibilityLetter.objects.create(
        campaign=campaign,
        issuer=place("320100"),
        jurisdiction=place(OWN),
        signed_on=campaign.starts_on,
        issuer_signatory="甲",
        signatory="乙",
        document="letters/x.pdf",
        recorded_by=member("320100", AgencyKind.FSO, Role.REVIEWER),
    )
    user = member("320100", kind, role)
    assert ResponsibilityLetter.objects.editable_by(user).filter(pk=letter.pk).exists() is writes
    assert ResponsibilityLetter.objects.visible_to(user).filter(pk=letter.pk).exists()


def test_editing_is_bounded_by_visibility_across_cities(campaign):
    letter = ResponsibilityLetter.objects.create(
        campaign=campaign,
        issuer=place("320100"),
        jurisdiction=place(OWN),
        signed_on=campaign.starts_on,
        issuer_signatory="甲",
        signatory="乙",
        document="letters/x.pdf",
        recorded_by=member("320100", AgencyKind.FSO, Role.REVIEWER),
    )
    xuzhou = member("320300", AgencyKind.FSO, Role.REVIEWER)
    assert not ResponsibilityLetter.objects.visible_to(xuzhou).filter(pk=letter.pk).exists()
    assert not ResponsibilityLetter.objects.editable_by(xuzhou).filter(pk=letter.pk).exists()


def test_scoping_a_list_costs_one_query(agencies, django_assert_num_queries):
    user = User.objects.select_related("agency").get(pk=member("320100", AgencyKind.FSO, Role.VIEWER).pk)
    with django_assert_num_queries(1):
        list(Agency.objects.visible_to(user))

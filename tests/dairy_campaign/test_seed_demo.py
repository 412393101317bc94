import pytest
from django.core.management import call_command

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Agency, Campaign, Notification, ResponsibilityLetter, User

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Campaign, Agency, User, ResponsibilityLetter, Notification)]


def test_seed_demo_loads_a_living_campaign_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = counts()
    output = capsys.readouterr().out
    assert "qts_jn_inspector" in output and "Dairy-2026-demo" in output
    call_command("seed_demo")
    assert counts() == first
    assert set(User.objects.exclude(role="").values_list("role", flat=True)) == set(Role.values)
    assert set(Agency.objects.filter(jurisdiction_id="320000").values_list("kind", flat=True)) == set(AgencyKind.values)
    assert Agency.objects.filter(jurisdiction__level="city").values("jurisdiction").distinct().count() == 13
    assert ResponsibilityLetter.objects.filter(issuer_id="320000").count() < 13  # some still missing

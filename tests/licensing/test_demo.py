import pytest
from django.core.management import call_command

from licensing.models import FollowUpMeasure, Licence, LicenceStatus, Operator

pytestmark = pytest.mark.django_db


def test_the_demo_register_shows_every_stage_of_the_lifecycle_and_is_idempotent():
    call_command("seed_demo")
    counts = (Operator.objects.count(), Licence.objects.count(), FollowUpMeasure.objects.count())
    call_command("seed_demo")
    assert (Operator.objects.count(), Licence.objects.count(), FollowUpMeasure.objects.count()) == counts
    statuses = set(Licence.objects.values_list("status", flat=True))
    assert {LicenceStatus.APPLIED, LicenceStatus.GRANTED, LicenceStatus.RECTIFYING, LicenceStatus.REVOKED} <= statuses
    assert Operator.objects.flagged_arrangements().exists() and FollowUpMeasure.objects.open().exists()

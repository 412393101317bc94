"""`generate_province`: the province-scale synthetic campaign, at a tiny scale."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from cases.models import Case
from dairy_campaign.models import User
from dairy_campaign.synthetic import SYNTHETIC_PASSWORD
from inspections.models import Inspection
from licensing.models import Licence, Operator
from reports.models import SummaryReport
from sampling.models import LabResult, Lot, Sample

pytestmark = pytest.mark.django_db
SCALE = 0.001


class Undo(Exception):
    pass


def fingerprint() -> list:
    return [
        list(Operator.objects.order_by("credit_code", "name").values_list("name", "county_id", "kind")[:40]),
        list(
            Lot.objects.order_by("operator__credit_code", "batch_number").values_list("batch_number", "quantity")[:40]
        ),
        list(LabResult.objects.order_by("sample__code").values_list("sample__code", "mg_per_kg", "verdict")),
        Inspection.objects.count(),
    ]


def generate(scale=SCALE) -> str:
    out = io.StringIO()
    call_command("generate_province", scale=scale, stdout=out)
    return out.getvalue()


def test_a_tiny_province_is_generated_the_same_way_every_time(campaign):
    with pytest.raises(Undo), transaction.atomic():
        generate()
        first = fingerprint()
        raise Undo
    generate()
    assert fingerprint() == first
    assert first[0], "something was generated"

    # DESIGN §5 times 0.001: ~150 operators, 500 intake lots, 300 inspections, 60 samples, 3 cases.
    assert 140 <= Operator.objects.count() <= 160
    assert Lot.objects.filter(kind__in=["raw_milk", "milk_powder"]).count() == 500
    assert Inspection.objects.count() == 300
    assert 55 <= Sample.objects.count() <= 65
    assert Case.objects.count() == 3
    assert Licence.objects.count() > 90
    assert SummaryReport.objects.filter(status__in=["submitted", "accepted"]).exists()

    # The records pass their own validation, and their creation is in their history.
    for model in (Operator, Licence, Lot):
        for record in model.objects.order_by("?")[:40]:
            record.full_clean()
    for model in (Operator, Licence, Inspection, Sample, LabResult, Case):
        assert model.history.filter(history_type="+").count() == model.objects.count(), model
    assert User.objects.get(username="p320115_qts_inspector").check_password(SYNTHETIC_PASSWORD)

    # Running again changes nothing.
    before = Operator.objects.count()
    assert "already loaded" in generate()
    assert Operator.objects.count() == before


def test_a_scale_out_of_range_is_refused(campaign):
    with pytest.raises(CommandError, match="--scale"):
        generate(scale=0)
    assert not Operator.objects.exists()

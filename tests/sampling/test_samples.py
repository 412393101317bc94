"""Samples and their chain of custody: taken from a lot a department sees, coded uniquely
per county and year, handed over in order only, each step with who and when."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import StateChange
from licensing.models import OperatorKind, Vehicle
from sampling.models import CustodyEvent, PlanLine, PlanStatus, Rule, Sample, SampleStatus, SamplingPlan
from sampling.services import samples as sample_services
from sampling.services.samples import CUSTODY, custody_advance, next_sample_code, sample_take
from sampling.views.samples import code39_bars

from ..factories import AgencyFactory, member, place
from ..licensing.factories import OperatorFactory
from .factories import LotFactory

pytestmark = pytest.mark.django_db
S = SampleStatus
SAMPLED_AT = datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def sampler():
    return member("320115", AgencyKind.QTS, Role.INSPECTOR, full_name="张伟")


@pytest.fixture
def lot():
    return LotFactory()


# Helpers the other sampling tests share.


def take(actor, lot, **overrides) -> Sample:
    data = {
        "samplers": "张伟、李强",
        "sampled_at": SAMPLED_AT,
        "quantity": Decimal("0.5"),
        "unit": "kg",
        "seal_number": "FT000123",
        "lab": "江宁区质检所",
    }
    return sample_take(actor=actor, lot=lot, **{**data, **overrides})


def receive(actor, sample) -> Sample:
    """Sent to the lab and received there."""
    custody_advance(actor=actor, sample=sample, step=S.SENT)
    custody_advance(actor=actor, sample=sample, step=S.RECEIVED)
    sample.refresh_from_db()
    return sample


def approved_plan(agency, *, operator=None, vehicle=None, status=PlanStatus.APPROVED) -> PlanLine:
    plan = SamplingPlan.objects.create(
        jurisdiction=agency.jurisdiction,
        agency=agency,
        rule=Rule.Q1,
        period_start=datetime.date(2026, 11, 1),
        period_end=datetime.date(2026, 11, 30),
        status=status,
        created_by=member("320115", agency.kind, Role.REVIEWER),
    )
    return PlanLine.objects.create(plan=plan, operator=operator, vehicle=vehicle, base=20, planned=3)


# Taking a sample.


def test_a_sample_is_coded_by_county_year_and_serial_and_starts_its_custody_sealed(sampler, lot):
    sample = take(sampler, lot)
    assert sample.code == "320115-2026-000001"
    assert sample.agency == sampler.agency and sample.status == S.SAMPLED and sample.recorded_by == sampler
    event = sample.custody.get()
    assert (event.step, event.at, event.by) == (S.SAMPLED, SAMPLED_AT, sampler)
    assert "FT000123" in event.note
    assert sample.history.get().history_user == sampler


def test_codes_are_unique_and_count_per_county_and_year(sampler, lot):
    first, second = take(sampler, lot), take(sampler, lot, seal_number="FT000124")
    other_county = LotFactory(operator=OperatorFactory(county=place("320102")))
    elsewhere = take(member("320100", AgencyKind.QTS), other_county)
    last_year = LotFactory(dated=datetime.date(2025, 12, 1))
    december = take(sampler, last_year, sampled_at=datetime.datetime(2025, 12, 1, 2, 0, tzinfo=datetime.UTC))
    new_year = take(sampler, last_year, sampled_at=datetime.datetime(2025, 12, 31, 17, 0, tzinfo=datetime.UTC))
    assert [first.code, second.code] == ["320115-2026-000001", "320115-2026-000002"]
    assert elsewhere.code == "320102-2026-000001"
    assert december.code == "320115-2025-000001"
    # 17:00 UTC on 31 December is already 1 January in Jiangsu: the local year counts.
    assert new_year.code == "320115-2026-000003"


def test_codes_of_other_shapes_do_not_disturb_the_serial(sampler, lot):
    Sample.objects.create(
        code="320115-2026-T00009",
        lot=lot,
        agency=sampler.agency,
        samplers="x",
        sampled_at=SAMPLED_AT,
        quantity=1,
        unit="kg",
        seal_number="x",
        recorded_by=sampler,
    )
    assert next_sample_code("320115-2026-") == "320115-2026-000001"


def test_a_code_taken_by_someone_else_meanwhile_is_skipped(sampler, lot, monkeypatch):
    """Two departments sampling at the same moment: the unique code decides, the loser
    takes the next serial."""
    taken = take(sampler, lot)
    answers = iter([taken.code, "320115-2026-000002"])
    monkeypatch.setattr(sample_services, "next_sample_code", lambda prefix: next(answers))
    sample = take(sampler, lot, seal_number="FT000999")
    assert sample.code == "320115-2026-000002"
    assert Sample.objects.count() == 2


def test_a_sample_cannot_be_taken_in_the_future_or_before_the_lots_date(sampler, lot):
    for when in (timezone.now() + datetime.timedelta(hours=1), datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)):
        with pytest.raises(ValidationError) as refused:
            take(sampler, lot, sampled_at=when)
        assert "sampled_at" in refused.value.message_dict
    assert not Sample.objects.exists()


def test_a_quantity_must_be_positive(sampler, lot):
    with pytest.raises(ValidationError) as refused:
        take(sampler, lot, quantity=Decimal("0"))
    assert "quantity" in refused.value.message_dict


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMIN])
def test_readers_and_administrators_take_no_samples(lot, role):
    with pytest.raises(PermissionDenied):
        take(member("320115", AgencyKind.QTS, role), lot)
    assert not Sample.objects.exists()


def test_a_lot_outside_the_jurisdiction_cannot_be_sampled(lot):
    with pytest.raises(ValidationError) as refused:
        take(member("320102", AgencyKind.QTS), lot)
    assert "lot" in refused.value.message_dict


def test_a_plan_line_of_an_approved_plan_of_the_department_covering_the_holder_is_kept(sampler, lot):
    line = approved_plan(sampler.agency, operator=lot.operator)
    assert take(sampler, lot, plan_line=line).plan_line == line


def test_a_plan_line_may_cover_the_vehicle_that_brought_the_raw_milk(sampler):
    station = OperatorFactory(kind=OperatorKind.PURCHASE_STATION)
    vehicle = Vehicle.objects.create(plate="苏A12345", owner=station, capacity_tonnes=Decimal("10"))
    lot = LotFactory(vehicle=vehicle)
    line = approved_plan(sampler.agency, vehicle=vehicle)
    assert take(sampler, lot, plan_line=line).plan_line == line


@pytest.mark.parametrize("problem", ["draft", "other_department", "other_holder"])
def test_a_plan_line_must_be_approved_of_the_samplers_department_and_cover_the_lot(sampler, lot, problem):
    if problem == "draft":
        line = approved_plan(sampler.agency, operator=lot.operator, status=PlanStatus.DRAFT)
    elif problem == "other_department":
        line = approved_plan(AgencyFactory(kind=AgencyKind.AIC), operator=lot.operator)
    else:
        line = approved_plan(sampler.agency, operator=OperatorFactory())
    with pytest.raises(ValidationError) as refused:
        take(sampler, lot, plan_line=line)
    assert "plan_line" in refused.value.message_dict
    assert not Sample.objects.exists()


# The chain of custody.


def test_custody_moves_in_order_with_who_and_when(sampler, lot):
    clerk = member("320115", AgencyKind.QTS, Role.CLERK)
    sample = take(sampler, lot)
    custody_advance(actor=sampler, sample=sample, step=S.SENT, note="冷链送检")
    custody_advance(actor=clerk, sample=sample, step=S.RECEIVED, note="封条完好")
    sample.refresh_from_db()
    assert sample.status == S.RECEIVED
    steps = [(e.step, e.by, e.note) for e in sample.custody.all()]
    assert steps[1:] == [(S.SENT, sampler, "冷链送检"), (S.RECEIVED, clerk, "封条完好")]
    assert StateChange.objects.filter(object_id=str(sample.pk), to_state=S.RECEIVED, actor=clerk).exists()


ORDER = [S.SAMPLED, S.SENT, S.RECEIVED, S.TESTED, S.REPORTED, S.REVIEWED]


def test_the_custody_table_allows_exactly_the_next_step():
    for index, step in enumerate(ORDER[:-1]):
        assert CUSTODY[step] == frozenset({ORDER[index + 1]})
    assert S.REVIEWED not in CUSTODY


@pytest.mark.parametrize(
    ("current", "step"),
    [
        (current, step)
        for current in (S.SAMPLED, S.SENT, S.RECEIVED)
        for step in (S.SAMPLED, S.SENT, S.RECEIVED)
        if ORDER.index(step) != ORDER.index(current) + 1
    ],
)
def test_every_jump_or_step_back_is_refused(sampler, lot, current, step):
    sample = take(sampler, lot)
    Sample.objects.filter(pk=sample.pk).update(status=current)
    sample.refresh_from_db()
    with pytest.raises(ValidationError):
        custody_advance(actor=sampler, sample=sample, step=step)
    sample.refresh_from_db()
    assert sample.status == current and sample.custody.count() == 1


@pytest.mark.parametrize(("step", "how"), [(S.TESTED, "entering"), (S.REPORTED, "entering"), (S.REVIEWED, "reviewing")])
def test_tested_reported_and_reviewed_are_reached_through_the_result_only(sampler, lot, step, how):
    sample = receive(sampler, take(sampler, lot))
    with pytest.raises(ValidationError) as refused:
        custody_advance(actor=sampler, sample=sample, step=step)
    assert how in str(refused.value)
    sample.refresh_from_db()
    assert sample.status == S.RECEIVED


def test_a_hand_over_is_neither_in_the_future_nor_before_the_previous_one(sampler, lot):
    sample = take(sampler, lot)
    for at in (timezone.now() + datetime.timedelta(minutes=5), SAMPLED_AT - datetime.timedelta(minutes=1)):
        with pytest.raises(ValidationError) as refused:
            custody_advance(actor=sampler, sample=sample, step=S.SENT, at=at)
        assert "at" in refused.value.message_dict
    custody_advance(actor=sampler, sample=sample, step=S.SENT, at=SAMPLED_AT + datetime.timedelta(hours=2))
    assert CustodyEvent.objects.filter(sample=sample, step=S.SENT).get().at == SAMPLED_AT + datetime.timedelta(hours=2)


@pytest.mark.parametrize(
    "who",
    [
        ("320115", AgencyKind.AIC, Role.INSPECTOR),  # another department
        ("320115", AgencyKind.QTS, Role.VIEWER),  # a reader
        ("320102", AgencyKind.QTS, Role.INSPECTOR),  # another county
    ],
)
def test_only_writing_members_of_the_sampling_department_hand_over(sampler, lot, who):
    sample = take(sampler, lot)
    with pytest.raises(PermissionDenied):
        custody_advance(actor=member(*who), sample=sample, step=S.SENT)
    sample.refresh_from_db()
    assert sample.status == S.SAMPLED


def test_the_city_department_hands_over_the_samples_of_its_counties(sampler, lot):
    sample = take(sampler, lot)
    custody_advance(actor=member("320100", AgencyKind.QTS, Role.CLERK), sample=sample, step=S.SENT)
    sample.refresh_from_db()
    assert sample.status == S.SENT


# The label.


def test_the_label_barcode_is_code_39_between_start_and_stop_characters():
    bars, width = code39_bars("320115-2026-000001")
    characters = len("320115-2026-000001") + 2
    assert len(bars) == 5 * characters
    # Each character is 3 wide (5) and 6 narrow (2) elements, 1 narrow gap between characters.
    assert width == characters * (3 * 5 + 6 * 2) + (characters - 1) * 2
    assert bars[0] == (0, 2)  # "*" starts with a narrow bar
    assert code39_bars("样品") == ([], 0)


def test_a_sample_is_seen_in_the_county_of_its_lots_holder(sampler, lot):
    sample = take(sampler, lot)
    assert sample.county_id == lot.operator.county_id == "320115"
    assert Sample.objects.visible_to(member("320115", AgencyKind.QTS, Role.VIEWER)).filter(pk=sample.pk).exists()
    assert not Sample.objects.visible_to(member("320116", AgencyKind.QTS, Role.VIEWER)).filter(pk=sample.pk).exists()


def test_samples_move_with_a_correction_of_their_holders_county(sampler, lot):
    from licensing.services.register import operator_update

    sample = take(sampler, lot)
    versions = sample.history.count()
    city_qts = member("320100", AgencyKind.QTS, Role.REVIEWER)
    operator_update(actor=city_qts, operator=lot.operator, reason="登记区县有误", county=place("320116"))
    sample.refresh_from_db()
    assert sample.county_id == "320116"
    assert Sample.objects.visible_to(member("320116", AgencyKind.QTS, Role.VIEWER)).filter(pk=sample.pk).exists()
    assert not Sample.objects.visible_to(member("320115", AgencyKind.QTS, Role.VIEWER)).filter(pk=sample.pk).exists()
    assert sample.history.count() == versions  # derived from the register: the operator's history has it

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import local_today
from inspections.models import AreaType, Den, Sweep
from inspections.services.sweeps import den_ban, den_record, sweep_record, sweep_totals
from licensing.models import Operator, OperatorKind, OperatorStatus

from ..factories import member, place
from .factories_field import SweepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov():
    return member("320115", AgencyKind.GOV, Role.CLERK)


def sweep_fields(**overrides):
    fields = {
        "jurisdiction": place("320115"),
        "area_type": AreaType.WAREHOUSE,
        "area": "淳化街道出租库房",
        "swept_on": datetime.date(2026, 7, 3),
        "leader": "王海涛",
        "leader_title": "江宁区人民政府副区长",
        "participants": "工商、质监、公安",
    }
    return {**fields, **overrides}


def den_fields(**overrides):
    fields = {
        "name": "殷巷村乳粉分装窝点",
        "address": "秣陵街道殷巷村12号",
        "activity": "分装散装乳粉",
        "banned": False,
    }
    return {**fields, **overrides}


def test_C1_a_government_records_a_sweep_led_by_a_named_leader(gov):
    sweep = sweep_record(actor=gov, **sweep_fields())
    assert sweep.agency == gov.agency and sweep.recorded_by == gov
    assert (sweep.leader, sweep.leader_title) == ("王海涛", "江宁区人民政府副区长")
    assert sweep.history.count() == 1


def test_C1_a_city_government_sweeps_a_county_below_it():
    city = member("320100", AgencyKind.GOV, Role.INSPECTOR)
    assert sweep_record(actor=city, **sweep_fields()).jurisdiction_id == "320115"


def test_C1_industry_and_commerce_also_records_sweeps():
    aic = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    assert sweep_record(actor=aic, **sweep_fields()).agency.kind == AgencyKind.AIC


@pytest.mark.parametrize("missing", ["area_type", "area", "swept_on", "leader", "leader_title"])
def test_C1_a_sweep_needs_its_area_type_area_date_leader_and_position(gov, missing):
    blank = None if missing == "swept_on" else "  "
    with pytest.raises(ValidationError) as refused:
        sweep_record(actor=gov, **sweep_fields(**{missing: blank}))
    assert missing in refused.value.message_dict
    assert not Sweep.objects.exists()


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (AgencyKind.QTS, Role.INSPECTOR),
        (AgencyKind.FDA, Role.REVIEWER),
        (AgencyKind.FSO, Role.REVIEWER),
        (AgencyKind.GOV, Role.VIEWER),
    ],
)
def test_C1_a_sweep_is_refused_to_anyone_but_a_writing_government_or_industry_and_commerce_user(kind, role):
    with pytest.raises(PermissionDenied):
        sweep_record(actor=member("320115", kind, role), **sweep_fields())
    assert not Sweep.objects.exists()


def test_C1_a_sweep_outside_the_actors_jurisdiction_or_above_county_level_is_refused(gov):
    for place_code in ("320102", "320100"):
        with pytest.raises(ValidationError) as refused:
            sweep_record(actor=gov, **sweep_fields(jurisdiction=place(place_code)))
        assert "jurisdiction" in refused.value.message_dict
    assert not Sweep.objects.exists()


def test_C1_a_sweep_cannot_be_dated_in_the_future(gov):
    with pytest.raises(ValidationError):
        sweep_record(actor=gov, **sweep_fields(swept_on=local_today() + datetime.timedelta(days=2)))


def test_C1_a_den_banned_on_the_spot_becomes_a_banned_unlicensed_operator_of_the_sweeps_county(gov):
    sweep = SweepFactory()
    den = den_record(
        actor=gov,
        sweep=sweep,
        **den_fields(banned=True, seized_product="散装乳粉", seized_quantity=Decimal("850"), seized_unit="kg"),
        document_number="宁江取〔2026〕7号",
    )
    operator = Operator.objects.get(pk=den.operator_id)
    assert operator.kind == OperatorKind.UNLICENSED and operator.credit_code is None
    assert operator.county_id == "320115" and operator.status == OperatorStatus.BANNED
    assert den.banned_on == sweep.swept_on
    assert (den.seized_quantity, den.seized_unit) == (Decimal("850"), "kg")
    assert "宁江取〔2026〕7号" in operator.history.first().history_change_reason


def test_C1_a_den_not_banned_on_the_spot_stays_in_the_register_as_operating_until_banned(gov):
    den = den_record(actor=gov, sweep=SweepFactory(), **den_fields())
    assert den.banned_on is None and den.operator.status == OperatorStatus.OPERATING
    den_ban(actor=gov, den=den, reason="核实为无证经营", document_number="宁江取〔2026〕9号")
    den.refresh_from_db()
    den.operator.refresh_from_db()
    assert den.banned_on == local_today() and den.operator.status == OperatorStatus.BANNED
    with pytest.raises(ValidationError):
        den_ban(actor=gov, den=den, reason="再次取缔", document_number="X")


@pytest.mark.parametrize(
    ("reason", "document", "field"), [("", "宁江取〔2026〕9号", "reason"), ("核实", " ", "document_number")]
)
def test_C1_a_later_ban_names_its_reason_and_document_number(gov, reason, document, field):
    den = den_record(actor=gov, sweep=SweepFactory(), **den_fields())
    with pytest.raises(ValidationError) as refused:
        den_ban(actor=gov, den=den, reason=reason, document_number=document)
    assert field in refused.value.message_dict
    den.refresh_from_db()
    assert den.banned_on is None


@pytest.mark.parametrize(
    "seizure",
    [
        {"seized_product": "乳粉", "seized_quantity": Decimal("0"), "seized_unit": "kg"},
        {"seized_product": "乳粉", "seized_quantity": Decimal("5"), "seized_unit": ""},
        {"seized_product": "乳粉", "seized_unit": "kg"},
        {"seized_quantity": Decimal("5"), "seized_unit": "kg"},
    ],
)
def test_C1_a_seizure_is_a_named_product_with_a_positive_quantity_and_its_unit(gov, seizure):
    with pytest.raises(ValidationError):
        den_record(actor=gov, sweep=SweepFactory(), **den_fields(banned=True, **seizure))
    assert not Operator.objects.exists() and not Den.objects.exists()


def test_C1_a_den_without_a_name_writes_nothing(gov):
    with pytest.raises(ValidationError):
        den_record(actor=gov, sweep=SweepFactory(), **den_fields(name=""))
    assert not Operator.objects.exists()


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [
        ("320115", AgencyKind.QTS, Role.INSPECTOR),
        ("320115", AgencyKind.AIC, Role.VIEWER),
        ("320102", AgencyKind.GOV, Role.CLERK),
    ],
)
def test_C1_dens_are_recorded_only_by_writing_sweepers_of_the_sweeps_jurisdiction(code, kind, role):
    with pytest.raises(PermissionDenied):
        den_record(actor=member(code, kind, role), sweep=SweepFactory(), **den_fields(banned=True))
    assert not Operator.objects.exists()


def test_C1_sweep_totals_count_dens_bans_and_seized_quantities_per_unit(gov):
    first, second = SweepFactory(), SweepFactory()
    SweepFactory(jurisdiction=place("320102"))  # not in the totals' queryset below
    den_record(
        actor=gov,
        sweep=first,
        **den_fields(banned=True, seized_product="乳粉", seized_quantity=Decimal("850"), seized_unit="kg"),
    )
    den_record(
        actor=gov,
        sweep=first,
        **den_fields(name="作坊", banned=True, seized_product="酸奶", seized_quantity=Decimal("126"), seized_unit="瓶"),
    )
    den_record(
        actor=gov,
        sweep=second,
        **den_fields(name="库房", seized_product="乳粉", seized_quantity=Decimal("150.5"), seized_unit="kg"),
    )
    totals = sweep_totals(Sweep.objects.visible_to(gov))
    assert totals == {
        "sweeps": 2,
        "dens": 3,
        "banned": 2,
        "left_in_place": 1,
        "seized": [("kg", Decimal("1000.5")), ("瓶", Decimal("126"))],
    }

"""L1–L6 as the services enforce them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification
from licensing.models import (
    Arrangement,
    FollowUpMeasure,
    LicenceStatus,
    LicenceType,
    MeasureKind,
    OperatorKind,
    OperatorStatus,
    ScopeCategory,
)
from licensing.services.licences import (
    follow_up_complete,
    licence_apply,
    licence_withdraw,
    operator_may_sell_dairy,
    seller_cancel_for_over_limit,
    station_close,
)
from licensing.services.register import operator_create

from ..factories import member, place
from .factories import LicenceFactory, OperatorFactory, valid_credit_code

pytestmark = pytest.mark.django_db
S = LicenceStatus
K = OperatorKind

ELIGIBLE = {
    (K.DAIRY_PRODUCER, True),
    (K.DAIRY_FARM, True),
    (K.DAIRY_FARM, False),
    (K.FARMER_COOP, True),
    (K.FARMER_COOP, False),
}


@pytest.mark.parametrize("licence_type", [LicenceType.PURCHASE, LicenceType.TRANSPORT])
@pytest.mark.parametrize("kind", K.values)
@pytest.mark.parametrize("registered", [True, False])
def test_L3_raw_milk_licences_only_for_registered_producers_farms_and_cooperatives(licence_type, kind, registered):
    agr = member("320115", AgencyKind.AGR, Role.REVIEWER)
    operator = OperatorFactory(
        kind=kind, registered_with_aic=registered, credit_code=None if kind == K.UNLICENSED else valid_credit_code()
    )
    vehicle = None
    if licence_type == LicenceType.TRANSPORT:
        vehicle = operator.vehicles.create(plate=f"苏A{operator.pk:05d}", capacity_tonnes=5)
    if (kind, registered) in ELIGIBLE:
        licence = licence_apply(actor=agr, operator=operator, type=licence_type, vehicle=vehicle)
        assert licence.status == S.APPLIED
    else:
        with pytest.raises(ValidationError) as error:
            licence_apply(actor=agr, operator=operator, type=licence_type, vehicle=vehicle)
        assert "L3" in str(error.value)
        assert not operator.licences.exists()


def test_L2_a_leased_business_names_its_actual_operator_and_is_flagged():
    qts = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    fields = {
        "kind": K.DAIRY_PRODUCER,
        "name": "某乳品厂",
        "credit_code": valid_credit_code(),
        "county": place("320115"),
        "address": "某地",
        "arrangement": Arrangement.LEASED,
    }
    with pytest.raises(ValidationError) as error:
        operator_create(actor=qts, **fields)
    assert "actual_operator" in error.value.message_dict
    operator = operator_create(actor=qts, actual_operator="张某", **fields)
    assert operator.arrangement_flagged


def test_a_bad_credit_code_is_refused_with_the_reason():
    qts = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    with pytest.raises(ValidationError) as error:
        operator_create(
            actor=qts,
            kind=K.DAIRY_PRODUCER,
            name="某厂",
            credit_code="91320115MA1XXXXX00",
            county=place("320115"),
            address="某地",
        )
    assert "credit_code" in error.value.message_dict


def test_a_department_registers_only_the_operators_it_keeps():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        operator_create(
            actor=member("320115", AgencyKind.QTS, Role.INSPECTOR),
            kind=K.CATERING,
            name="某餐馆",
            credit_code=valid_credit_code(),
            county=place("320115"),
            address="某地",
        )


@pytest.mark.parametrize("to", [S.REVOKED, S.CANCELLED])
def test_L1_revocation_opens_follow_ups_for_the_government(to, county_departments):
    qts = member("320115", AgencyKind.QTS, Role.REVIEWER)
    licence = LicenceFactory(status=S.RECTIFYING, number="QS-1")
    measures = licence_withdraw(
        actor=qts, licence=licence, to=to, reason="整改不合格", legal_basis="条例", document_number="撤字1号"
    )
    assert {m.kind for m in measures} == {MeasureKind.RECOVER_INVOICES, MeasureKind.DISMANTLE_EQUIPMENT}
    assert {m.responsible for m in measures} == {county_departments[AgencyKind.GOV]}
    licence.operator.refresh_from_db()
    assert licence.operator.status == OperatorStatus.CLOSED


def test_L1_a_follow_up_is_completed_with_evidence_by_the_government(county_departments):
    qts = member("320115", AgencyKind.QTS, Role.REVIEWER)
    licence = LicenceFactory(status=S.RECTIFYING, number="QS-1")
    measure = licence_withdraw(
        actor=qts, licence=licence, to=S.REVOKED, reason="整改不合格", legal_basis="条例", document_number="撤字1号"
    )[0]
    gov = member("320115", AgencyKind.GOV, Role.CLERK)
    evidence = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50)
    with pytest.raises(ValidationError):
        follow_up_complete(actor=gov, measure=measure, completed_on=datetime.date(2099, 1, 1), evidence=evidence)
    follow_up_complete(actor=gov, measure=measure, completed_on=datetime.date(2026, 11, 1), evidence=evidence)
    measure.refresh_from_db()
    assert measure.completed_on and measure.evidence
    assert FollowUpMeasure.objects.open().count() == 1


def test_L4_closing_a_station_closes_its_licences_seals_and_notifies(county_departments):
    agr = member("320115", AgencyKind.AGR, Role.REVIEWER)
    qts_member = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    station = OperatorFactory(kind=K.PURCHASE_STATION)
    farm = OperatorFactory(kind=K.DAIRY_FARM)
    producer = OperatorFactory(kind=K.DAIRY_PRODUCER)
    OperatorFactory(kind=K.DAIRY_FARM, county=place("320102"))  # another county: not notified
    licence = LicenceFactory(type=LicenceType.PURCHASE, operator=farm, station=station, status=S.GRANTED, number="收1")
    notice = station_close(actor=agr, station=station, reason="无证收购", legal_basis="条例", document_number="关字1号")
    licence.refresh_from_db()
    station.refresh_from_db()
    assert licence.status == S.CLOSED and station.status == OperatorStatus.CLOSED
    assert set(notice.operators.all()) == {farm, producer}
    assert [a.kind for a in notice.agencies.all()] == [AgencyKind.QTS]
    assert Notification.objects.filter(recipient=qts_member).exists()
    kinds = set(FollowUpMeasure.objects.values_list("kind", flat=True))
    assert kinds == {MeasureKind.SEAL_STATION, MeasureKind.DISMANTLE_STATION}


@pytest.mark.parametrize(
    ("scope", "status", "may"),
    [
        ([ScopeCategory.DAIRY], S.GRANTED, True),
        ([ScopeCategory.PREPACKAGED], S.GRANTED, False),
        ([ScopeCategory.DAIRY], S.EXPIRED, False),
        ([ScopeCategory.DAIRY], S.CANCELLED, False),
    ],
)
def test_L5_selling_dairy_needs_dairy_approved_on_a_valid_distribution_licence(scope, status, may):
    shop = OperatorFactory(kind=K.SMALL_RETAILER)
    LicenceFactory(type=LicenceType.DISTRIBUTION, operator=shop, scope=scope, status=status, number="SP1")
    allowed, reason = operator_may_sell_dairy(shop)
    assert allowed is may and (may or "L5" in reason)


def test_L6_an_over_limit_seller_loses_its_licences_and_business_licence():
    aic = member("320115", AgencyKind.AIC, Role.REVIEWER)
    shop = OperatorFactory(kind=K.SUPERMARKET)
    licence = LicenceFactory(
        type=LicenceType.DISTRIBUTION, operator=shop, scope=["dairy"], status=S.GRANTED, number="SP2"
    )
    cancelled = seller_cancel_for_over_limit(actor=aic, seller=shop, reason="三聚氰胺超标", document_number="吊字1号")
    licence.refresh_from_db()
    shop.refresh_from_db()
    assert cancelled == [licence] and licence.status == S.CANCELLED
    assert shop.business_licence_cancelled and operator_may_sell_dairy(shop)[0] is False


def test_L6_applies_only_to_sellers():
    with pytest.raises(ValidationError):
        seller_cancel_for_over_limit(
            actor=member("320115", AgencyKind.QTS, Role.REVIEWER),
            seller=OperatorFactory(kind=K.DAIRY_PRODUCER),
            reason="x",
            document_number="1",
        )

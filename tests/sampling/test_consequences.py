"""Q8: a non-conforming result puts the lot on hold, opens a case for the department owning
the holder's kind, proposes L6 for a seller, and tells an import consignment its result
(S5) either way; running it again changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Case, CaseStatus, SourceKind, Violation
from cases.selectors import cases_for_sources
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification, StateChange
from inspections.models import ConsignmentStatus
from licensing.models import OperatorKind
from sampling.models import Category, LabResult, LotKind, LotStatus, Referral, ReferralKind, ReferralStatus, Verdict
from sampling.services.consequences import consequences_of, referral_take_up
from sampling.services.results import result_correct

from ..factories import AgencyFactory, member, place
from ..inspections.factories_field import ConsignmentFactory
from ..licensing.factories import OperatorFactory
from .factories import LotFactory
from .test_results import enter, measure
from .test_samples import receive, take

pytestmark = pytest.mark.django_db
OVER = Decimal("3.2")


@pytest.fixture(autouse=True)
def departments():
    """Jiangning's departments, and Nanjing's inspection and quarantine bureau (city level)."""
    county = {
        k: AgencyFactory(kind=k, jurisdiction=place("320115")) for k in (AgencyKind.QTS, AgencyKind.AIC, AgencyKind.AGR)
    }
    return {**county, AgencyKind.CIQ: AgencyFactory(kind=AgencyKind.CIQ, jurisdiction=place("320100"))}


@pytest.fixture
def sampler():
    return member("320115", AgencyKind.QTS, Role.INSPECTOR)


@pytest.fixture
def clerk():
    return member("320115", AgencyKind.QTS, Role.CLERK)


def lot_of(holder_kind):
    if holder_kind == OperatorKind.DAIRY_PRODUCER:
        return LotFactory()
    bare = {"own_test_mg_per_kg": None, "supplier": None}
    if holder_kind == OperatorKind.FEED_MILL:
        return LotFactory(kind=LotKind.FEED, operator=OperatorFactory(kind=holder_kind), category=Category.FEED, **bare)
    if holder_kind == OperatorKind.IMPORTER:
        consignment = ConsignmentFactory()
        return LotFactory(
            kind=LotKind.IMPORT,
            operator=consignment.importer,
            consignment=consignment,
            category=Category.MILK_POWDER,
            **bare,
        )
    return LotFactory(
        kind=LotKind.RETAIL,
        operator=OperatorFactory(kind=holder_kind, name="东山便民食杂店"),
        category=Category.INFANT_FORMULA,
        product="婴幼儿配方乳粉",
        **bare,
    )


def result_for(lot, sampler, clerk, value=OVER) -> LabResult:
    return enter(clerk, receive(clerk, take(sampler, lot)), value=value)


def test_Q8_a_non_conforming_result_puts_the_lot_on_hold(sampler, clerk):
    lot = LotFactory()
    result_for(lot, sampler, clerk)
    lot.refresh_from_db()
    assert lot.status == LotStatus.ON_HOLD
    hold = StateChange.objects.get(object_id=str(lot.pk), to_state=LotStatus.ON_HOLD)
    assert hold.actor == clerk and "3.2 mg/kg" in hold.reason


def test_Q8_a_conforming_result_leaves_the_lot_alone_and_refers_nothing(sampler, clerk):
    lot = LotFactory()
    result = result_for(lot, sampler, clerk, value=Decimal("2.5"))
    lot.refresh_from_db()
    assert result.verdict == Verdict.CONFORMING and lot.status == LotStatus.NORMAL
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("holder_kind", "department", "at"),
    [
        (OperatorKind.DAIRY_PRODUCER, AgencyKind.QTS, "320115"),
        (OperatorKind.SMALL_RETAILER, AgencyKind.AIC, "320115"),
        (OperatorKind.SUPERMARKET, AgencyKind.AIC, "320115"),
        (OperatorKind.FEED_MILL, AgencyKind.AGR, "320115"),
        (OperatorKind.IMPORTER, AgencyKind.CIQ, "320100"),
    ],
)
def test_Q8_the_case_goes_to_the_department_owning_the_holders_kind(sampler, clerk, holder_kind, department, at):
    lot = lot_of(holder_kind)
    keeper = member(at, department, Role.REVIEWER)
    result = result_for(lot, sampler, clerk)
    case = Referral.objects.get(result=result, kind=ReferralKind.CASE)
    assert (case.to_agency.kind, case.to_agency.jurisdiction_id) == (department, at)
    assert case.lot == lot and case.status == ReferralStatus.OPEN
    for fact in (result.sample.code, lot.batch_number, lot.operator.name, "3.2 mg/kg", "limit"):
        assert fact in case.summary
    note = Notification.objects.get(recipient=keeper, url=reverse("referral_detail", args=[case.pk]))
    assert result.sample.code in note.title


@pytest.mark.parametrize("seller", [OperatorKind.WHOLESALER, OperatorKind.SUPERMARKET, OperatorKind.SMALL_RETAILER])
def test_L6_Q8_a_seller_is_proposed_for_cancellation_to_industry_and_commerce(sampler, clerk, departments, seller):
    lot = lot_of(seller)
    aic_reviewer = member("320115", AgencyKind.AIC, Role.REVIEWER)
    result = result_for(lot, sampler, clerk, value=Decimal("1.6"))
    proposal = Referral.objects.get(result=result, kind=ReferralKind.L6_CANCELLATION)
    assert proposal.to_agency == departments[AgencyKind.AIC]
    assert "L6" in proposal.summary and "1.6 mg/kg" in proposal.summary
    sanction = reverse("operator_sanction", args=[lot.operator_id, "cancel-seller"])
    assert Notification.objects.filter(recipient=aic_reviewer, url=sanction).exists()


@pytest.mark.parametrize("holder_kind", [OperatorKind.DAIRY_PRODUCER, OperatorKind.FEED_MILL, OperatorKind.IMPORTER])
def test_L6_is_proposed_for_sellers_only(sampler, clerk, holder_kind):
    result_for(lot_of(holder_kind), sampler, clerk)
    assert not Referral.objects.filter(kind=ReferralKind.L6_CANCELLATION).exists()


def test_S5_Q8_a_non_conforming_import_result_is_recorded_on_its_consignment(sampler, clerk):
    lot = lot_of(OperatorKind.IMPORTER)
    result = result_for(lot, sampler, clerk)
    consignment = lot.consignment
    consignment.refresh_from_db()
    assert consignment.lab_conforming is False and result.sample.code in consignment.lab_reference
    assert consignment.status == ConsignmentStatus.HELD  # the CIQ reviewer decides destruction or return


def test_S5_a_conforming_import_result_is_recorded_on_its_consignment(sampler, clerk):
    lot = lot_of(OperatorKind.IMPORTER)
    result = result_for(lot, sampler, clerk, value=Decimal("0.05"))
    consignment = lot.consignment
    consignment.refresh_from_db()
    assert consignment.lab_conforming is True and result.sample.code in consignment.lab_reference
    assert not Referral.objects.exists()


def test_S5_a_non_conforming_consignment_result_stands_against_a_corrected_conforming_one(sampler, clerk):
    lot = lot_of(OperatorKind.IMPORTER)
    result = result_for(lot, sampler, clerk)
    result_correct(actor=clerk, result=result, **measure(value=Decimal("0.05")))
    lot.consignment.refresh_from_db()
    lot.refresh_from_db()
    assert lot.consignment.lab_conforming is False and lot.status == LotStatus.ON_HOLD


def test_Q8_a_result_on_an_already_decided_consignment_still_holds_and_refers(sampler, clerk):
    lot = lot_of(OperatorKind.IMPORTER)
    lot.consignment.status = ConsignmentStatus.RELEASED
    lot.consignment.save()
    result_for(lot, sampler, clerk)
    lot.refresh_from_db()
    assert lot.status == LotStatus.ON_HOLD and Referral.objects.filter(kind=ReferralKind.CASE).exists()


def test_Q8_running_the_consequences_again_changes_nothing(sampler, clerk):
    lot = lot_of(OperatorKind.SMALL_RETAILER)
    result = result_for(lot, sampler, clerk, value=Decimal("1.6"))
    counts = (Referral.objects.count(), Notification.objects.count(), StateChange.objects.count())
    again = consequences_of(actor=clerk, result=result)
    assert {r.kind for r in again} == {ReferralKind.CASE, ReferralKind.L6_CANCELLATION}
    assert (Referral.objects.count(), Notification.objects.count(), StateChange.objects.count()) == counts
    assert counts[0] == 2
    assert Case.objects.count() == 1


def test_Q8_C2_the_case_referral_arrives_as_a_clue_in_the_departments_cases(sampler, clerk):
    lot = lot_of(OperatorKind.SMALL_RETAILER)
    result = result_for(lot, sampler, clerk, value=Decimal("1.6"))
    referral = Referral.objects.get(result=result, kind=ReferralKind.CASE)
    clue = cases_for_sources([referral])[referral.pk]
    assert (clue.status, clue.source_kind, clue.agency, clue.operator) == (
        CaseStatus.CLUE,
        SourceKind.LAB_RESULT,
        referral.to_agency,
        lot.operator,
    )
    assert clue.violations == [Violation.OVER_LIMIT] and result.sample.code in clue.facts


def test_Q8_an_import_result_recorded_twice_changes_its_consignment_once(sampler, clerk):
    lot = lot_of(OperatorKind.IMPORTER)
    result = result_for(lot, sampler, clerk)
    versions = lot.consignment.history.count()
    consequences_of(actor=clerk, result=result)
    assert lot.consignment.history.count() == versions


def test_Q8_with_no_department_to_take_the_case_the_result_is_refused_not_lost(sampler, clerk, departments):
    departments[AgencyKind.AGR].delete()
    sample = receive(clerk, take(sampler, lot_of(OperatorKind.FEED_MILL)))
    with pytest.raises(ValidationError) as refused:
        enter(clerk, sample, value=OVER)
    assert "No Agriculture" in str(refused.value)
    sample.refresh_from_db()
    assert not LabResult.objects.exists() and sample.status == "received"
    assert sample.lot.status == LotStatus.NORMAL


# Taking up a referral.


def test_the_department_a_referral_went_to_takes_it_up(sampler, clerk):
    result = result_for(LotFactory(), sampler, clerk)
    case = Referral.objects.get(result=result)
    qts_reviewer = member("320115", AgencyKind.QTS, Role.REVIEWER)
    referral_take_up(actor=qts_reviewer, referral=case, note="已立案调查")
    case.refresh_from_db()
    assert case.status == ReferralStatus.TAKEN_UP
    change = StateChange.objects.get(object_id=str(case.pk), to_state=ReferralStatus.TAKEN_UP)
    assert (change.actor, change.reason) == (qts_reviewer, "已立案调查")
    with pytest.raises(ValidationError):
        referral_take_up(actor=qts_reviewer, referral=case)


@pytest.mark.parametrize(
    "who",
    [
        ("320115", AgencyKind.AIC, Role.REVIEWER),
        ("320115", AgencyKind.QTS, Role.VIEWER),
        ("320102", AgencyKind.QTS, Role.REVIEWER),
    ],
)
def test_only_the_receiving_department_takes_a_referral_up(sampler, clerk, who):
    result = result_for(LotFactory(), sampler, clerk)
    case = Referral.objects.get(result=result)
    with pytest.raises(PermissionDenied):
        referral_take_up(actor=member(*who), referral=case)

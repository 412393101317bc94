"""Lots: who records what (S1, Q7, ownership), the hold and its release (Q8), the trace (Q8)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import StateChange
from dairy_campaign.services.campaigns import local_today
from licensing.models import OperatorKind, Vehicle
from sampling.models import Category, Lot, LotKind, LotStatus
from sampling.services.lots import (
    LotChecker,
    lot_hold,
    lot_record,
    lot_release,
    lot_trace,
    lot_update_own_test,
)

from ..factories import member, place
from ..inspections.factories_field import ConsignmentFactory, importer
from ..licensing.factories import OperatorFactory
from .factories import LotFactory, lab_clerk

pytestmark = pytest.mark.django_db
K = OperatorKind
S = LotStatus


@pytest.fixture
def clerk():
    return lab_clerk()


@pytest.fixture
def producer():
    return OperatorFactory(kind=K.DAIRY_PRODUCER, name="江宁乳业")


@pytest.fixture
def station():
    return OperatorFactory(kind=K.PURCHASE_STATION, name="汤山收购站")


def days_ago(n: int) -> datetime.date:
    return local_today() - datetime.timedelta(days=n)


def intake(producer, supplier, **overrides) -> dict:
    fields = {
        "kind": LotKind.RAW_MILK,
        "operator": producer,
        "supplier": supplier,
        "batch_number": "RM-0001",
        "product": "生鲜乳",
        "category": Category.LIQUID_MILK,
        "dated": days_ago(1),
        "quantity": Decimal("12.5"),
        "unit": "t",
        "own_test_mg_per_kg": Decimal("0.05"),
    }
    return {**fields, **overrides}


def refused(actor, **fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        lot_record(actor=actor, **fields)
    assert not Lot.objects.filter(batch_number=fields.get("batch_number", "")).exists()
    return caught.value.message_dict


# S1: producers' intake.


def test_S1_a_producer_records_a_raw_milk_intake_with_its_own_test(clerk, producer, station):
    lot = lot_record(actor=clerk, **intake(producer, station))
    assert lot.status == S.NORMAL and lot.recorded_by == clerk and not lot.own_test_missing
    assert lot.history.get().history_user == clerk


def test_S1_an_intake_without_the_producers_own_test_is_flagged(clerk, producer, station):
    lot = lot_record(actor=clerk, **intake(producer, station, own_test_mg_per_kg=None))
    assert lot.own_test_missing
    assert list(Lot.objects.untested_intake()) == [lot]


@pytest.mark.parametrize(
    "supplier_kind", [K.PURCHASE_STATION, K.DAIRY_FARM, K.FARMER_COOP, K.DAIRY_PRODUCER, K.DAIRY_FOOD_PRODUCER]
)
def test_S1_intake_is_bought_from_stations_farms_cooperatives_or_other_producers(clerk, producer, supplier_kind):
    supplier = OperatorFactory(kind=supplier_kind)
    assert lot_record(actor=clerk, **intake(producer, supplier)).supplier == supplier


def test_S1_a_supplier_outside_the_register_is_recorded_by_its_name(clerk, producer):
    lot = lot_record(actor=clerk, **intake(producer, None, supplier_name="黑龙江某乳业有限公司"))
    assert lot.supplier is None and lot.supplier_name == "黑龙江某乳业有限公司"


@pytest.mark.parametrize("supplier_kind", [K.WHOLESALER, K.FEED_MILL, K.CATERING, K.UNLICENSED])
def test_S1_intake_from_any_other_kind_of_supplier_is_refused(clerk, producer, supplier_kind):
    supplier = OperatorFactory(kind=supplier_kind)
    errors = refused(clerk, **intake(producer, supplier))
    assert "purchase stations, dairy farms" in errors["supplier"][0]


def test_S1_an_intake_names_its_supplier(clerk, producer):
    errors = refused(clerk, **intake(producer, None))
    assert "name the supplier" in errors["supplier"][0]


def test_a_lot_is_not_supplied_by_its_own_holder(clerk, producer):
    errors = refused(clerk, **intake(producer, producer))
    assert errors["supplier"] == ["A lot is not supplied by its own holder."]


@pytest.mark.parametrize(
    ("holder_kind", "department"),
    [(K.DAIRY_FARM, AgencyKind.AGR), (K.FEED_MILL, AgencyKind.AGR), (K.WHOLESALER, AgencyKind.AIC)],
)
def test_S1_raw_milk_is_held_only_by_producers_and_stations(station, holder_kind, department):
    holder = OperatorFactory(kind=holder_kind)
    actor = member("320115", department, Role.CLERK)
    errors = refused(actor, **intake(holder, station))
    assert errors["operator"][0].startswith("S1: raw milk is held by")


def test_q2_a_station_holds_the_raw_milk_it_collects_from_a_farm_and_is_not_flagged_s1(station):
    farm = OperatorFactory(kind=K.DAIRY_FARM)
    agriculture = member("320115", AgencyKind.AGR, Role.CLERK)
    lot = lot_record(actor=agriculture, **intake(station, farm, own_test_mg_per_kg=None))
    assert lot.operator == station and not lot.own_test_missing
    assert not Lot.objects.untested_intake().filter(pk=lot.pk).exists()


def test_S1_milk_powder_is_bought_only_by_producers(station):
    farm = OperatorFactory(kind=K.DAIRY_FARM)
    agriculture = member("320115", AgencyKind.AGR, Role.CLERK)
    fields = intake(farm, station, kind=LotKind.MILK_POWDER, category=Category.MILK_POWDER, unit="kg")
    errors = refused(agriculture, **fields)
    assert errors["operator"][0].startswith("S1: raw milk and milk powder are bought by dairy producers")


def test_S1_a_dairy_containing_food_producer_buys_milk_powder(clerk, station):
    bakery = OperatorFactory(kind=K.DAIRY_FOOD_PRODUCER)
    fields = intake(bakery, station, kind=LotKind.MILK_POWDER, category=Category.OTHER_FORMULA, unit="kg")
    assert lot_record(actor=clerk, **fields).kind == LotKind.MILK_POWDER


# Q7: the category fits the kind.


@pytest.mark.parametrize(
    ("kind", "category", "ok"),
    [
        (LotKind.RAW_MILK, Category.LIQUID_MILK, True),
        (LotKind.RAW_MILK, Category.MILK_POWDER, False),
        (LotKind.MILK_POWDER, Category.MILK_POWDER, True),
        (LotKind.MILK_POWDER, Category.OTHER_FORMULA, True),
        (LotKind.MILK_POWDER, Category.LIQUID_MILK, False),
        (LotKind.MILK_POWDER, Category.INFANT_FORMULA, False),
        (LotKind.FINISHED, Category.MILK_FOOD, True),
        (LotKind.FINISHED, Category.FEED, False),
    ],
)
def test_Q7_the_category_fits_the_kind_of_lot(clerk, producer, station, kind, category, ok):
    fields = intake(producer, station, kind=kind, category=category)
    if kind == LotKind.FINISHED:
        fields.update(supplier=None, own_test_mg_per_kg=None)
    if ok:
        assert lot_record(actor=clerk, **fields).category == category
    else:
        assert refused(clerk, **fields)["category"][0].startswith("Q7:")


def test_Q7_infant_formula_is_made_only_by_an_infant_formula_producer(clerk):
    plain = OperatorFactory(kind=K.DAIRY_PRODUCER)
    formula = OperatorFactory(kind=K.DAIRY_PRODUCER, infant_formula=True)
    fields = {
        "kind": LotKind.FINISHED,
        "batch_number": "IF-1",
        "product": "婴幼儿配方乳粉1段",
        "category": Category.INFANT_FORMULA,
        "dated": days_ago(2),
        "quantity": Decimal("5"),
        "unit": "t",
    }
    errors = refused(clerk, operator=plain, **fields)
    assert errors["category"] == [f"{plain.name} is not registered as an infant-formula producer."]
    assert lot_record(actor=clerk, operator=formula, **fields).operator == formula


def test_a_finished_batch_names_no_supplier(clerk, producer, station):
    fields = intake(producer, station, kind=LotKind.FINISHED, own_test_mg_per_kg=None)
    assert "names no supplier" in refused(clerk, **fields)["supplier"][0]


def test_only_purchased_batches_carry_the_producers_own_test(clerk, producer):
    fields = intake(producer, None, kind=LotKind.FINISHED)
    assert "own_test_mg_per_kg" in refused(clerk, **fields)


# Feed, retail and import lots, each recorded by the department keeping its holder.


def test_feed_lots_are_held_by_feed_mills_and_dairy_farms():
    agr = member("320115", AgencyKind.AGR, Role.INSPECTOR)
    mill, farm = OperatorFactory(kind=K.FEED_MILL), OperatorFactory(kind=K.DAIRY_FARM)
    fields = {
        "kind": LotKind.FEED,
        "batch_number": "SL-1",
        "product": "奶牛精饲料",
        "category": Category.FEED,
        "dated": days_ago(3),
        "quantity": Decimal("30"),
        "unit": "t",
    }
    assert lot_record(actor=agr, operator=mill, **fields).operator == mill
    assert lot_record(actor=agr, operator=farm, supplier=mill, **fields).supplier == mill
    errors = refused(lab_clerk(), operator=OperatorFactory(kind=K.DAIRY_PRODUCER), **{**fields, "batch_number": "SL-2"})
    assert errors["operator"] == ["A feed lot is held by a feed mill or a dairy farm."]
    assert "category" in refused(agr, operator=mill, **{**fields, "batch_number": "SL-3", "category": "liquid_milk"})


@pytest.mark.parametrize(
    ("seller_kind", "department"),
    [
        (K.WHOLESALER, AgencyKind.AIC),
        (K.SUPERMARKET, AgencyKind.AIC),
        (K.SMALL_RETAILER, AgencyKind.AIC),
        (K.CATERING, AgencyKind.FDA),
    ],
)
def test_products_on_sale_are_held_by_sellers_and_catering(producer, seller_kind, department):
    seller = OperatorFactory(kind=seller_kind)
    actor = member("320115", department, Role.INSPECTOR)
    lot = lot_record(
        actor=actor,
        kind=LotKind.RETAIL,
        operator=seller,
        supplier=producer,
        batch_number="FP-20261101",
        product="纯牛奶",
        category=Category.LIQUID_MILK,
        dated=days_ago(1),
        quantity=Decimal("40"),
        unit="箱",
    )
    assert lot.operator == seller and lot.supplier == producer


def test_a_product_on_sale_is_not_held_by_a_producer(clerk, producer):
    fields = intake(producer, None, kind=LotKind.RETAIL, own_test_mg_per_kg=None)
    assert "held by a wholesaler" in refused(clerk, **fields)["operator"][0]


def test_an_import_lot_names_its_consignment_and_is_held_by_its_importer():
    ciq = member("320100", AgencyKind.CIQ, Role.INSPECTOR)
    consignment = ConsignmentFactory()
    fields = {
        "kind": LotKind.IMPORT,
        "batch_number": "NZ-1",
        "product": "全脂乳粉",
        "category": Category.MILK_POWDER,
        "dated": days_ago(5),
        "quantity": Decimal("25000"),
        "unit": "kg",
    }
    assert "consignment" in refused(ciq, operator=consignment.importer, **fields)
    other = importer(name="另一进口商")
    errors = refused(ciq, operator=other, consignment=consignment, **fields)
    assert errors["operator"] == ["An import lot is held by the importer of its consignment."]
    lot = lot_record(actor=ciq, consignment=consignment.pk, **fields)  # the holder is the importer
    assert lot.operator == consignment.importer
    again = refused(ciq, consignment=consignment, **{**fields, "batch_number": "NZ-2"})
    assert again["consignment"] == ["This consignment already has its lot."]


def test_only_an_import_lot_names_a_consignment(clerk, producer, station):
    fields = intake(producer, station, consignment=ConsignmentFactory())
    assert refused(clerk, **fields)["consignment"] == ["Only an import lot names a consignment."]


# Ownership and scope.


def test_another_department_does_not_record_a_producers_intake(producer, station):
    aic = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    errors = refused(aic, **intake(producer, station))
    assert errors["operator"] == [f"Your department does not keep the records of {producer.name}."]


def test_a_producer_of_another_county_is_outside_the_clerks_jurisdiction(clerk, station):
    far = OperatorFactory(kind=K.DAIRY_PRODUCER, county=place("320324"))
    errors = refused(clerk, **intake(far, station))
    assert errors["operator"] == ["Choose an operator of the register within your jurisdiction."]


def test_a_supplier_of_another_county_is_recorded_by_name(clerk, producer):
    far = OperatorFactory(kind=K.PURCHASE_STATION, county=place("320324"))
    assert "within your jurisdiction" in refused(clerk, **intake(producer, far))["supplier"][0]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMIN])
def test_read_only_users_record_no_lots(producer, station, role):
    with pytest.raises(PermissionDenied):
        lot_record(actor=member("320115", AgencyKind.QTS, role), **intake(producer, station))


def test_the_city_clerk_records_for_its_counties(producer, station):
    city = member("320100", AgencyKind.QTS, Role.CLERK)
    assert lot_record(actor=city, **intake(producer, station)).recorded_by == city


# Dates, duplicates, vehicles.


def test_a_date_in_the_future_is_refused_today_is_not(clerk, producer, station):
    errors = refused(clerk, **intake(producer, station, dated=local_today() + datetime.timedelta(days=1)))
    assert errors["dated"] == ["The date cannot be in the future."]
    assert lot_record(actor=clerk, **intake(producer, station, dated=local_today())).dated == local_today()


def test_a_holder_records_each_batch_once(clerk, producer, station):
    lot_record(actor=clerk, **intake(producer, station))
    with pytest.raises(ValidationError) as caught:
        lot_record(actor=clerk, **intake(producer, station))
    assert caught.value.message_dict["batch_number"] == [f"Batch RM-0001 of {producer.name} is already recorded."]
    other = OperatorFactory(kind=K.DAIRY_PRODUCER)
    assert lot_record(actor=clerk, **intake(other, station)).batch_number == "RM-0001"
    finished = intake(producer, None, kind=LotKind.FINISHED, own_test_mg_per_kg=None)
    assert lot_record(actor=clerk, **finished).kind == LotKind.FINISHED
    assert Lot.objects.count() == 3


def test_a_batch_twice_in_one_batch_of_rows_names_the_first(clerk, producer, station):
    checked = LotChecker(clerk).check([intake(producer, station), intake(producer, station)], labels=[2, 3])
    assert checked[0].lot is not None
    assert [str(m) for e in checked[1].errors["batch_number"] for m in e] == ["Batch RM-0001 is also on row 2."]


def test_a_raw_milk_vehicle_is_recorded_with_raw_milk_only(clerk, producer, station):
    farm = OperatorFactory(kind=K.DAIRY_FARM)
    vehicle = Vehicle.objects.create(owner=farm, plate="苏A·N7788", capacity_tonnes=Decimal("8.5"))
    assert lot_record(actor=clerk, **intake(producer, farm, vehicle=vehicle)).vehicle == vehicle
    powder = intake(producer, station, kind=LotKind.MILK_POWDER, category=Category.MILK_POWDER, vehicle=vehicle)
    assert "raw-milk intakes" in refused(clerk, **{**powder, "batch_number": "MP-1"})["vehicle"][0]


def test_the_quantity_is_positive(clerk, producer, station):
    assert refused(clerk, **intake(producer, station, quantity=Decimal("0")))["quantity"] == [
        "The quantity must be positive."
    ]


# S1: the producer's own test, recorded later.


def test_S1_the_own_test_recorded_later_lifts_the_flag(clerk):
    lot = LotFactory(own_test_mg_per_kg=None)
    lot_update_own_test(actor=clerk, lot=lot, mg_per_kg="0.08", reason="企业自检报告 ZJ-0815")
    lot.refresh_from_db()
    assert lot.own_test_mg_per_kg == Decimal("0.08") and not lot.own_test_missing
    assert lot.history.first().history_change_reason == "企业自检报告 ZJ-0815"


def test_S1_an_own_test_needs_a_reason_a_number_and_a_purchased_batch(clerk):
    lot = LotFactory(own_test_mg_per_kg=None)
    with pytest.raises(ValidationError):
        lot_update_own_test(actor=clerk, lot=lot, mg_per_kg="0.08", reason=" ")
    with pytest.raises(ValidationError):
        lot_update_own_test(actor=clerk, lot=lot, mg_per_kg="abc", reason="报告")
    with pytest.raises(ValidationError):
        lot_update_own_test(actor=clerk, lot=lot, mg_per_kg="-1", reason="报告")
    finished = LotFactory(kind=LotKind.FINISHED, supplier=None, own_test_mg_per_kg=None)
    with pytest.raises(ValidationError):
        lot_update_own_test(actor=clerk, lot=finished, mg_per_kg="0.08", reason="报告")
    lot.refresh_from_db()
    assert lot.own_test_missing


def test_S1_another_department_does_not_record_a_producers_own_test():
    lot = LotFactory(own_test_mg_per_kg=None)
    with pytest.raises(PermissionDenied):
        lot_update_own_test(
            actor=member("320115", AgencyKind.AIC, Role.CLERK), lot=lot, mg_per_kg="0.08", reason="报告"
        )


# Q8: the hold and its release.


def test_Q8_a_hold_is_recorded_with_who_and_why_and_is_idempotent():
    lot = LotFactory()
    lab = member("320115", AgencyKind.AIC, Role.CLERK)  # another department's lab clerk who sees the lot
    lot_hold(actor=lab, lot=lot, reason="样品 T-1 三聚氰胺 3.1 mg/kg 超标", document_number="检-1")
    lot_hold(actor=lab, lot=lot, reason="重复调用")
    lot.refresh_from_db()
    assert lot.status == S.ON_HOLD
    change = StateChange.objects.get(object_id=str(lot.pk))
    assert (change.from_state, change.to_state, change.actor, change.document_number) == (
        S.NORMAL,
        S.ON_HOLD,
        lab,
        "检-1",
    )


def test_Q8_a_hold_needs_a_reason_a_writer_and_the_lot_in_scope():
    lot = LotFactory()
    with pytest.raises(ValidationError):
        lot_hold(actor=lab_clerk(), lot=lot, reason="")
    with pytest.raises(PermissionDenied):
        lot_hold(actor=member("320115", AgencyKind.QTS, Role.VIEWER), lot=lot, reason="超标")
    with pytest.raises(PermissionDenied):
        lot_hold(actor=member("320324", AgencyKind.QTS, Role.CLERK), lot=lot, reason="超标")
    lot.refresh_from_db()
    assert lot.status == S.NORMAL


def test_Q8_a_reviewer_of_the_owning_department_releases_a_hold_with_its_reason():
    lot = LotFactory()
    lot_hold(actor=lab_clerk(), lot=lot, reason="超标")
    with pytest.raises(PermissionDenied):
        lot_release(actor=member("320115", AgencyKind.QTS, Role.INSPECTOR), lot=lot, reason="复检合格")
    with pytest.raises(PermissionDenied):
        lot_release(actor=member("320115", AgencyKind.AIC, Role.REVIEWER), lot=lot, reason="复检合格")
    reviewer = member("320115", AgencyKind.QTS, Role.REVIEWER)
    with pytest.raises(ValidationError):
        lot_release(actor=reviewer, lot=lot, reason="")
    lot_release(actor=reviewer, lot=lot, reason="已监督销毁", document_number="宁江质监〔2026〕9号")
    lot.refresh_from_db()
    assert lot.status == S.RELEASED
    # A later non-conforming result holds it again.
    lot_hold(actor=lab_clerk(), lot=lot, reason="再次超标")
    lot.refresh_from_db()
    assert lot.status == S.ON_HOLD


def test_Q8_a_lot_not_on_hold_is_not_released():
    lot = LotFactory()
    with pytest.raises(ValidationError):
        lot_release(actor=member("320115", AgencyKind.QTS, Role.REVIEWER), lot=lot, reason="误操作")


# Q8: where a lot came from and went.


@pytest.fixture
def chain(producer, station):
    """Intake at a producer around a finished batch, and sellers who bought that batch."""
    day = days_ago(10)
    at = lambda n: day + datetime.timedelta(days=n)  # noqa: E731
    farm = OperatorFactory(kind=K.DAIRY_FARM)
    vehicle = Vehicle.objects.create(owner=farm, plate="苏A·T1234", capacity_tonnes=Decimal("8"))
    wholesaler = OperatorFactory(kind=K.WHOLESALER)
    far_shop = OperatorFactory(kind=K.SUPERMARKET, county=place("320102"))
    rival = OperatorFactory(kind=K.DAIRY_PRODUCER)
    made = {"kind": LotKind.FINISHED, "supplier": None, "own_test_mg_per_kg": None}
    lots = {
        "early": LotFactory(operator=producer, supplier=station, dated=at(-8)),
        "before": LotFactory(operator=producer, supplier=farm, vehicle=vehicle, dated=at(-3)),
        "same_day": LotFactory(operator=producer, supplier=station, dated=at(0)),
        "finished": LotFactory(operator=producer, batch_number="FP-1", dated=at(0), **made),
        "next_week": LotFactory(operator=producer, batch_number="FP-2", dated=at(7), **made),
    }
    retail = {"kind": LotKind.RETAIL, "own_test_mg_per_kg": None, "dated": at(2)}
    lots["sold"] = LotFactory(operator=wholesaler, supplier=producer, batch_number="FP-1", **retail)
    lots["sold_far"] = LotFactory(operator=far_shop, supplier=producer, batch_number="FP-1", **retail)
    lots["other_batch"] = LotFactory(operator=wholesaler, supplier=producer, batch_number="FP-2", **retail)
    shop = OperatorFactory(kind=K.SMALL_RETAILER)
    lots["other_supplier"] = LotFactory(operator=shop, supplier=rival, batch_number="FP-1", **retail)
    return lots


def test_Q8_a_finished_batch_came_from_the_intake_of_the_week_before_and_went_to_its_sellers(chain):
    trace = lot_trace(chain["finished"])
    assert {lot.pk for lot in trace.intake_lots} == {chain["before"].pk, chain["same_day"].pk}
    assert {lot.pk for lot in trace.went_to} == {chain["sold"].pk, chain["sold_far"].pk}
    assert trace.supplier is None and trace.hidden == 0


def test_Q8_an_intake_came_from_its_supplier_and_vehicle_and_went_into_the_next_weeks_batches(chain):
    before = chain["before"]
    trace = lot_trace(before)
    assert trace.supplier == before.supplier and trace.vehicle.plate == "苏A·T1234"
    assert [lot.pk for lot in trace.finished_lots] == [chain["finished"].pk]
    assert lot_trace(chain["same_day"]).finished_lots == [chain["finished"], chain["next_week"]]


def test_Q8_a_product_on_sale_came_from_its_suppliers_batch(chain):
    trace = lot_trace(chain["sold"])
    assert trace.supplier_lots == [chain["finished"]] and trace.went_to == []


def test_Q8_lots_outside_the_viewers_jurisdiction_are_counted_not_shown(chain):
    county = lot_trace(chain["finished"], viewer=member("320115", AgencyKind.QTS, Role.VIEWER))
    assert [lot.pk for lot in county.next_lots] == [chain["sold"].pk] and county.hidden == 1
    city = lot_trace(chain["finished"], viewer=member("320100", AgencyKind.QTS, Role.VIEWER))
    assert len(city.next_lots) == 2 and city.hidden == 0

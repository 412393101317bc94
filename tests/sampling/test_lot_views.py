"""Lot pages and API: scoped lists with the S1 flag and exports, a lot with its samples and
trace (Q8), recording, the producer's own test (S1) and the release of a hold (Q8)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import local_today
from licensing.models import OperatorKind
from sampling.models import Category, LabResult, Lot, LotKind, LotStatus, MassUnit, Verdict
from sampling.services.lots import lot_hold

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories import LotFactory, SampleFactory, lab_clerk

pytestmark = pytest.mark.django_db
K = OperatorKind
S = LotStatus


@pytest.fixture
def api():
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def foreign_lot():
    return LotFactory(operator=OperatorFactory(kind=K.DAIRY_PRODUCER, county=place("320324")))


def viewer():
    return member("320115", AgencyKind.QTS, Role.VIEWER)


def held(lot: Lot) -> Lot:
    lot_hold(actor=lab_clerk(), lot=lot, reason="样品超标")
    lot.refresh_from_db()
    return lot


# The list.


def test_the_list_shows_only_the_users_scope_and_flags_untested_intake_S1(client):
    tested = LotFactory()
    untested = LotFactory(own_test_mg_per_kg=None)
    LotFactory(operator=OperatorFactory(kind=K.DAIRY_PRODUCER, county=place("320324")))
    client.force_login(viewer())
    page = client.get(reverse("lot_list"))
    assert set(page.context["object_list"]) == {tested, untested}
    assert page.content.count(b'data-testid="own-test-missing"') == 1
    flagged = client.get(reverse("lot_list"), {"own_test_missing": "true"})
    assert list(flagged.context["object_list"]) == [untested]
    assert not page.context["may_record"]


def test_the_list_filters_by_kind_category_status_holder_county_and_dates(client):
    old = LotFactory(dated=datetime.date(2026, 10, 1))
    new = LotFactory(dated=datetime.date(2026, 11, 1), operator=OperatorFactory(kind=K.DAIRY_PRODUCER, name="卫岗"))
    feed = LotFactory(
        kind=LotKind.FEED,
        category=Category.FEED,
        operator=OperatorFactory(kind=K.FEED_MILL, county=place("320102")),
        supplier=None,
        own_test_mg_per_kg=None,
    )
    held(old)
    client.force_login(member("320100", AgencyKind.QTS, Role.VIEWER))

    def listed(**query):
        return set(client.get(reverse("lot_list"), query).context["object_list"])

    assert listed(kind="feed") == {feed}
    assert listed(category="liquid_milk") == {old, new}
    assert listed(status="on_hold") == {old}
    assert listed(holder="卫岗") == {new}
    assert listed(county="320102") == {feed}
    assert listed(dated_from="2026-10-15", dated_to="2026-11-01") == {new}
    assert listed(own_test_missing="false") == {old, new}


def test_the_list_exports_its_filtered_rows_to_excel(client):
    LotFactory(batch_number="A-1", own_test_mg_per_kg=None)
    LotFactory(batch_number="A-2", kind=LotKind.FINISHED, supplier=None, own_test_mg_per_kg=None)
    client.force_login(viewer())
    export = client.get(reverse("lot_list"), {"export": "xlsx", "kind": "raw_milk"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert len(rows) == 2 and rows[1][3] == "A-1" and rows[1][11] == "not tested"


def test_the_list_costs_the_same_queries_for_more_rows(client):
    client.force_login(viewer())
    counts = []
    for n in (2, 30):
        for _ in range(n):
            LotFactory(supplier_name="某收购站", own_test_mg_per_kg=None)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("lot_list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# A lot's page.


def test_the_lot_page_shows_its_samples_with_verdicts_its_trace_and_history(client):
    lot = LotFactory(own_test_mg_per_kg=None)
    tested, pending = SampleFactory(lot=lot, code="T-1"), SampleFactory(lot=lot, code="T-2")
    LabResult.objects.create(
        sample=tested,
        entered_value=Decimal("3.1"),
        entered_unit=MassUnit.MG_PER_KG,
        mg_per_kg=Decimal("3.1"),
        detection_limit=Decimal("0.05"),
        category=Category.LIQUID_MILK,
        limit=Decimal("2.5"),
        verdict=Verdict.NON_CONFORMING,
        method="GB/T 22388-2008",
        lab="江宁检测中心",
        tested_on=datetime.date(2026, 11, 4),
        entered_by=lab_clerk(),
    )
    sold = LotFactory(kind=LotKind.RETAIL, operator=OperatorFactory(kind=K.WHOLESALER), supplier=lot.operator)
    Lot.objects.filter(pk=sold.pk).update(batch_number=lot.batch_number)
    client.force_login(viewer())
    page = client.get(reverse("lot_detail", args=[lot.pk]))
    assert page.status_code == 200
    assert [s.code for s in page.context["samples"]] == [pending.code, tested.code]
    assert b"Non-conforming" in page.content and b'data-testid="untested"' in page.content
    assert [x.pk for x in page.context["trace"].went_to] == [sold.pk]
    assert reverse("history", args=["sampling.lot", lot.pk]).encode() in page.content
    assert page.context["release_form"] is None and not page.context["actions"]["own_test"]


def test_the_lot_page_costs_the_same_queries_for_more_samples(client):
    lot = LotFactory()
    client.force_login(viewer())
    counts = []
    for n in (1, 8):
        for _ in range(n):
            SampleFactory(lot=lot)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("lot_detail", args=[lot.pk]))
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("name", ["lot_detail", "lot_own_test"])
def test_another_countys_lot_is_a_404(client, foreign_lot, name):
    client.force_login(member("320115", AgencyKind.QTS, Role.REVIEWER))
    assert client.get(reverse(name, args=[foreign_lot.pk])).status_code == 404
    assert client.post(reverse("lot_release", args=[foreign_lot.pk]), {"reason": "x"}).status_code == 404


def test_a_viewer_gets_403_on_recording_own_tests_and_releases(client):
    lot = held(LotFactory(own_test_mg_per_kg=None))
    client.force_login(viewer())
    assert client.get(reverse("lot_new")).status_code == 403
    assert client.get(reverse("lot_own_test", args=[lot.pk])).status_code == 403
    assert client.post(reverse("lot_release", args=[lot.pk]), {"reason": "复检合格"}).status_code == 403
    lot.refresh_from_db()
    assert lot.status == S.ON_HOLD


# Recording in the page.


def test_a_clerk_records_an_intake_in_the_page(client):
    clerk = lab_clerk()
    producer = OperatorFactory(kind=K.DAIRY_PRODUCER)
    station = OperatorFactory(kind=K.PURCHASE_STATION)
    client.force_login(clerk)
    form = client.get(reverse("lot_new"), {"operator": producer.pk}).context["form"]
    assert form.initial["operator"] == str(producer.pk) and producer in form.fields["operator"].queryset
    assert station not in form.fields["operator"].queryset  # agriculture keeps stations
    data = {
        "kind": "raw_milk",
        "operator": producer.pk,
        "supplier": station.pk,
        "batch_number": "RM-9",
        "product": "生鲜乳",
        "category": "liquid_milk",
        "dated": local_today().isoformat(),
        "quantity": "10",
        "unit": "t",
    }
    response = client.post(reverse("lot_new"), data)
    lot = Lot.objects.get(batch_number="RM-9")
    assert response.status_code == 302 and response.url == reverse("lot_detail", args=[lot.pk])
    assert lot.own_test_missing and lot.recorded_by == clerk


def test_a_rule_broken_in_the_page_is_shown_on_its_field_and_nothing_saved(client):
    client.force_login(lab_clerk())
    producer = OperatorFactory(kind=K.DAIRY_PRODUCER)
    data = {
        "kind": "raw_milk",
        "operator": producer.pk,
        "supplier_name": "某收购站",
        "batch_number": "RM-9",
        "product": "生鲜乳",
        "category": "milk_powder",
        "dated": (local_today() + datetime.timedelta(days=1)).isoformat(),
        "quantity": "10",
        "unit": "t",
    }
    response = client.post(reverse("lot_new"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"category", "dated"}
    assert not Lot.objects.exists()


def test_S1_the_producers_own_test_is_recorded_later_in_the_page(client):
    lot = LotFactory(own_test_mg_per_kg=None)
    client.force_login(lab_clerk())
    page = client.get(reverse("lot_detail", args=[lot.pk]))
    assert page.context["actions"]["own_test"]
    response = client.post(reverse("lot_own_test", args=[lot.pk]), {"mg_per_kg": "0.06", "reason": "自检报告"})
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.own_test_mg_per_kg == Decimal("0.06")


def test_Q8_a_reviewer_releases_a_hold_in_the_page_and_a_bad_form_is_a_400(client):
    lot = held(LotFactory())
    client.force_login(member("320115", AgencyKind.QTS, Role.REVIEWER))
    assert client.get(reverse("lot_detail", args=[lot.pk])).context["release_form"] is not None
    assert client.post(reverse("lot_release", args=[lot.pk]), {"reason": ""}).status_code == 400
    lot.refresh_from_db()
    assert lot.status == S.ON_HOLD
    response = client.post(reverse("lot_release", args=[lot.pk]), {"reason": "已召回销毁", "document_number": "9号"})
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.status == S.RELEASED


# The API.


def test_the_api_lists_only_the_users_scope_with_the_S1_flag(api, foreign_lot):
    mine = LotFactory(own_test_mg_per_kg=None)
    api.force_authenticate(viewer())
    body = api.get("/api/v1/lots/", {"own_test_missing": "true"}).json()
    assert [row["id"] for row in body["results"]] == [mine.pk] and body["results"][0]["own_test_missing"] is True
    assert api.get(f"/api/v1/lots/{foreign_lot.pk}/").status_code == 404
    assert api.get(f"/api/v1/lots/{foreign_lot.pk}/trace/").status_code == 404


def test_the_api_records_a_lot_with_the_same_rules(api):
    producer, station = OperatorFactory(kind=K.DAIRY_PRODUCER), OperatorFactory(kind=K.PURCHASE_STATION)
    data = {
        "kind": "raw_milk",
        "operator": producer.pk,
        "supplier": station.pk,
        "batch_number": "RM-1",
        "product": "生鲜乳",
        "category": "liquid_milk",
        "dated": local_today().isoformat(),
        "quantity": "10",
        "unit": "t",
    }
    api.force_authenticate(viewer())
    assert api.post("/api/v1/lots/", data, format="json").status_code == 403
    api.force_authenticate(lab_clerk())
    created = api.post("/api/v1/lots/", data, format="json")
    assert created.status_code == 201 and created.json()["own_test_missing"] is True
    again = api.post("/api/v1/lots/", data, format="json")
    assert again.status_code == 400 and "batch_number" in again.json()
    far = OperatorFactory(kind=K.DAIRY_PRODUCER, county=place("320324"))
    outside = api.post("/api/v1/lots/", {**data, "operator": far.pk, "batch_number": "RM-2"}, format="json")
    assert outside.json()["operator"] == ["Choose an operator of the register within your jurisdiction."]


def test_the_api_records_own_tests_and_releases_holds(api):
    lot = held(LotFactory(own_test_mg_per_kg=None))
    api.force_authenticate(viewer())
    assert api.post(f"/api/v1/lots/{lot.pk}/release/", {"reason": "复检合格"}).status_code == 403
    assert api.post(f"/api/v1/lots/{lot.pk}/own-test/", {"mg_per_kg": "0.1", "reason": "报告"}).status_code == 403
    api.force_authenticate(lab_clerk())
    tested = api.post(f"/api/v1/lots/{lot.pk}/own-test/", {"mg_per_kg": "0.1", "reason": "报告"})
    assert tested.status_code == 200 and tested.json()["own_test_missing"] is False
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.REVIEWER))
    released = api.post(f"/api/v1/lots/{lot.pk}/release/", {"reason": "复检合格", "document_number": "1号"})
    assert released.status_code == 200 and released.json()["status"] == S.RELEASED
    assert api.post(f"/api/v1/lots/{lot.pk}/release/", {"reason": "再次"}).status_code == 400


def test_Q8_the_api_traces_a_lot(api):
    finished = LotFactory(kind=LotKind.FINISHED, supplier=None, own_test_mg_per_kg=None, batch_number="FP-1")
    intake = LotFactory(operator=finished.operator, dated=finished.dated - datetime.timedelta(days=2))
    sold = LotFactory(
        kind=LotKind.RETAIL,
        operator=OperatorFactory(kind=K.SUPERMARKET),
        supplier=finished.operator,
        batch_number="FP-1",
        own_test_mg_per_kg=None,
    )
    api.force_authenticate(viewer())
    body = api.get(f"/api/v1/lots/{finished.pk}/trace/").json()
    assert [(row["id"], row["link"]) for row in body["came_from"]] == [(intake.pk, "intake")]
    assert [(row["id"], row["link"]) for row in body["went_to"]] == [(sold.pk, "buyer")]
    assert body["supplier"] is None and body["vehicle"] is None and body["hidden"] == 0
    assert api.get(f"/api/v1/lots/{intake.pk}/trace/").json()["supplier"]["id"] == intake.supplier_id

"""Q6 pages and API: the compliance dashboards, per county and per unit, exportable, scoped
so that an outsider never sees another county's operators."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from licensing.models import OperatorKind, Vehicle
from sampling.models import LotKind

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories import LotFactory, SampleFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOVEMBER = {"from": "2026-11-01", "until": "2026-11-29"}
API = "/api/v1/sampling-compliance/"
UNITS_API = "/api/v1/sampling-compliance/operators/"


@pytest.fixture(autouse=True)
def _english_and_a_fixed_today(monkeypatch):
    """English msgids; "today" is the last day of the period the tests look at."""
    monkeypatch.setattr("sampling.selectors.local_today", lambda: datetime.date(2026, 11, 29))
    with translation.override("en"):
        yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def clerk(db):
    return member("320115", AgencyKind.QTS, Role.CLERK)


@pytest.fixture
def jiangning(db):
    return member("320115", AgencyKind.QTS, Role.VIEWER)


@pytest.fixture
def outsider(db):
    return member("320102", AgencyKind.QTS, Role.REVIEWER)


def operator(kind, name, county="320115", **kwargs):
    return OperatorFactory(kind=kind, name=name, county=place(county), **kwargs)


def lots(holder, clerk, n=1, **kwargs):
    kwargs.setdefault("dated", datetime.date(2026, 11, 2))
    return LotFactory.create_batch(n, operator=holder, supplier=None, recorded_by=clerk, **kwargs)


def sample(lot, day=3):
    return SampleFactory(lot=lot, sampled_at=datetime.datetime(2026, 11, day, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def register(campaign, clerk):
    """Jiangning: a producer with 20 batches, 2 sampled, one batch untested, finished
    batches sampled every week but the one of 11-16; a sampled and an unsampled station,
    with a vehicle never sampled; a supermarket without any infant formula sampled."""
    producer = operator(OperatorKind.DAIRY_PRODUCER, "江宁短缺乳业")
    batches = lots(producer, clerk, 19) + lots(producer, clerk, own_test_mg_per_kg=None)
    sample(batches[0])
    sample(batches[1])
    for day in (2, 9, 23):
        finished = lots(
            producer, clerk, kind=LotKind.FINISHED, own_test_mg_per_kg=None, dated=datetime.date(2026, 11, day)
        )
        sample(finished[0], day)
    station = operator(OperatorKind.PURCHASE_STATION, "江宁已采样收购站")
    sample(lots(station, clerk)[0])
    operator(OperatorKind.PURCHASE_STATION, "江宁未采样收购站")
    Vehicle.objects.create(plate="苏A00001", owner=station, capacity_tonnes=Decimal("10"))
    operator(OperatorKind.SUPERMARKET, "江宁超市")
    return producer


@pytest.fixture
def elsewhere(clerk):
    """Xuanwu: a producer with untested, unsampled batches; a farm; an unsampled station."""
    producer = operator(OperatorKind.DAIRY_PRODUCER, "玄武乳业", "320102")
    lots(producer, clerk, 10, own_test_mg_per_kg=None)
    operator(OperatorKind.DAIRY_FARM, "玄武规模牧场", "320102", scale_farm=True)
    operator(OperatorKind.PURCHASE_STATION, "玄武收购站", "320102")
    return producer


# ---------------------------------------------------------------------------------------
# Pages


def test_q6_the_overview_shows_every_rule_per_county_with_the_shortfall(client, register, elsewhere, jiangning):
    client.force_login(jiangning)
    response = client.get(reverse("compliance"), NOVEMBER)
    assert response.status_code == 200
    page = response.content.decode()
    for rule in ("Q1", "Q2", "Q3", "Q4", "Q5", "S1"):
        assert f'data-testid="card-{rule}"' in page
    q1 = response.context["cards"][0]
    assert q1["rule"] == "Q1" and q1["rows"][0]["cells"] == [1, 20, 2, 10, 3, 1, 1]
    assert "short=on" in q1["rows"][0]["link"] and "county=320115" in q1["rows"][0]["link"]
    assert "Xuanwu" not in page and "玄武" not in page


def test_q1_the_rule_page_lists_each_producer_with_its_shortfall(client, register, jiangning):
    client.force_login(jiangning)
    response = client.get(reverse("compliance_rule", args=["q1"]), {**NOVEMBER, "short": "on"})
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["name"] == "江宁短缺乳业" and row["cells"] == [20, 2, 3, 1, 1]
    assert reverse("compliance_s1") in row["untested_link"]


def test_q2_full_coverage_page_lists_the_missing_station_and_vehicle(client, register, jiangning):
    client.force_login(jiangning)
    page = client.get(reverse("compliance_rule", args=["q2"]), {**NOVEMBER, "short": "on"}).content.decode()
    assert "江宁未采样收购站" in page and "苏A00001" in page
    assert "江宁已采样收购站" not in page
    only_vehicles = client.get(reverse("compliance_rule", args=["q2"]), {**NOVEMBER, "kind": "vehicle"})
    assert [r["name"] for r in only_vehicles.context["rows"]] == ["苏A00001"]


def test_q4_the_rule_page_shows_the_missed_week(client, register, jiangning):
    client.force_login(jiangning)
    response = client.get(reverse("compliance_rule", args=["q4"]), NOVEMBER)
    (row,) = response.context["rows"]
    assert row["missed_weeks"] == [datetime.date(2026, 11, 16)]
    assert "2026-11-16" in response.content.decode()


def test_q5_the_rule_page_shows_each_outlet_against_its_floor(client, register, jiangning):
    client.force_login(jiangning)
    response = client.get(reverse("compliance_rule", args=["q5"]), NOVEMBER)
    (row,) = response.context["rows"]
    assert (row["name"], row["samples"], row["required"], row["shortfall"]) == ("江宁超市", 0, 1, 1)


def test_s1_the_page_lists_the_untested_batches_of_a_producer(client, register, jiangning):
    client.force_login(jiangning)
    response = client.get(reverse("compliance_s1"), {**NOVEMBER, "operator": register.pk})
    assert response.status_code == 200
    assert [lot.operator for lot in response.context["page_obj"]] == [register]


def test_q6_an_unknown_rule_is_a_404(client, jiangning):
    client.force_login(jiangning)
    assert client.get(reverse("compliance_rule", args=["q9"])).status_code == 404
    assert client.get(reverse("compliance_s1"), {"operator": "x"}).status_code == 404


def test_q6_pages_need_a_login(client):
    response = client.get(reverse("compliance"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_q6_an_outsider_sees_nothing_of_another_county(client, register, outsider):
    client.force_login(outsider)
    overview = client.get(reverse("compliance"), {**NOVEMBER, "county": "320115"})
    assert all(not card["rows"] for card in overview.context["cards"])
    for rule in ("q1", "q2", "q3", "q4", "q5"):
        response = client.get(reverse("compliance_rule", args=[rule]), {**NOVEMBER, "county": "320115"})
        assert response.context["rows"] == []
        assert "江宁" not in response.content.decode()
    assert client.get(reverse("compliance_s1"), {"operator": register.pk}).status_code == 404
    assert not client.get(reverse("compliance_s1"), NOVEMBER).context["page_obj"].object_list


def test_q6_a_read_only_user_reads_the_dashboards(client, register, jiangning):
    client.force_login(jiangning)
    assert jiangning.role == Role.VIEWER
    assert client.get(reverse("compliance"), NOVEMBER).status_code == 200


def test_q6_a_bad_filter_is_shown_and_narrows_nothing(client, register, jiangning):
    client.force_login(jiangning)
    response = client.get(reverse("compliance_rule", args=["q1"]), {**NOVEMBER, "county": "Nanjing"})
    assert response.status_code == 200 and response.context["form"].errors
    assert len(response.context["rows"]) == 1


@pytest.mark.parametrize("rule", ["q1", "q2", "q3", "q4", "q5"])
def test_q6_each_rule_exports_to_excel(client, register, jiangning, rule):
    client.force_login(jiangning)
    response = client.get(reverse("compliance_rule", args=[rule]), {**NOVEMBER, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 1).value == "county"
    if rule == "q4":
        assert sheet.cell(2, 3).value == "江宁短缺乳业" and sheet.cell(2, 7).value == "2026-11-16"


def test_s1_exports_the_untested_batches(client, register, elsewhere, jiangning):
    client.force_login(jiangning)
    response = client.get(reverse("compliance_s1"), {**NOVEMBER, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2 and rows[1][1] == "江宁短缺乳业"


def _page_queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_q6_page_query_counts_do_not_grow_with_the_register(client, campaign, clerk, city_admin):
    def grow(start, n):
        for i in range(start, start + n):
            producer = operator(OperatorKind.DAIRY_PRODUCER, f"乳业{i:03d}")
            lots(producer, clerk, 2, own_test_mg_per_kg=None)
            sample(lots(producer, clerk, kind=LotKind.FINISHED, own_test_mg_per_kg=None)[0])
            operator(OperatorKind.SMALL_RETAILER, f"小店{i:03d}")
            operator(OperatorKind.FEED_MILL, f"饲料厂{i:03d}")

    client.force_login(city_admin)
    pages = [(reverse("compliance"), NOVEMBER), (reverse("compliance_s1"), NOVEMBER)]
    pages += [(reverse("compliance_rule", args=[r]), NOVEMBER) for r in ("q1", "q2", "q3", "q4", "q5")]
    grow(0, 2)
    small = [_page_queries(client, url, params) for url, params in pages]
    grow(2, 18)
    large = [_page_queries(client, url, params) for url, params in pages]
    assert small == large


# ---------------------------------------------------------------------------------------
# API


def test_q6_api_lists_each_rule_per_county(api, register, elsewhere, jiangning):
    api.force_authenticate(jiangning)
    rows = api.get(API, NOVEMBER).json()
    assert {r["county_code"] for r in rows} == {"320115"}
    assert {r["rule"] for r in rows} == {"Q1", "Q2", "Q4", "Q5", "S1"}
    (q1,) = api.get(API, {**NOVEMBER, "rule": "Q1"}).json()
    assert (q1["base"], q1["done"], q1["required"], q1["shortfall"], q1["percent"]) == (20, 2, 3, 1, 10)


def test_q6_api_lists_one_rule_per_operator_paginated(api, register, jiangning):
    api.force_authenticate(jiangning)
    body = api.get(UNITS_API, {**NOVEMBER, "rule": "Q2", "short": "true"}).json()
    assert body["count"] == 2
    assert [(r["kind"], r["name"]) for r in body["results"]] == [
        ("purchase_station", "江宁未采样收购站"),
        ("vehicle", "苏A00001"),
    ]
    (q4,) = api.get(UNITS_API, {**NOVEMBER, "rule": "Q4"}).json()["results"]
    assert q4["missed_weeks"] == ["2026-11-16"] and q4["shortfall"] == 1
    (q1,) = api.get(UNITS_API, {**NOVEMBER, "rule": "Q1"}).json()["results"]
    assert (q1["shortfall"], q1["untested"]) == (1, 1)


def test_q6_api_refuses_a_bad_query(api, jiangning):
    api.force_authenticate(jiangning)
    assert api.get(API, {"rule": "Q9"}).status_code == 400
    assert api.get(UNITS_API).status_code == 400
    assert api.get(API, {"from": "yesterday"}).status_code == 400


def test_q6_api_an_outsider_sees_nothing_of_another_county(api, register, outsider):
    api.force_authenticate(outsider)
    assert api.get(API, {**NOVEMBER, "county": "320115"}).json() == []
    for rule in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        assert api.get(UNITS_API, {**NOVEMBER, "rule": rule, "county": "320115"}).json()["count"] == 0


def test_q6_api_is_read_only_and_needs_a_login(api, jiangning):
    assert api.get(API).status_code in (401, 403)
    api.force_authenticate(jiangning)
    assert api.post(API, {}).status_code == 405

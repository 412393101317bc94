"""P4 at province scale: the dashboards' figures are cached under the version of the data
(reports.figures_cache), so a repeated load costs a handful of queries whatever the number
of records, and any change made through a service, an import or a bulk path shows on the
very next load: a stale figure on a dashboard is a bug."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import MeasureKind, MeasureStatus, Outcome
from inspections.services.measures import measure_remove
from licensing.models import OperatorKind
from licensing.services.register import operator_create
from reports import figures_cache
from reports.statistics import INSPECTIONS, SOURCES, rollup
from sampling.models import Category, Lot, LotKind
from sampling.services.lots import lots_create

from ..factories import member, place
from ..licensing.factories import valid_credit_code
from ..services import need_postgresql
from .test_dashboards import NOW, _grow, shown
from .test_statistics import TODAY, Dataset, build

pytestmark = pytest.mark.django_db

PAGE_CEILING = 20


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def province(db):
    return member("320000", AgencyKind.FSO, Role.REVIEWER)


def load(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response, len(queries)


def test_a_repeated_load_costs_at_most_20_queries_for_2_or_20_operators(client, campaign, province):
    data = Dataset()
    _grow(data, 2)
    _cold, cold_queries = load(client, province)
    _warm, two = load(client, province)
    assert two <= PAGE_CEILING
    assert two < cold_queries
    _grow(data, 18)
    load(client, province)
    assert load(client, province)[1] == two


def test_a_load_computing_every_figure_costs_the_same_queries_for_2_or_20_operators(client, campaign, province):
    data = Dataset()
    _grow(data, 2)
    cache.clear()
    two = load(client, province)[1]
    _grow(data, 18)
    cache.clear()
    assert load(client, province)[1] == two
    assert two <= 40  # the grouped queries of every figure, when none is cached


def test_the_cached_figures_are_the_computed_ones(campaign):
    build()
    computed = rollup(place("320000"), campaign, today=TODAY)
    first = rollup(place("320000"), campaign, today=TODAY, cached=True)
    again = rollup(place("320000"), campaign, today=TODAY, cached=True)
    for result in (first, again):
        assert result.total == computed.total
        assert result.own == computed.own
        assert result.children == computed.children


def test_a_cached_rollup_costs_two_queries(campaign):
    build()
    province = place("320000")
    rollup(province, campaign, today=TODAY, cached=True)
    with CaptureQueriesContext(connection) as queries:
        rollup(province, campaign, today=TODAY, cached=True)
    assert len(queries) == 2  # the data version and the jurisdiction tree


def _cached(parts, value, sources=SOURCES):
    version = figures_cache.data_version(sources)
    return figures_cache.cached(parts, lambda: value, sources=sources, version=version)


def test_a_value_is_kept_for_its_parts_and_version_only(campaign):
    assert _cached(("probe", 1), "first") == "first"
    assert _cached(("probe", 1), "second") == "first"
    assert _cached(("probe", 2), "second") == "second"
    Dataset().operator(OperatorKind.SMALL_RETAILER)  # a new history row of the register
    assert _cached(("probe", 1), "third") == "third"
    assert _cached(("probe", 1), "fourth", sources={INSPECTIONS}) == "fourth"
    assert _cached(("probe", 1), "fifth", sources={INSPECTIONS}) == "fourth"


def test_the_figures_of_one_day_are_not_served_on_the_next(campaign):
    build()
    tomorrow = TODAY + datetime.timedelta(days=1)
    today_figures = rollup(place("320000"), campaign, today=TODAY, cached=True)
    assert rollup(place("320000"), campaign, today=tomorrow, cached=True).total == (
        rollup(place("320000"), campaign, today=tomorrow).total
    )
    assert rollup(place("320000"), campaign, today=TODAY, cached=True).total == today_figures.total


def test_after_a_write_only_the_figures_it_touched_are_computed_again(client, campaign, province):
    data = Dataset()
    _grow(data, 2)
    cold = load(client, province)[1]
    warm = load(client, province)[1]
    operator = data.operator(OperatorKind.SMALL_RETAILER)
    data.inspection(operator, outcome=Outcome.PROBLEMS)  # register and checklists change
    response, after_write = load(client, province)
    assert warm < after_write < cold
    assert response.context["sections"] == load(client, province)[0].context["sections"]
    expected = rollup(place("320000"), campaign, today=TODAY)
    assert shown(response, "figure-inspections_problems") == str(expected.total["inspections_problems"])


def test_an_operator_registered_through_the_service_shows_on_the_next_load(client, campaign, province):
    _grow(Dataset(), 2)
    before = int(shown(load(client, province)[0], "figure-operators_total"))
    load(client, province)  # now cached
    operator_create(
        actor=member("320115", AgencyKind.AIC, Role.INSPECTOR),
        name="新开超市",
        kind=OperatorKind.SUPERMARKET,
        county=place("320115"),
        credit_code=valid_credit_code(),
        address="江宁区某路1号",
    )
    assert int(shown(load(client, province)[0], "figure-operators_total")) == before + 1


def test_lots_inserted_in_bulk_show_on_the_next_load(client, campaign, province):
    """The intake import and the bulk API insert lots with bulk_create_with_history."""
    data = Dataset()
    producer = data.operator(OperatorKind.DAIRY_PRODUCER)
    before = int(shown(load(client, province)[0], "figure-q1_required"))
    load(client, province)
    clerk = member("320115", AgencyKind.QTS, Role.CLERK)
    lots = [
        Lot(
            operator=producer,
            kind=LotKind.RAW_MILK,
            category=Category.LIQUID_MILK,
            batch_number=f"B-{i}",
            product="生鲜乳",
            quantity=Decimal("12.5"),
            unit="t",
            dated=datetime.date(2026, 11, 2),
            recorded_by=clerk,
        )
        for i in range(10)
    ]
    lots_create(lots, actor=clerk, reason="导入")
    # Q1: ceil(15% × 10 batches) = 2 more batches to sample.
    assert int(shown(load(client, province)[0], "figure-q1_required")) == before + 2


def test_a_measure_removed_from_a_draft_shows_on_the_next_load(client, campaign, province):
    """Deletions leave a history row too."""
    data = Dataset()
    operator = data.operator(OperatorKind.SMALL_RETAILER)
    inspection = data.inspection(operator, status="draft", outcome=Outcome.PROBLEMS)
    filed = data.inspection(operator, outcome=Outcome.PROBLEMS)
    data.measure(filed, MeasureKind.RECTIFY, status=MeasureStatus.RECORDED)
    draft_measure = data.measure(inspection, MeasureKind.RECTIFY, status=MeasureStatus.RECORDED)
    assert shown(load(client, province)[0], "figure-measures_total") == "1"
    load(client, province)
    measure_remove(actor=inspection.inspector, measure=draft_measure)
    filed.measures.first().delete()  # a back-office deletion, through the model
    assert shown(load(client, province)[0], "figure-measures_total") == "0"


def test_a_record_changed_by_a_direct_save_shows_on_the_next_load(client, campaign, province):
    data = Dataset()
    operator = data.operator(OperatorKind.SMALL_RETAILER)
    inspection = data.inspection(operator, outcome="")
    assert shown(load(client, province)[0], "figure-inspections_problems") == "0"
    load(client, province)
    inspection.outcome = Outcome.PROBLEMS
    inspection.save()
    assert shown(load(client, province)[0], "figure-inspections_problems") == "1"


def test_every_source_of_the_figures_keeps_a_history():
    """The data version reads history tables: a model the statistics count without one
    would change figures without moving the version."""
    for label in SOURCES:
        assert hasattr(apps.get_model(label), "history"), label
    counted = {
        "licensing.Operator",
        "licensing.Licence",
        "inspections.Inspection",
        "inspections.Measure",
        "inspections.Sweep",
        "inspections.Den",
        "sampling.Sample",
        "sampling.LabResult",
        "cases.Case",
        "cases.PoliceReferral",
        "cases.Listing",
        "cases.Complaint",
    }
    assert counted <= SOURCES


@pytest.mark.services
def test_figures_are_not_stored_while_another_session_writes_an_audited_table(campaign):
    """A writer in flight may commit a history id below the highest one seen: what reads
    its table is computed meanwhile and served, not stored; what does not is stored."""
    need_postgresql()
    import psycopg2

    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute('LOCK TABLE "licensing_historicaloperator" IN ROW EXCLUSIVE MODE')
            assert figures_cache.data_version(SOURCES).being_written == {"licensing.Operator"}
            assert _cached(("probe",), "during") == "during"
            assert _cached(("probe",), "after") == "after"
            assert _cached(("probe",), "x", sources={INSPECTIONS}) == "x"
            assert _cached(("probe",), "y", sources={INSPECTIONS}) == "x"
        other.rollback()
        assert figures_cache.data_version(SOURCES).being_written == frozenset()
        assert _cached(("probe",), "stored") == "stored"
        assert _cached(("probe",), "later") == "stored"
    finally:
        other.close()

"""P4: the dashboard pages and their API twin. A user sees its own jurisdiction and what lies
below it: a city never sees its neighbour, and a county user sees only its own county (its
city's figures include the other counties, so the city page is a 404 for it). Dashboards
only read, so a read-only (viewer) account sees them like any other role. Drill-down links
go province → city → county; the page costs the same number of queries for 2 records as
for 20; the countdown runs to the 12-30 summary deadline (P1)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dairy_campaign.choices import AgencyKind, Role
from inspections.models import MeasureKind, Outcome
from licensing.models import OperatorKind
from reports.nav import NAV
from reports.statistics import FIGURES, SECTIONS
from sampling.models import Category, LotKind

from ..factories import UserFactory, member
from .test_statistics import Dataset, build

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Nanjing, 2026-11-27


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def nanjing(db):
    return member("320100", AgencyKind.FSO, Role.VIEWER)


@pytest.fixture
def jiangning(db):
    return member("320115", AgencyKind.QTS, Role.VIEWER)


@pytest.fixture
def province(db):
    return member("320000", AgencyKind.FSO, Role.REVIEWER)


@pytest.fixture
def wuxi(db):
    return member("320200", AgencyKind.FSO, Role.ADMIN)


def page(client, user, code=None):
    client.force_login(user)
    return client.get(reverse("dashboard_place", args=[code]) if code else reverse("dashboard"))


def api(client, user, code):
    client.force_login(user)
    return client.get(f"/api/v1/dashboards/{code}/")


def shown(response, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', response.content.decode())
    assert match, testid
    return match.group(1).strip()


# ---------------------------------------------------------------------------------------
# Pages: scope


def test_the_dashboard_opens_on_the_users_own_jurisdiction(client, campaign, nanjing):
    response = page(client, nanjing)
    assert response.status_code == 200
    assert response.context["place"].code == "320100"
    assert "Dashboard · Nanjing" in response.content.decode()


def test_a_city_sees_its_counties_but_never_its_neighbour(client, campaign, nanjing):
    assert page(client, nanjing, "320115").status_code == 200
    assert page(client, nanjing, "320200").status_code == 404
    assert page(client, nanjing, "320205").status_code == 404
    assert page(client, nanjing, "320000").status_code == 404


def test_a_county_user_sees_its_own_county_only(client, campaign, jiangning):
    assert page(client, jiangning).context["place"].code == "320115"
    assert page(client, jiangning, "320115").status_code == 200
    assert page(client, jiangning, "320100").status_code == 404
    assert page(client, jiangning, "320102").status_code == 404


def test_an_outsider_is_refused_and_an_anonymous_visitor_sent_to_log_in(client, campaign, wuxi):
    assert page(client, wuxi, "320115").status_code == 404
    client.logout()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_read_only_account_reads_the_dashboard(client, campaign, jiangning):
    """Dashboards only read: a viewer is not refused (no 403 here)."""
    assert jiangning.role == Role.VIEWER
    assert page(client, jiangning).status_code == 200


def test_an_account_without_a_department_has_no_dashboard(client, campaign):
    loner = UserFactory(agency=None, role=Role.VIEWER)
    assert page(client, loner).status_code == 404


def test_a_superuser_outside_any_department_sees_the_province(client, campaign):
    root = UserFactory(agency=None, role="", is_superuser=True, is_staff=True)
    assert page(client, root).context["place"].code == "320000"


# ---------------------------------------------------------------------------------------
# Pages: figures, drill-down, charts, countdown


def test_the_city_page_shows_the_rolled_up_figures_and_its_own_records(client, campaign, nanjing):
    build()
    response = page(client, nanjing)
    # Jiangning 3 + Xuanwu 1 + the city's own 1.
    assert shown(response, "figure-cases_received") == "5"
    assert shown(response, "own-cases_received") == "1"
    assert shown(response, "figure-fines_yuan") == "1334.67"
    assert shown(response, "figure-coverage_inspected") == "3"
    assert 'data-testid="own-records"' in response.content.decode()
    for section in SECTIONS:
        assert f'data-testid="section-{section.key}"' in response.content.decode()


def test_drill_down_from_the_province_to_a_city_to_a_county(client, campaign, province):
    build()
    top = page(client, province)
    assert [row["place"].code for row in top.context["children"]][:2] == ["320100", "320200"]
    assert len(top.context["children"]) == 13
    assert f'href="{reverse("dashboard_place", args=["320100"])}"' in top.content.decode()

    city = page(client, province, "320100")
    assert f'href="{reverse("dashboard_place", args=["320115"])}"' in city.content.decode()
    row = next(r for r in city.context["children"] if r["place"].code == "320115")
    assert row["coverage"] == 40  # 2 of 5 operators inspected

    county = page(client, province, "320115")
    assert county.context["children"] == []
    assert shown(county, "figure-dens_banned") == "1"
    # Back up: the breadcrumbs link the province and the city.
    assert [url for _node, url in county.context["breadcrumbs"]] == [
        reverse("dashboard_place", args=["320000"]),
        reverse("dashboard_place", args=["320100"]),
        reverse("dashboard_place", args=["320115"]),
    ]


def test_the_breadcrumbs_link_only_what_the_user_may_open(client, campaign, jiangning):
    crumbs = page(client, jiangning).context["breadcrumbs"]
    assert [(node.code, bool(url)) for node, url in crumbs] == [("320000", False), ("320100", False), ("320115", True)]


def test_charts_are_drawn_from_embedded_json_with_the_vendored_library(client, campaign, nanjing):
    build()
    response = page(client, nanjing)
    html = response.content.decode()
    assert 'id="dashboard-charts" type="application/json"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "js/dashboard.js" in html
    assert "cdn" not in html.lower()
    charts = {chart["id"]: chart for chart in response.context["charts"]}
    assert set(charts) == {"coverage", "results", "cases", "compliance", "census"}
    coverage = charts["coverage"]
    assert len(coverage["labels"]) == 11  # Nanjing's counties
    jiangning = coverage["labels"].index("Jiangning District")
    assert [s["data"][jiangning] for s in coverage["datasets"]] == [2, 3]
    results = charts["results"]
    infant = results["labels"].index(str(Category.INFANT_FORMULA.label))
    assert [s["data"][infant] for s in results["datasets"]] == [2, 1]
    assert sum(charts["cases"]["datasets"][0]["data"]) == 5


def test_the_countdown_runs_to_the_summary_deadline(client, campaign, nanjing):
    response = page(client, nanjing)
    assert shown(response, "countdown") == "33 days left"  # 2026-11-27 → 12-30
    assert "Investigation and rectification" in response.content.decode()


def test_an_overdue_summary_is_shown_as_overdue(client, campaign, nanjing, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 31, 2, 0, tzinfo=datetime.UTC), tick=False)
    response = page(client, nanjing)
    assert shown(response, "countdown") == "1 day overdue"
    assert [phase.kind for phase in response.context["current_phases"]] == ["summary"]


def test_without_a_campaign_the_page_says_so(client, nanjing):
    response = page(client, nanjing)
    assert response.status_code == 200
    assert "No campaign has been set up yet." in response.content.decode()


def _grow(data: Dataset, n: int):
    for i in range(n):
        code = ("320115", "320102")[i % 2]
        operator = data.operator(OperatorKind.SMALL_RETAILER, code)
        inspection = data.inspection(operator, outcome=Outcome.PROBLEMS)
        data.measure(inspection, MeasureKind.STOP_AND_DESTROY, quantity=Decimal(1), unit="kg")
        data.sample(data.lot(operator, LotKind.RETAIL, Category.INFANT_FORMULA))
        data.case(code, clue_on=datetime.date(2026, 6, 1))
        data.complaint(code, received_on=datetime.date(2026, 6, 1))


def _page_queries(client, user) -> int:
    """Queries of a load that computes every figure (none cached: test_dashboard_cache.py)."""
    cache.clear()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_2_or_20_operators(client, campaign, nanjing):
    data = Dataset()
    _grow(data, 2)
    two = _page_queries(client, nanjing)
    _grow(data, 18)
    assert _page_queries(client, nanjing) == two


# ---------------------------------------------------------------------------------------
# API


def test_the_api_gives_each_figure_own_and_total_and_every_child(client, campaign, nanjing):
    build()
    response = api(client, nanjing, "320100")
    assert response.status_code == 200
    body = response.json()
    assert body["jurisdiction"]["code"] == "320100"
    assert body["campaign"]["days_to_deadline"] == 33
    assert body["campaign"]["current_phases"] == ["investigation"]
    figures = {f["key"]: f for section in body["sections"] for f in section["figures"]}
    assert set(figures) == set(FIGURES)
    assert (figures["cases_received"]["own"], figures["cases_received"]["total"]) == (1, 5)
    assert figures["fines_yuan"]["total"] == "1334.67"
    assert figures["fines_yuan"]["decimal"] is True
    children = {child["code"]: child["figures"] for child in body["children"]}
    assert len(children) == 11
    assert children["320115"]["fines_yuan"] == "1334.66"
    assert children["320104"]["cases_received"] == 0


def test_the_api_is_scoped_like_the_pages(client, campaign, nanjing, jiangning):
    assert api(client, nanjing, "320115").status_code == 200
    assert api(client, nanjing, "320200").status_code == 404
    assert api(client, jiangning, "320100").status_code == 404
    assert api(client, jiangning, "320115").json()["children"] == []
    client.logout()
    assert client.get("/api/v1/dashboards/320115/").status_code in (401, 403)


def test_the_api_answers_404_without_a_campaign(client, nanjing):
    assert api(client, nanjing, "320100").status_code == 404


def test_the_menu_has_the_dashboard():
    assert [item.url_name for item in NAV] == ["dashboard", "summary_list", "deadline"]

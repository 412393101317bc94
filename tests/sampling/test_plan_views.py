"""Sampling plan pages and API (Q1–Q6): scoping, the grid, decisions, Q1 draws, exports."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from licensing.models import OperatorKind, Vehicle
from sampling.models import LotKind, PlanStatus, Rule, SamplingPlan
from sampling.services.plans import plan_approve, plan_create, plan_fill_minimums, plan_submit
from sampling.services.selection import line_select

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories import LotFactory

pytestmark = pytest.mark.django_db
D = datetime.date
K = OperatorKind
NOV = (D(2026, 11, 1), D(2026, 11, 30))
PLANS = "/api/v1/sampling-plans/"


@pytest.fixture
def api():
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def qts_inspector(db):
    return member("320115", AgencyKind.QTS, Role.INSPECTOR, full_name="张伟")


@pytest.fixture
def qts_reviewer(db):
    return member("320115", AgencyKind.QTS, Role.REVIEWER, full_name="黄芳")


@pytest.fixture
def qts_viewer(db):
    return member("320115", AgencyKind.QTS, Role.VIEWER)


@pytest.fixture
def outsider(db):
    """Quality supervision of Suining (Xuzhou): same department, another county."""
    return member("320324", AgencyKind.QTS, Role.REVIEWER)


@pytest.fixture
def clerk(db):
    return member("320115", AgencyKind.QTS, Role.CLERK)


@pytest.fixture
def producer(db, clerk):
    fresh = OperatorFactory(kind=K.DAIRY_PRODUCER, name="江宁新鲜乳品有限公司")
    LotFactory.create_batch(20, operator=fresh, supplier=None, dated=D(2026, 11, 3), recorded_by=clerk)
    return fresh


def q1_plan(actor):
    return plan_create(actor=actor, rule=Rule.Q1, jurisdiction=place("320115"), period_start=NOV[0], period_end=NOV[1])


def approved(plan, inspector, reviewer):
    plan_fill_minimums(actor=inspector, plan=plan)
    plan_submit(actor=inspector, plan=plan)
    plan_approve(actor=reviewer, plan=plan, reason="同意")
    return plan


def producers(n):
    for _ in range(n):
        OperatorFactory(kind=K.DAIRY_PRODUCER)


# --- pages -----------------------------------------------------------------------------


def test_the_plan_list_is_scoped_filtered_and_exported(client, qts_inspector, qts_viewer, outsider, producer):
    mine = q1_plan(qts_inspector)
    plan_create(actor=qts_inspector, rule=Rule.Q4, jurisdiction=place("320115"), period_start=NOV[0], period_end=NOV[1])
    plan_create(actor=outsider, rule=Rule.Q1, jurisdiction=place("320324"), period_start=NOV[0], period_end=NOV[1])
    client.force_login(qts_viewer)

    page = client.get(reverse("plan_list"), {"rule": "Q1", "status": "draft", "jurisdiction": "3201"})

    assert list(page.context["object_list"]) == [mine]
    assert page.context["object_list"][0].line_count == 1 and not page.context["may_create"]
    later = client.get(reverse("plan_list"), {"period_from": "2026-12-01"})
    assert list(later.context["object_list"]) == []
    export = client.get(reverse("plan_list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_an_inspector_draws_up_a_plan_in_the_page(client, qts_inspector, producer):
    client.force_login(qts_inspector)
    form = client.get(reverse("plan_new"))
    assert [value for value, _label in form.context["form"].fields["rule"].choices] == ["Q1", "Q4"]

    response = client.post(
        reverse("plan_new"),
        {"rule": "Q1", "jurisdiction": "320115", "period_start": "2026-11-01", "period_end": "2026-11-30"},
    )

    plan = SamplingPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("plan_detail", args=[plan.pk])
    assert plan.lines.get().base == 20


def test_a_plan_for_another_departments_rule_is_not_offered(client, qts_inspector):
    client.force_login(qts_inspector)
    response = client.post(
        reverse("plan_new"),
        {"rule": "Q2", "jurisdiction": "320115", "period_start": "2026-11-01", "period_end": "2026-11-30"},
    )
    assert response.status_code == 200 and "rule" in response.context["form"].errors
    assert not SamplingPlan.objects.exists()


@pytest.mark.parametrize(("kind", "role"), [(AgencyKind.QTS, Role.VIEWER), (AgencyKind.FDA, Role.INSPECTOR)])
def test_drawing_up_is_forbidden_to_viewers_and_departments_without_a_rule(client, kind, role):
    client.force_login(member("320115", kind, role))
    assert client.get(reverse("plan_new")).status_code == 403


def test_the_detail_shows_shortfalls_live_before_submission(client, qts_inspector, producer):
    plan = q1_plan(qts_inspector)
    client.force_login(qts_inspector)

    page = client.get(reverse("plan_detail", args=[plan.pk]))

    message = "Q1: 江宁新鲜乳品有限公司 — 20 batches need at least 3 samples, 0 planned (3 short)."
    assert page.status_code == 200 and message in page.content.decode()
    assert [a["name"] for a in page.context["actions"]] == ["submit"]
    assert reverse("history", args=["sampling.samplingplan", plan.pk]) in page.content.decode()
    row = page.context["rows"][0]
    assert row["minimum"] == 3 and row["short"] and row["field"] is not None


def test_the_grid_posts_every_lines_planned_count_at_once(client, qts_inspector, producer):
    other = OperatorFactory(kind=K.DAIRY_FOOD_PRODUCER, name="麦香食品")
    plan = q1_plan(qts_inspector)
    ids = {line.operator_id: line.pk for line in plan.lines.all()}
    client.force_login(qts_inspector)

    response = client.post(
        reverse("plan_lines", args=[plan.pk]), {f"planned-{ids[producer.pk]}": "3", f"planned-{ids[other.pk]}": "1"}
    )

    assert response.status_code == 302
    assert dict(plan.lines.values_list("operator_id", "planned")) == {producer.pk: 3, other.pk: 1}
    assert "Q6: every unit meets" in client.get(reverse("plan_detail", args=[plan.pk])).content.decode()


def test_a_bad_count_in_the_grid_is_a_400_that_saves_nothing(client, qts_inspector, producer):
    other = OperatorFactory(kind=K.DAIRY_FOOD_PRODUCER)
    plan = q1_plan(qts_inspector)
    first, second = plan.lines.order_by("id")
    client.force_login(qts_inspector)

    response = client.post(
        reverse("plan_lines", args=[plan.pk]), {f"planned-{first.pk}": "3", f"planned-{second.pk}": "-2"}
    )

    assert response.status_code == 400
    assert set(plan.lines.values_list("planned", flat=True)) == {0}
    assert other.pk in {line.operator_id for line in plan.lines.all()}


def test_fill_in_the_minimums_in_the_page(client, qts_inspector, producer):
    plan = q1_plan(qts_inspector)
    client.force_login(qts_inspector)
    assert client.post(reverse("plan_fill", args=[plan.pk])).status_code == 302
    assert plan.lines.get().planned == 3


def test_submit_then_a_refused_approval_shows_the_shortfall_and_a_met_plan_is_approved(
    client, qts_inspector, qts_reviewer, producer
):
    plan = q1_plan(qts_inspector)
    client.force_login(qts_inspector)
    assert client.post(reverse("plan_decide", args=[plan.pk, "submit"]), {"submit-reason": ""}).status_code == 302
    client.force_login(qts_reviewer)

    refused = client.post(reverse("plan_decide", args=[plan.pk, "approve"]), {"approve-reason": "同意"})

    assert refused.status_code == 400
    assert "20 batches need at least 3 samples, 0 planned (3 short)" in refused.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    sent_back = client.post(reverse("plan_decide", args=[plan.pk, "refuse"]), {"refuse-reason": "Q1 不足"})
    assert sent_back.status_code == 302
    client.force_login(qts_inspector)
    client.post(reverse("plan_fill", args=[plan.pk]))
    client.post(reverse("plan_decide", args=[plan.pk, "submit"]), {"submit-reason": "已补足"})
    client.force_login(qts_reviewer)
    assert client.post(reverse("plan_decide", args=[plan.pk, "approve"]), {"approve-reason": "同意"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_batches_are_drawn_and_verified_in_the_page(client, qts_inspector, qts_reviewer, producer):
    plan = approved(q1_plan(qts_inspector), qts_inspector, qts_reviewer)
    line = plan.lines.get()
    client.force_login(qts_inspector)
    before = client.get(reverse("plan_detail", args=[plan.pk]))
    assert f'data-testid="draw-{line.pk}"' in before.content.decode()

    assert client.post(reverse("line_select", args=[line.pk])).status_code == 302

    line.refresh_from_db()
    page = client.get(reverse("plan_detail", args=[plan.pk]))
    html = page.content.decode()
    assert str(line.seed) in html and page.context["rows"][0]["verified"] is True
    assert len(page.context["rows"][0]["lots"]) == 3
    again = client.post(reverse("line_select", args=[line.pk]), follow=True)
    assert "drawn already" in again.content.decode()


def test_detail_and_list_cost_the_same_queries_for_more_lines(client, qts_inspector, qts_reviewer, clerk):
    counts = []
    for n, month in ((2, 11), (30, 12)):
        producers(n)
        start, end = D(2026, month, 1), D(2026, month, 30)
        plan = plan_create(
            actor=qts_inspector, rule=Rule.Q1, jurisdiction=place("320115"), period_start=start, period_end=end
        )
        for line in plan.lines.all()[:2]:
            LotFactory.create_batch(2, operator=line.operator, supplier=None, dated=start, recorded_by=clerk)
        approved(plan, qts_inspector, qts_reviewer)
        for line in plan.lines.filter(base__gt=0):
            line_select(actor=qts_inspector, line=line)
        client.force_login(qts_inspector)
        for url in (reverse("plan_detail", args=[plan.pk]), reverse("plan_list")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]


def test_another_countys_plan_is_a_404_on_every_page(client, qts_inspector, qts_reviewer, outsider, producer):
    plan = approved(q1_plan(qts_inspector), qts_inspector, qts_reviewer)
    line = plan.lines.get()
    client.force_login(outsider)
    assert client.get(reverse("plan_detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("history", args=["sampling.samplingplan", plan.pk])).status_code == 404
    for url in (
        reverse("plan_lines", args=[plan.pk]),
        reverse("plan_fill", args=[plan.pk]),
        reverse("plan_decide", args=[plan.pk, "refuse"]),
        reverse("line_select", args=[line.pk]),
    ):
        assert client.post(url, {f"planned-{line.pk}": "9", "refuse-reason": "x"}).status_code == 404, url
    assert client.get(reverse("plan_list")).context["object_list"].count() == 0


def test_a_viewer_reads_a_plan_but_is_refused_every_change(client, qts_inspector, qts_reviewer, qts_viewer, producer):
    draft = q1_plan(qts_inspector)
    line = draft.lines.get()
    client.force_login(qts_viewer)
    page = client.get(reverse("plan_detail", args=[draft.pk]))
    assert page.status_code == 200 and page.context["actions"] == [] and not page.context["editable"]
    assert client.get(reverse("history", args=["sampling.samplingplan", draft.pk])).status_code == 200
    assert client.post(reverse("plan_lines", args=[draft.pk]), {f"planned-{line.pk}": "3"}).status_code == 403
    assert client.post(reverse("plan_fill", args=[draft.pk])).status_code == 403
    assert client.post(reverse("plan_decide", args=[draft.pk, "submit"]), {}).status_code == 403
    approved(draft, qts_inspector, qts_reviewer)
    assert client.post(reverse("line_select", args=[line.pk])).status_code == 403
    line.refresh_from_db()
    assert line.planned == 3 and line.seed is None


# --- API -------------------------------------------------------------------------------


def test_api_plans_are_scoped_and_a_foreign_one_is_a_404(api, qts_inspector, qts_viewer, outsider, producer):
    mine = q1_plan(qts_inspector)
    foreign = plan_create(
        actor=outsider, rule=Rule.Q4, jurisdiction=place("320324"), period_start=NOV[0], period_end=NOV[1]
    )
    api.force_authenticate(qts_viewer)
    listed = api.get(PLANS).json()["results"]
    assert [p["id"] for p in listed] == [mine.pk] and listed[0]["line_count"] == 1
    assert api.get(f"{PLANS}{foreign.pk}/").status_code == 404
    assert (
        api.get(f"/api/v1/plan-lines/{foreign.lines.first().pk if foreign.lines.exists() else 0}/").status_code == 404
    )
    detail = api.get(f"{PLANS}{mine.pk}/").json()
    assert detail["lines"][0]["base"] == 20 and detail["lines"][0]["minimum"] == 3
    assert detail["shortfalls"][0]["missing"] == 3 and detail["shortfalls"][0]["message"].startswith("Q1: 江宁新鲜")


def test_a_plan_goes_the_full_round_through_the_api(api, qts_inspector, qts_reviewer, producer):
    api.force_authenticate(qts_inspector)
    created = api.post(
        PLANS,
        {"rule": "Q1", "jurisdiction": "320115", "period_start": "2026-11-01", "period_end": "2026-11-30"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    plan = created.json()
    line = plan["lines"][0]
    url = f"{PLANS}{plan['id']}/"
    set_counts = api.post(f"{url}lines/", {"lines": [{"id": line["id"], "planned": 2}]}, format="json")
    assert set_counts.status_code == 200 and set_counts.json()["lines"][0]["planned"] == 2
    assert api.post(f"{url}submit/", {}, format="json").json()["status"] == PlanStatus.SUBMITTED
    api.force_authenticate(qts_reviewer)

    refused = api.post(f"{url}approve/", {"reason": "同意"}, format="json")

    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": ["Q1: 江宁新鲜乳品有限公司 — 20 batches need at least 3 samples, 2 planned (1 short)."]
    }
    assert api.post(f"{url}refuse/", {"reason": "不足15%"}, format="json").json()["status"] == PlanStatus.REFUSED
    api.force_authenticate(qts_inspector)
    filled = api.post(f"{url}fill-minimums/", format="json").json()
    assert filled["lines"][0]["planned"] == 3 and filled["shortfalls"] == []
    api.post(f"{url}submit/", {"reason": "已补足"}, format="json")
    api.force_authenticate(qts_reviewer)
    approved_plan = api.post(f"{url}approve/", {"reason": "同意", "document_number": "宁江质监抽1号"}, format="json")
    assert approved_plan.status_code == 200 and approved_plan.json()["status"] == PlanStatus.APPROVED

    drawn = api.post(f"/api/v1/plan-lines/{line['id']}/select/", format="json")

    assert drawn.status_code == 200 and len(drawn.json()["selected_lot_ids"]) == 3
    seed = drawn.json()["seed"]
    assert isinstance(seed, str) and int(seed) >= 0
    verified = api.get(f"/api/v1/plan-lines/{line['id']}/verify/").json()
    assert verified["matches"] is True and verified["seed"] == seed
    again = api.post(f"/api/v1/plan-lines/{line['id']}/select/", format="json")
    assert again.status_code == 400
    LotFactory(
        operator=producer, supplier=None, dated=D(2026, 11, 29), kind=LotKind.MILK_POWDER, recorded_by=qts_inspector
    )
    assert api.get(f"/api/v1/plan-lines/{line['id']}/verify/").json()["matches"] is False


def test_a_viewer_is_refused_every_change_through_the_api(api, qts_inspector, qts_reviewer, qts_viewer, producer):
    plan = q1_plan(qts_inspector)
    line = plan.lines.get()
    api.force_authenticate(qts_viewer)
    body = {"rule": "Q1", "jurisdiction": "320115", "period_start": "2026-12-01", "period_end": "2026-12-31"}
    assert api.post(PLANS, body, format="json").status_code == 403
    url = f"{PLANS}{plan.pk}/"
    assert api.post(f"{url}lines/", {"lines": [{"id": line.pk, "planned": 3}]}, format="json").status_code == 403
    assert api.post(f"{url}fill-minimums/", format="json").status_code == 403
    assert api.post(f"{url}submit/", {}, format="json").status_code == 403
    approved(plan, qts_inspector, qts_reviewer)
    assert api.post(f"/api/v1/plan-lines/{line.pk}/select/", format="json").status_code == 403
    assert api.get(f"/api/v1/plan-lines/{line.pk}/verify/").json()["matches"] is False


def test_an_outsider_gets_404s_through_the_api(api, qts_inspector, qts_reviewer, outsider, producer):
    plan = approved(q1_plan(qts_inspector), qts_inspector, qts_reviewer)
    line = plan.lines.get()
    api.force_authenticate(outsider)
    assert api.get(f"{PLANS}{plan.pk}/").status_code == 404
    assert api.post(f"{PLANS}{plan.pk}/refuse/", {"reason": "x"}, format="json").status_code == 404
    assert api.get(f"/api/v1/plan-lines/{line.pk}/").status_code == 404
    assert api.post(f"/api/v1/plan-lines/{line.pk}/select/", format="json").status_code == 404
    assert api.get(f"/api/v1/plan-lines/{line.pk}/verify/").status_code == 404
    assert api.get("/api/v1/plan-lines/", {"plan": plan.pk}).json()["results"] == []


def test_a_q2_refusal_through_the_api_names_the_vehicle(api):
    inspector = member("320115", AgencyKind.AGR, Role.INSPECTOR)
    reviewer = member("320115", AgencyKind.AGR, Role.REVIEWER)
    station = OperatorFactory(kind=K.PURCHASE_STATION)
    Vehicle.objects.create(plate="苏A·N7788", owner=OperatorFactory(kind=K.DAIRY_FARM), capacity_tonnes=8)
    plan = plan_create(
        actor=inspector, rule=Rule.Q2, jurisdiction=place("320115"), period_start=NOV[0], period_end=NOV[1]
    )
    station_line = plan.lines.get(operator=station)
    api.force_authenticate(inspector)
    api.post(f"{PLANS}{plan.pk}/lines/", {"lines": [{"id": station_line.pk, "planned": 1}]}, format="json")
    api.post(f"{PLANS}{plan.pk}/submit/", {}, format="json")
    api.force_authenticate(reviewer)

    refused = api.post(f"{PLANS}{plan.pk}/approve/", {"reason": "同意"}, format="json")

    assert refused.status_code == 400
    (message,) = refused.json()["non_field_errors"]
    assert message.startswith("Q2: 苏A·N7788 — ") and "(1 short)" in message


def test_api_detail_costs_the_same_queries_for_more_lines(api, qts_inspector):
    api.force_authenticate(qts_inspector)
    counts = []
    for n, month in ((2, 11), (20, 12)):
        producers(n)
        plan = plan_create(
            actor=qts_inspector,
            rule=Rule.Q4,
            jurisdiction=place("320115"),
            period_start=D(2026, month, 1),
            period_end=D(2026, month, 28),
        )
        for url in (f"{PLANS}{plan.pk}/", PLANS, f"/api/v1/plan-lines/?plan={plan.pk}"):
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[:3] == counts[3:]

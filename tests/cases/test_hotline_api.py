"""P3: the 12315 / 12365 systems push tickets through the API with a token of a service
account. A ticket is recorded once (201, then 200 with the stored record), a malformed one
is a 400 that writes nothing, a ticket outside the account's jurisdiction is refused, and
without a token nothing happens. Handling and rewards have their API twins."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import Case, Complaint, ComplaintStatus, Reward, RewardStatus
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import local_today

from ..factories import AgencyFactory, member, place
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints/"


@pytest.fixture
def aic_jn():
    return AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320115"))


@pytest.fixture
def hotline_account(aic_jn):
    """As in the demo: a clerk of the provincial industry and commerce bureau."""
    return member("320000", AgencyKind.AIC, Role.CLERK, username="hotline_12315")


@pytest.fixture
def hotline_api(hotline_account):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=hotline_account).key}")
    return api


def as_user(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def ticket(**overrides) -> dict:
    received = timezone.localtime() - datetime.timedelta(hours=5)
    return {
        "hotline": "12315",
        "ticket_number": "12315-2026-004321",
        "kind": "tip",
        "received_at": received.isoformat(),
        "content": "秣陵街道某食杂店销售无厂名厂址的散装奶粉",
        "jurisdiction": "320115",
        "party_name": "秣陵街道某食杂店",
        "informant_name": "吴某",
        "informant_phone": "13913579246",
        "informant_address": "南京市江宁区秣陵街道殷巷社区",
        **overrides,
    }


def test_P3_a_hotline_posts_a_tip_once_201_then_200_with_the_stored_record(hotline_api, hotline_account, aic_jn):
    first = hotline_api.post(URL, ticket(), format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "received" and body["assigned_agency"] == aic_jn.pk
    received = timezone.localdate(Complaint.objects.get().received_at)
    assert body["deadline"] == (received + datetime.timedelta(days=15)).isoformat()
    # The provincial bureau handed the ticket on: it sees the informant masked.
    assert body["informant"]["masked"] and "13913579246" not in first.content.decode()

    again = hotline_api.post(URL, ticket(content="内容被改写", kind="complaint"), format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    stored = Complaint.objects.get()
    assert stored.content == "秣陵街道某食杂店销售无厂名厂址的散装奶粉" and stored.kind == "tip"
    assert stored.recorded_by == hotline_account


def test_P3_the_deadline_is_fifteen_days_after_the_local_date_received(hotline_api, aic_jn):
    received = datetime.datetime(2026, 11, 1, 17, 30, tzinfo=datetime.UTC)  # 01:30 on the 2nd in Nanjing
    body = hotline_api.post(URL, ticket(received_at=received.isoformat()), format="json").json()
    assert body["deadline"] == "2026-11-17"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "rumour"}, "kind"),
        ({"hotline": "110"}, "hotline"),
        ({"jurisdiction": "999999"}, "jurisdiction"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"content": ""}, "content"),
        ({"ticket_number": ""}, "ticket_number"),
    ],
)
def test_P3_a_malformed_ticket_is_a_400_with_field_errors_and_writes_nothing(hotline_api, change, field):
    response = hotline_api.post(URL, ticket(**change), format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Complaint.objects.exists()


def test_P3_a_ticket_received_in_the_future_is_a_400(hotline_api):
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    response = hotline_api.post(URL, ticket(received_at=future), format="json")
    assert response.status_code == 400 and "received_at" in response.json()
    assert not Complaint.objects.exists()


def test_P3_a_ticket_outside_the_accounts_jurisdiction_is_refused(aic_jn):
    AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320300"))
    xuzhou = member("320300", AgencyKind.AIC, Role.CLERK)
    response = as_user(xuzhou).post(URL, ticket(), format="json")
    assert response.status_code == 400 and "jurisdiction" in response.json()
    assert not Complaint.objects.exists()


def test_P3_a_12365_ticket_from_the_12315_account_is_refused(hotline_api):
    response = hotline_api.post(URL, ticket(hotline="12365"), format="json")
    assert response.status_code == 403 and not Complaint.objects.exists()


@pytest.mark.parametrize("authorization", [None, "Token not-a-real-key"])
def test_P3_without_a_valid_token_nothing_is_recorded(authorization, aic_jn):
    api = APIClient()
    if authorization:
        api.credentials(HTTP_AUTHORIZATION=authorization)
    response = api.post(URL, ticket(), format="json")
    assert response.status_code in (401, 403)
    assert api.get(URL).status_code in (401, 403)
    assert not Complaint.objects.exists()


def test_a_viewer_is_403_on_posting_and_on_actions(aic_jn):
    viewer = member("320115", AgencyKind.AIC, Role.VIEWER)
    api = as_user(viewer)
    assert api.post(URL, ticket(), format="json").status_code == 403
    complaint = ComplaintFactory(assigned_agency=aic_jn, recorded_by=viewer)
    answer = api.post(f"{URL}{complaint.pk}/answer/", {"result": "x", "answered_on": local_today()}, format="json")
    assert answer.status_code == 403
    assert api.get(f"{URL}{complaint.pk}/").status_code == 200


def test_another_county_gets_404_on_a_complaint_and_its_actions(aic_jn):
    complaint = ComplaintFactory(assigned_agency=aic_jn, recorded_by=member("320115", AgencyKind.AIC))
    gulou = as_user(member("320106", AgencyKind.AIC, Role.REVIEWER))
    assert gulou.get(f"{URL}{complaint.pk}/").status_code == 404
    assert gulou.get(URL).json()["count"] == 0
    answer = gulou.post(f"{URL}{complaint.pk}/answer/", {"result": "x", "answered_on": local_today()}, format="json")
    assert answer.status_code == 404


def test_P3_the_handling_agency_re_routes_answers_and_opens_a_case_through_the_api(hotline_api, aic_jn):
    inspector = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    api = as_user(inspector)
    tip_id = hotline_api.post(URL, ticket(), format="json").json()["id"]
    other_id = hotline_api.post(URL, ticket(ticket_number="T-2", kind="complaint"), format="json").json()["id"]
    third_id = hotline_api.post(URL, ticket(ticket_number="T-3"), format="json").json()["id"]

    detail = api.get(f"{URL}{tip_id}/").json()
    assert detail["informant"]["name"] == "吴某" and detail["actions"] == ["answer", "to-case", "assign"]

    case = api.post(f"{URL}{tip_id}/to-case/", {"title": "销售来源不明乳粉", "violations": ["expired"]}, format="json")
    assert case.status_code == 200 and case.json()["status"] == ComplaintStatus.CASE_OPENED
    again = api.post(f"{URL}{tip_id}/to-case/", {"title": "again"}, format="json")
    assert again.status_code == 200 and again.json()["case"] == case.json()["case"] and Case.objects.count() == 1

    answered = api.post(f"{URL}{other_id}/answer/", {"result": "已处理", "answered_on": local_today()}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == ComplaintStatus.ANSWERED
    bad = api.post(f"{URL}{other_id}/answer/", {"result": "again", "answered_on": local_today()}, format="json")
    assert bad.status_code == 400

    fda = AgencyFactory(kind=AgencyKind.FDA, jurisdiction=place("320115"))
    routed = api.post(f"{URL}{third_id}/assign/", {"agency": fda.pk, "reason": "餐饮环节"}, format="json")
    assert routed.status_code == 200 and routed.json()["assigned_agency"] == fda.pk
    assert routed.json()["informant"]["masked"]
    decisions = api.get(f"{URL}{third_id}/decisions/").json()
    assert decisions[-1]["reason"] == "餐饮环节"


def test_P3_overdue_tickets_are_flagged_and_filtered(aic_jn):
    inspector = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    late = ComplaintFactory(
        assigned_agency=aic_jn, recorded_by=inspector, deadline=local_today() - datetime.timedelta(days=1)
    )
    ComplaintFactory(assigned_agency=aic_jn, recorded_by=inspector, deadline=local_today())
    body = as_user(inspector).get(URL, {"overdue": "true"}).json()
    assert [row["id"] for row in body["results"]] == [late.pk] and body["results"][0]["overdue"] is True


def test_P3_rewards_through_the_api_proposed_approved_by_another_reviewer_and_paid(hotline_api, aic_jn):
    inspector = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    reviewer = member("320115", AgencyKind.AIC, Role.REVIEWER)
    tip_id = hotline_api.post(URL, ticket(), format="json").json()["id"]
    as_user(inspector).post(f"{URL}{tip_id}/to-case/", {"title": "立案"}, format="json")

    proposed = as_user(inspector).post(
        "/api/v1/rewards/", {"complaint": tip_id, "amount": "600.00", "grounds": "线索属实"}, format="json"
    )
    assert proposed.status_code == 201, proposed.content
    reward_id = proposed.json()["id"]
    assert proposed.json()["informant"]["name"] == "吴某"
    assert as_user(inspector).post(f"/api/v1/rewards/{reward_id}/approve/", {}, format="json").status_code == 403
    approved = as_user(reviewer).post(f"/api/v1/rewards/{reward_id}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == RewardStatus.APPROVED
    paid = as_user(inspector).post(
        f"/api/v1/rewards/{reward_id}/pay/", {"paid_on": local_today().isoformat()}, format="json"
    )
    assert paid.status_code == 200 and paid.json()["status"] == RewardStatus.PAID
    assert Reward.objects.get().amount == Decimal("600.00")


def test_P3_a_reward_for_another_countys_tip_is_a_400_and_a_viewer_is_403(hotline_api, aic_jn):
    tip_id = hotline_api.post(URL, ticket(), format="json").json()["id"]
    gulou = member("320106", AgencyKind.AIC, Role.REVIEWER)
    response = as_user(gulou).post(
        "/api/v1/rewards/", {"complaint": tip_id, "amount": "100", "grounds": "x"}, format="json"
    )
    assert response.status_code == 400 and "complaint" in response.json()
    viewer = member("320115", AgencyKind.AIC, Role.VIEWER)
    response = as_user(viewer).post(
        "/api/v1/rewards/", {"complaint": tip_id, "amount": "100", "grounds": "x"}, format="json"
    )
    assert response.status_code == 403 and not Reward.objects.exists()

"""Complaint and reward pages (P3): scoped (another county gets 404), read-only for viewers
(403 on writes), filtered and exportable; the informant never reaches a page, an API answer
or an export of anyone but the handling agency."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from cases.models import Case, Complaint, ComplaintKind, ComplaintStatus, Hotline, Reward, RewardStatus
from cases.services.complaints import complaint_receive, complaint_to_case
from cases.services.rewards import reward_propose
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import local_today

from ..factories import AgencyFactory, member, place
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME, PHONE, ADDRESS = "林秀英", "13912345678", "南京市江宁区东山街道竹山路88号3栋"


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def hotline():
    return member("320000", AgencyKind.AIC, Role.CLERK)


@pytest.fixture
def aic_viewer(aic_inspector):
    return member("320115", AgencyKind.AIC, Role.VIEWER)


@pytest.fixture
def outsider():
    """Industry and commerce of Gulou (320106): same kind, another county."""
    return member("320106", AgencyKind.AIC, Role.REVIEWER)


@pytest.fixture
def complaint(hotline, aic_inspector):
    complaint, _ = complaint_receive(
        actor=hotline,
        hotline=Hotline.AIC_12315,
        ticket_number="12315-2026-000888",
        kind=ComplaintKind.TIP,
        received_at=timezone.now() - datetime.timedelta(days=2),
        content="东山某食杂店销售无生产日期的散装奶粉",
        jurisdiction=place("320115"),
        party_name="东山某食杂店",
        informant_name=NAME,
        informant_phone=PHONE,
        informant_address=ADDRESS,
    )
    return complaint


def xlsx_text(response) -> str:
    """Every cell of the workbook, and its raw XML, as one string to search."""
    assert response["Content-Type"] == XLSX
    content = response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        raw = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))
    cells = [str(c.value) for ws in load_workbook(io.BytesIO(content)) for row in ws.iter_rows() for c in row]
    return raw + "\n".join(cells)


# --- P3: masking everywhere -----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [
        ("320115", AgencyKind.QTS, Role.REVIEWER),  # another department of the same county
        ("320100", AgencyKind.AIC, Role.REVIEWER),  # the upper-level office of the same kind
        ("320000", AgencyKind.FSO, Role.REVIEWER),  # the provincial food safety office
        ("320000", AgencyKind.AIC, Role.CLERK),  # the hotline bureau that handed the ticket on
    ],
)
def test_p3_informant_is_masked_in_page_api_and_export_for_other_agencies(client, complaint, code, kind, role):
    other = member(code, kind, role)
    login(client, other)
    pages = [
        client.get(reverse("complaint_detail", args=[complaint.pk])),
        client.get(reverse("complaint_list")),
        client.get(reverse("history", args=["cases.complaint", complaint.pk])),
    ]
    assert all(p.status_code == 200 for p in pages)
    assert "139****5678" in pages[0].content.decode()
    api = APIClient()
    api.force_authenticate(other)
    answers = [
        api.get(f"/api/v1/complaints/{complaint.pk}/"),
        api.get("/api/v1/complaints/"),
    ]
    assert all(a.status_code == 200 for a in answers)
    assert answers[0].json()["informant"] == {
        "name": "林**",
        "phone": "139****5678",
        "address": "南京市江宁区****",
        "masked": True,
    }
    export = client.get(reverse("complaint_list"), {"export": "xlsx"})
    exported = xlsx_text(export)
    assert "139****5678" in exported  # the row is there, masked
    texts = [p.content.decode() for p in pages] + [a.content.decode() for a in answers] + [exported]
    for text in texts:
        for secret in (NAME, PHONE, ADDRESS):
            assert secret not in text


def test_p3_the_handling_agency_sees_the_informant_in_page_api_and_export(client, complaint, aic_viewer):
    login(client, aic_viewer)
    page = client.get(reverse("complaint_detail", args=[complaint.pk])).content.decode()
    api = APIClient()
    api.force_authenticate(aic_viewer)
    answer = api.get(f"/api/v1/complaints/{complaint.pk}/").json()
    exported = xlsx_text(client.get(reverse("complaint_list"), {"export": "xlsx"}))
    history = client.get(reverse("history", args=["cases.complaint", complaint.pk])).content.decode()
    for secret in (NAME, PHONE, ADDRESS):
        assert secret in page and secret in exported and secret in history
    assert answer["informant"] == {"name": NAME, "phone": PHONE, "address": ADDRESS, "masked": False}
    assert "informant_name" not in answer  # the raw fields are write-only


def test_p3_the_informant_cannot_be_found_by_searching_the_list(client, complaint):
    login(client, member("320115", AgencyKind.QTS, Role.REVIEWER))
    for term in (NAME, PHONE, "竹山路"):
        response = client.get(reverse("complaint_list"), {"q": term})
        assert response.context["paginator"].count == 0


def test_p3_the_reward_page_and_api_mask_the_person_rewarded(client, complaint, aic_inspector):
    complaint_to_case(actor=aic_inspector, complaint=complaint, title="立案")
    complaint.refresh_from_db()
    reward = reward_propose(actor=aic_inspector, complaint=complaint, amount=Decimal("300"), grounds="属实")
    city = member("320100", AgencyKind.AIC, Role.REVIEWER)
    api = APIClient()
    api.force_authenticate(city)
    texts = [api.get(f"/api/v1/rewards/{reward.pk}/").content.decode(), api.get("/api/v1/rewards/").content.decode()]
    login(client, city)
    texts.append(client.get(reverse("complaint_detail", args=[complaint.pk])).content.decode())
    for text in texts:
        for secret in (NAME, PHONE, ADDRESS):
            assert secret not in text


# --- lists, filters, export -----------------------------------------------------------


def test_the_list_shows_only_the_users_scope(client, complaint, outsider):
    elsewhere = ComplaintFactory(
        jurisdiction=place("320106"),
        assigned_agency=outsider.agency,
        recorded_by=outsider,
        ticket_number="12315-gulou",
    )
    login(client, member("320115", AgencyKind.QTS, Role.VIEWER))
    rows = list(client.get(reverse("complaint_list")).context["object_list"])
    assert complaint in rows and elsewhere not in rows


def test_P3_the_list_filters_by_hotline_kind_status_overdue_place_and_date(client, aic_inspector):
    def make(**kwargs):
        return ComplaintFactory(recorded_by=aic_inspector, assigned_agency=aic_inspector.agency, **kwargs)

    today = local_today()
    late = make(deadline=today - datetime.timedelta(days=2), ticket_number="late")
    done = make(deadline=today - datetime.timedelta(days=2), status=ComplaintStatus.ANSWERED, ticket_number="done")
    consult = make(
        kind=ComplaintKind.CONSULTATION,
        hotline=Hotline.QTS_12365,
        deadline=today + datetime.timedelta(days=10),
        received_at=timezone.now() - datetime.timedelta(days=40),
        ticket_number="consult",
    )
    gulou = make(jurisdiction=place("320106"), deadline=today + datetime.timedelta(days=3), ticket_number="gulou")
    login(client, member("320100", AgencyKind.FSO, Role.VIEWER))

    def rows(**query):
        response = client.get(reverse("complaint_list"), query)
        assert response.status_code == 200
        return set(response.context["object_list"])

    assert rows(overdue="true") == {late}
    assert rows(overdue="false") == {done, consult, gulou}
    assert rows(hotline=Hotline.QTS_12365) == {consult}
    assert rows(kind=ComplaintKind.CONSULTATION) == {consult}
    assert rows(status=ComplaintStatus.ANSWERED) == {done}
    assert rows(jurisdiction="320106") == {gulou}
    cutoff = (today - datetime.timedelta(days=20)).isoformat()
    assert rows(received_to=cutoff) == {consult}
    assert consult not in rows(received_from=cutoff)
    page = client.get(reverse("complaint_list"), {"overdue": "true"}).content.decode()
    assert 'data-testid="overdue"' in page


def test_the_list_exports_xlsx_with_the_overdue_flag(client, aic_inspector):
    ComplaintFactory(
        recorded_by=aic_inspector,
        assigned_agency=aic_inspector.agency,
        deadline=local_today() - datetime.timedelta(days=1),
        ticket_number="T-LATE",
    )
    login(client, aic_inspector)
    response = client.get(reverse("complaint_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert "ticket number" in header and "overdue" in header
    assert row[header.index("ticket number")] == "T-LATE" and row[header.index("overdue")] == "yes"


# --- detail, intake ---------------------------------------------------------------------


def test_another_county_gets_404_on_the_complaint_and_its_actions(client, complaint, outsider):
    login(client, outsider)
    assert client.get(reverse("complaint_detail", args=[complaint.pk])).status_code == 404
    url = reverse("complaint_act", args=[complaint.pk, "answer"])
    assert client.post(url, {"answer-result": "x", "answer-answered_on": local_today()}).status_code == 404
    assert client.get(reverse("reward_propose", args=[complaint.pk])).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_a_viewer_of_the_handling_agency_reads_but_gets_403_on_writes(client, complaint, aic_viewer):
    login(client, aic_viewer)
    page = client.get(reverse("complaint_detail", args=[complaint.pk]))
    assert page.status_code == 200 and page.context["actions"] == []
    assert client.get(reverse("complaint_new")).status_code == 403
    url = reverse("complaint_act", args=[complaint.pk, "answer"])
    assert client.post(url, {"answer-result": "x", "answer-answered_on": local_today()}).status_code == 403
    assert client.get(reverse("reward_propose", args=[complaint.pk])).status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_P3_a_clerk_records_a_ticket_once_from_the_phone_friendly_form(client):
    AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320115"))
    clerk = member("320115", AgencyKind.AIC, Role.CLERK)
    login(client, clerk)
    form = client.get(reverse("complaint_new"))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'type="datetime-local"' in html and 'type="tel"' in html
    assert form.context["form"].fields["hotline"].choices == [("12315", "12315"), ("other", "Other")]
    data = {
        "hotline": "12315",
        "ticket_number": "12315-W-1",
        "kind": "complaint",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "jurisdiction": "320115",
        "content": "超市销售过期酸奶",
        "informant_name": "王某",
        "informant_phone": "13800001111",
    }
    first = client.post(reverse("complaint_new"), data)
    complaint = Complaint.objects.get()
    assert first.status_code == 302 and first.url == reverse("complaint_detail", args=[complaint.pk])
    assert complaint.assigned_agency == clerk.agency and complaint.recorded_by == clerk
    again = client.post(reverse("complaint_new"), {**data, "content": "改写"}, follow=True)
    assert Complaint.objects.count() == 1 and "already recorded" in again.content.decode()


def test_a_bad_ticket_is_a_form_error_that_writes_nothing(client):
    login(client, member("320115", AgencyKind.AIC, Role.CLERK))
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("complaint_new"),
        {
            "hotline": "12315",
            "ticket_number": "X",
            "kind": "tip",
            "received_at": future,
            "jurisdiction": "320115",
            "content": "x",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["received_at"]
    assert not Complaint.objects.exists()


# --- handling and rewards through the pages -------------------------------------------


def test_P3_the_handling_agency_answers_from_the_detail_page(client, complaint, aic_inspector):
    login(client, aic_inspector)
    detail = client.get(reverse("complaint_detail", args=[complaint.pk]))
    assert [a["name"] for a in detail.context["actions"]] == ["answer", "to-case", "assign"]
    url = reverse("complaint_act", args=[complaint.pk, "answer"])
    bad = client.post(url, {"answer-result": "", "answer-answered_on": local_today()})
    assert bad.status_code == 400
    good = client.post(url, {"answer-result": "已责令下架", "answer-answered_on": local_today()})
    assert good.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED


def test_P3_the_handling_agency_re_routes_from_the_detail_page(client, complaint, aic_inspector):
    fda = AgencyFactory(kind=AgencyKind.FDA, jurisdiction=place("320115"))
    login(client, aic_inspector)
    url = reverse("complaint_act", args=[complaint.pk, "assign"])
    response = client.post(url, {"assign-agency": fda.pk, "assign-reason": "涉及餐饮单位"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.assigned_agency == fda and complaint.status == ComplaintStatus.HANDLING
    # The complaint is still visible to Jiangning's industry and commerce, but masked now.
    page = client.get(reverse("complaint_detail", args=[complaint.pk])).content.decode()
    assert NAME not in page


def test_P3_a_tip_becomes_a_case_once_from_the_page_and_is_rewarded_and_paid(
    client, complaint, aic_inspector, aic_reviewer
):
    login(client, aic_inspector)
    url = reverse("complaint_act", args=[complaint.pk, "to-case"])
    assert (
        client.post(url, {"to-case-title": "食杂店销售来源不明乳粉", "to-case-violations": ["expired"]}).status_code
        == 302
    )
    assert client.post(url, {"to-case-title": "again"}).status_code == 403  # no longer open
    complaint.refresh_from_db()
    assert Case.objects.count() == 1 and complaint.case.violations == ["expired"]

    propose_url = reverse("reward_propose", args=[complaint.pk])
    assert client.get(propose_url).status_code == 200
    assert client.post(propose_url, {"amount": "-1", "grounds": "x"}).status_code == 400
    assert client.post(propose_url, {"amount": "800.00", "grounds": "线索属实"}).status_code == 302
    reward = Reward.objects.get()
    assert reward.amount == Decimal("800.00")

    approve = reverse("reward_act", args=[reward.pk, "approve"])
    assert client.post(approve, {"approve-reason": ""}).status_code == 403  # the proposer
    login(client, aic_reviewer)
    assert client.post(approve, {"approve-reason": "同意"}).status_code == 302
    login(client, aic_inspector)
    pay = reverse("reward_act", args=[reward.pk, "pay"])
    assert client.post(pay, {"pay-paid_on": local_today() + datetime.timedelta(days=3)}).status_code == 400
    assert client.post(pay, {"pay-paid_on": local_today(), "pay-reason": "转账"}).status_code == 302
    reward.refresh_from_db()
    assert reward.status == RewardStatus.PAID


def test_another_county_gets_404_on_a_reward(client, complaint, aic_inspector, outsider):
    complaint_to_case(actor=aic_inspector, complaint=complaint, title="立案")
    complaint.refresh_from_db()
    reward = reward_propose(actor=aic_inspector, complaint=complaint, amount=Decimal("100"), grounds="属实")
    login(client, outsider)
    assert client.post(reverse("reward_act", args=[reward.pk, "approve"]), {}).status_code == 404

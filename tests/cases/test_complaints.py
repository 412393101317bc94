"""P3 hotline tickets: intake is idempotent on the ticket, routed by hotline to the handling
department with a deadline; handling moves through an explicit table; a tip becomes one
case; the informant is masked for everyone but the handling agency."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Case, Complaint, ComplaintKind, ComplaintStatus, Hotline, SourceKind, Violation
from cases.services.complaints import (
    COMPLAINT_TRANSITIONS,
    HANDLING_DAYS,
    complaint_actions_for,
    complaint_answer,
    complaint_assign,
    complaint_receive,
    complaint_to_case,
    handling_deadline,
    is_overdue,
    overdue_q,
)
from cases.services.masking import informant_of, informant_visible, masked_address, masked_name, masked_phone
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification, StateChange
from dairy_campaign.services.campaigns import local_today

from ..factories import AgencyFactory, member, place
from ..licensing.factories import OperatorFactory
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db
S = ComplaintStatus


@pytest.fixture
def hotline():
    """The 12315 system's account: a clerk of the provincial industry and commerce bureau."""
    return member("320000", AgencyKind.AIC, Role.CLERK, username="hotline_12315")


@pytest.fixture
def aic_jn():
    return AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320115"))


@pytest.fixture
def qts_jn():
    return AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115"))


def ago(days: int, hours: int = 0) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


def receive(actor, **overrides):
    data = {
        "hotline": Hotline.AIC_12315,
        "ticket_number": "12315-2026-000001",
        "kind": ComplaintKind.TIP,
        "received_at": ago(1),
        "content": "东山某食杂店销售无生产日期的散装奶粉",
        "jurisdiction": place("320115"),
        "party_name": "东山某食杂店",
        "informant_name": "林秀英",
        "informant_phone": "13912345678",
        "informant_address": "南京市江宁区东山街道竹山路88号3栋",
    }
    return complaint_receive(actor=actor, **{**data, **overrides})


# --- intake ---------------------------------------------------------------------------


def test_P3_a_12315_ticket_goes_to_industry_and_commerce_of_the_county_which_is_notified(hotline, aic_inspector):
    complaint, created = receive(hotline)
    assert created and complaint.status == S.RECEIVED and complaint.recorded_by == hotline
    assert complaint.assigned_agency == aic_inspector.agency
    note = Notification.objects.get(recipient=aic_inspector)
    assert "林秀英" not in note.title + note.body and "13912345678" not in note.body
    assert complaint.history.count() == 1


def test_P3_a_12365_ticket_goes_to_quality_supervision(qts_jn):
    qts_hotline = member("320000", AgencyKind.QTS, Role.CLERK)
    complaint, _ = receive(qts_hotline, hotline=Hotline.QTS_12365, ticket_number="12365-1")
    assert complaint.assigned_agency == qts_jn


def test_P3_without_a_county_department_the_ticket_goes_to_the_nearest_level_above(hotline):
    city_aic = AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320300"))
    complaint, _ = receive(hotline, jurisdiction=place("320324"))
    assert complaint.assigned_agency == city_aic


def test_P3_a_named_handling_agency_of_the_place_is_kept(hotline, aic_jn):
    fda = AgencyFactory(kind=AgencyKind.FDA, jurisdiction=place("320115"))
    complaint, _ = receive(hotline, assigned_agency=fda)
    assert complaint.assigned_agency == fda


def test_P3_a_handling_agency_of_another_place_or_a_non_regulator_is_refused(hotline, aic_jn):
    for agency in (
        AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320102")),
        AgencyFactory(kind=AgencyKind.PSB, jurisdiction=place("320115")),
    ):
        with pytest.raises(ValidationError) as error:
            receive(hotline, assigned_agency=agency)
        assert "assigned_agency" in error.value.message_dict
    assert not Complaint.objects.exists()


def test_P3_the_same_ticket_again_returns_the_stored_record_unchanged(hotline, aic_inspector):
    first, created = receive(hotline)
    again, created_again = receive(hotline, content="内容被改写", informant_name="别人", kind=ComplaintKind.COMPLAINT)
    assert created and not created_again and again.pk == first.pk
    again.refresh_from_db()
    assert (again.content, again.informant_name, again.kind) == (first.content, "林秀英", ComplaintKind.TIP)
    assert Complaint.objects.count() == 1 and Notification.objects.filter(recipient=aic_inspector).count() == 1


def test_P3_the_same_number_on_the_other_hotline_is_another_ticket(hotline, aic_jn, qts_jn):
    receive(hotline, ticket_number="2026-1")
    receive(member("320000", AgencyKind.QTS, Role.CLERK), hotline=Hotline.QTS_12365, ticket_number="2026-1")
    assert Complaint.objects.count() == 2


def test_P3_the_deadline_is_fifteen_days_from_the_local_date_received(hotline, aic_jn):
    assert HANDLING_DAYS == 15
    # 17:00 UTC is 01:00 the next day in Nanjing.
    late = datetime.datetime(2026, 11, 1, 17, 0, tzinfo=datetime.UTC)
    assert handling_deadline(late) == datetime.date(2026, 11, 17)
    complaint, _ = receive(hotline, received_at=ago(3))
    assert complaint.deadline == timezone.localdate(complaint.received_at) + datetime.timedelta(days=15)


@pytest.mark.parametrize(
    ("code", "kind", "role", "hotline_name"),
    [
        ("320115", AgencyKind.AIC, Role.VIEWER, Hotline.AIC_12315),  # read-only role
        ("320000", AgencyKind.QTS, Role.CLERK, Hotline.AIC_12315),  # 12315 is not quality supervision's
        ("320000", AgencyKind.AIC, Role.CLERK, Hotline.QTS_12365),  # nor 12365 industry and commerce's
    ],
)
def test_P3_tickets_are_recorded_only_by_a_writer_of_the_department_running_the_hotline(
    code, kind, role, hotline_name, aic_jn
):
    with pytest.raises(PermissionDenied):
        receive(member(code, kind, role), hotline=hotline_name)
    assert not Complaint.objects.exists()


def test_P3_a_ticket_outside_the_recorders_jurisdiction_is_refused(aic_jn):
    xuzhou_clerk = member("320300", AgencyKind.AIC, Role.CLERK)
    with pytest.raises(ValidationError) as error:
        receive(xuzhou_clerk)
    assert "jurisdiction" in error.value.message_dict and not Complaint.objects.exists()


def test_P3_a_known_ticket_of_another_jurisdiction_is_not_revealed(hotline, aic_jn):
    receive(hotline)
    AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320300"))
    with pytest.raises(ValidationError) as error:
        receive(member("320300", AgencyKind.AIC, Role.CLERK), jurisdiction=place("320324"))
    assert "ticket_number" in error.value.message_dict


def test_P3_a_ticket_received_in_the_future_is_refused(hotline, aic_jn):
    with pytest.raises(ValidationError) as error:
        receive(hotline, received_at=timezone.now() + datetime.timedelta(hours=2))
    assert "received_at" in error.value.message_dict


def test_P3_an_operator_outside_the_place_of_the_complaint_is_refused(hotline, aic_jn):
    with pytest.raises(ValidationError) as error:
        receive(hotline, operator=OperatorFactory(county=place("320102")))
    assert "operator" in error.value.message_dict


# --- handling -------------------------------------------------------------------------


def test_P3_the_transition_table_ends_at_answered_or_case_opened():
    assert S.ANSWERED not in COMPLAINT_TRANSITIONS and S.CASE_OPENED not in COMPLAINT_TRANSITIONS
    assert COMPLAINT_TRANSITIONS[S.RECEIVED] == {S.HANDLING, S.ANSWERED, S.CASE_OPENED}


def test_P3_the_handling_agency_re_routes_a_catering_tip_and_the_new_department_is_told(hotline, aic_inspector):
    complaint, _ = receive(hotline)
    fda = AgencyFactory(kind=AgencyKind.FDA, jurisdiction=place("320115"))
    fda_inspector = member("320115", AgencyKind.FDA, Role.INSPECTOR)
    complaint_assign(actor=aic_inspector, complaint=complaint, agency=fda, reason="涉及餐饮环节")
    complaint.refresh_from_db()
    assert complaint.assigned_agency == fda and complaint.status == S.HANDLING
    assert Notification.objects.filter(recipient=fda_inspector).exists()
    change = StateChange.objects.get(object_id=str(complaint.pk), to_state=S.HANDLING)
    assert change.reason == "涉及餐饮环节" and change.actor == aic_inspector
    # The new department may send it on again; the old one no longer may.
    assert "assign" in complaint_actions_for(fda_inspector, complaint)
    assert complaint_actions_for(aic_inspector, complaint) == []


def test_P3_the_provincial_bureau_that_dispatched_a_ticket_may_re_route_it(hotline, aic_jn):
    complaint, _ = receive(hotline)
    county_qts = AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115"))
    complaint_assign(actor=hotline, complaint=complaint, agency=county_qts, reason="属生产环节")
    assert complaint.assigned_agency == county_qts


def test_P3_re_routing_needs_a_reason_and_a_department_of_the_place(hotline, aic_inspector):
    complaint, _ = receive(hotline)
    with pytest.raises(ValidationError):
        complaint_assign(
            actor=aic_inspector,
            complaint=complaint,
            agency=AgencyFactory(kind=AgencyKind.FDA, jurisdiction=place("320115")),
            reason=" ",
        )
    with pytest.raises(ValidationError) as error:
        complaint_assign(
            actor=aic_inspector,
            complaint=complaint,
            agency=AgencyFactory(kind=AgencyKind.FDA, jurisdiction=place("320102")),
            reason="x",
        )
    assert "agency" in error.value.message_dict
    complaint.refresh_from_db()
    assert complaint.assigned_agency == aic_inspector.agency and complaint.status == S.RECEIVED


@pytest.mark.parametrize(
    ("code", "kind", "role"),
    [
        ("320115", AgencyKind.QTS, Role.REVIEWER),  # another department of the county
        ("320115", AgencyKind.AIC, Role.VIEWER),  # the handling agency's viewer
        ("320100", AgencyKind.FSO, Role.REVIEWER),  # the city's food safety office
    ],
)
def test_P3_others_neither_answer_nor_open_a_case_nor_re_route(hotline, aic_jn, code, kind, role):
    complaint, _ = receive(hotline)
    outsider = member(code, kind, role)
    assert complaint_actions_for(outsider, complaint) == []
    with pytest.raises(PermissionDenied):
        complaint_answer(actor=outsider, complaint=complaint, result="已处理", answered_on=local_today())
    with pytest.raises(PermissionDenied):
        complaint_to_case(actor=outsider, complaint=complaint, title="立案")
    with pytest.raises(PermissionDenied):
        complaint_assign(actor=outsider, complaint=complaint, agency=AgencyFactory(kind=AgencyKind.FDA), reason="x")


def test_P3_the_handling_agency_answers_and_the_complaint_is_done(hotline, aic_inspector):
    complaint, _ = receive(hotline, kind=ComplaintKind.COMPLAINT)
    complaint_answer(actor=aic_inspector, complaint=complaint, result="已责令下架", answered_on=local_today())
    complaint.refresh_from_db()
    assert (complaint.status, complaint.result, complaint.answered_on) == (S.ANSWERED, "已责令下架", local_today())
    assert complaint_actions_for(aic_inspector, complaint) == []
    with pytest.raises(ValidationError):
        complaint_answer(actor=aic_inspector, complaint=complaint, result="again", answered_on=local_today())


@pytest.mark.parametrize(
    ("result", "answered_on", "field"),
    [
        ("", 0, "result"),
        ("已处理", 1, "answered_on"),  # tomorrow
        ("已处理", -5, "answered_on"),  # before the ticket came in
    ],
)
def test_P3_an_answer_needs_a_result_and_a_date_between_receipt_and_today(
    hotline, aic_inspector, result, answered_on, field
):
    complaint, _ = receive(hotline, received_at=ago(2))
    with pytest.raises(ValidationError) as error:
        complaint_answer(
            actor=aic_inspector,
            complaint=complaint,
            result=result,
            answered_on=local_today() + datetime.timedelta(days=answered_on),
        )
    assert field in error.value.message_dict
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED


def test_P3_C2_a_tip_becomes_exactly_one_case_of_the_handling_department(hotline, aic_inspector):
    complaint, _ = receive(hotline)
    case = complaint_to_case(
        actor=aic_inspector, complaint=complaint, title="销售来源不明散装乳粉", violations=[Violation.EXPIRED]
    )
    again = complaint_to_case(actor=aic_inspector, complaint=complaint, title="再次立案")
    complaint.refresh_from_db()
    assert again == case and Case.objects.count() == 1
    assert complaint.status == S.CASE_OPENED and complaint.case == case
    assert case.agency == aic_inspector.agency and case.jurisdiction_id == "320115"
    assert case.source_kind == SourceKind.COMPLAINT and case.source == complaint
    assert case.facts == complaint.content and case.party_name == "东山某食杂店"
    assert case.violations == [Violation.EXPIRED]
    # The informant stays with the complaint: the case is read by every level above.
    assert "林秀英" not in f"{case.title}{case.facts}{case.source_label}"


def test_P3_a_consultation_is_not_turned_into_a_case(hotline, aic_inspector):
    complaint, _ = receive(hotline, kind=ComplaintKind.CONSULTATION)
    assert "to-case" not in complaint_actions_for(aic_inspector, complaint)
    with pytest.raises(ValidationError):
        complaint_to_case(actor=aic_inspector, complaint=complaint, title="立案")
    assert not Case.objects.exists()


def test_P3_a_tip_naming_no_party_needs_one_to_become_a_case(hotline, aic_inspector):
    complaint, _ = receive(hotline, party_name="")
    with pytest.raises(ValidationError):
        complaint_to_case(actor=aic_inspector, complaint=complaint, title="立案")
    case = complaint_to_case(actor=aic_inspector, complaint=complaint, title="立案", party_name="某无证窝点")
    assert case.party_name == "某无证窝点"


def test_P3_an_answered_complaint_does_not_become_a_case_afterwards(hotline, aic_inspector):
    complaint, _ = receive(hotline, kind=ComplaintKind.COMPLAINT)
    complaint_answer(actor=aic_inspector, complaint=complaint, result="已处理", answered_on=local_today())
    with pytest.raises(ValidationError):
        complaint_to_case(actor=aic_inspector, complaint=complaint, title="立案")
    assert not Case.objects.exists()


# --- overdue --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "days_past", "overdue"),
    [
        (S.RECEIVED, 1, True),
        (S.HANDLING, 1, True),
        (S.RECEIVED, 0, False),  # due today: not yet late
        (S.ANSWERED, 5, False),
        (S.CASE_OPENED, 5, False),
    ],
)
def test_P3_a_complaint_past_its_deadline_and_not_answered_is_overdue(aic_inspector, status, days_past, overdue):
    today = datetime.date(2026, 12, 20)
    complaint = ComplaintFactory(
        status=status, deadline=today - datetime.timedelta(days=days_past), recorded_by=aic_inspector
    )
    assert is_overdue(complaint, today) is overdue
    assert Complaint.objects.filter(overdue_q(today)).filter(pk=complaint.pk).exists() is overdue


# --- masking --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [("林秀英", "林**"), ("张三", "张*"), ("", ""), ("王", "王*")])
def test_P3_a_masked_name_keeps_the_surname_only(name, expected):
    assert masked_name(name) == expected


@pytest.mark.parametrize(
    ("phone", "expected"),
    [("13912341234", "139****1234"), ("025-52101234", "025****1234"), ("1234567", "*******"), ("", "")],
)
def test_P3_a_masked_phone_shows_the_first_three_and_last_four_digits(phone, expected):
    assert masked_phone(phone) == expected


def test_P3_a_masked_address_shows_no_more_than_the_district():
    address = "南京市江宁区东山街道竹山路88号3栋"
    assert masked_address(address) == "南京市江宁区****" and masked_address("") == ""


def test_P3_only_the_handling_agency_sees_the_informant(hotline, aic_inspector):
    complaint, _ = receive(hotline)
    assert informant_of(aic_inspector, complaint) == {
        "name": "林秀英",
        "phone": "13912345678",
        "address": "南京市江宁区东山街道竹山路88号3栋",
        "masked": False,
    }
    for other in (
        hotline,  # the provincial bureau that took the call has handed it on
        member("320115", AgencyKind.QTS, Role.REVIEWER),
        member("320100", AgencyKind.AIC, Role.REVIEWER),
    ):
        assert not informant_visible(other, complaint)
        assert informant_of(other, complaint) == {
            "name": "林**",
            "phone": "139****5678",
            "address": "南京市江宁区****",
            "masked": True,
        }


def test_P3_after_re_routing_the_informant_follows_the_complaint(hotline, aic_inspector):
    complaint, _ = receive(hotline)
    fda = AgencyFactory(kind=AgencyKind.FDA, jurisdiction=place("320115"))
    complaint_assign(actor=aic_inspector, complaint=complaint, agency=fda, reason="餐饮环节")
    assert informant_of(aic_inspector, complaint)["masked"]
    assert not informant_of(member("320115", AgencyKind.FDA, Role.VIEWER), complaint)["masked"]


# --- demo -----------------------------------------------------------------------------


def test_P3_the_demo_tickets_show_each_stage_and_are_idempotent():
    from cases import demo_complaints
    from dairy_campaign import demo

    demo.seed()
    demo_complaints.seed()
    counts = (Complaint.objects.count(), Case.objects.count())
    demo_complaints.seed()
    assert (Complaint.objects.count(), Case.objects.count()) == counts
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {S.ANSWERED, S.CASE_OPENED, S.RECEIVED} <= statuses
    assert Complaint.objects.filter(overdue_q()).exists()
    assert set(Complaint.objects.values_list("reward__status", flat=True)) >= {"proposed", "paid"}
    account = Complaint.objects.filter(hotline=Hotline.AIC_12315).first().recorded_by
    assert account.username == "hotline_12315" and not account.has_usable_password()

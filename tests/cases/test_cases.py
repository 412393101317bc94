"""C2: a case's lifecycle, from the clue to its closure, decided only by reviewers of the
department handling it; penalties; licence cancellation through the licensing services;
task forces; numbering and the one-case-per-source rule."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Case, CaseStatus, Decision, PoliceReferral, PoliceReferralStatus, SourceKind, Violation
from cases.services.cases import (
    CASE_ACTIONS,
    CASE_FLOW,
    case_act,
    case_actions_for,
    case_create,
    case_decide,
    case_propose_licence_cancellation,
    case_task_force,
)
from cases.services.clues import case_open_clue
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification
from dairy_campaign.transitions import state_changes
from licensing.models import LicenceStatus, LicenceType, OperatorKind, OperatorStatus, ScopeCategory

from ..factories import AgencyFactory, member, place
from ..licensing.factories import LicenceFactory, OperatorFactory
from .factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
S = CaseStatus
TODAY = datetime.date(2026, 11, 27)

EXPECTED = {
    "file": S.FILED,
    "dismiss": S.DISMISSED,
    "investigate": S.INVESTIGATING,
    "decide": S.DECIDED,
    "close": S.CLOSED,
}
LIFECYCLE = list(EXPECTED)


def data_for(action):
    data = {"reason": "经审查决定"}
    if action == "file":
        data |= {"document_number": "宁江工商立〔2026〕1号", "violations": [Violation.OVER_LIMIT]}
    if action == "dismiss":
        data["document_number"] = "宁江工商不立〔2026〕1号"
    if action == "decide":
        data |= {"decision": Decision.FINE, "fine_amount": Decimal("5000"), "document_number": "宁江工商罚〔2026〕1号"}
    return data


def case_in(status, **kwargs):
    filed = TODAY - datetime.timedelta(days=3) if status != S.CLUE else None
    return CaseFactory(status=status, filed_on=filed, **kwargs)


def accepted_by_police(case, by):
    PoliceReferral.objects.create(
        case=case,
        police_unit=AgencyFactory(kind=AgencyKind.PSB, jurisdiction=place("320115")),
        referred_on=TODAY,
        document_number="移〔2026〕1号",
        days_from_clue=7,
        status=PoliceReferralStatus.ACCEPTED,
        referred_by=by,
    )


ALLOWED = [(start, action) for action in LIFECYCLE for start in sorted(CASE_ACTIONS[action][0])]
REFUSED = [
    (start, action) for action in LIFECYCLE for start in S.values if EXPECTED[action] not in CASE_FLOW.get(start, ())
]


@pytest.mark.parametrize(("start", "action"), ALLOWED)
def test_every_allowed_decision_moves_the_case_and_is_logged_C2(aic_reviewer, start, action):
    case = case_in(start)
    if action == "close" and start != S.DECIDED:
        accepted_by_police(case, aic_reviewer)
    assert action in case_actions_for(aic_reviewer, case)
    case_act(actor=aic_reviewer, case=case, action=action, **data_for(action))
    case.refresh_from_db()
    assert case.status == EXPECTED[action]
    [change] = state_changes(case)
    assert (change.from_state, change.to_state, change.actor) == (start, EXPECTED[action], aic_reviewer)
    assert change.reason == "经审查决定"
    assert case.history.first().history_user == aic_reviewer


@pytest.mark.parametrize(("start", "action"), REFUSED)
def test_every_other_decision_is_refused_by_the_table_and_changes_nothing(aic_reviewer, start, action):
    case = case_in(start)
    _states, service = CASE_ACTIONS[action]
    assert action not in case_actions_for(aic_reviewer, case)
    with pytest.raises(ValidationError):
        service(actor=aic_reviewer, case=case, **data_for(action))
    with pytest.raises(ValidationError):
        case_act(actor=aic_reviewer, case=case, action=action, **data_for(action))
    case.refresh_from_db()
    assert case.status == start and not state_changes(case)


def test_the_table_and_the_actions_agree():
    for action in LIFECYCLE:
        for start in CASE_ACTIONS[action][0]:
            assert EXPECTED[action] in CASE_FLOW[start]
    assert S.CLOSED not in CASE_FLOW and S.DISMISSED not in CASE_FLOW  # both are final


@pytest.mark.parametrize("start", [S.FILED, S.INVESTIGATING])
def test_an_undecided_case_closes_only_once_the_police_accepted_it_C2(aic_reviewer, start):
    case = case_in(start)
    assert "close" not in case_actions_for(aic_reviewer, case)
    with pytest.raises(ValidationError, match="police accepted"):
        case_act(actor=aic_reviewer, case=case, action="close", reason="移送后结案")
    case.refresh_from_db()
    assert case.status == start


def test_filing_records_the_violations_date_and_approval_number_C2(aic_reviewer):
    case = case_in(S.CLUE, violations=[])
    case_act(actor=aic_reviewer, case=case, action="file", major=True, **data_for("file"))
    case.refresh_from_db()
    assert case.violations == [Violation.OVER_LIMIT] and case.filed_on == TODAY and case.major
    assert state_changes(case)[0].document_number == "宁江工商立〔2026〕1号"


@pytest.mark.parametrize(
    ("field", "value"), [("violations", []), ("violations", ["poisoning"]), ("document_number", " ")]
)
def test_filing_needs_violations_and_an_approval_number(aic_reviewer, field, value):
    case = case_in(S.CLUE)
    with pytest.raises(ValidationError) as error:
        case_act(actor=aic_reviewer, case=case, action="file", **{**data_for("file"), field: value})
    assert field in error.value.message_dict


def test_a_decision_needs_a_reason(aic_reviewer):
    case = case_in(S.CLUE)
    with pytest.raises(ValidationError):
        case_act(actor=aic_reviewer, case=case, action="dismiss", reason="  ")


@pytest.mark.parametrize(
    ("kind", "role", "code"),
    [
        (AgencyKind.AIC, Role.INSPECTOR, "320115"),
        (AgencyKind.AIC, Role.CLERK, "320115"),
        (AgencyKind.AIC, Role.VIEWER, "320115"),
        (AgencyKind.QTS, Role.REVIEWER, "320115"),
        (AgencyKind.FSO, Role.REVIEWER, "320115"),
        (AgencyKind.PSB, Role.REVIEWER, "320115"),
        (AgencyKind.AIC, Role.REVIEWER, "320100"),  # the city's bureau, not the case's department
        (AgencyKind.AIC, Role.REVIEWER, "320102"),  # another county
    ],
)
@pytest.mark.parametrize("action", LIFECYCLE)
def test_only_reviewers_of_the_case_department_decide(kind, role, code, action):
    start = next(s for s, a in ALLOWED if a == action)
    case = case_in(start)
    user = member(code, kind, role)
    assert case_actions_for(user, case) == []
    with pytest.raises(PermissionDenied):
        case_act(actor=user, case=case, action=action, **data_for(action))
    case.refresh_from_db()
    assert case.status == start


# ---------------------------------------------------------------------------------------
# Penalties


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), None, 100.0, "abc", Decimal("0.001"), Decimal("NaN")])
def test_a_fine_must_be_a_positive_exact_amount_in_yuan_C2(aic_reviewer, amount):
    case = case_in(S.INVESTIGATING)
    with pytest.raises(ValidationError) as error:
        case_decide(
            actor=aic_reviewer, case=case, decision=Decision.FINE, reason="r", document_number="罚1", fine_amount=amount
        )
    assert "fine_amount" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == S.INVESTIGATING and case.fine_amount is None


def test_a_fine_is_kept_as_an_exact_decimal_with_its_decision_number(aic_reviewer):
    case = case_in(S.INVESTIGATING)
    case_decide(
        actor=aic_reviewer,
        case=case,
        decision=Decision.FINE,
        reason="销售过期食品",
        document_number="宁江工商罚〔2026〕9号",
        fine_amount="12345.60",
        confiscated="过期乳粉 36 罐",
    )
    case.refresh_from_db()
    assert case.fine_amount == Decimal("12345.60") and case.confiscated == "过期乳粉 36 罐"
    assert (case.decision, case.decision_number, case.decided_on) == (Decision.FINE, "宁江工商罚〔2026〕9号", TODAY)


def test_confiscation_names_what_is_confiscated_and_no_penalty_carries_none(aic_reviewer):
    case = case_in(S.INVESTIGATING)
    with pytest.raises(ValidationError, match="confiscated"):
        case_decide(actor=aic_reviewer, case=case, decision=Decision.CONFISCATION, reason="r", document_number="1")
    with pytest.raises(ValidationError, match="no penalty"):
        case_decide(
            actor=aic_reviewer,
            case=case,
            decision=Decision.NO_PENALTY,
            reason="r",
            document_number="1",
            fine_amount=Decimal("10"),
        )
    with pytest.raises(ValidationError) as error:
        case_decide(actor=aic_reviewer, case=case, decision=Decision.WARNING, reason="r", document_number=" ")
    assert "document_number" in error.value.message_dict


# ---------------------------------------------------------------------------------------
# Licence cancellation (L1, L6) goes through the licensing services


@pytest.fixture
def county_government(db):
    """Jiangning's government carries out the follow-ups of a cancelled production licence (L1)."""
    return AgencyFactory(kind=AgencyKind.GOV, jurisdiction=place("320115"))


def producer_case(kind):
    producer = OperatorFactory(kind=OperatorKind.DAIRY_PRODUCER)
    licence = LicenceFactory(operator=producer, status=LicenceStatus.GRANTED, number="QS-320115-01")
    department = AgencyFactory(kind=kind, jurisdiction=place("320115"))
    case = case_in(S.INVESTIGATING, operator=producer, agency=department, violations=[Violation.DELIBERATE_ADDITION])
    return case, licence


def test_the_issuing_department_cancels_a_licence_through_the_licensing_service_L1(county_government):
    case, licence = producer_case(AgencyKind.QTS)
    qts_reviewer = member("320115", AgencyKind.QTS, Role.REVIEWER)
    case_decide(
        actor=qts_reviewer,
        case=case,
        decision=Decision.LICENCE_CANCELLATION,
        reason="故意添加三聚氰胺",
        document_number="宁江质监罚〔2026〕2号",
        licence=licence,
    )
    licence.refresh_from_db()
    case.refresh_from_db()
    assert licence.status == LicenceStatus.CANCELLED and case.status == S.DECIDED
    [change] = state_changes(licence)
    assert change.actor == qts_reviewer and change.document_number == "宁江质监罚〔2026〕2号"
    assert licence.follow_ups.count() == 2  # invoices recovered, equipment dismantled (L1)
    assert licence.operator.status == OperatorStatus.CLOSED


def test_a_department_that_does_not_issue_the_licence_is_refused_with_the_issuer_named_L1(aic_reviewer):
    case, licence = producer_case(AgencyKind.AIC)
    with pytest.raises(ValidationError) as error:
        case_decide(
            actor=aic_reviewer,
            case=case,
            decision=Decision.LICENCE_CANCELLATION,
            reason="r",
            document_number="宁江工商罚〔2026〕3号",
            licence=licence,
        )
    message = " ".join(error.value.message_dict["licence"])
    assert "only by the department that issued it" in message and str(licence.issuing_agency) in message
    licence.refresh_from_db()
    case.refresh_from_db()
    assert licence.status == LicenceStatus.GRANTED and case.status == S.INVESTIGATING


def test_the_other_department_proposes_the_cancellation_to_the_issuer_instead_L1(aic_reviewer):
    case, licence = producer_case(AgencyKind.AIC)
    qts_member = member("320115", AgencyKind.QTS, Role.REVIEWER)
    assert "propose_cancellation" in case_actions_for(aic_reviewer, case)
    case_propose_licence_cancellation(actor=aic_reviewer, case=case, licence=licence, reason="故意添加三聚氰胺")
    note = Notification.objects.get(recipient=qts_member)
    assert str(licence) in note.title and note.url.endswith(f"/licences/{licence.pk}/")
    assert "proposes cancelling" in case.history.first().history_change_reason
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.GRANTED  # the issuer decides on the licence's page


def test_a_seller_of_over_limit_dairy_loses_all_its_licences_and_business_licence_L6(aic_reviewer):
    shop = OperatorFactory(kind=OperatorKind.SMALL_RETAILER)
    licence = LicenceFactory(
        operator=shop, type=LicenceType.DISTRIBUTION, status=LicenceStatus.GRANTED, scope=[ScopeCategory.DAIRY]
    )
    case = case_in(S.INVESTIGATING, operator=shop, violations=[Violation.OVER_LIMIT])
    case_decide(
        actor=aic_reviewer,
        case=case,
        decision=Decision.LICENCE_CANCELLATION,
        reason="销售三聚氰胺超标乳粉",
        document_number="宁江工商罚〔2026〕7号",
        fine_amount=Decimal("50000"),
    )
    licence.refresh_from_db()
    shop.refresh_from_db()
    assert licence.status == LicenceStatus.CANCELLED
    assert shop.business_licence_cancelled and shop.status == OperatorStatus.CLOSED


def test_a_licence_of_another_party_or_a_party_without_licence_is_refused(aic_reviewer):
    other = LicenceFactory(type=LicenceType.DISTRIBUTION, status=LicenceStatus.GRANTED)
    case = case_in(S.INVESTIGATING, violations=[Violation.EXPIRED])
    with pytest.raises(ValidationError, match="held by the party"):
        case_decide(
            actor=aic_reviewer,
            case=case,
            decision=Decision.LICENCE_CANCELLATION,
            reason="r",
            document_number="1",
            licence=other,
        )
    unregistered = case_in(S.INVESTIGATING, operator=None, party_name="无证摊贩")
    with pytest.raises(ValidationError, match="registered operator"):
        case_decide(
            actor=aic_reviewer,
            case=unregistered,
            decision=Decision.LICENCE_CANCELLATION,
            reason="r",
            document_number="1",
        )


# ---------------------------------------------------------------------------------------
# Clues typed in by hand; numbering; one case per source record


def test_a_clue_typed_in_goes_to_the_actors_department_with_a_unique_number_C2(aic_inspector):
    shop = OperatorFactory(kind=OperatorKind.SMALL_RETAILER)
    first = case_create(
        actor=aic_inspector,
        title="区农委移送：某店销售散装奶粉",
        facts="区农委来函移送线索。",
        jurisdiction=place("320115"),
        operator=shop,
        violations=[Violation.EXPIRED],
        cross_region=True,
    )
    second = case_create(
        actor=aic_inspector,
        title="群众来信",
        facts="来信反映某摊贩销售无标签乳粉。",
        jurisdiction=place("320115"),
        source_kind=SourceKind.COMPLAINT,
        party_name="某摊贩",
    )
    assert first.agency == aic_inspector.agency and first.status == S.CLUE and first.cross_region
    assert (first.number, second.number) == ("320115-2026-AJ00001", "320115-2026-AJ00002")
    assert Case.objects.values("number").distinct().count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [("jurisdiction", "320102"), ("source_kind", SourceKind.LAB_RESULT), ("source_kind", SourceKind.INSPECTION)],
)
def test_a_typed_clue_stays_in_the_actors_jurisdiction_and_sources(aic_inspector, field, value):
    data = {"title": "t", "facts": "f", "jurisdiction": place("320115"), "party_name": "某店"}
    data[field] = place(value) if field == "jurisdiction" else value
    with pytest.raises(ValidationError) as error:
        case_create(actor=aic_inspector, **data)
    assert field in error.value.message_dict
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("kind", "role"), [(AgencyKind.AIC, Role.VIEWER), (AgencyKind.PSB, Role.REVIEWER), (AgencyKind.FSO, Role.REVIEWER)]
)
def test_only_writers_of_an_enforcement_department_type_in_clues(kind, role):
    with pytest.raises(PermissionDenied):
        case_create(
            actor=member("320115", kind, role), title="t", facts="f", jurisdiction=place("320115"), party_name="某店"
        )


def test_a_source_record_opens_one_case_however_often_it_is_handed_over_C2(aic_inspector):
    source = LicenceFactory(type=LicenceType.DISTRIBUTION)  # stands in for a finding of another app
    kwargs = {
        "actor": aic_inspector,
        "agency": aic_inspector.agency,
        "jurisdiction": place("320115"),
        "source_kind": SourceKind.INSPECTION,
        "title": "检查发现",
        "facts": "f",
        "source": source,
        "operator": source.operator,
    }
    first = case_open_clue(**kwargs)
    again = case_open_clue(**kwargs)
    assert first.pk == again.pk and Case.objects.count() == 1


# ---------------------------------------------------------------------------------------
# Task force


def test_a_task_force_is_formed_for_a_filed_case_with_its_leader_among_members_C2(aic_reviewer, psb_reviewer):
    case = case_in(S.FILED)
    inspector = member("320115", AgencyKind.AIC, Role.INSPECTOR)
    city = member("320100", AgencyKind.AIC, Role.REVIEWER)
    task_force = case_task_force(
        actor=aic_reviewer,
        case=case,
        name="超标乳粉专案组",
        leader=aic_reviewer,
        members=[inspector, psb_reviewer, city],
        formed_on=TODAY,
    )
    assert set(task_force.members.all()) == {aic_reviewer, inspector, psb_reviewer, city}
    case_task_force(
        actor=aic_reviewer, case=case, name="专案组（调整）", leader=inspector, members=[inspector], formed_on=TODAY
    )
    task_force.refresh_from_db()
    assert task_force.name == "专案组（调整）" and list(task_force.members.all()) == [inspector]
    reasons = set(task_force.history.values_list("history_change_reason", flat=True))
    assert {"Task force formed", "Task force changed"} <= reasons


def test_a_task_force_needs_a_filed_case_and_members_who_see_it(aic_reviewer):
    with pytest.raises(ValidationError, match="filed case"):
        case_task_force(
            actor=aic_reviewer, case=case_in(S.CLUE), name="n", leader=aic_reviewer, members=[], formed_on=TODAY
        )
    outsider = member("320102", AgencyKind.AIC, Role.INSPECTOR)
    with pytest.raises(ValidationError) as error:
        case_task_force(
            actor=aic_reviewer,
            case=case_in(S.FILED),
            name="n",
            leader=aic_reviewer,
            members=[outsider],
            formed_on=TODAY,
        )
    assert str(outsider) in " ".join(error.value.message_dict["members"])
    with pytest.raises(PermissionDenied):
        case_task_force(
            actor=member("320115", AgencyKind.AIC, Role.INSPECTOR),
            case=case_in(S.FILED),
            name="n",
            leader=aic_reviewer,
            members=[],
            formed_on=TODAY,
        )

"""Every allowed and refused licence transition, with who, when, why and document."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.transitions import state_changes
from licensing.models import LicenceStatus, OperatorStatus, ReviewOutcome
from licensing.services.licences import LICENCE_ACTIONS, LIFECYCLE, licence_act, licence_actions_for, licence_expire

from ..factories import member
from .factories import LicenceFactory

pytestmark = pytest.mark.django_db
S = LicenceStatus
TODAY = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 27, 2, 0, tzinfo=datetime.UTC))


@pytest.fixture
def reviewer():
    return member("320115", AgencyKind.QTS, Role.REVIEWER)


def data_for(action):
    data = {"reason": "依据检查结果", "legal_basis": "乳品质量安全监督管理条例", "document_number": "宁江〔2026〕1号"}
    if action == "grant":
        data |= {"number": "QS-1", "issued_on": TODAY, "expires_on": TODAY.replace(year=2031)}
    if action == "order_rectification":
        data["rectify_by"] = TODAY + datetime.timedelta(days=30)
    return data


EXPECTED = {
    "grant": S.GRANTED,
    "refuse": S.REFUSED,
    "start_review": S.UNDER_REVIEW,
    "pass_review": S.GRANTED,
    "order_rectification": S.RECTIFYING,
    "revoke": S.REVOKED,
    "cancel": S.CANCELLED,
}
ALLOWED = [(start, action) for action, (starts, _) in LICENCE_ACTIONS.items() for start in starts]
REFUSED = [
    (start, action) for action, (starts, _) in LICENCE_ACTIONS.items() for start in S.values if start not in starts
]


@pytest.mark.parametrize(("start", "action"), ALLOWED)
def test_every_allowed_decision_moves_the_licence_and_is_logged_L1(reviewer, start, action):
    licence = LicenceFactory(status=start, number="QS-0" if start != S.APPLIED else "")
    licence_act(actor=reviewer, licence=licence, action=action, **data_for(action))
    licence.refresh_from_db()
    assert licence.status == EXPECTED[action]
    [change] = state_changes(licence)
    assert (change.from_state, change.to_state, change.actor) == (start, EXPECTED[action], reviewer)
    assert change.reason and change.document_number == "宁江〔2026〕1号"
    assert licence.history.first().history_user == reviewer


@pytest.mark.parametrize(("start", "action"), REFUSED)
def test_every_other_decision_is_refused_and_changes_nothing(reviewer, start, action):
    licence = LicenceFactory(status=start)
    with pytest.raises(ValidationError):
        licence_act(actor=reviewer, licence=licence, action=action, **data_for(action))
    licence.refresh_from_db()
    assert licence.status == start and not state_changes(licence)


def test_the_table_and_the_actions_agree():
    for action, (starts, _) in LICENCE_ACTIONS.items():
        for start in starts:
            assert EXPECTED[action] in LIFECYCLE[start]


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (AgencyKind.QTS, Role.INSPECTOR),
        (AgencyKind.QTS, Role.VIEWER),
        (AgencyKind.AIC, Role.REVIEWER),
        (AgencyKind.FSO, Role.REVIEWER),
    ],
)
def test_only_reviewers_of_the_owning_department_decide(kind, role):
    licence = LicenceFactory(status=S.APPLIED)
    user = member("320115", kind, role)
    assert licence_actions_for(user, licence) == []
    with pytest.raises(PermissionDenied):
        licence_act(actor=user, licence=licence, action="grant", **data_for("grant"))


def test_a_reviewer_of_another_county_cannot_decide():
    licence = LicenceFactory(status=S.APPLIED)
    with pytest.raises(PermissionDenied):
        licence_act(
            actor=member("320102", AgencyKind.QTS, Role.REVIEWER),
            licence=licence,
            action="refuse",
            **data_for("refuse"),
        )


def test_a_decision_needs_a_reason(reviewer):
    licence = LicenceFactory(status=S.APPLIED)
    with pytest.raises(ValidationError):
        licence_act(actor=reviewer, licence=licence, action="refuse", reason="  ")


def test_failing_re_review_suspends_the_operator_and_passing_rectification_restores_it_L1(reviewer):
    licence = LicenceFactory(status=S.UNDER_REVIEW, number="QS-9")
    licence_act(actor=reviewer, licence=licence, action="order_rectification", **data_for("order_rectification"))
    licence.operator.refresh_from_db()
    assert licence.operator.status == OperatorStatus.SUSPENDED and licence.review_outcome == ReviewOutcome.FAILED
    licence_act(actor=reviewer, licence=licence, action="pass_review", **data_for("pass_review"))
    licence.refresh_from_db()
    licence.operator.refresh_from_db()
    assert licence.status == S.GRANTED and licence.operator.status == OperatorStatus.OPERATING
    assert licence.review_outcome == ReviewOutcome.FAILED  # the failed re-review stays on record


def test_a_rectification_deadline_in_the_past_is_refused(reviewer):
    licence = LicenceFactory(status=S.UNDER_REVIEW)
    with pytest.raises(ValidationError):
        licence_act(
            actor=reviewer,
            licence=licence,
            action="order_rectification",
            **{**data_for("order_rectification"), "rectify_by": TODAY},
        )


def test_revocation_needs_its_legal_basis_and_document(reviewer):
    licence = LicenceFactory(status=S.RECTIFYING)
    with pytest.raises(ValidationError):
        licence_act(
            actor=reviewer, licence=licence, action="revoke", reason="整改不合格", legal_basis="", document_number=""
        )


def test_a_licence_expires_once_past_its_date_and_only_once():
    licence = LicenceFactory(
        status=S.GRANTED, number="QS-7", issued_on=datetime.date(2021, 1, 1), expires_on=datetime.date(2026, 11, 1)
    )
    assert licence_expire(licence=licence) is True
    assert licence_expire(licence=licence) is False
    licence.refresh_from_db()
    assert licence.status == S.EXPIRED


def test_the_daily_task_expires_only_lapsed_licences():
    from licensing.tasks import licences_expire_due

    lapsed = LicenceFactory(status=S.GRANTED, number="L1", expires_on=datetime.date(2026, 1, 1))
    current = LicenceFactory(status=S.GRANTED, number="L2", expires_on=datetime.date(2027, 1, 1))
    assert licences_expire_due() == 1 and licences_expire_due() == 0
    lapsed.refresh_from_db()
    current.refresh_from_db()
    assert (lapsed.status, current.status) == (S.EXPIRED, S.GRANTED)

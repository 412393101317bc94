"""C2: suspected crimes transferred to the police promptly; days counted in local dates;
late referrals flagged; only the receiving police unit answers."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.filters import CaseFilter
from cases.models import Case, CaseStatus, PoliceReferral, PoliceReferralStatus
from cases.rules import DEFAULT_REFERRAL_LIMIT_DAYS, REFERRAL_LIMIT_DAYS, referral_late
from cases.services.police import police_accept, police_answers_for, police_refer, police_return, with_late_flag
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.demo import DEMO_PDF
from dairy_campaign.models import Notification
from dairy_campaign.transitions import state_changes

from ..factories import AgencyFactory, member, place
from .factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
S = CaseStatus
R = PoliceReferralStatus
TODAY = datetime.date(2026, 11, 27)
UTC = datetime.UTC


def filed_case(**kwargs):
    return CaseFactory(status=kwargs.pop("status", S.FILED), filed_on=TODAY - datetime.timedelta(days=2), **kwargs)


def refer(actor, case, unit, referred_on=TODAY, **kwargs):
    return police_refer(
        actor=actor,
        case=case,
        police_unit=unit,
        referred_on=referred_on,
        document_number="宁江工商移〔2026〕1号",
        **kwargs,
    )


# ---------------------------------------------------------------------------------------
# Timeliness: the rule, then the days a referral records


@pytest.mark.parametrize(
    ("days", "kind", "late"),
    [
        (0, AgencyKind.AIC, False),
        (30, AgencyKind.AIC, False),  # exactly at the limit is on time
        (31, AgencyKind.AIC, True),
        (30, AgencyKind.QTS, False),
        (31, AgencyKind.QTS, True),
        (31, AgencyKind.FSO, True),  # a kind without its own limit gets the default
        (DEFAULT_REFERRAL_LIMIT_DAYS, None, False),
    ],
)
def test_a_referral_slower_than_the_limit_is_late_C2(days, kind, late):
    assert referral_late(days, kind) is late


def test_every_enforcement_department_has_a_limit_and_a_negative_delay_is_impossible_C2():
    assert {AgencyKind.QTS, AgencyKind.AIC, AgencyKind.FDA, AgencyKind.AGR, AgencyKind.CIQ} <= set(REFERRAL_LIMIT_DAYS)
    with pytest.raises(ValueError):
        referral_late(-1, AgencyKind.AIC)


@pytest.mark.parametrize(
    ("clue_at", "referred_on", "days"),
    [
        # 00:30 in Nanjing on the 20th is still the 19th in UTC: the local date counts.
        (datetime.datetime(2026, 11, 19, 16, 30, tzinfo=UTC), datetime.date(2026, 11, 20), 0),
        (datetime.datetime(2026, 11, 19, 16, 30, tzinfo=UTC), datetime.date(2026, 11, 27), 7),
        # 23:59 in Nanjing on the 20th; the next local day is one day later.
        (datetime.datetime(2026, 11, 20, 15, 59, tzinfo=UTC), datetime.date(2026, 11, 21), 1),
        (datetime.datetime(2026, 10, 27, 2, 0, tzinfo=UTC), datetime.date(2026, 11, 27), 31),
    ],
)
def test_days_from_clue_count_local_dates_across_midnight_utc_C2(
    aic_reviewer, psb_reviewer, clue_at, referred_on, days
):
    case = filed_case(clue_at=clue_at)
    referral = refer(aic_reviewer, case, psb_reviewer.agency, referred_on=referred_on)
    assert referral.days_from_clue == days


def test_late_referrals_are_flagged_in_lists_by_the_same_table_C2(aic_reviewer, psb_reviewer):
    on_time = filed_case(clue_at=datetime.datetime(2026, 10, 28, 2, 0, tzinfo=UTC))  # 30 days
    late = filed_case(clue_at=datetime.datetime(2026, 10, 27, 2, 0, tzinfo=UTC))  # 31 days
    for case in (on_time, late):
        refer(aic_reviewer, case, psb_reviewer.agency)
    flags = {r.case_id: r.late for r in with_late_flag(PoliceReferral.objects.all())}
    assert flags == {on_time.pk: False, late.pk: True}
    flagged = CaseFilter({"late_referral": "true"}, queryset=Case.objects.all()).qs
    assert list(flagged) == [late]


# ---------------------------------------------------------------------------------------
# Referring


def test_a_filed_case_is_transferred_with_its_documents_and_the_police_are_told_C2(
    aic_reviewer, psb_reviewer, make_pdf
):
    case = filed_case()
    referral = refer(aic_reviewer, case, psb_reviewer.agency, documents=[make_pdf("移送书.pdf")])
    assert (referral.status, referral.referred_by, referral.days_from_clue) == (R.REFERRED, aic_reviewer, 7)
    [document] = case.evidence.all()
    assert document.sha256 == hashlib.sha256(DEMO_PDF).hexdigest() and "宁江工商移〔2026〕1号" in document.description
    note = Notification.objects.get(recipient=psb_reviewer)
    assert case.title in note.title and note.url.endswith(f"/cases/{case.pk}/")
    assert referral.history.first().history_user == aic_reviewer


def test_a_transfer_with_a_document_that_is_not_one_is_refused_whole(aic_reviewer, psb_reviewer, make_pdf):
    fake = SimpleUploadedFile("移送书.pdf", b"not a pdf")
    with pytest.raises(ValidationError) as error:
        refer(aic_reviewer, filed_case(), psb_reviewer.agency, documents=[make_pdf(), fake])
    assert "移送书.pdf" in " ".join(error.value.message_dict["documents"])
    assert not PoliceReferral.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("unit", ["320100", "320000"])
def test_a_police_unit_above_the_case_may_receive_it(aic_reviewer, unit):
    referral = refer(aic_reviewer, filed_case(), AgencyFactory(kind=AgencyKind.PSB, jurisdiction=place(unit)))
    assert referral.police_unit.jurisdiction_id == unit


@pytest.mark.parametrize(("kind", "code"), [(AgencyKind.QTS, "320115"), (AgencyKind.PSB, "320102")])
def test_only_a_police_unit_at_or_above_the_case_receives_it(aic_reviewer, kind, code):
    unit = AgencyFactory(kind=kind, jurisdiction=place(code))
    with pytest.raises(ValidationError) as error:
        refer(aic_reviewer, filed_case(), unit)
    assert "police_unit" in error.value.message_dict
    assert not PoliceReferral.objects.exists()


@pytest.mark.parametrize("status", [S.CLUE, S.DECIDED, S.CLOSED, S.DISMISSED])
def test_only_a_filed_case_or_one_under_investigation_is_transferred(aic_reviewer, psb_reviewer, status):
    with pytest.raises(ValidationError, match="filed case"):
        refer(aic_reviewer, filed_case(status=status), psb_reviewer.agency)


@pytest.mark.parametrize(
    ("kind", "role", "code"),
    [
        (AgencyKind.AIC, Role.INSPECTOR, "320115"),
        (AgencyKind.AIC, Role.VIEWER, "320115"),
        (AgencyKind.QTS, Role.REVIEWER, "320115"),
        (AgencyKind.PSB, Role.REVIEWER, "320115"),
        (AgencyKind.AIC, Role.REVIEWER, "320102"),
    ],
)
def test_only_reviewers_of_the_case_department_transfer_it(psb_reviewer, kind, role, code):
    with pytest.raises(PermissionDenied):
        refer(member(code, kind, role), filed_case(), psb_reviewer.agency)


@pytest.mark.parametrize(
    ("referred_on", "message"),
    [(TODAY + datetime.timedelta(days=1), "future"), (datetime.date(2026, 11, 19), "after its clue")],
)
def test_the_referral_date_lies_between_the_clue_and_today(aic_reviewer, psb_reviewer, referred_on, message):
    with pytest.raises(ValidationError, match=message):
        refer(aic_reviewer, filed_case(), psb_reviewer.agency, referred_on=referred_on)


def test_a_case_with_the_police_is_not_transferred_twice_but_may_be_again_once_returned(aic_reviewer, psb_reviewer):
    case = filed_case(status=S.INVESTIGATING)
    first = refer(aic_reviewer, case, psb_reviewer.agency)
    with pytest.raises(ValidationError, match="already with the police"):
        refer(aic_reviewer, case, psb_reviewer.agency)
    police_return(actor=psb_reviewer, referral=first, reason="不构成犯罪", answered_on=TODAY)
    again = refer(aic_reviewer, case, psb_reviewer.agency)
    assert again.status == R.REFERRED and case.police_referrals.count() == 2


# ---------------------------------------------------------------------------------------
# Answering


@pytest.fixture
def referral(aic_reviewer, psb_reviewer):
    return refer(aic_reviewer, filed_case(), psb_reviewer.agency)


def test_the_receiving_unit_accepts_with_its_case_number_and_the_department_is_told_C2(
    referral, psb_reviewer, aic_reviewer
):
    assert police_answers_for(psb_reviewer, referral) == ["accept", "return"]
    police_accept(
        actor=psb_reviewer,
        referral=referral,
        police_case_number="江公刑〔2026〕15号",
        answered_on=TODAY,
        note="已立案侦查",
    )
    referral.refresh_from_db()
    assert (referral.status, referral.police_case_number, referral.answer) == (
        R.ACCEPTED,
        "江公刑〔2026〕15号",
        "已立案侦查",
    )
    [change] = state_changes(referral)
    assert (change.actor, change.document_number) == (psb_reviewer, "江公刑〔2026〕15号")
    assert Notification.objects.filter(recipient=aic_reviewer, title__contains="accepted").exists()


def test_the_receiving_unit_returns_with_its_reason(referral, psb_reviewer):
    police_return(actor=psb_reviewer, referral=referral, reason="证据不足，不予立案", answered_on=TODAY)
    referral.refresh_from_db()
    assert (referral.status, referral.answer, referral.answered_on) == (R.RETURNED, "证据不足，不予立案", TODAY)
    with pytest.raises(ValidationError):
        police_accept(actor=psb_reviewer, referral=referral, police_case_number="1", answered_on=TODAY)


@pytest.mark.parametrize(
    ("kind", "role", "code"),
    [
        (AgencyKind.PSB, Role.INSPECTOR, "320115"),  # the receiving unit, without a deciding role
        (AgencyKind.PSB, Role.REVIEWER, "320100"),  # the city's police, who did not receive it
        (AgencyKind.PSB, Role.REVIEWER, "320102"),  # another county's police
        (AgencyKind.AIC, Role.REVIEWER, "320115"),  # the referring department
    ],
)
@pytest.mark.parametrize("answer", ["accept", "return"])
def test_only_the_receiving_police_unit_answers_C2(referral, kind, role, code, answer):
    user = member(code, kind, role)
    assert police_answers_for(user, referral) == []
    with pytest.raises(PermissionDenied):
        if answer == "accept":
            police_accept(actor=user, referral=referral, police_case_number="1", answered_on=TODAY)
        else:
            police_return(actor=user, referral=referral, reason="r", answered_on=TODAY)
    referral.refresh_from_db()
    assert referral.status == R.REFERRED


@pytest.mark.parametrize("answered_on", [datetime.date(2026, 11, 26), TODAY + datetime.timedelta(days=1)])
def test_the_police_answer_between_the_transfer_and_today(referral, psb_reviewer, answered_on):
    with pytest.raises(ValidationError) as error:
        police_accept(actor=psb_reviewer, referral=referral, police_case_number="1", answered_on=answered_on)
    assert "answered_on" in error.value.message_dict


def test_an_acceptance_needs_the_police_case_number(referral, psb_reviewer):
    with pytest.raises(ValidationError) as error:
        police_accept(actor=psb_reviewer, referral=referral, police_case_number=" ", answered_on=TODAY)
    assert "police_case_number" in error.value.message_dict

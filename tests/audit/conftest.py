"""Records in each of the five audited kinds (licence, checklist, sample, lab result, case),
with the people who change them, for the audit and concurrency tests."""

import datetime
from decimal import Decimal

import pytest

from dairy_campaign.choices import AgencyKind, Role
from inspections.services.filing import inspection_save_draft, inspection_start, inspection_submit
from licensing.models import OperatorKind
from sampling.services.results import result_enter
from sampling.services.samples import sample_take

from ..factories import member
from ..inspections.factories import GOOD_ANSWERS, TemplateFactory
from ..licensing.factories import OperatorFactory
from ..sampling.factories import LotFactory
from ..sampling.test_results import measure
from ..sampling.test_samples import receive

SAMPLED_AT = datetime.datetime(2026, 11, 3, 2, 0, tzinfo=datetime.UTC)
TESTED_ON = datetime.date(2026, 11, 5)


@pytest.fixture(autouse=True)
def _english(english):
    """This package's tests read messages in English."""


# --- checklists ----------------------------------------------------------------------


@pytest.fixture
def fda_inspector(db):
    return member("320115", AgencyKind.FDA, Role.INSPECTOR, full_name="王检查")


@pytest.fixture
def fda_reviewer(db):
    return member("320115", AgencyKind.FDA, Role.REVIEWER, full_name="赵审核")


@pytest.fixture
def restaurant(db):
    return OperatorFactory(kind=OperatorKind.CATERING, name="江宁某某酒楼")


@pytest.fixture
def draft(fda_inspector, restaurant):
    return inspection_start(actor=fda_inspector, template=TemplateFactory(), operator=restaurant)


def fill(inspection, actor, answers=GOOD_ANSWERS):
    inspection.refresh_from_db()
    values = {code: answer["value"] for code, answer in answers.items()}
    return inspection_save_draft(actor=actor, inspection=inspection, revision=inspection.revision, answers=values)


def sign(inspection, actor):
    inspection.refresh_from_db()
    return inspection_submit(
        actor=actor, inspection=inspection, signed_name=actor.full_name, confirm=True, revision=inspection.revision
    )


@pytest.fixture
def signed(draft, fda_inspector):
    fill(draft, fda_inspector)
    return sign(draft, fda_inspector)


# --- samples and results --------------------------------------------------------------


@pytest.fixture
def sampler(db):
    return member("320115", AgencyKind.QTS, Role.INSPECTOR, full_name="张伟")


@pytest.fixture
def clerk(db):
    return member("320115", AgencyKind.QTS, Role.CLERK, full_name="林化验")


@pytest.fixture
def qts_reviewer(db):
    return member("320115", AgencyKind.QTS, Role.REVIEWER, full_name="黄芳")


def take(actor, lot=None):
    return sample_take(
        actor=actor,
        lot=lot or LotFactory(),
        samplers="张伟、李强",
        sampled_at=SAMPLED_AT,
        quantity=Decimal("0.5"),
        unit="kg",
        seal_number="FT000123",
        lab="江宁区质检所",
    )


@pytest.fixture
def received(sampler, clerk):
    return receive(clerk, take(sampler))


@pytest.fixture
def result(received, clerk):
    return result_enter(actor=clerk, sample=received, **measure())

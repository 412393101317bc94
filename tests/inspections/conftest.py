import pytest

from dairy_campaign.choices import AgencyKind, Role
from licensing.models import OperatorKind

from ..factories import member
from ..licensing.factories import OperatorFactory
from .factories import TemplateFactory


@pytest.fixture(autouse=True)
def _english(english):
    """This package's tests read messages in English."""


@pytest.fixture
def catering_template(db):
    return TemplateFactory()


@pytest.fixture
def restaurant(db):
    return OperatorFactory(kind=OperatorKind.CATERING, name="江宁某某酒楼")


@pytest.fixture
def fda_inspector(db):
    return member("320115", AgencyKind.FDA, Role.INSPECTOR, full_name="王检查")


@pytest.fixture
def fda_colleague(db):
    return member("320115", AgencyKind.FDA, Role.INSPECTOR, full_name="李同事")


@pytest.fixture
def fda_reviewer(db):
    return member("320115", AgencyKind.FDA, Role.REVIEWER, full_name="赵审核")


@pytest.fixture
def fda_viewer(db):
    return member("320115", AgencyKind.FDA, Role.VIEWER)


@pytest.fixture
def other_county_fda(db):
    return member("320102", AgencyKind.FDA, Role.REVIEWER)

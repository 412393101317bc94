import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.demo import DEMO_PDF

from ..factories import member

TODAY = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _english(english):
    """This package's tests read messages in English."""


# The fixtures below are used by the case, police and evidence tests that ask for them.


@pytest.fixture
def today(time_machine):
    """10:00 in Nanjing on 2026-11-27, a week after CaseFactory's clue."""
    time_machine.move_to(datetime.datetime(2026, 11, 27, 2, 0, tzinfo=datetime.UTC))
    return TODAY


@pytest.fixture
def aic_reviewer(db):
    """A reviewer of Jiangning's industry and commerce department, which handles CaseFactory's cases."""
    return member("320115", AgencyKind.AIC, Role.REVIEWER)


@pytest.fixture
def aic_inspector(db):
    return member("320115", AgencyKind.AIC, Role.INSPECTOR)


@pytest.fixture
def psb_reviewer(db):
    """A reviewer of Jiangning's public security bureau, which receives the county's transfers."""
    return member("320115", AgencyKind.PSB, Role.REVIEWER)


@pytest.fixture
def make_pdf():
    """A small real PDF; `extra` bytes make two files differ."""

    def make(name="scan.pdf", extra=b""):
        return SimpleUploadedFile(name, DEMO_PDF + extra, content_type="application/pdf")

    return make

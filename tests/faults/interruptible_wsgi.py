"""The real WSGI application for the database fault test, served by gunicorn from the test,
with two additions for the test only:

- on start, it signs in a user of the provincial food-safety office in its own database and
  leaves the session key and API token in FAULT_BARRIER_DIR/sign-in.json;
- starting a summary report pauses right after its rows are written, inside the
  transaction, until the test says go on. The test stops PostgreSQL at exactly that moment:
  the transaction is interrupted half-way, as a crash would interrupt it.
"""

import json
import os
import time
from pathlib import Path

from dairy_campaign.wsgi import application  # noqa: F401 - gunicorn serves it; sets Django up

BARRIER = Path(os.environ["FAULT_BARRIER_DIR"])
PAUSED = BARRIER / "in-transaction"
GO_ON = BARRIER / "go-on"
SIGN_IN = BARRIER / "sign-in.json"
LONGEST_PAUSE = 30


def _pausing(save):
    def save_then_wait(instance, **kwargs):
        saved = save(instance, **kwargs)
        PAUSED.touch()
        deadline = time.monotonic() + LONGEST_PAUSE
        while not GO_ON.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return saved

    return save_then_wait


def _sign_in() -> dict:
    """A campaign and a provincial FSO reviewer, signed in: the session key and a token."""
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from dairy_campaign.choices import AgencyKind, Role
    from dairy_campaign.jurisdiction_data import load_jurisdictions
    from dairy_campaign.models import Jurisdiction
    from tests.factories import CampaignFactory, member

    if not Jurisdiction.objects.exists():  # flushed by a transactional test of a reused database
        load_jurisdictions(Jurisdiction)
    CampaignFactory()
    user = member("320000", AgencyKind.FSO, Role.REVIEWER)
    browser = Client()
    browser.force_login(user)
    return {"session": browser.session.session_key, "token": Token.objects.create(user=user).key}


def _patch():
    from reports.services import summaries

    summaries.audited_save = _pausing(summaries.audited_save)


_patch()
_written = SIGN_IN.with_suffix(".partial")
_written.write_text(json.dumps(_sign_in()))
_written.rename(SIGN_IN)  # whole, or not there yet

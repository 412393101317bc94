"""Many people changing one record at the same moment (PostgreSQL, one connection each,
released together by a barrier): exactly one change wins, every other one is refused with
the service's message, and nothing is silently overwritten."""

import datetime
import threading
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import timezone

from cases.models import Case, CaseStatus
from cases.services.cases import case_dismiss, case_file
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import StateChange
from inspections.models import Inspection
from inspections.services.filing import inspection_save_draft
from licensing.models import Licence, LicenceStatus
from licensing.services.licences import licence_grant, licence_refuse
from reports.models import SummaryReport, SummaryStatus
from reports.services.summaries import summary_accept, summary_return
from sampling.models import LabResult, Sample
from sampling.services.results import result_enter

from ..cases.factories import CaseFactory
from ..factories import CampaignFactory, member, place
from ..licensing.factories import LicenceFactory
from ..services import need_postgresql
from .conftest import measure

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
RACERS = 8
CHANGED_MEANWHILE = "Someone else changed this record meanwhile"


@pytest.fixture(autouse=True)
def _on_postgresql(jurisdictions):
    need_postgresql()


def race(prepare, act, n=RACERS) -> list[tuple[str, str]]:
    """Each of `n` threads prepares (loads what its user's page shows), waits for the others,
    then acts; returns ("won", "") or ("refused", message) per thread."""
    barrier = threading.Barrier(n, timeout=30)
    outcomes: list = [None] * n

    def run(i):
        try:
            loaded = prepare(i)
            barrier.wait()
            act(i, loaded)
            outcomes[i] = ("won", "")
        except (ValidationError, PermissionDenied) as refusal:
            outcomes[i] = ("refused", " ".join(getattr(refusal, "messages", [str(refusal)])))
        except Exception as error:  # noqa: BLE001 - reported, so that the test shows it
            outcomes[i] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def one_winner(outcomes, refusal: str):
    counts = Counter(kind for kind, _message in outcomes)
    assert counts == {"won": 1, "refused": len(outcomes) - 1}, outcomes
    assert all(refusal in message for kind, message in outcomes if kind == "refused"), outcomes


def test_one_of_eight_editors_saves_a_checklist_draft(draft):
    people = [member("320115", AgencyKind.FDA, Role.INSPECTOR, full_name=f"检查员{i}") for i in range(RACERS)]
    choices = ["良好", "一般", "差"]
    rows = draft.history.count()

    def act(i, inspection):
        inspection_save_draft(actor=people[i], inspection=inspection, revision=1, answers={"storage": choices[i % 3]})

    outcomes = race(lambda i: Inspection.objects.get(pk=draft.pk), act)
    one_winner(outcomes, "saved this checklist while you were editing it")
    saved = Inspection.objects.get(pk=draft.pk)
    assert saved.revision == 2 and draft.history.count() == rows + 1


def test_two_reviewers_grant_and_refuse_one_licence_at_once_and_one_decides():
    licence = LicenceFactory(status=LicenceStatus.APPLIED)
    reviewers = [member("320115", AgencyKind.QTS, Role.REVIEWER) for _ in range(RACERS)]
    rows = licence.history.count()

    def act(i, loaded):
        if i % 2:
            licence_refuse(actor=reviewers[i], licence=loaded, reason=f"不符合条件{i}")
        else:
            licence_grant(
                actor=reviewers[i],
                licence=loaded,
                number=f"QS-{i}",
                issued_on=datetime.date(2026, 11, 1),
                expires_on=datetime.date(2031, 10, 31),
                reason=f"符合条件{i}",
            )

    outcomes = race(lambda i: Licence.objects.select_related("operator").get(pk=licence.pk), act)
    one_winner(outcomes, CHANGED_MEANWHILE)
    decided = Licence.objects.get(pk=licence.pk)
    assert decided.status in (LicenceStatus.GRANTED, LicenceStatus.REFUSED)
    assert licence.history.count() == rows + 1
    assert StateChange.objects.filter(object_id=str(licence.pk), to_state=decided.status).count() == 1


def test_one_of_eight_reviewers_moves_a_case():
    case = CaseFactory()
    reviewers = [member("320115", AgencyKind.AIC, Role.REVIEWER) for _ in range(RACERS)]
    rows = case.history.count()

    def act(i, loaded):
        if i % 2:
            case_dismiss(actor=reviewers[i], case=loaded, reason=f"不予立案{i}")
        else:
            case_file(
                actor=reviewers[i], case=loaded, reason=f"立案{i}", document_number=f"立{i}", violations=["over_limit"]
            )

    outcomes = race(lambda i: Case.objects.get(pk=case.pk), act)
    one_winner(outcomes, "changed meanwhile")
    assert Case.objects.get(pk=case.pk).status in (CaseStatus.FILED, CaseStatus.DISMISSED)
    assert case.history.count() == rows + 1


def test_one_of_eight_clerks_enters_the_result_of_a_sample(received):
    clerks = [member("320115", AgencyKind.QTS, Role.CLERK) for _ in range(RACERS)]
    rows = received.history.count()

    def act(i, sample):
        result_enter(actor=clerks[i], sample=sample, **measure(value=f"0.0{i + 1}"))

    outcomes = race(lambda i: Sample.objects.select_related("lot").get(pk=received.pk), act)
    one_winner(outcomes, "already has a result")
    assert LabResult.objects.filter(sample=received).count() == 1
    assert received.history.count() == rows + 1


def test_one_of_eight_reviewers_decides_a_summary_report():
    campaign = CampaignFactory()
    author = member("320115", AgencyKind.FSO, Role.CLERK)
    report = SummaryReport.objects.create(
        campaign=campaign,
        jurisdiction=place("320115"),
        agency=author.agency,
        status=SummaryStatus.SUBMITTED,
        created_by=author,
        submitted_by=author,
        submitted_at=timezone.now(),
    )
    reviewers = [member("320100", AgencyKind.FSO, Role.REVIEWER) for _ in range(RACERS)]
    rows = report.history.count()

    def act(i, loaded):
        if i % 2:
            summary_return(actor=reviewers[i], report=loaded, note=f"请补充{i}")
        else:
            summary_accept(actor=reviewers[i], report=loaded, note=f"同意{i}")

    outcomes = race(lambda i: SummaryReport.objects.get(pk=report.pk), act)
    one_winner(outcomes, "only a submitted report is accepted or returned")
    assert SummaryReport.objects.get(pk=report.pk).status in (SummaryStatus.ACCEPTED, SummaryStatus.RETURNED)
    assert report.history.count() == rows + 1

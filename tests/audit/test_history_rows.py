"""Every change to a licence, checklist, sample, lab result or case, whichever way it comes
(page, API, back office, many at once), leaves exactly one history row per changed record:
who, when (UTC), why, and what changed, readable through `history_of`."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from cases.models import Case, CaseStatus
from dairy_campaign.admin_audit import registered_history_models
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.audit import history_of
from inspections.models import Inspection
from licensing.models import LicenceStatus, Operator
from sampling.models import LabResult, Sample

from ..cases.factories import CaseFactory
from ..factories import UserFactory, member
from ..licensing.factories import LicenceFactory, OperatorFactory
from ..sampling.factories import LotFactory
from .conftest import TESTED_ON, receive, take

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def root():
    return UserFactory(is_superuser=True, is_staff=True, agency=None, role="")


class Rows:
    """The history rows of some records, counted before a change and checked after it."""

    def __init__(self, *records):
        self.records = records
        self.before = [r.history.count() for r in records]

    def check(self, actor, reason: str | None = None):
        for record, before in zip(self.records, self.before, strict=True):
            assert record.history.count() == before + 1, f"{record!r}: {record.history.count() - before} new rows"
            row = record.history.order_by("-history_date", "-history_id").first()
            assert row.history_user_id == actor.pk
            assert row.history_date.utcoffset() == datetime.timedelta(0)  # stored and read in UTC
            assert row.history_change_reason
            if reason is not None:
                assert row.history_change_reason == reason
            latest = history_of(record)[0]
            assert latest.who == actor and latest.changes, "the change is readable with before and after"


def result_post(**overrides):
    data = {"value": "0.05", "unit": "mg/kg", "detection_limit": "0.01", "method": "GB/T 22388-2008"}
    return {**data, "lab": "江宁区质检所", "tested_on": TESTED_ON.isoformat(), **overrides}


# --- licences ------------------------------------------------------------------------


@pytest.fixture
def qts_licence_reviewer():
    return member("320115", AgencyKind.QTS, Role.REVIEWER)


def test_a_licence_decision_in_the_page_writes_one_row(client, qts_licence_reviewer):
    licence = LicenceFactory(status=LicenceStatus.APPLIED)
    rows = Rows(licence)
    client.force_login(qts_licence_reviewer)
    response = client.post(reverse("licence_decide", args=[licence.pk, "refuse"]), {"refuse-reason": "不符合条件"})
    assert response.status_code == 302
    rows.check(qts_licence_reviewer, "不符合条件")
    assert [c.name for c in history_of(licence)[0].changes] == ["status"]


def test_a_licence_decision_through_the_api_writes_one_row(qts_licence_reviewer):
    licence = LicenceFactory(status=LicenceStatus.APPLIED)
    rows = Rows(licence)
    body = {"reason": "符合条件", "number": "QS-1", "issued_on": "2026-11-01", "expires_on": "2031-10-31"}
    response = api_as(qts_licence_reviewer).post(f"/api/v1/licences/{licence.pk}/decide/grant/", body, format="json")
    assert response.status_code == 200
    rows.check(qts_licence_reviewer, "符合条件")


def test_l6_cancels_all_of_a_sellers_licences_with_one_row_each():
    from licensing.models import LicenceType, OperatorKind
    from licensing.services.licences import seller_cancel_for_over_limit

    seller = OperatorFactory(kind=OperatorKind.SUPERMARKET)
    licences = [
        LicenceFactory(type=LicenceType.DISTRIBUTION, operator=seller, status=LicenceStatus.GRANTED, number=n)
        for n in ("SP-1", "SP-2")
    ]
    rows = Rows(*licences)
    aic_reviewer = member("320115", AgencyKind.AIC, Role.REVIEWER)
    seller_cancel_for_over_limit(actor=aic_reviewer, seller=seller, reason="超限量销售", document_number="罚1")
    rows.check(aic_reviewer, "超限量销售")


def test_the_back_office_shows_a_licence_but_never_changes_or_reverts_it(client):
    licence = LicenceFactory(status=LicenceStatus.APPLIED)
    rows_before = licence.history.count()
    client.force_login(root())
    assert client.get(reverse("admin:licensing_licence_change", args=[licence.pk])).status_code == 200
    assert client.get(reverse("admin:licensing_licence_history", args=[licence.pk])).status_code == 200
    changed = client.post(
        reverse("admin:licensing_licence_change", args=[licence.pk]), {"status": LicenceStatus.GRANTED}
    )
    version = licence.history.first().history_id
    reverted = client.post(reverse("admin:licensing_licence_simple_history", args=[licence.pk, version]), {})
    deleted = client.post(reverse("admin:licensing_licence_delete", args=[licence.pk]), {"post": "yes"})
    assert (changed.status_code, reverted.status_code, deleted.status_code) == (403, 403, 403)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.APPLIED and licence.history.count() == rows_before


def test_a_register_correction_in_the_back_office_names_the_administrator_and_the_fields(client):
    operator = OperatorFactory()
    rows = Rows(operator)
    administrator = root()
    client.force_login(administrator)
    page = client.get(reverse("admin:licensing_operator_change", args=[operator.pk]))
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(name="更正后的名称", county=operator.county_id, scope=[])
    response = client.post(reverse("admin:licensing_operator_change", args=[operator.pk]), _form_data(data))
    assert response.status_code == 302, response.context["adminform"].form.errors
    rows.check(administrator)
    assert history_of(operator)[0].reason.startswith("Changed in the back office:")
    assert Operator.objects.get(pk=operator.pk).name == "更正后的名称"


def _form_data(initial: dict) -> dict:
    out = {}
    for key, value in initial.items():
        if isinstance(value, bool):
            if value:
                out[key] = "on"
        elif isinstance(value, list | tuple):
            out[key] = list(value)
        elif isinstance(value, datetime.date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def test_a_back_office_revert_needs_the_right_to_change(client):
    """simple-history saves a POSTed revert for anyone who may view the history."""
    operator = OperatorFactory()
    viewer = UserFactory(is_staff=True, agency=None, role="")
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_operator"))
    rows_before = operator.history.count()
    client.force_login(viewer)
    version = operator.history.first().history_id
    url = reverse("admin:licensing_operator_simple_history", args=[operator.pk, version])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "改掉"}).status_code == 403
    assert operator.history.count() == rows_before


# --- checklists ----------------------------------------------------------------------


def test_a_checklist_draft_saved_in_the_page_writes_one_row(client, draft, fda_inspector):
    rows = Rows(draft)
    client.force_login(fda_inspector)
    response = client.post(
        reverse("inspection_autosave", args=[draft.pk]),
        {"revision": draft.revision, "answers": {"storage": "良好"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    rows.check(fda_inspector, "Draft saved")


def test_a_checklist_draft_saved_through_the_api_writes_one_row(draft, fda_inspector):
    rows = Rows(draft)
    body = {"revision": draft.revision, "answers": {"storage": {"value": "良好"}}}
    response = api_as(fda_inspector).patch(f"/api/v1/inspections/{draft.pk}/draft/", body, format="json")
    assert response.status_code == 200
    rows.check(fda_inspector, "Draft saved")


def test_signing_a_checklist_writes_one_row(signed, fda_inspector):
    latest = history_of(signed)[0]
    assert latest.who == fda_inspector and latest.reason == "Submitted"
    assert {"status", "signed_at", "signed_by"} <= {c.name for c in latest.changes}
    assert signed.history.count() == 3  # started, draft saved, signed


# --- samples and results --------------------------------------------------------------


def test_a_custody_step_in_the_page_writes_one_row(client, sampler):
    sample = take(sampler)
    rows = Rows(sample)
    client.force_login(sampler)
    assert client.post(reverse("sample_custody", args=[sample.pk]), {"step": "sent"}).status_code == 302
    rows.check(sampler)


def test_a_custody_step_through_the_api_writes_one_row(sampler):
    sample = take(sampler)
    rows = Rows(sample)
    response = api_as(sampler).post(f"/api/v1/samples/{sample.pk}/custody/", {"step": "sent"}, format="json")
    assert response.status_code == 200
    rows.check(sampler)


def test_a_result_entered_in_the_page_writes_one_row_for_the_result_and_one_for_the_sample(client, received, clerk):
    rows = Rows(received)
    client.force_login(clerk)
    assert client.post(reverse("result_enter", args=[received.pk]), result_post()).status_code == 302
    rows.check(clerk)  # tested and reported at once: one change of the sample
    result = LabResult.objects.get(sample=received)
    assert result.history.count() == 1 and history_of(result)[0].who == clerk
    assert history_of(result)[0].reason == "Result entered"


def test_a_result_entered_through_the_api_writes_one_row_per_record(received, clerk):
    rows = Rows(received)
    response = api_as(clerk).post(f"/api/v1/samples/{received.pk}/result/", result_post(), format="json")
    assert response.status_code == 201
    rows.check(clerk)
    assert LabResult.objects.get(sample=received).history.count() == 1


def test_a_result_reviewed_and_corrected_writes_one_row_each(client, result, clerk, qts_reviewer):
    rows = Rows(result, result.sample)
    client.force_login(qts_reviewer)
    assert client.post(reverse("result_review", args=[result.pk])).status_code == 302
    rows.check(qts_reviewer)
    rows = Rows(result)
    correction = result_post(value="0.06", reason="抄录错误")
    response = api_as(clerk).post(f"/api/v1/samples/{result.sample_id}/correct/", correction, format="json")
    assert response.status_code == 200, response.content
    rows.check(clerk, "抄录错误")
    [change] = [c for c in history_of(result)[0].changes if c.name == "mg_per_kg"]
    assert (change.before, change.after) == (Decimal("0.0500"), Decimal("0.0600"))


def test_results_entered_many_at_once_write_one_row_per_result_and_sample(sampler, clerk):
    samples = [receive(clerk, take(sampler, LotFactory())) for _ in range(3)]
    rows = Rows(*samples)
    body = {"results": [{**result_post(), "sample": s.code} for s in samples]}
    response = api_as(clerk).post("/api/v1/lab-results/bulk/", body, format="json")
    assert response.status_code == 201
    rows.check(clerk)
    for sample in samples:
        assert LabResult.objects.get(sample=sample).history.count() == 1


def test_a_non_conforming_result_opens_its_case_with_one_row(sampler, clerk):
    from ..factories import AgencyFactory, place

    AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115"))
    sample = receive(clerk, take(sampler, LotFactory()))
    body = {"results": [{**result_post(value="3.2"), "sample": sample.code}]}
    assert api_as(clerk).post("/api/v1/lab-results/bulk/", body, format="json").status_code == 201
    [case] = Case.objects.all()
    assert case.history.count() == 1 and history_of(case)[0].who == clerk and history_of(case)[0].reason


# --- cases ---------------------------------------------------------------------------


@pytest.fixture
def aic_reviewer():
    return member("320115", AgencyKind.AIC, Role.REVIEWER)


def test_a_case_decision_in_the_page_writes_one_row(client, aic_reviewer):
    case = CaseFactory()
    rows = Rows(case)
    client.force_login(aic_reviewer)
    response = client.post(reverse("case_act", args=[case.pk, "dismiss"]), {"dismiss-reason": "不符合立案条件"})
    assert response.status_code == 302
    rows.check(aic_reviewer, "不符合立案条件")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DISMISSED


def test_a_case_decision_through_the_api_writes_one_row(aic_reviewer):
    case = CaseFactory()
    rows = Rows(case)
    body = {"reason": "符合立案条件", "document_number": "立1", "violations": ["over_limit"]}
    response = api_as(aic_reviewer).post(f"/api/v1/cases/{case.pk}/file/", body, format="json")
    assert response.status_code == 200, response.content
    rows.check(aic_reviewer, "符合立案条件")


# --- the back office and history itself ----------------------------------------------


@pytest.mark.parametrize("model", [Inspection, Sample, LabResult, Case])
def test_evidence_records_have_no_back_office_form(client, model):
    assert model not in admin.site._registry
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[1])


def test_no_history_model_is_registered_in_the_back_office():
    assert registered_history_models() == []


def test_the_history_api_and_pages_offer_no_way_to_change_a_row(client, signed, fda_inspector):
    rows = signed.history.count()
    client.force_login(fda_inspector)
    url = reverse("history", args=["inspections.inspection", signed.pk])
    client.post(url, {"history_change_reason": "改写"})  # the page only reads
    assert signed.history.count() == rows
    assert not signed.history.filter(history_change_reason="改写").exists()
    api = api_as(fda_inspector)
    history = f"/api/v1/inspections/{signed.pk}/history/"
    assert api.get(history).status_code == 200
    for method in (api.post, api.put, api.patch, api.delete):
        assert method(history, {}, format="json").status_code == 405

"""Case pages and API (C2): the same services behind both, scoped by `visible_to(user)`:
another county's case is a 404, a read-only user's write a 403."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases import demo_cases
from cases.models import Case, CaseStatus, Decision, Evidence, PoliceReferral, PoliceReferralStatus, Violation
from dairy_campaign import demo as core_demo
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.demo import DEMO_PDF
from licensing import demo as licensing_demo
from licensing.models import LicenceStatus

from ..factories import member, place
from ..licensing.factories import LicenceFactory, OperatorFactory
from .factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
S = CaseStatus
TODAY = datetime.date(2026, 11, 27)


def filed(**kwargs):
    return CaseFactory(status=kwargs.pop("status", S.FILED), filed_on=TODAY, **kwargs)


def referral_of(case, unit, by, days=7, status=PoliceReferralStatus.REFERRED):
    return PoliceReferral.objects.create(
        case=case,
        police_unit=unit,
        referred_on=TODAY,
        document_number="宁江工商移〔2026〕1号",
        days_from_clue=days,
        status=status,
        referred_by=by,
    )


@pytest.fixture
def api():
    return APIClient()


# ---------------------------------------------------------------------------------------
# List


def test_the_list_is_scoped_filtered_and_exported(client, aic_reviewer, psb_reviewer):
    over = CaseFactory(violations=[Violation.OVER_LIMIT], major=True)
    expired = filed(violations=[Violation.EXPIRED])
    CaseFactory(jurisdiction=place("320102"))  # another county
    late = filed(violations=[Violation.DELIBERATE_ADDITION])
    referral_of(late, psb_reviewer.agency, aic_reviewer, days=31)
    client.force_login(member("320115", AgencyKind.FSO, Role.VIEWER))
    url = reverse("case_list")

    def listed(**params):
        return {c.pk for c in client.get(url, params).context["object_list"]}

    assert listed() == {over.pk, expired.pk, late.pk}
    assert listed(status=S.FILED) == {expired.pk, late.pk}
    assert listed(violation=Violation.OVER_LIMIT) == {over.pk}
    assert listed(major="true") == {over.pk}
    assert listed(department=AgencyKind.AIC, jurisdiction="3201") == {over.pk, expired.pk, late.pk}
    assert listed(department=AgencyKind.QTS) == set()
    assert listed(source="lab_result", clue_from="2026-11-20", clue_to="2026-11-20") == {over.pk, expired.pk, late.pk}
    assert listed(clue_from="2026-11-21") == set()
    assert listed(late_referral="true") == {late.pk}
    assert listed(operator=over.operator_id) == {over.pk}
    page = client.get(url, {"late_referral": "true"}).content.decode()
    assert 'data-testid="late-referral"' in page
    export = client.get(url, {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_the_clue_date_filter_uses_local_dates(client):
    # 00:30 in Nanjing on the 21st, still the 20th in UTC.
    case = CaseFactory(clue_at=datetime.datetime(2026, 11, 20, 16, 30, tzinfo=datetime.UTC))
    client.force_login(member("320115", AgencyKind.AIC, Role.VIEWER))
    found = client.get(reverse("case_list"), {"clue_from": "2026-11-21"}).context["object_list"]
    assert list(found) == [case]


# ---------------------------------------------------------------------------------------
# Detail


def test_the_detail_shows_the_case_its_decisions_referrals_and_evidence(client, aic_reviewer, psb_reviewer, make_pdf):
    from cases.services.evidence import evidence_attach

    case = filed(violations=[Violation.OVER_LIMIT], source_label="抽检样品 JN-0107")
    referral_of(case, psb_reviewer.agency, aic_reviewer, days=31)
    evidence = evidence_attach(actor=aic_reviewer, case=case, upload=make_pdf(), description="现场检查笔录")
    client.force_login(aic_reviewer)
    response = client.get(reverse("case_detail", args=[case.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert case.facts in page and "抽检样品 JN-0107" in page and "Selling over-limit product" in page
    assert reverse("operator_detail", args=[case.operator_id]) in page
    assert reverse("history", args=["cases.case", case.pk]) in page
    assert evidence.sha256 in page and 'data-testid="verify-evidence"' in page
    assert 'data-testid="evidence-verified"' not in page  # the files are read only when asked
    checked = client.get(reverse("case_detail", args=[case.pk]), {"verify": "1"}).content.decode()
    assert 'data-testid="evidence-verified"' in checked
    assert 'data-testid="late-referral"' in page
    assert [a["name"] for a in response.context["actions"]] == ["investigate"]
    assert 'data-testid="action-investigate"' in page and 'data-testid="task-force"' in page


def test_a_viewer_sees_the_case_without_any_decision(client):
    case = CaseFactory()
    client.force_login(member("320115", AgencyKind.AIC, Role.VIEWER))
    response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200 and response.context["actions"] == []
    assert not response.context["may_attach"] and not response.context["may_refer"]


def test_a_tampered_evidence_file_shows_as_not_matching(client, aic_reviewer, make_pdf):
    from cases.services.evidence import evidence_attach

    case = filed()
    evidence = evidence_attach(actor=aic_reviewer, case=case, upload=make_pdf(), description="扫描件")
    with open(evidence.file.path, "ab") as handle:
        handle.write(b"x")
    client.force_login(aic_reviewer)
    page = client.get(reverse("case_detail", args=[case.pk]), {"verify": "1"}).content.decode()
    assert 'data-testid="evidence-altered"' in page


# ---------------------------------------------------------------------------------------
# Outsiders (404) and read-only users (403), in pages and API


def page_urls(case, evidence, referral):
    return [
        ("get", reverse("case_detail", args=[case.pk])),
        ("post", reverse("case_act", args=[case.pk, "investigate"])),
        ("get", reverse("case_police_refer", args=[case.pk])),
        ("get", reverse("case_evidence_add", args=[case.pk])),
        ("get", reverse("case_task_force", args=[case.pk])),
        ("get", reverse("evidence_file", args=[evidence.pk])),
        ("get", reverse("police_answer", args=[referral.pk, "accept"])),
        ("get", reverse("history", args=["cases.case", case.pk])),
    ]


@pytest.fixture
def foreign(aic_reviewer, make_pdf):
    """A filed case of Jiangning with evidence and a pending referral."""
    from cases.services.evidence import evidence_attach

    case = filed()
    evidence = evidence_attach(actor=aic_reviewer, case=case, upload=make_pdf(), description="扫描件")
    unit = member("320115", AgencyKind.PSB, Role.REVIEWER).agency
    return case, evidence, referral_of(case, unit, aic_reviewer)


@pytest.mark.parametrize(
    ("kind", "role"), [(AgencyKind.AIC, Role.REVIEWER), (AgencyKind.PSB, Role.REVIEWER), (AgencyKind.FSO, Role.VIEWER)]
)
def test_another_countys_case_is_a_404_in_every_page(client, foreign, kind, role):
    client.force_login(member("320102", kind, role))
    for method, url in page_urls(*foreign):
        assert getattr(client, method)(url).status_code == 404, url


def test_a_viewer_of_the_department_is_refused_every_write_page(client, foreign):
    case, _evidence, referral = foreign
    client.force_login(member("320115", AgencyKind.AIC, Role.VIEWER))
    for method, url in [
        ("get", reverse("case_new")),
        ("post", reverse("case_act", args=[case.pk, "investigate"])),
        ("get", reverse("case_police_refer", args=[case.pk])),
        ("get", reverse("case_evidence_add", args=[case.pk])),
        ("get", reverse("case_task_force", args=[case.pk])),
        ("get", reverse("police_answer", args=[referral.pk, "accept"])),
    ]:
        assert getattr(client, method)(url).status_code == 403, url


def api_calls(case, referral):
    return [
        ("get", f"/api/v1/cases/{case.pk}/"),
        ("get", f"/api/v1/cases/{case.pk}/history/"),
        ("get", f"/api/v1/cases/{case.pk}/evidence/"),
        ("post", f"/api/v1/cases/{case.pk}/investigate/"),
        ("post", f"/api/v1/cases/{case.pk}/refer-to-police/"),
        ("post", f"/api/v1/cases/{case.pk}/task-force/"),
        ("get", f"/api/v1/police-referrals/{referral.pk}/"),
        ("post", f"/api/v1/police-referrals/{referral.pk}/accept/"),
    ]


def test_another_countys_case_is_a_404_in_the_api(api, foreign):
    case, _evidence, referral = foreign
    api.force_authenticate(member("320102", AgencyKind.AIC, Role.REVIEWER))
    assert api.get("/api/v1/cases/").json()["count"] == 0
    for method, url in api_calls(case, referral):
        assert getattr(api, method)(url, {"reason": "x"}, format="json").status_code == 404, url


def test_a_viewer_is_refused_every_write_in_the_api(api, foreign):
    case, _evidence, referral = foreign
    api.force_authenticate(member("320115", AgencyKind.AIC, Role.VIEWER))
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    writes = [(m, u) for m, u in api_calls(case, referral) if m == "post"] + [("post", "/api/v1/cases/")]
    for method, url in writes:
        assert getattr(api, method)(url, {"reason": "x"}, format="json").status_code == 403, url


# ---------------------------------------------------------------------------------------
# Writing through the pages


def test_an_inspector_types_in_a_clue(client, aic_inspector):
    shop = OperatorFactory(kind="small_retailer")
    client.force_login(aic_inspector)
    form = client.get(reverse("case_new"), {"operator": shop.pk}).context["form"]
    assert form["credit_code"].initial == shop.credit_code
    response = client.post(
        reverse("case_new"),
        {
            "title": "区农委移送线索",
            "source_kind": "department",
            "source_label": "宁江农〔2026〕3号",
            "jurisdiction": "320115",
            "credit_code": shop.credit_code,
            "violations": [Violation.EXPIRED],
            "facts": "来函反映该店销售过期乳粉。",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("case_detail", args=[case.pk])
    assert (case.operator, case.agency, case.violations) == (shop, aic_inspector.agency, [Violation.EXPIRED])


def test_a_clue_without_a_party_is_shown_back(client, aic_inspector):
    client.force_login(aic_inspector)
    response = client.post(
        reverse("case_new"), {"title": "t", "source_kind": "department", "jurisdiction": "320115", "facts": "f"}
    )
    assert response.status_code == 200 and "party_name" in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_reviewer_files_and_decides_in_the_page(client, aic_reviewer):
    case = CaseFactory()
    client.force_login(aic_reviewer)
    response = client.post(
        reverse("case_act", args=[case.pk, "file"]),
        {"file-reason": "符合立案条件", "file-document_number": "立1", "file-violations": [Violation.OVER_LIMIT]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.FILED
    case.status = S.INVESTIGATING
    case.save()
    refused = client.post(
        reverse("case_act", args=[case.pk, "decide"]),
        {
            "decide-decision": Decision.FINE,
            "decide-reason": "r",
            "decide-document_number": "罚1",
            "decide-fine_amount": "0",
        },
    )
    assert refused.status_code == 400 and "positive amount" in refused.content.decode()
    decided = client.post(
        reverse("case_act", args=[case.pk, "decide"]),
        {
            "decide-decision": Decision.FINE,
            "decide-reason": "r",
            "decide-document_number": "罚1",
            "decide-fine_amount": "8000.50",
        },
    )
    case.refresh_from_db()
    assert decided.status_code == 302 and case.fine_amount == Decimal("8000.50")


def test_a_decision_not_open_now_is_a_403(client, aic_reviewer):
    case = CaseFactory()
    client.force_login(aic_reviewer)
    assert client.post(reverse("case_act", args=[case.pk, "close"]), {"close-reason": "r"}).status_code == 403


def test_the_police_referral_goes_through_the_page_and_the_police_answer_in_theirs(
    client, aic_reviewer, psb_reviewer, make_pdf
):
    case = filed(status=S.INVESTIGATING)
    client.force_login(aic_reviewer)
    form = client.get(reverse("case_police_refer", args=[case.pk]))
    assert list(form.context["form"].fields["police_unit"].queryset) == [psb_reviewer.agency]
    response = client.post(
        reverse("case_police_refer", args=[case.pk]),
        {
            "police_unit": psb_reviewer.agency.pk,
            "referred_on": "2026-11-27",
            "document_number": "宁江工商移〔2026〕2号",
            "documents": [make_pdf("移送书.pdf"), make_pdf("笔录.pdf", b"%2")],
        },
    )
    assert response.status_code == 302
    referral = PoliceReferral.objects.get()
    assert referral.days_from_clue == 7 and case.evidence.count() == 2

    other_unit = PoliceReferral.objects.create(
        case=filed(),
        police_unit=member("320100", AgencyKind.PSB, Role.REVIEWER).agency,
        referred_on=TODAY,
        document_number="x",
        days_from_clue=1,
        referred_by=aic_reviewer,
    )
    client.force_login(psb_reviewer)
    incoming = client.get(reverse("police_referral_list"))
    assert list(incoming.context["object_list"]) == [referral] and other_unit not in incoming.context["object_list"]
    detail = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="answer-accept"' in detail
    answered = client.post(
        reverse("police_answer", args=[referral.pk, "accept"]),
        {"police_case_number": "江公刑〔2026〕9号", "answered_on": "2026-11-27"},
    )
    referral.refresh_from_db()
    assert answered.status_code == 302 and referral.status == PoliceReferralStatus.ACCEPTED
    assert client.get(reverse("police_answer", args=[referral.pk, "accept"])).status_code == 403
    assert client.get(reverse("police_answer", args=[referral.pk, "ignore"])).status_code == 404


def test_the_department_sees_its_referrals_in_the_list_and_exports_them(client, aic_reviewer, psb_reviewer):
    referral_of(filed(), psb_reviewer.agency, aic_reviewer, days=40)
    client.force_login(aic_reviewer)
    response = client.get(reverse("police_referral_list"), {"late": "true"})
    assert len(response.context["object_list"]) == 1 and 'data-testid="late-referral"' in response.content.decode()
    export = client.get(reverse("police_referral_list"), {"export": "xlsx"})
    assert export.status_code == 200


def test_evidence_is_uploaded_in_the_page_and_streamed_to_those_who_see_the_case(client, aic_inspector, make_pdf):
    case = filed()
    client.force_login(aic_inspector)
    response = client.post(
        reverse("case_evidence_add", args=[case.pk]), {"upload": make_pdf("笔录.pdf"), "description": "询问笔录"}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    client.force_login(member("320115", AgencyKind.FSO, Role.VIEWER))
    download = client.get(reverse("evidence_file", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == DEMO_PDF
    assert download["Content-Type"] == "application/pdf"


def test_a_non_document_upload_is_shown_back_in_the_page(client, aic_inspector):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(aic_inspector)
    response = client.post(
        reverse("case_evidence_add", args=[filed().pk]),
        {"upload": SimpleUploadedFile("a.pdf", b"<script>"), "description": "x"},
    )
    assert response.status_code == 200 and "upload" in response.context["form"].errors
    assert not Evidence.objects.exists()


def test_a_task_force_is_formed_in_the_page(client, aic_reviewer, psb_reviewer):
    case = filed()
    client.force_login(aic_reviewer)
    response = client.post(
        reverse("case_task_force", args=[case.pk]),
        {"name": "专案组", "leader": aic_reviewer.pk, "members": [psb_reviewer.pk], "formed_on": "2026-11-27"},
    )
    assert response.status_code == 302
    assert set(case.task_force.members.all()) == {aic_reviewer, psb_reviewer}


# ---------------------------------------------------------------------------------------
# API


def test_a_case_runs_its_whole_course_through_the_api(api, aic_inspector, aic_reviewer, psb_reviewer, make_pdf):
    api.force_authenticate(aic_inspector)
    created = api.post(
        "/api/v1/cases/",
        {"title": "接口线索", "facts": "f", "jurisdiction": "320115", "party_name": "某店", "violations": ["expired"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    evidence = api.post(
        f"/api/v1/cases/{pk}/evidence/", {"upload": make_pdf(), "description": "笔录"}, format="multipart"
    )
    assert evidence.status_code == 201 and evidence.json()["sha256"]

    api.force_authenticate(aic_reviewer)
    assert api.get(f"/api/v1/cases/{pk}/").json()["actions"] == ["file", "dismiss"]
    body = {"reason": "立案", "document_number": "立9", "violations": ["deliberate_addition"]}
    assert api.post(f"/api/v1/cases/{pk}/file/", body, format="json").json()["status"] == "filed"
    tf = {"name": "专案组", "leader": aic_reviewer.pk, "members": [psb_reviewer.pk], "formed_on": "2026-11-27"}
    assert api.post(f"/api/v1/cases/{pk}/task-force/", tf, format="json").status_code == 200
    assert api.post(f"/api/v1/cases/{pk}/investigate/", {"reason": "调查"}, format="json").status_code == 200
    referral = api.post(
        f"/api/v1/cases/{pk}/refer-to-police/",
        {
            "police_unit": psb_reviewer.agency.pk,
            "referred_on": "2026-11-27",
            "document_number": "移9",
            "documents": [make_pdf("移送书.pdf", b"%3")],
        },
        format="multipart",
    )
    assert referral.status_code == 201, referral.json()
    assert referral.json()["days_from_clue"] == 0 and referral.json()["late"] is False

    rid = referral.json()["id"]
    refused = api.post(
        f"/api/v1/police-referrals/{rid}/accept/", {"police_case_number": "1", "answered_on": "2026-11-27"}
    )
    assert refused.status_code == 403
    api.force_authenticate(psb_reviewer)
    assert api.get(f"/api/v1/police-referrals/{rid}/").json()["answers"] == ["accept", "return"]
    accepted = api.post(
        f"/api/v1/police-referrals/{rid}/accept/",
        {"police_case_number": "江公刑1", "answered_on": "2026-11-27"},
        format="json",
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"

    api.force_authenticate(aic_reviewer)
    bad = {"decision": "fine", "reason": "r", "document_number": "罚9", "fine_amount": "-1"}
    assert api.post(f"/api/v1/cases/{pk}/decide/", bad, format="json").status_code == 400
    good = {**bad, "fine_amount": "30000.00"}
    decided = api.post(f"/api/v1/cases/{pk}/decide/", good, format="json").json()
    assert decided["status"] == "decided" and decided["fine_amount"] == "30000.00"
    assert api.post(f"/api/v1/cases/{pk}/close/", {"reason": "结案"}, format="json").json()["status"] == "closed"
    history = api.get(f"/api/v1/cases/{pk}/history/").json()
    assert [h["to_state"] for h in history] == ["filed", "investigating", "decided", "closed"]
    listed = api.get("/api/v1/cases/", {"status": "closed"}).json()
    assert [c["id"] for c in listed["results"]] == [pk]
    case = api.get(f"/api/v1/cases/{pk}/").json()
    assert len(case["evidence"]) == 2 and case["task_force"]["name"] == "专案组"


def test_the_api_refuses_what_the_services_refuse(api, aic_reviewer):
    case = filed()
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.REVIEWER))
    assert api.post(f"/api/v1/cases/{case.pk}/investigate/", {"reason": "r"}, format="json").status_code == 403
    api.force_authenticate(aic_reviewer)
    refused = api.post(f"/api/v1/cases/{case.pk}/close/", {"reason": "r"}, format="json")
    assert refused.status_code == 400 and "police accepted" in str(refused.json())


# ---------------------------------------------------------------------------------------
# Demo


def test_the_demo_shows_cases_in_every_state_and_is_idempotent():
    core_demo.seed()
    licensing_demo.seed()
    demo_cases.seed()
    counts = (Case.objects.count(), PoliceReferral.objects.count(), Evidence.objects.count())
    demo_cases.seed()
    assert (Case.objects.count(), PoliceReferral.objects.count(), Evidence.objects.count()) == counts
    assert set(Case.objects.values_list("status", flat=True)) == set(S.values)
    assert PoliceReferral.objects.filter(status=PoliceReferralStatus.ACCEPTED, police_unit__kind="PSB").exists()
    assert Case.objects.filter(decision=Decision.FINE, fine_amount__gt=0).exists()
    assert Case.objects.filter(task_force__isnull=False, evidence__isnull=False).exists()


def test_a_licence_of_another_department_is_proposed_to_it_not_cancelled_in_the_page(client, aic_reviewer):
    producer = OperatorFactory()
    licence = LicenceFactory(operator=producer, status=LicenceStatus.GRANTED, number="QS-1")
    case = filed(status=S.INVESTIGATING, operator=producer)
    qts = member("320115", AgencyKind.QTS, Role.REVIEWER)
    client.force_login(aic_reviewer)
    forms = {a["name"]: a["form"] for a in client.get(reverse("case_detail", args=[case.pk])).context["actions"]}
    assert list(forms["decide"].fields["licence"].queryset) == []
    assert list(forms["propose_cancellation"].fields["licence"].queryset) == [licence]
    response = client.post(
        reverse("case_act", args=[case.pk, "propose_cancellation"]),
        {"propose_cancellation-licence": licence.pk, "propose_cancellation-reason": "故意添加"},
    )
    assert response.status_code == 302
    assert qts.notifications.filter(url=reverse("licence_detail", args=[licence.pk])).exists()

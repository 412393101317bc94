"""Sample, result and referral pages and their API: scoped (another jurisdiction's row is a
404), read-only users refused (403), lists exportable, many results all or nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.exports import XLSX_MIME
from licensing.models import OperatorKind
from sampling.models import Category, LabResult, LotKind, LotStatus, Referral, Sample, SampleStatus

from ..factories import AgencyFactory, member, place
from ..licensing.factories import OperatorFactory
from .factories import LotFactory
from .test_results import enter, measure, workbook
from .test_samples import SAMPLED_AT, receive, take

pytestmark = pytest.mark.django_db
S = SampleStatus
TESTED_ON = "2026-11-05"


@pytest.fixture
def sampler():
    return member("320115", AgencyKind.QTS, Role.INSPECTOR, full_name="张伟")


@pytest.fixture
def clerk():
    return member("320115", AgencyKind.QTS, Role.CLERK, full_name="林化验")


@pytest.fixture
def reviewer():
    return member("320115", AgencyKind.QTS, Role.REVIEWER, full_name="黄芳")


@pytest.fixture
def viewer():
    return member("320115", AgencyKind.QTS, Role.VIEWER)


@pytest.fixture
def outsider():
    return member("320102", AgencyKind.QTS, Role.CLERK)


@pytest.fixture
def lot():
    return LotFactory()


@pytest.fixture
def received(sampler, clerk, lot):
    return receive(clerk, take(sampler, lot))


def login(client, user):
    client.force_login(user)
    return client


def result_post(**overrides):
    data = {"value": "0.05", "unit": "mg/kg", "detection_limit": "0.01", "method": "GB/T 22388-2008"}
    return {**data, "lab": "江宁区质检所", "tested_on": TESTED_ON, **overrides}


# Taking samples.


def test_a_sample_is_taken_from_a_lots_page_link(client, sampler, lot):
    login(client, sampler)
    url = reverse("sample_new") + f"?lot={lot.pk}"
    page = client.get(url)
    assert page.status_code == 200 and lot.batch_number in page.content.decode()
    answer = client.post(
        url,
        {
            "samplers": "张伟、李强",
            "sampled_at": "2026-11-03T17:30",
            "quantity": "0.5",
            "unit": "kg",
            "seal_number": "FT000777",
            "lab": "江宁区质检所",
        },
    )
    sample = Sample.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("sample_detail", args=[sample.pk])
    assert sample.code == "320115-2026-000001" and sample.seal_number == "FT000777"


def test_taking_a_sample_is_refused_to_readers_and_outsiders_see_no_lot(client, viewer, outsider, lot):
    url = reverse("sample_new") + f"?lot={lot.pk}"
    assert login(client, viewer).get(url).status_code == 403
    assert login(client, outsider).get(url).status_code == 404


def test_a_sample_form_error_is_shown_on_its_field(client, sampler, lot):
    login(client, sampler)
    answer = client.post(
        reverse("sample_new") + f"?lot={lot.pk}",
        {"samplers": "张伟", "sampled_at": "2099-01-01T08:00", "quantity": "1", "unit": "kg", "seal_number": "F1"},
    )
    assert answer.status_code == 200 and "cannot be in the future" in answer.content.decode()
    assert not Sample.objects.exists()


# Detail, label, custody.


def test_the_sample_page_shows_the_custody_and_offers_the_next_hand_over(client, sampler, lot):
    sample = take(sampler, lot)
    page = login(client, sampler).get(reverse("sample_detail", args=[sample.pk])).content.decode()
    assert sample.code in page and 'data-testid="custody-form"' in page and 'value="sent"' in page
    answer = client.post(reverse("sample_custody", args=[sample.pk]), {"step": "sent", "custody-note": "冷链"})
    assert answer.status_code == 302
    sample.refresh_from_db()
    assert sample.status == S.SENT


def test_a_refused_hand_over_is_shown_on_the_page(client, sampler, lot):
    sample = take(sampler, lot)
    answer = login(client, sampler).post(reverse("sample_custody", args=[sample.pk]), {"step": "received"})
    assert answer.status_code == 400 and "Cannot go from" in answer.content.decode()


def test_the_label_prints_the_code_product_batch_holder_samplers_and_seal(client, sampler, lot):
    sample = take(sampler, lot)
    page = login(client, sampler).get(reverse("sample_label", args=[sample.pk])).content.decode()
    for text in (sample.code, lot.product, lot.batch_number, lot.operator.name, "张伟、李强", "FT000123", "<svg"):
        assert text in page
    assert "@media print" in page


@pytest.mark.parametrize("name", ["sample_detail", "sample_label"])
def test_another_jurisdictions_sample_is_not_found(client, sampler, outsider, lot, name):
    sample = take(sampler, lot)
    assert login(client, outsider).get(reverse(name, args=[sample.pk])).status_code == 404


def test_readers_see_a_sample_but_record_nothing_on_it(client, sampler, viewer, received):
    login(client, viewer)
    assert client.get(reverse("sample_detail", args=[received.pk])).status_code == 200
    assert client.post(reverse("sample_custody", args=[received.pk]), {"step": "sent"}).status_code == 403
    assert client.get(reverse("result_enter", args=[received.pk])).status_code == 403
    assert client.post(reverse("result_enter", args=[received.pk]), result_post()).status_code == 403
    assert client.get(reverse("result_grid")).status_code == 403
    assert client.get(reverse("result_upload")).status_code == 403
    assert not LabResult.objects.exists()


def test_outsiders_find_no_sample_to_record_on(client, outsider, received):
    login(client, outsider)
    assert client.post(reverse("sample_custody", args=[received.pk]), {"step": "sent"}).status_code == 404
    assert client.post(reverse("result_enter", args=[received.pk]), result_post()).status_code == 404


# Results.


def test_Q7_the_clerk_enters_a_result_and_sees_its_verdict(client, clerk, received):
    login(client, clerk)
    assert client.get(reverse("result_enter", args=[received.pk])).status_code == 200
    answer = client.post(
        reverse("result_enter", args=[received.pk]), result_post(value="3200", unit="ug/kg", detection_limit="10")
    )
    assert answer.status_code == 302
    page = client.get(reverse("sample_detail", args=[received.pk])).content.decode()
    assert "Non-conforming" in page and "3.2 mg/kg" in page and "lot is on hold" in page
    assert LabResult.objects.get().mg_per_kg == Decimal("3.2")


def test_a_result_for_a_sample_the_lab_has_not_received_is_refused_with_the_reason(client, sampler, clerk, lot):
    sample = take(sampler, lot)
    login(client, clerk)
    assert "must first record receiving it" in client.get(reverse("result_enter", args=[sample.pk])).content.decode()
    answer = client.post(reverse("result_enter", args=[sample.pk]), result_post())
    assert answer.status_code == 400 and "Received by the lab" in answer.content.decode()
    assert not LabResult.objects.exists()


def test_the_reviewer_reviews_and_a_reviewed_result_is_corrected_with_a_reason(client, clerk, reviewer, received):
    result = enter(clerk, received)
    login(client, reviewer)
    assert 'data-testid="review"' in client.get(reverse("sample_detail", args=[received.pk])).content.decode()
    assert client.post(reverse("result_review", args=[result.pk])).status_code == 302
    received.refresh_from_db()
    assert received.status == S.REVIEWED
    login(client, clerk)
    data = {f"correct-{k}": v for k, v in result_post(value="0.06").items()}
    refused = client.post(reverse("result_correct", args=[result.pk]), data)
    assert refused.status_code == 400 and "only with a reason" in refused.content.decode()
    data["correct-reason"] = "据原始记录更正"
    assert client.post(reverse("result_correct", args=[result.pk]), data).status_code == 302
    result.refresh_from_db()
    assert result.mg_per_kg == Decimal("0.06")
    history = client.get(reverse("history", args=["sampling.labresult", result.pk])).content.decode()
    assert "据原始记录更正" in history


def test_the_person_who_entered_a_result_does_not_review_it(client, clerk, received):
    result = enter(clerk, received)
    login(client, clerk)
    assert client.post(reverse("result_review", args=[result.pk])).status_code == 403


# The grid.


@pytest.fixture
def two_received(sampler, clerk):
    return [receive(clerk, take(sampler, LotFactory())) for _ in range(2)]


def grid_post(samples, *rows):
    data = {"sample": [str(s.pk) for s in samples]}
    for sample, row in zip(samples, rows, strict=True):
        data.update({f"s{sample.pk}-{k}": v for k, v in row.items()})
    return data


def test_the_grid_lists_the_samples_awaiting_their_result(client, clerk, two_received, sampler):
    waiting_not = take(sampler, LotFactory())  # not received yet
    page = login(client, clerk).get(reverse("result_grid")).content.decode()
    assert all(s.code in page for s in two_received) and waiting_not.code not in page


def test_the_grid_saves_all_rows_and_skips_empty_ones(client, clerk, two_received):
    first, second = two_received
    answer = login(client, clerk).post(reverse("result_grid"), grid_post(two_received, result_post(), {"value": ""}))
    assert answer.status_code == 302
    assert list(LabResult.objects.values_list("sample", flat=True)) == [first.pk]


def test_the_grid_is_all_or_nothing_with_the_error_on_its_row(client, clerk, two_received):
    first, second = two_received
    answer = login(client, clerk).post(
        reverse("result_grid"),
        grid_post(two_received, result_post(value="3.2"), result_post(tested_on="2026-10-01")),
    )
    page = answer.content.decode()
    assert answer.status_code == 400 and "Nothing was saved" in page
    assert "cannot be tested before it was taken" in page
    assert not LabResult.objects.exists() and not Referral.objects.exists()
    first.lot.refresh_from_db()
    assert first.lot.status == LotStatus.NORMAL


def test_the_grid_form_errors_save_nothing(client, clerk, two_received):
    answer = login(client, clerk).post(
        reverse("result_grid"), grid_post(two_received, result_post(), result_post(detection_limit=""))
    )
    assert answer.status_code == 400 and not LabResult.objects.exists()


# The upload.


def test_the_upload_page_says_it_runs_while_the_clerk_waits_and_offers_a_sheet(client, clerk, two_received):
    login(client, clerk)
    page = client.get(reverse("result_upload")).content.decode()
    assert "500" in page and "while you wait" in page
    sheet = client.get(reverse("result_upload") + "?template=xlsx")
    assert sheet["Content-Type"] == XLSX_MIME
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(s.code for s in two_received)


def test_the_upload_shows_the_refused_rows_and_saves_nothing(client, clerk, two_received):
    first, second = two_received
    upload = workbook(
        [
            [first.code, 0.05, "mg/kg", 0.01, "GB/T 22388-2008", "江宁区质检所", "2026-11-05"],
            [second.code, 0.05, "kg", 0.01, "GB/T 22388-2008", "江宁区质检所", "2026-11-05"],
        ]
    )
    answer = login(client, clerk).post(reverse("result_upload"), {"file": upload})
    page = answer.content.decode()
    assert answer.status_code == 400 and "Row 3" in page and "mg/kg or µg/kg" in page
    assert not LabResult.objects.exists()


def test_a_good_upload_saves_every_row(client, clerk, two_received):
    upload = workbook([[s.code, 0.05, "mg/kg", 0.01, "m", "l", "2026-11-05"] for s in two_received])
    answer = login(client, clerk).post(reverse("result_upload"), {"file": upload})
    assert answer.status_code == 302 and LabResult.objects.count() == 2


# Lists and exports.


def test_the_sample_list_filters_and_exports(client, clerk, viewer, received, sampler):
    enter(clerk, received, value=Decimal("3.2"))
    other = take(sampler, LotFactory())
    login(client, viewer)
    page = client.get(reverse("sample_list"), {"verdict": "non_conforming"}).content.decode()
    assert received.code in page and other.code not in page
    export = client.get(reverse("sample_list"), {"status": "reported", "export": "xlsx"})
    assert export["Content-Type"] == XLSX_MIME
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == received.code
    assert (rows[1][9], rows[1][10], rows[1][11]) == ("Result reported", "3.2", "2.5")


def test_another_jurisdiction_lists_none_of_the_samples(client, outsider, received):
    page = login(client, outsider).get(reverse("sample_list")).content.decode()
    assert received.code not in page


@pytest.fixture
def case(clerk, received):
    result = enter(clerk, received, value=Decimal("3.2"))
    return Referral.objects.get(result=result)


def test_the_referral_list_shows_the_case_to_its_department_and_exports(client, reviewer, case):
    login(client, reviewer)
    page = client.get(reverse("referral_list"), {"mine": "true"}).content.decode()
    assert case.result.sample.code in page and case.lot.operator.name in page
    export = client.get(reverse("referral_list"), {"export": "xlsx"})
    assert export["Content-Type"] == XLSX_MIME
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][3] == case.result.sample.code


def test_the_referral_page_shows_the_lot_and_its_trace_and_is_taken_up(client, reviewer, case):
    login(client, reviewer)
    page = client.get(reverse("referral_detail", args=[case.pk])).content.decode()
    assert case.summary in page and case.lot.supplier.name in page and 'data-testid="take-up"' in page
    answer = client.post(reverse("referral_take_up", args=[case.pk]), {"take-up-note": "已立案"})
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.status == "taken_up"


def test_referrals_are_not_found_elsewhere_and_not_taken_up_by_readers(client, outsider, viewer, case):
    assert login(client, outsider).get(reverse("referral_detail", args=[case.pk])).status_code == 404
    assert login(client, viewer).post(reverse("referral_take_up", args=[case.pk])).status_code == 403


# The API.


@pytest.fixture
def api():
    return APIClient()


def test_api_takes_a_sample_and_walks_its_custody_to_a_result(api, sampler, clerk, lot):
    api.force_authenticate(sampler)
    created = api.post(
        "/api/v1/samples/",
        {
            "lot": lot.pk,
            "samplers": "张伟、李强",
            "sampled_at": SAMPLED_AT.isoformat(),
            "quantity": "0.5",
            "unit": "kg",
            "seal_number": "FT000555",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.data["id"]
    assert created.data["code"] == "320115-2026-000001" and created.data["result"] is None
    api.force_authenticate(clerk)
    assert api.post(f"/api/v1/samples/{pk}/custody/", {"step": "sent"}, format="json").status_code == 200
    refused = api.post(f"/api/v1/samples/{pk}/result/", result_post(), format="json")
    assert refused.status_code == 400 and "Received by the lab" in str(refused.data)
    assert api.post(f"/api/v1/samples/{pk}/custody/", {"step": "received"}, format="json").status_code == 200
    entered = api.post(
        f"/api/v1/samples/{pk}/result/", result_post(value="1000", unit="ug/kg", detection_limit="10"), format="json"
    )
    assert entered.status_code == 201
    assert entered.data["status"] == "reported" and entered.data["result"]["mg_per_kg"] == "1.0000"
    assert [e["step"] for e in entered.data["custody"]] == ["sampled", "sent", "received", "tested", "reported"]


def test_api_review_and_correction(api, clerk, reviewer, received):
    enter(clerk, received)
    api.force_authenticate(reviewer)
    assert api.post(f"/api/v1/samples/{received.pk}/review/").data["status"] == "reviewed"
    api.force_authenticate(clerk)
    refused = api.post(f"/api/v1/samples/{received.pk}/correct/", result_post(value="0.07"), format="json")
    assert refused.status_code == 400 and "reason" in refused.data
    fixed = api.post(f"/api/v1/samples/{received.pk}/correct/", result_post(value="0.07", reason="更正"), format="json")
    assert fixed.status_code == 200 and fixed.data["result"]["mg_per_kg"] == "0.0700"


def test_api_outsiders_get_404_and_readers_403(api, outsider, viewer, received, lot):
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/samples/{received.pk}/").status_code == 404
    assert api.post(f"/api/v1/samples/{received.pk}/result/", result_post(), format="json").status_code == 404
    assert api.get("/api/v1/samples/").data["count"] == 0
    api.force_authenticate(viewer)
    assert api.get(f"/api/v1/samples/{received.pk}/").status_code == 200
    assert api.post(f"/api/v1/samples/{received.pk}/result/", result_post(), format="json").status_code == 403
    assert api.post(f"/api/v1/samples/{received.pk}/custody/", {"step": "sent"}, format="json").status_code == 403
    assert api.post("/api/v1/samples/", {"lot": lot.pk}, format="json").status_code == 403
    assert api.post("/api/v1/lab-results/bulk/", {"results": []}, format="json").status_code == 403


def test_api_a_lot_outside_the_jurisdiction_does_not_exist_for_the_caller(api, outsider, lot):
    api.force_authenticate(outsider)
    answer = api.post(
        "/api/v1/samples/",
        {
            "lot": lot.pk,
            "samplers": "x",
            "sampled_at": SAMPLED_AT.isoformat(),
            "quantity": "1",
            "unit": "kg",
            "seal_number": "F",
        },
        format="json",
    )
    assert answer.status_code == 400 and "lot" in answer.data


def test_api_bulk_results_are_all_or_nothing_by_index(api, clerk, two_received):
    first, second = two_received
    api.force_authenticate(clerk)
    rows = [{**result_post(), "sample": first.code}, {**result_post(unit="ug/kg", value="0.05"), "sample": second.code}]
    refused = api.post("/api/v1/lab-results/bulk/", {"results": rows}, format="json")
    assert refused.status_code == 400 and list(refused.data) == ["1"]
    assert not LabResult.objects.exists()
    rows[1]["value"] = "50"
    rows[1]["detection_limit"] = "10"
    saved = api.post("/api/v1/lab-results/bulk/", {"results": rows}, format="json")
    assert saved.status_code == 201 and len(saved.data) == 2
    listed = api.get("/api/v1/lab-results/", {"verdict": "conforming"})
    assert listed.data["count"] == 2


def test_api_referrals_are_listed_scoped_and_taken_up(api, reviewer, outsider, viewer, case):
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/referrals/{case.pk}/").status_code == 404
    api.force_authenticate(viewer)
    assert api.post(f"/api/v1/referrals/{case.pk}/take-up/", {}, format="json").status_code == 403
    api.force_authenticate(reviewer)
    listed = api.get("/api/v1/referrals/", {"kind": "case"})
    assert listed.data["count"] == 1 and listed.data["results"][0]["sample_code"] == case.result.sample.code
    taken = api.post(f"/api/v1/referrals/{case.pk}/take-up/", {"note": "已立案"}, format="json")
    assert taken.status_code == 200 and taken.data["status"] == "taken_up"


def test_measure_helper_matches_the_page_fields():
    assert set(measure()) == {"value", "unit", "detection_limit", "method", "lab", "tested_on"}
    assert datetime.date.fromisoformat(TESTED_ON) == measure()["tested_on"]


def test_the_city_department_sees_its_counties_samples(client, received):
    AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320100"))
    city = member("320100", AgencyKind.QTS, Role.VIEWER)
    assert login(client, city).get(reverse("sample_detail", args=[received.pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "method"), [("result_review", "post"), ("result_correct", "get"), ("result_correct", "post")]
)
def test_review_and_correction_pages_are_not_found_elsewhere_and_refused_to_readers(
    client, clerk, outsider, viewer, received, name, method
):
    result = enter(clerk, received)
    url = reverse(name, args=[result.pk])
    assert getattr(login(client, outsider), method)(url).status_code == 404
    assert getattr(login(client, viewer), method)(url).status_code == 403
    result.refresh_from_db()
    assert result.reviewed_at is None and result.mg_per_kg == Decimal("0.05")


def test_api_results_of_another_jurisdiction_are_not_found(api, clerk, outsider, received):
    result = enter(clerk, received)
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/lab-results/{result.pk}/").status_code == 404
    assert api.post(f"/api/v1/samples/{received.pk}/review/").status_code == 404


def test_L6_the_referral_page_links_the_cancellation_for_the_sellers_reviewer_only(client, sampler, clerk):
    AgencyFactory(kind=AgencyKind.AIC, jurisdiction=place("320115"))
    shop = OperatorFactory(kind=OperatorKind.SMALL_RETAILER, name="东山便民食杂店")
    lot = LotFactory(
        kind=LotKind.RETAIL, operator=shop, supplier=None, own_test_mg_per_kg=None, category=Category.INFANT_FORMULA
    )
    enter(clerk, receive(clerk, take(sampler, lot)), value=Decimal("1.6"))
    proposal = Referral.objects.get(kind="l6")
    url = reverse("referral_detail", args=[proposal.pk])
    sanction = reverse("operator_sanction", args=[shop.pk, "cancel-seller"])
    assert sanction not in login(client, clerk).get(url).content.decode()
    aic_reviewer = member("320115", AgencyKind.AIC, Role.REVIEWER)
    page = login(client, aic_reviewer).get(url).content.decode()
    assert sanction in page and "1.6 mg/kg" in page

"""S1 bulk entry: producers' intake records from Excel (dry run, then all rows or none) and
through the bulk API (all or nothing, errors by row index)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.exports import XLSX_MIME
from dairy_campaign.services.campaigns import local_today
from licensing.imports import translated
from licensing.models import ImportStatus, OperatorKind, Vehicle
from sampling.models import Category, IntakeImport, Lot, LotKind
from sampling.services import intake_import as imports
from sampling.services.intake_import import (
    intake_import_commit,
    intake_import_start,
    intake_import_validate,
    intake_import_write,
)
from sampling.services.lots import MAX_BULK, lot_record

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from .factories import lab_clerk

pytestmark = pytest.mark.django_db
S = ImportStatus
K = OperatorKind


@pytest.fixture
def clerk():
    return lab_clerk()


@pytest.fixture
def register():
    """A producer and the suppliers it buys from, in Jiangning."""
    return {
        "producer": OperatorFactory(kind=K.DAIRY_PRODUCER, name="江宁乳业"),
        "station": OperatorFactory(kind=K.PURCHASE_STATION, name="汤山生鲜乳收购站"),
        "farm": OperatorFactory(kind=K.DAIRY_FARM, name="汤山奶牛养殖场"),
    }


def day(n: int) -> datetime.date:
    return local_today() - datetime.timedelta(days=n)


def row(register, **overrides) -> dict:
    """A good intake row, by field."""
    values = {
        "producer": register["producer"].credit_code,
        "kind": "生鲜乳",
        "batch_number": "RM-001",
        "supplier": register["station"].credit_code,
        "vehicle": "",
        "dated": day(3),
        "quantity": 12.5,
        "unit": "t",
        "product": "生鲜乳",
        "own_test": 0.05,
    }
    values.update(overrides)
    return values


def good_rows(register, n=3) -> list[dict]:
    return [row(register, batch_number=f"RM-{i:03d}", dated=day(i + 1)) for i in range(n)]


def workbook_bytes(rows, headers=None) -> bytes:
    headers = headers or [c.header for c in imports.COLUMNS]
    fields = {c.header: c.field for c in imports.COLUMNS}
    wb = Workbook()
    sheet = wb.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(fields.get(h, h)) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(rows, name="进货记录.xlsx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(rows, **kwargs), content_type=XLSX_MIME)


@pytest.fixture
def checked(clerk, django_capture_on_commit_callbacks):
    """Upload rows and let the worker run the dry run."""

    def run(rows, actor=clerk, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            job = intake_import_start(actor=actor, upload=upload(rows, **kwargs))
        job.refresh_from_db()
        return job

    return run


def committed(job, actor, capture):
    with capture(execute=True):
        intake_import_commit(actor=actor, job=job)
    job.refresh_from_db()
    return job


def messages_of(job) -> list[tuple]:
    return [(e["row"], e["column"], translated(e)) for e in job.errors]


# The file.


def test_S1_a_good_file_records_every_batch_with_history_naming_the_committer(
    checked, clerk, register, django_capture_on_commit_callbacks
):
    job = checked(good_rows(register))
    assert job.status == S.VALID and job.total_rows == 3 and job.error_count == 0
    assert not Lot.objects.exists()  # the dry run records nothing
    reviewer = member("320115", AgencyKind.QTS, Role.REVIEWER)
    job = committed(job, reviewer, django_capture_on_commit_callbacks)
    assert job.status == S.COMMITTED and job.committed_count == 3 and job.committed_by == reviewer
    lots = Lot.objects.order_by("batch_number")
    assert [lot.batch_number for lot in lots] == ["RM-000", "RM-001", "RM-002"]
    lot = lots[0]
    assert (lot.kind, lot.category, lot.operator, lot.supplier) == (
        LotKind.RAW_MILK,
        Category.LIQUID_MILK,
        register["producer"],
        register["station"],
    )
    assert lot.quantity == Decimal("12.5") and lot.own_test_mg_per_kg == Decimal("0.05")
    assert lot.recorded_by == reviewer
    history = lot.history.get()
    assert history.history_user == reviewer and history.history_change_reason == "Intake import 进货记录.xlsx"


def test_S1_a_file_with_one_bad_row_records_nothing_and_reports_that_row(checked, register):
    rows = good_rows(register, 4)
    rows[2]["dated"] = local_today() + datetime.timedelta(days=2)
    job = checked(rows)
    assert job.status == S.INVALID and job.error_count == 1
    assert messages_of(job) == [(4, "进货日期", "The date cannot be in the future.")]
    assert not Lot.objects.exists()
    with pytest.raises(Exception, match="Only a file checked without errors"):
        intake_import_commit(actor=lab_clerk(), job=job)


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"producer": "91320115MA1XXXXX00"}, "生产企业统一社会信用代码", "No operator with the credit code"),
        ({"kind": "酸奶"}, "类别", "write 生鲜乳 or 乳粉"),
        ({"batch_number": ""}, "批号", "Fill in this column."),
        ({"dated": "昨天"}, "进货日期", "Write the date as"),
        ({"quantity": "十吨"}, "数量", "Write the quantity as a number."),
        ({"quantity": -1}, "数量", "The quantity must be positive."),
        ({"own_test": "阳性?"}, "自检三聚氰胺(mg/kg)", "as a number"),
        ({"vehicle": "苏A·00000"}, "运输车辆号牌", "No raw-milk vehicle"),
        ({"batch_number": "X" * 61}, "批号", "at most 60 characters"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_column_and_reason(checked, register, overrides, column, words):
    job = checked([row(register), row(register, **{"batch_number": "RM-002", **overrides})])
    assert job.status == S.INVALID
    assert [(r, c) for r, c, _ in messages_of(job)] == [(3, column)]
    assert words in messages_of(job)[0][2]


def test_S1_intake_rules_of_lot_record_apply_to_each_row(checked, register):
    seller = OperatorFactory(kind=K.WHOLESALER)
    far = OperatorFactory(kind=K.DAIRY_PRODUCER, county=place("320324"))
    job = checked(
        [
            row(register, supplier=seller.credit_code),  # a wholesaler does not sell raw milk
            row(register, batch_number="RM-002", producer=register["station"].credit_code),  # not a producer
            row(register, batch_number="RM-003", producer=far.credit_code),  # another county
        ]
    )
    found = messages_of(job)
    assert found[0][:2] == (2, "供货方（信用代码或名称）") and "purchase stations" in found[0][2]
    assert found[1][:2] == (3, "生产企业统一社会信用代码") and "Your department does not keep" in found[1][2]
    assert found[2][:2] == (4, "生产企业统一社会信用代码") and "within your jurisdiction" in found[2][2]


def test_S1_the_same_batches_uploaded_again_are_refused_row_by_row(
    checked, clerk, register, django_capture_on_commit_callbacks
):
    committed(checked(good_rows(register, 2)), clerk, django_capture_on_commit_callbacks)
    again = checked(good_rows(register, 2))
    assert again.status == S.INVALID
    producer = register["producer"].name
    assert messages_of(again) == [
        (2, "批号", f"Batch RM-000 of {producer} is already recorded."),
        (3, "批号", f"Batch RM-001 of {producer} is already recorded."),
    ]
    assert Lot.objects.count() == 2


def test_a_batch_twice_in_a_file_is_refused_on_its_second_row(checked, register):
    job = checked([row(register), row(register, dated=day(2))])
    assert messages_of(job) == [(3, "批号", "Batch RM-001 is also on row 2.")]


def test_the_commit_checks_again_against_the_records_as_they_are_then(
    checked, clerk, register, django_capture_on_commit_callbacks
):
    job = checked(good_rows(register, 2))
    lot_record(
        actor=clerk,
        kind=LotKind.RAW_MILK,
        operator=register["producer"],
        supplier=register["station"],
        batch_number="RM-001",
        product="生鲜乳",
        category=Category.LIQUID_MILK,
        dated=day(1),
        quantity=Decimal("10"),
        unit="t",
    )
    job = committed(job, clerk, django_capture_on_commit_callbacks)
    assert job.status == S.INVALID and job.error_count == 1
    assert Lot.objects.count() == 1


def test_a_committed_job_is_not_written_twice_and_a_checked_one_not_checked_again(
    checked, clerk, register, django_capture_on_commit_callbacks
):
    job = committed(checked(good_rows(register)), clerk, django_capture_on_commit_callbacks)
    assert intake_import_write(job_id=job.pk).status == S.COMMITTED
    assert intake_import_validate(job_id=job.pk).status == S.COMMITTED
    assert Lot.objects.count() == 3


def test_S1_kinds_suppliers_vehicles_and_tests_are_read_as_offices_write_them(checked, clerk, register):
    vehicle = Vehicle.objects.create(owner=register["farm"], plate="苏A·N7788", capacity_tonnes=Decimal("8.5"))
    job = checked(
        [
            row(register, supplier=register["farm"].name, vehicle="苏AN7788", own_test="未检出"),
            row(
                register,
                batch_number="MP-001",
                kind="乳粉",
                supplier="黑龙江某乳业有限公司",
                product="全脂乳粉",
                unit="kg",
                own_test=None,
                dated=day(2).strftime("%Y/%m/%d"),
            ),
        ]
    )
    assert job.status == S.VALID, messages_of(job)
    intake_import_commit(actor=clerk, job=job)
    intake_import_write(job_id=job.pk)
    milk, powder = Lot.objects.get(batch_number="RM-001"), Lot.objects.get(batch_number="MP-001")
    assert milk.supplier == register["farm"] and milk.vehicle == vehicle and milk.own_test_mg_per_kg == 0
    assert (powder.kind, powder.category, powder.supplier, powder.supplier_name) == (
        LotKind.MILK_POWDER,
        Category.MILK_POWDER,
        None,
        "黑龙江某乳业有限公司",
    )
    assert powder.own_test_missing and powder.dated == day(2)  # S1: blank = not tested


def test_a_file_without_the_required_columns_is_reported_on_its_header(checked, register):
    job = checked([row(register)], headers=["生产企业统一社会信用代码", "批号"])
    assert job.status == S.INVALID and {r for r, _, _ in messages_of(job)} == {1}


def test_a_file_with_only_a_header_has_nothing_to_commit(checked):
    job = checked([])
    assert job.status == S.INVALID and messages_of(job) == [(None, "", "The file has no rows below the header.")]


def test_a_file_that_is_not_an_xlsx_is_refused_at_upload(clerk):
    with pytest.raises(ValidationError):
        intake_import_start(actor=clerk, upload=SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert not IntakeImport.objects.exists()


@pytest.mark.parametrize(
    ("kind", "role"), [(AgencyKind.QTS, Role.VIEWER), (AgencyKind.AIC, Role.CLERK), (AgencyKind.QTS, Role.ADMIN)]
)
def test_only_writers_of_the_department_keeping_producers_import_intake(register, kind, role):
    with pytest.raises(PermissionDenied):
        intake_import_start(actor=member("320115", kind, role), upload=upload([row(register)]))


def test_another_department_cannot_commit(checked, register):
    job = checked([row(register)])
    with pytest.raises(PermissionDenied):
        intake_import_commit(actor=member("320115", AgencyKind.AIC, Role.REVIEWER), job=job)


# The pages.


def test_the_template_downloads_and_round_trips(client, clerk, register, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    response = client.get(reverse("intake_import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_MIME
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [c.header for c in imports.COLUMNS]
    values = row(register)
    sheet.append([values[c.field] for c in imports.COLUMNS])
    filled = io.BytesIO()
    book.save(filled)
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(
            reverse("intake_import"), {"file": SimpleUploadedFile("模板.xlsx", filled.getvalue(), XLSX_MIME)}
        )
    job = IntakeImport.objects.get()
    assert posted.status_code == 302 and posted.url == reverse("intake_import_detail", args=[job.pk])
    assert job.status == S.VALID, messages_of(job)


def test_the_page_follows_the_dry_run_and_commits(client, clerk, register, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake_import"), {"file": upload(good_rows(register))})
    job = IntakeImport.objects.get()
    page = client.get(reverse("intake_import_detail", args=[job.pk]))
    assert page.context["may_commit"] and b'data-testid="commit-form"' in page.content
    refresh = client.get(reverse("intake_import_progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert refresh.headers.get("HX-Refresh") == "true"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake_import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == S.COMMITTED and Lot.objects.count() == 3


def test_a_running_job_polls_its_progress(client, clerk):
    job = IntakeImport.objects.create(created_by=clerk, file_name="a.xlsx", file="x.xlsx", total_rows=1000)
    IntakeImport.objects.filter(pk=job.pk).update(status=S.VALIDATING, processed_rows=250)
    client.force_login(clerk)
    page = client.get(reverse("intake_import_progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert page.status_code == 200 and b"hx-trigger" in page.content and b"25%" in page.content


def test_the_error_table_lists_each_row(client, checked, clerk, register):
    job = checked([row(register, quantity="abc")])
    client.force_login(clerk)
    page = client.get(reverse("intake_import_detail", args=[job.pk]))
    assert page.context["errors"][0]["message"] == "Write the quantity as a number."
    assert not page.context["may_commit"]


def test_another_countys_import_is_a_404(client, checked, register):
    job = checked([row(register)])
    client.force_login(member("320324", AgencyKind.QTS, Role.REVIEWER))
    for name in ("intake_import_detail", "intake_import_progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("intake_import_commit", args=[job.pk])).status_code == 404


def test_a_read_only_user_gets_403_on_upload_and_commit(client, checked, register):
    job = checked([row(register)])
    client.force_login(member("320115", AgencyKind.QTS, Role.VIEWER))
    assert client.get(reverse("intake_import")).context["form"] is None
    assert client.post(reverse("intake_import"), {"file": upload([row(register)])}).status_code == 403
    assert client.post(reverse("intake_import_commit", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == S.VALID


# The API: the import and bulk entry.


@pytest.fixture
def api():
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def api_row(register, **overrides) -> dict:
    values = {
        "kind": LotKind.RAW_MILK,
        "operator": register["producer"].pk,
        "supplier": register["station"].pk,
        "batch_number": "RM-001",
        "product": "生鲜乳",
        "category": Category.LIQUID_MILK,
        "dated": day(1).isoformat(),
        "quantity": "12.500",
        "unit": "t",
        "own_test_mg_per_kg": "0.0500",
    }
    return {**values, **overrides}


def test_S1_bulk_entry_records_every_row(api, clerk, register):
    api.force_authenticate(clerk)
    rows = [api_row(register, batch_number=f"RM-{i}") for i in range(5)]
    rows[4]["own_test_mg_per_kg"] = None
    response = api.post("/api/v1/lots/bulk/", rows, format="json")
    assert response.status_code == 201, response.json()
    assert len(response.json()) == 5 and response.json()[4]["own_test_missing"] is True
    assert Lot.objects.count() == 5
    assert {lot.history.get().history_user for lot in Lot.objects.all()} == {clerk}


def test_S1_bulk_entry_is_all_or_nothing_with_errors_by_row_index(api, clerk, register):
    api.force_authenticate(clerk)
    rows = [api_row(register, batch_number=f"RM-{i}") for i in range(4)]
    rows[1]["dated"] = (local_today() + datetime.timedelta(days=1)).isoformat()
    rows[3]["batch_number"] = "RM-0"  # the same batch as row 0
    response = api.post("/api/v1/lots/bulk/", rows, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "rows": {
            "1": {"dated": ["The date cannot be in the future."]},
            "3": {"batch_number": ["Batch RM-0 is also on row 0."]},
        }
    }
    assert not Lot.objects.exists()


def test_bulk_entry_reports_malformed_rows_by_index_too(api, clerk, register):
    api.force_authenticate(clerk)
    response = api.post("/api/v1/lots/bulk/", [api_row(register), {"kind": "raw_milk"}], format="json")
    assert response.status_code == 400 and list(response.json()["rows"]) == ["1"]
    assert not Lot.objects.exists()


def test_bulk_entry_takes_a_list_of_at_most_the_limit(api, clerk, register):
    api.force_authenticate(clerk)
    assert api.post("/api/v1/lots/bulk/", [], format="json").status_code == 400
    assert api.post("/api/v1/lots/bulk/", api_row(register), format="json").status_code == 400
    too_many = [api_row(register, batch_number=f"B{i}") for i in range(MAX_BULK + 1)]
    assert api.post("/api/v1/lots/bulk/", too_many, format="json").status_code == 400
    assert not Lot.objects.exists()


def test_bulk_entry_checks_a_thousand_rows_in_far_fewer_queries(api, clerk, register, django_assert_max_num_queries):
    api.force_authenticate(clerk)
    rows = [api_row(register, batch_number=f"B{i}") for i in range(MAX_BULK)]
    # The checks take a few queries; the inserts are batched (on SQLite, by its variable limit).
    with django_assert_max_num_queries(MAX_BULK // 10):
        assert api.post("/api/v1/lots/bulk/", rows, format="json").status_code == 201
    assert Lot.objects.count() == MAX_BULK


def test_a_read_only_user_gets_403_on_bulk_entry(api, register):
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.VIEWER))
    assert api.post("/api/v1/lots/bulk/", [api_row(register)], format="json").status_code == 403


def test_an_import_through_the_api_uses_the_same_services(api, clerk, register, django_capture_on_commit_callbacks):
    api.force_authenticate(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/intake-imports/", {"file": upload(good_rows(register))}, format="multipart")
    assert created.status_code == 201
    job = api.get(f"/api/v1/intake-imports/{created.json()['id']}/").json()
    assert job["status"] == S.VALID and job["percent"] == 100 and job["errors"] == []
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/intake-imports/{job['id']}/commit/").status_code == 202
    assert Lot.objects.count() == 3


def test_the_api_reports_row_errors_and_scopes_imports(api, checked, register):
    job = checked([row(register, kind="酸奶")])
    api.force_authenticate(lab_clerk())
    body = api.get(f"/api/v1/intake-imports/{job.pk}/").json()
    assert body["errors"][0]["row"] == 2 and body["errors"][0]["column"] == "类别"
    assert api.post(f"/api/v1/intake-imports/{job.pk}/commit/").status_code == 400
    api.force_authenticate(member("320324", AgencyKind.QTS, Role.CLERK))
    assert api.get(f"/api/v1/intake-imports/{job.pk}/").status_code == 404
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.VIEWER))
    assert api.post("/api/v1/intake-imports/", {"file": upload([row(register)])}, format="multipart").status_code == 403

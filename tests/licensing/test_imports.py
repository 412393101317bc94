"""The register import (摸清底数, P1): a dry run that writes nothing, then all rows or none."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.exports import XLSX_MIME
from dairy_campaign.models import Jurisdiction
from dairy_campaign.ownership import owned_values
from dairy_campaign.scoping import scope_prefix
from licensing import imports
from licensing.imports import HEADER, DuplicateCodes, Rules, chinese_label, clean_row, translated
from licensing.models import Arrangement, ImportStatus, Operator, OperatorKind, RegisterImport
from licensing.services import imports as services
from licensing.services.imports import (
    register_import_commit,
    register_import_start,
    register_import_validate,
    register_import_write,
)
from licensing.services.register import OPERATOR_FIELDS

from ..factories import member, place
from .factories import OperatorFactory, valid_credit_code

pytestmark = pytest.mark.django_db
S = ImportStatus


def rules(code="320115", kind=AgencyKind.QTS) -> Rules:
    return Rules(
        jurisdictions=Jurisdiction.objects.in_bulk(),
        scope_prefix=scope_prefix(code),
        kinds=frozenset(owned_values("operator", kind)),
    )


def producer(**overrides) -> dict:
    """A good row for Jiangning's quality supervision bureau, by field."""
    row = {
        "kind": OperatorKind.DAIRY_PRODUCER.value,
        "name": "江宁乳业有限公司",
        "credit_code": valid_credit_code("320115"),
        "county": "320115",
        "address": "江宁区某路1号",
        "contact_person": "张三",
        "phone": "025-52100000",
        "registered_with_aic": "是",
        "infant_formula": "否",
        "arrangement": "",
    }
    row.update(overrides)
    return row


def workbook_bytes(rows, headers=None) -> bytes:
    headers = headers or [c.header for c in imports.COLUMNS]
    fields = {c.header: c.field for c in imports.COLUMNS}
    wb = Workbook()
    sheet = wb.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(fields.get(h, h)) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(rows, name="江宁区名录.xlsx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(rows, **kwargs), content_type=XLSX_MIME)


@pytest.fixture
def qts(db):
    return member("320115", AgencyKind.QTS, Role.CLERK)


@pytest.fixture
def checked(qts, django_capture_on_commit_callbacks):
    """Upload rows and let the worker run the dry run."""

    def run(rows, actor=qts, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            job = register_import_start(actor=actor, upload=upload(rows, **kwargs))
        job.refresh_from_db()
        return job

    return run


def committed(job, actor, capture):
    with capture(execute=True):
        register_import_commit(actor=actor, job=job)
    job.refresh_from_db()
    return job


@pytest.fixture(autouse=True)
def _english():
    # Assertions read the English msgids, whatever translations the catalogue gains.
    with translation.override("en"):
        yield


def messages_of(job) -> list[tuple]:
    return [(e["row"], e["column"], translated(e)) for e in job.errors]


# The rules of one row, without the database's register.


def test_the_columns_are_the_fields_a_register_entry_takes():
    assert {c.field for c in imports.COLUMNS} == OPERATOR_FIELDS


@pytest.mark.parametrize(
    "kind",
    [
        "dairy_producer",
        "Dairy producer",
        " dairy PRODUCER ",
        pytest.param("chinese", id="Chinese label"),
    ],
)
def test_a_good_row_is_cleaned_whatever_spelling_of_the_kind(kind):
    if kind == "chinese":
        kind = chinese_label(OperatorKind, OperatorKind.DAIRY_PRODUCER)
    row = producer(kind=kind, credit_code=" " + valid_credit_code().lower())
    cleaned, errors = clean_row(row, row=2, rules=rules())
    assert errors == []
    assert cleaned["kind"] == OperatorKind.DAIRY_PRODUCER and cleaned["county_id"] == "320115"
    assert cleaned["credit_code"] == row["credit_code"].strip().upper()
    assert cleaned["registered_with_aic"] is True and cleaned["arrangement"] == Arrangement.SELF_RUN


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"credit_code": "91320115MA1XXXXX00"}, "统一社会信用代码", "91320115MA1XXXXX00"),
        ({"credit_code": ""}, "统一社会信用代码", "credit code"),
        ({"kind": "奶茶店"}, "类别", "奶茶店"),
        ({"county": "320324"}, "县级行政区划代码", "within your jurisdiction"),
        ({"county": "329999"}, "县级行政区划代码", "329999"),
        ({"kind": OperatorKind.SMALL_RETAILER.value}, "类别", "does not keep"),
        ({"name": ""}, "名称", "Fill in"),
        ({"name": "乳" * 201}, "名称", "200"),
        ({"registered_with_aic": "也许"}, "已工商登记", "是 or 否"),
        ({"herd_size": "很多"}, "存栏量", "whole number"),
        ({"herd_size": 300}, "规模养殖场", "dairy farms"),
        ({"arrangement": "入股"}, "经营方式", "入股"),
    ],
    ids=[
        "bad credit code",
        "no credit code",
        "bad kind",
        "foreign county",
        "unknown county",
        "kind not kept by the department",
        "no name",
        "name too long",
        "unreadable yes/no",
        "unreadable herd size",
        "herd size of a producer",
        "unknown arrangement",
    ],
)
def test_a_bad_row_is_refused_with_its_column_and_reason(overrides, column, words):
    cleaned, errors = clean_row(producer(**overrides), row=7, rules=rules())
    assert cleaned is None
    assert [(e.row, e.column) for e in errors] == [(7, column)]
    assert words in translated(errors[0].as_dict())


@pytest.mark.parametrize("arrangement", ["contracted", "承包", "Leased (租赁)", "转包"])
def test_L2_a_contracted_subcontracted_or_leased_business_names_its_actual_operator(arrangement):
    cleaned, errors = clean_row(producer(arrangement=arrangement), row=3, rules=rules())
    assert cleaned is None and [e.column for e in errors] == ["实际经营者"]
    cleaned, errors = clean_row(producer(arrangement=arrangement, actual_operator="李四"), row=3, rules=rules())
    assert errors == [] and cleaned["arrangement"] != Arrangement.SELF_RUN


def test_infant_formula_is_made_only_by_dairy_producers():
    row = producer(kind="dairy_food_producer", infant_formula="是")
    assert [e.column for e in clean_row(row, row=2, rules=rules())[1]] == ["婴幼儿配方乳粉生产"]


def test_a_city_level_code_is_not_a_county():
    errors = clean_row(producer(county="320100"), row=2, rules=rules("320100"))[1]
    assert [e.column for e in errors] == ["县级行政区划代码"]


def test_a_sweep_records_an_unlicensed_den_without_a_credit_code():
    row = producer(kind=OperatorKind.UNLICENSED.value, credit_code="", registered_with_aic="")
    cleaned, errors = clean_row(row, row=2, rules=rules(kind=AgencyKind.AIC))
    assert errors == [] and cleaned["credit_code"] is None


def test_a_farm_with_its_herd_size():
    row = producer(kind="dairy_farm", scale_farm="是", herd_size=450.0)
    cleaned, errors = clean_row(row, row=2, rules=rules(kind=AgencyKind.AGR))
    assert errors == [] and cleaned["herd_size"] == 450 and cleaned["scale_farm"] is True


def test_a_credit_code_twice_in_a_file_reports_both_rows():
    duplicates = DuplicateCodes()
    assert duplicates.check("A", 2) == [] and duplicates.check("B", 3) == []
    errors = duplicates.check("A", 9)
    assert sorted((e.row, e.params["other"]) for e in errors) == [(2, 9), (9, 2)]
    assert [e.row for e in duplicates.check("A", 12)] == [12]  # row 2 is reported once


def test_the_header_may_come_in_any_order_but_not_without_a_required_column():
    positions, errors = imports.read_header(["备注", "名称 ", "类别*", "县级行政区划代码", "地址"])
    assert positions == {"name": 1, "kind": 2, "county": 3, "address": 4} and errors == []
    _, errors = imports.read_header(["名称", "类别"])
    assert {e.column for e in errors} == {"县级行政区划代码", "地址"} and {e.row for e in errors} == {1}


# The dry run and the commit, through the services and the worker.


def test_an_import_with_bad_rows_changes_nothing_and_reports_each_row(checked, qts):
    taken = OperatorFactory(county=place("320115")).credit_code
    twice = valid_credit_code()
    rows = [
        producer(),
        producer(credit_code="91320115MA1XXXXX00"),
        producer(kind="奶茶店"),
        producer(county="320324"),
        producer(kind=OperatorKind.SMALL_RETAILER.value),
        producer(credit_code=twice),
        producer(credit_code=twice),
        producer(credit_code=taken),
        producer(arrangement="租赁"),
    ]
    job = checked(rows)
    assert job.status == S.INVALID and job.total_rows == 9 and job.processed_rows == 9
    assert [(row, column) for row, column, _ in messages_of(job)] == [
        (3, "统一社会信用代码"),
        (4, "类别"),
        (5, "县级行政区划代码"),
        (6, "类别"),
        (7, "统一社会信用代码"),
        (8, "统一社会信用代码"),
        (9, "统一社会信用代码"),
        (10, "实际经营者"),
    ]
    assert job.error_count == 8
    assert "already in the register" in messages_of(job)[6][2]
    assert Operator.objects.count() == 1 and Operator.history.count() == 1  # only the one registered before
    with pytest.raises(ValidationError):
        register_import_commit(actor=qts, job=job)


def test_a_good_file_commits_all_rows_with_history_naming_the_user(checked, qts, django_capture_on_commit_callbacks):
    rows = [producer(name=f"江宁第{n}乳业") for n in range(3)]
    job = checked(rows, name="江宁2026.xlsx")
    assert job.status == S.VALID and job.error_count == 0 and not Operator.objects.exists()

    job = committed(job, qts, django_capture_on_commit_callbacks)
    assert job.status == S.COMMITTED and job.committed_count == 3 and job.committed_by == qts
    operators = Operator.objects.filter(credit_code__in=[r["credit_code"] for r in rows])
    assert operators.count() == 3
    history = Operator.history.all()
    assert history.count() == 3
    assert {(h.history_user, h.history_type) for h in history} == {(qts, "+")}
    assert {h.history_change_reason for h in history} == {services._change_reason(job)}
    assert "江宁2026.xlsx" in history[0].history_change_reason


def test_a_committed_job_is_not_written_twice_and_a_checked_one_not_checked_again(
    checked, qts, django_capture_on_commit_callbacks
):
    job = committed(checked([producer()]), qts, django_capture_on_commit_callbacks)
    assert register_import_write(job_id=job.pk).status == S.COMMITTED
    assert register_import_validate(job_id=job.pk).status == S.COMMITTED
    assert Operator.objects.count() == 1
    with pytest.raises(ValidationError):
        register_import_commit(actor=qts, job=job)


def test_the_commit_checks_again_against_the_register_as_it_is_then(checked, qts, django_capture_on_commit_callbacks):
    rows = [producer(), producer()]
    job = checked(rows)
    assert job.status == S.VALID
    OperatorFactory(credit_code=rows[1]["credit_code"])  # registered by hand meanwhile
    job = committed(job, qts, django_capture_on_commit_callbacks)
    assert job.status == S.INVALID and [e["row"] for e in job.errors] == [3]
    assert Operator.objects.count() == 1


def test_the_commit_reads_the_rows_as_the_dry_run_read_them(checked, qts, django_capture_on_commit_callbacks):
    # A date typed into a text column is kept as the same text by both passes.
    job = checked([producer(name=datetime.datetime(2026, 5, 1), contact_person=12345, phone=13800000000)])
    assert job.status == S.VALID and job.rows_file
    committed(job, qts, django_capture_on_commit_callbacks)
    operator = Operator.objects.get()
    assert (operator.name, operator.contact_person, operator.phone) == ("2026-05-01T00:00:00", "12345", "13800000000")


def test_without_the_rows_read_the_commit_reads_the_workbook_again(checked, qts, django_capture_on_commit_callbacks):
    job = checked([producer(), producer()])
    job.rows_file.delete(save=True)
    job = committed(job, qts, django_capture_on_commit_callbacks)
    assert job.status == S.COMMITTED and Operator.objects.count() == 2


def test_a_failure_half_way_through_the_commit_creates_nothing(
    checked, qts, django_capture_on_commit_callbacks, monkeypatch
):
    job = checked([producer() for _ in range(5)])
    real = services.bulk_create_with_history
    calls = []

    def second_batch_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "WRITE_BATCH", 2)
    monkeypatch.setattr(services, "bulk_create_with_history", second_batch_fails)
    job = committed(job, qts, django_capture_on_commit_callbacks)
    assert len(calls) == 2
    assert job.status == S.FAILED and job.finished_at is not None
    assert not Operator.objects.exists() and not Operator.history.exists()


def test_errors_are_all_counted_but_only_the_first_are_kept(checked, monkeypatch):
    monkeypatch.setattr(services, "MAX_STORED_ERRORS", 2)
    job = checked([producer(kind="x"), producer(kind="y"), producer(kind="z")])
    assert job.error_count == 3 and [e["row"] for e in job.errors] == [2, 3]


def test_a_file_without_the_required_columns_is_reported_on_its_header(checked):
    job = checked([{"名称": "某乳业"}], headers=["名称"])
    assert job.status == S.INVALID and {e["row"] for e in job.errors} == {1}
    assert {e["column"] for e in job.errors} == {"类别", "县级行政区划代码", "地址"}


def test_a_file_with_only_a_header_has_nothing_to_commit(checked):
    job = checked([])
    assert job.status == S.INVALID and job.errors[0]["row"] is None


def test_a_superuser_imports_any_kind_anywhere(checked, django_user_model):
    root = django_user_model.objects.create_superuser("root", "r@example.com", "Root-pass-2026")
    job = checked([producer(kind="catering", county="320324", credit_code=valid_credit_code("320324"))], actor=root)
    assert job.status == S.VALID


@pytest.mark.parametrize(
    ("content", "field_words"),
    [
        (b"%PDF-1.4 not a workbook", "xlsx"),
        (b"PK\x03\x04 a broken zip", "xlsx"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused_at_upload(qts, content, field_words):
    with pytest.raises(ValidationError) as error:
        register_import_start(actor=qts, upload=SimpleUploadedFile("名录.xlsx", content))
    assert field_words in " ".join(error.value.message_dict["file"])
    assert not RegisterImport.objects.exists()


def test_an_oversized_file_is_refused_at_upload(qts, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError):
        register_import_start(actor=qts, upload=upload([producer() for _ in range(50)]))


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMIN])
def test_viewers_and_administrators_do_not_import(role):
    with pytest.raises(PermissionDenied):
        register_import_start(actor=member("320115", AgencyKind.QTS, role), upload=upload([producer()]))


# Pages.


def test_the_template_round_trips(client, qts, django_capture_on_commit_callbacks):
    client.force_login(qts)
    response = client.get(reverse("register_import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_MIME
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, allowed = workbook.worksheets
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [c.header for c in imports.COLUMNS]
    # The second sheet offers each kind and arrangement under its Chinese label.
    labels = {(r[0], r[2]): r[1] for r in allowed.iter_rows(min_row=2, values_only=True)}
    assert labels[("类别", "dairy_food_producer")] == chinese_label(OperatorKind, "dairy_food_producer")
    columns = {c.value: c.column for c in sheet[1]}
    filled_rows = [("dairy_producer", "self_run", ""), ("dairy_food_producer", "leased", "王五")]
    for number, (kind, arrangement, actual_operator) in enumerate(filled_rows, start=2):
        values = producer(
            kind=labels[("类别", kind)], arrangement=labels[("经营方式", arrangement)], actual_operator=actual_operator
        )
        for field, value in values.items():
            sheet.cell(row=number, column=columns[HEADER[field]], value=value)
    filled = io.BytesIO()
    workbook.save(filled)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("register_import"), {"file": SimpleUploadedFile("填好的模板.xlsx", filled.getvalue())}
        )
    job = RegisterImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("register_import_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.errors) == (S.VALID, 2, [])


def test_the_page_follows_the_dry_run_and_offers_the_commit(client, qts, django_capture_on_commit_callbacks):
    client.force_login(qts)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register_import"), {"file": upload([producer(), producer()])})
    job = RegisterImport.objects.get()
    assert job.status == S.VALID and job.total_rows == 2
    page = client.get(reverse("register_import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="commit-form"' in page and "hx-get" not in page
    # A page opened while the worker ran polls until it is done, then reloads itself.
    poll = client.get(reverse("register_import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("register_import_commit", args=[job.pk]))
    assert response.status_code == 302 and Operator.objects.count() == 2


def test_a_running_job_polls_its_progress(client, qts):
    client.force_login(qts)
    client.post(reverse("register_import"), {"file": upload([producer()])})  # the worker has not run
    job = RegisterImport.objects.get()
    assert job.status == S.QUEUED
    part = client.get(reverse("register_import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and 'hx-trigger="every 1s"' in part.content.decode()


def test_the_error_table_lists_each_row(client, checked, qts):
    job = checked([producer(kind="奶茶店"), producer(county="320324")])
    client.force_login(qts)
    page = client.get(reverse("register_import_detail", args=[job.pk]))
    assert [(e["row"], e["column"]) for e in page.context["errors"]] == [(2, "类别"), (3, "县级行政区划代码")]
    assert 'data-testid="commit-form"' not in page.content.decode() and "奶茶店" in page.content.decode()


def test_the_pages_need_a_login(client, checked):
    job = checked([producer()])
    for url in [reverse("register_import"), reverse("register_import_template")] + [
        reverse(name, args=[job.pk]) for name in ("register_import_detail", "register_import_progress")
    ]:
        assert client.get(url).status_code == 302
    assert client.post(reverse("register_import_commit", args=[job.pk])).status_code == 302
    assert not Operator.objects.exists()


@pytest.mark.parametrize("name", ["register_import_detail", "register_import_progress"])
def test_another_citys_import_is_a_404(client, checked, name):
    job = checked([producer()])
    client.force_login(member("320300", AgencyKind.QTS, Role.REVIEWER))
    assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("register_import_commit", args=[job.pk])).status_code == 404
    assert job not in client.get(reverse("register_import")).context["jobs"]


def test_the_city_above_sees_the_countys_import(client, checked):
    job = checked([producer()])
    client.force_login(member("320100", AgencyKind.FSO, Role.VIEWER))
    assert client.get(reverse("register_import_detail", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMIN])
def test_a_read_only_user_gets_403_on_upload_and_commit(client, checked, role):
    job = checked([producer()])
    client.force_login(member("320115", AgencyKind.QTS, role))
    page = client.get(reverse("register_import"))
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(reverse("register_import"), {"file": upload([producer()])}).status_code == 403
    assert client.post(reverse("register_import_commit", args=[job.pk])).status_code == 403
    assert (
        'data-testid="commit-form"' not in client.get(reverse("register_import_detail", args=[job.pk])).content.decode()
    )
    assert RegisterImport.objects.count() == 1 and not Operator.objects.exists()


def test_another_department_of_the_county_cannot_commit(client, checked):
    job = checked([producer()])
    client.force_login(member("320115", AgencyKind.AIC, Role.REVIEWER))
    assert client.post(reverse("register_import_commit", args=[job.pk])).status_code == 403
    assert not Operator.objects.exists()


# API.


@pytest.fixture
def api():
    return APIClient()


def test_an_import_through_the_api_uses_the_same_services(api, qts, django_capture_on_commit_callbacks):
    api.force_authenticate(qts)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(reverse("register-import-list"), {"file": upload([producer()])}, format="multipart")
    assert created.status_code == 201, created.content
    detail = api.get(reverse("register-import-detail", args=[created.json()["id"]])).json()
    assert detail["status"] == S.VALID and detail["percent"] == 100 and detail["errors"] == []
    with django_capture_on_commit_callbacks(execute=True):
        commit = api.post(reverse("register-import-commit", args=[detail["id"]]))
    assert commit.status_code == 202 and commit.json()["status"] == S.COMMITTING
    assert Operator.objects.count() == 1
    assert api.get(reverse("register-import-list")).json()["results"][0]["status"] == S.COMMITTED


def test_the_api_reports_row_errors_and_refuses_the_commit(api, checked, qts):
    job = checked([producer(kind="奶茶店")])
    api.force_authenticate(qts)
    body = api.get(reverse("register-import-detail", args=[job.pk])).json()
    assert body["status"] == S.INVALID and body["errors"][0]["row"] == 2 and body["errors"][0]["column"] == "类别"
    assert api.post(reverse("register-import-commit", args=[job.pk])).status_code == 400


def test_the_api_scopes_imports_and_refuses_read_only_users(api, checked):
    job = checked([producer()])
    api.force_authenticate(member("320300", AgencyKind.QTS, Role.REVIEWER))
    assert api.get(reverse("register-import-detail", args=[job.pk])).status_code == 404
    assert api.post(reverse("register-import-commit", args=[job.pk])).status_code == 404
    assert api.get(reverse("register-import-list")).json()["results"] == []
    api.force_authenticate(member("320115", AgencyKind.QTS, Role.VIEWER))
    assert (
        api.post(reverse("register-import-list"), {"file": upload([producer()])}, format="multipart").status_code == 403
    )
    assert api.post(reverse("register-import-commit", args=[job.pk])).status_code == 403

"""List exports: small ones within the request, large ones in the worker, streamed, scoped,
downloadable by their owner only, with no text turned into a formula."""

import tracemalloc
from io import BytesIO

import pytest
from django.conf import settings as django_settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from licensing.models import Operator
from reports.models import ExportJob, ExportState
from reports.services.exports import export_run, export_start, rebuild_list_view
from reports.tasks import run_export

from ..factories import member, place
from ..licensing.factories import OperatorFactory, valid_credit_code

pytestmark = pytest.mark.django_db
K = AgencyKind
OPERATORS = "/licensing/operators/"


@pytest.fixture
def register(db):
    """Five dairy producers and a grocery in Jiangning, one named like a formula; two
    producers in Suining (Xuzhou)."""
    for n in range(5):
        OperatorFactory(name=f"江宁乳业{n}有限公司", county=place("320115"), kind="dairy_producer")
    OperatorFactory(name='=HYPERLINK("http://x")', county=place("320115"), kind="small_retailer")
    for n in range(2):
        OperatorFactory(name=f"睢宁乳业{n}有限公司", county=place("320324"), kind="dairy_producer")


@pytest.fixture
def jiangning(db):
    return member("320115", K.QTS, Role.VIEWER)


def rows_of(content: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def test_a_small_export_stays_within_the_request(client, register, jiangning):
    client.force_login(jiangning)
    response = client.get(OPERATORS, {"kind": "dairy_producer", "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert len(rows_of(response.content)) == 1 + 5
    assert not ExportJob.objects.exists()


def test_a_large_export_is_queued_and_gives_the_same_rows_scoped(
    client, settings, register, jiangning, django_capture_on_commit_callbacks
):
    client.force_login(jiangning)
    synchronous = rows_of(client.get(OPERATORS, {"export": "xlsx"}).content)
    settings.EXPORT_SYNC_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(OPERATORS, {"export": "xlsx", "page": "2"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/reports/exports/{job.pk}/"
    assert job.url_name == "operator_list" and job.query == "" and job.user == jiangning
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.row_count == job.rows_written == 6 and job.percent == 100
    page = client.get(response.url).content.decode()
    assert f"/reports/exports/{job.pk}/download/" in page and 'aria-valuenow="100"' in page
    download = client.get(f"/reports/exports/{job.pk}/download/")
    streamed = rows_of(b"".join(download.streaming_content))
    assert streamed == synchronous
    assert {row[3] for row in streamed[1:]} == {"江宁区"}  # Suining's producers stay out


def test_a_large_export_keeps_its_filters(client, settings, register, jiangning, django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    client.force_login(jiangning)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(OPERATORS, {"kind": "dairy_producer", "export": "xlsx"})
    job = ExportJob.objects.get()
    assert job.query == "kind=dairy_producer"
    content = b"".join(client.get(f"/reports/exports/{job.pk}/download/").streaming_content)
    assert len(rows_of(content)) == 1 + 5


def test_only_its_owner_sees_and_downloads_an_export(
    client, settings, register, jiangning, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    client.force_login(jiangning)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(OPERATORS, {"export": "xlsx"})
    job = ExportJob.objects.get()
    colleague = member("320115", K.QTS, Role.REVIEWER)
    client.force_login(colleague)
    for url in ("", "progress/", "download/"):
        assert client.get(f"/reports/exports/{job.pk}/{url}").status_code == 404
    api = APIClient()
    api.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(colleague)
    assert api.get(f"/api/v1/export-jobs/{job.pk}/").status_code == 404
    api.force_authenticate(jiangning)
    data = api.get(f"/api/v1/export-jobs/{job.pk}/").data
    assert data["state"] == "done" and data["download"] == f"/reports/exports/{job.pk}/download/"


def test_text_that_looks_like_a_formula_stays_text_in_a_large_export(
    client, settings, register, jiangning, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    client.force_login(jiangning)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(OPERATORS, {"export": "xlsx"})
    job = ExportJob.objects.get()
    ws = load_workbook(BytesIO(b"".join(client.get(f"/reports/exports/{job.pk}/download/").streaming_content))).active
    cells = [row[0] for row in ws.iter_rows(min_row=2) if str(row[0].value).startswith("=")]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].quotePrefix


def test_the_worker_rebuilds_the_rows_with_the_users_own_scoping(register):
    suining = member("320324", K.QTS, Role.VIEWER)
    job = ExportJob.objects.create(user=suining, url_name="operator_list", query="", language="en")
    view = rebuild_list_view(job)
    assert sorted(o.name for o in view.export_queryset()) == ["睢宁乳业0有限公司", "睢宁乳业1有限公司"]


def test_a_running_export_polls_and_a_finished_one_is_not_written_twice(client, register, jiangning):
    job = ExportJob.objects.create(user=jiangning, url_name="operator_list", query="", language="en")
    client.force_login(jiangning)
    html = client.get(f"/reports/exports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "download/" not in html
    run_export.delay(job.pk)
    job.refresh_from_db()
    first = job.file.name
    assert job.state == ExportState.DONE
    assert client.get(f"/reports/exports/{job.pk}/progress/", HTTP_HX_REQUEST="true").headers["HX-Refresh"] == "true"
    export_run(job_id=job.pk)  # a retry of a finished job
    job.refresh_from_db()
    assert job.file.name == first


def test_only_list_pages_can_be_exported(jiangning):
    with pytest.raises(Exception, match="cannot be exported"):
        export_start(actor=jiangning, url_name="home")
    with pytest.raises(Exception, match="cannot be exported"):
        export_start(actor=jiangning, url_name="no_such_page")


def test_a_failed_export_is_marked_failed(register, jiangning, monkeypatch):
    from reports.services import exports

    def broken(view, queryset, job_id, token):
        raise RuntimeError("disk full")
        yield

    monkeypatch.setattr(exports, "_rows", broken)
    job = ExportJob.objects.create(user=jiangning, url_name="operator_list", query="", language="en")
    run_export.delay(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED


def test_the_summary_list_exports_in_the_worker_too(
    client, settings, campaign, jiangning, django_capture_on_commit_callbacks
):
    from reports.services.summaries import summary_start

    for code in ("320115", "320102", "320105"):
        summary_start(actor=member(code, K.FSO, Role.CLERK))
    settings.EXPORT_SYNC_MAX_ROWS = 1
    nanjing = member("320100", K.FSO, Role.VIEWER)
    client.force_login(nanjing)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/reports/summaries/", {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert response.url == f"/reports/exports/{job.pk}/"
    job.refresh_from_db()
    assert job.row_count == 3 and job.state == ExportState.DONE
    assert settings.LARGE_EXPORT_HANDLER == "reports.services.exports.queue_export"


def _grocers(total: int):
    county = place("320115")
    start = Operator.objects.count()
    Operator.objects.bulk_create(
        Operator(
            kind="small_retailer", name=f"食杂店{n}", county=county, credit_code=valid_credit_code(), address="江宁"
        )
        for n in range(start, total)
    )


def _peak_memory(user, rows: int) -> int:
    _grocers(rows)
    job = ExportJob.objects.create(user=user, url_name="operator_list", query="", language="en")
    tracemalloc.start()
    try:
        export_run(job_id=job.pk)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        job.refresh_from_db()
        assert job.rows_written == rows


def test_a_large_export_streams_its_rows_in_flat_memory(jiangning, monkeypatch):
    from reports.services import exports

    # Chunks of 100 rows instead of 2,000, so that a few thousand rows show the trend.
    monkeypatch.setattr(exports, "CHUNK", 100)
    _peak_memory(jiangning, 50)  # imports and first-use caches out of the way
    small = _peak_memory(jiangning, 500)
    large = _peak_memory(jiangning, 3000)
    # Six times the rows, hardly more memory: rows go from the database cursor to the file.
    assert large < small * 1.5 + 1_000_000

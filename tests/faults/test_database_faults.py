"""PostgreSQL stopped under a running web server (gunicorn, one worker, persistent database
connections as in production): pages and the API answer 503 with a clear message and
Retry-After, never a traceback; a transaction cut off half-way leaves nothing behind; the
server recovers by itself once PostgreSQL is back.

The database is a private throwaway cluster (initdb in a temporary folder, on a port of its
own), so stopping it disturbs nobody."""

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from dairy_campaign.db_unavailable import RETRY_AFTER_SECONDS, unavailable_message
from reports.models import SummaryReport

from ..services import need, need_postgresql
from .support import VENV_BIN, PrivatePostgres, Process, base_env, database_url, free_port, http, wait_until

# The web server signs its user in within its own database: nothing to commit here, so no
# transactional test (and its slow flush) is needed.
pytestmark = [pytest.mark.services, pytest.mark.django_db]
REPORTS = "/api/v1/summary-reports/"
DATABASE = "dairy"


@pytest.fixture
def private_postgres(db):
    need_postgresql()
    cluster = PrivatePostgres(free_port())
    problem = cluster.problem()
    need(problem is None, f"no private PostgreSQL cluster can be made here: {problem}")
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


def copy_test_database(cluster: PrivatePostgres, tmp_path):
    """The test database's schema and committed rows (those of the migrations) into the cluster."""
    dump = tmp_path / "test.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), "-d", database_url(connection.settings_dict)], check=True)
    cluster.psql("postgres", f"CREATE DATABASE {DATABASE}")
    subprocess.run(
        ["pg_restore", "--no-owner", "--single-transaction", "-d", cluster.url(DATABASE), str(dump)], check=True
    )


class Site:
    """The gunicorn server under test, seen by a signed-in user of the province's FSO."""

    def __init__(self, base: str, session: str, token: str):
        self.base, self.session, self.token = base, session, token

    def page(self, path="/", language=""):
        cookie = f"{settings.SESSION_COOKIE_NAME}={self.session}"
        if language:
            cookie += f"; {settings.LANGUAGE_COOKIE_NAME}={language}"
        return http("GET", self.base + path, headers={"Cookie": cookie})

    def api(self, method="GET", path=REPORTS, body=None):
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        return http(method, self.base + path, headers=headers, body=json.dumps(body).encode() if body else None)


@pytest.fixture
def site(private_postgres, processes, tmp_path):
    copy_test_database(private_postgres, tmp_path)
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    port = free_port()
    env = base_env(
        DATABASE_URL=private_postgres.url(DATABASE),
        REDIS_URL="",
        CELERY_BROKER_DIR=tmp_path / "broker",
        FAULT_BARRIER_DIR=barrier,
    )
    args = [str(VENV_BIN / "gunicorn"), "tests.faults.interruptible_wsgi:application"]
    args += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60", "--no-control-socket"]
    server = Process(args, env=env, log=tmp_path / "gunicorn.log")
    processes.append(server)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: _answers(base), timeout=30, what=f"gunicorn to answer\n{server.tail()}")
    sign_in = json.loads((barrier / "sign-in.json").read_text())
    return Site(base, sign_in["session"], sign_in["token"]), barrier


def _answers(base: str) -> bool:
    try:
        return http("GET", base + "/healthz", timeout=2)[0] in (200, 503)
    except OSError:
        return False


def message_in(language: str) -> str:
    with translation.override(language):
        return unavailable_message()


def assert_unavailable_page(answer, language: str):
    status, headers, body = answer
    assert status == 503 and headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert headers["Content-Type"].startswith("text/html") and "no-store" in headers["Cache-Control"]
    assert message_in(language) in body and "Traceback" not in body


def assert_unavailable_api(answer, language: str = settings.LANGUAGE_CODE):
    status, headers, body = answer
    assert status == 503 and headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert json.loads(body) == {"detail": message_in(language)}


def rows(cluster: PrivatePostgres, model) -> int:
    return int(cluster.psql(DATABASE, f"SELECT count(*) FROM {model._meta.db_table}"))


def test_a_stopped_database_is_a_503_leaves_nothing_half_written_and_the_server_recovers(site, private_postgres):
    site, barrier = site
    assert site.page()[0] == 200 and site.api()[0] == 200  # persistent connection open

    # A report being started: its rows are written, the transaction is still open...
    with ThreadPoolExecutor(1) as pool:
        started = pool.submit(site.api, "POST", REPORTS, {})
        wait_until((barrier / "in-transaction").exists, timeout=20, what="the request to be mid-transaction")
        private_postgres.stop("immediate")  # ...when PostgreSQL goes down
        (barrier / "go-on").touch()
        assert_unavailable_api(started.result(timeout=30))

    assert_unavailable_page(site.page(language="en"), "en")
    assert_unavailable_page(site.page("/reports/summaries/"), settings.LANGUAGE_CODE)
    assert_unavailable_api(site.api())
    assert http("GET", site.base + "/healthz")[0] == 503

    private_postgres.start()
    assert site.page()[0] == 200
    status, _headers, body = site.api()
    assert status == 200 and json.loads(body)["count"] == 0
    history = SummaryReport.history.model
    assert rows(private_postgres, SummaryReport) == 0 and rows(private_postgres, history) == 0

    # A restart between two requests: the persistent connection is found broken by its
    # health check and replaced, and the next request does not even notice.
    private_postgres.stop("immediate")
    private_postgres.start()
    assert site.page()[0] == 200
    assert site.api("POST", REPORTS, {})[0] == 201
    assert rows(private_postgres, SummaryReport) == 1 and rows(private_postgres, history) == 1

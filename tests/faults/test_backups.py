"""`make backup` / `make restore` (scripts/backup.sh, scripts/restore.sh): a database with
records and their history, backed up, restored into a fresh database, holds the same rows
in every table; the checksum is checked; a database that holds tables is not overwritten
unless told."""

import hashlib
import os
import re
import subprocess
import uuid

import psycopg2
import pytest
from django.db import connection

from dairy_campaign.choices import AgencyKind, Role
from licensing.services.register import operator_update
from reports.services import summaries as svc

from ..factories import member, place
from ..licensing.factories import OperatorFactory
from ..services import need_postgresql
from .support import BASE_DIR, database_url

# Transactional: pg_dump, another process, reads what the test wrote.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
COUNT_EVERY_TABLE = """
    SELECT format('SELECT %L, count(*) FROM %I.%I', tablename, schemaname, tablename)
    FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
"""


@pytest.fixture
def records(request):
    """Operators, a report and a notification, each with its history (created, then changed)."""
    need_postgresql()
    request.getfixturevalue("jurisdictions")
    request.getfixturevalue("campaign")
    inspector = member("320115", AgencyKind.QTS, Role.INSPECTOR)
    for operator in OperatorFactory.create_batch(3, county=place("320115")):
        operator_update(actor=inspector, operator=operator, reason="地址更正", address="江宁区新址2号")
    svc.summary_start(actor=member("320000", AgencyKind.FSO, Role.REVIEWER))


def row_counts(url: str) -> dict[str, int]:
    with psycopg2.connect(url.replace("postgres://", "postgresql://", 1)) as db, db.cursor() as cursor:
        cursor.execute(COUNT_EVERY_TABLE)
        counts = {}
        for (query,) in cursor.fetchall():
            cursor.execute(query)
            table, count = cursor.fetchone()
            counts[table] = count
    return counts


def run(script: str, *args: str, database: str, backups) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database, "BACKUP_DIR": str(backups)}
    return subprocess.run(  # noqa: S603
        [str(BASE_DIR / "scripts" / script), *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def fresh_database():
    """The name of a database that does not exist yet, dropped after the test."""
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    yield database_url(settings_dict, name=name)
    server = database_url(settings_dict, name="postgres").replace("postgres://", "postgresql://", 1)
    subprocess.run(["dropdb", "--if-exists", "--force", f"--maintenance-db={server}", name], check=True)  # noqa: S607


def test_a_backup_restored_into_a_fresh_database_holds_every_row_and_its_history(records, fresh_database, tmp_path):
    source = database_url(connection.settings_dict)
    made = run("backup.sh", database=source, backups=tmp_path)
    assert made.returncode == 0, made.stderr
    [dump] = tmp_path.glob("*.dump")
    assert re.fullmatch(rf"{connection.settings_dict['NAME']}-\d{{8}}T\d{{6}}Z\.dump", dump.name)
    sidecar = dump.with_name(dump.name + ".sha256").read_text()
    assert sidecar == f"{hashlib.sha256(dump.read_bytes()).hexdigest()}  {dump.name}\n"
    assert dump.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only

    restored = run("restore.sh", str(dump), database=fresh_database, backups=tmp_path)
    assert restored.returncode == 0, restored.stderr

    before, after = row_counts(source), row_counts(fresh_database)
    assert after == before
    history = {table: n for table, n in after.items() if "historical" in table}
    assert history["licensing_historicaloperator"] == 6  # three created, three corrected
    assert history["reports_historicalsummaryreport"] == 1

    # The restored database now holds tables: a second restore is refused and changes nothing.
    again = run("restore.sh", str(dump), database=fresh_database, backups=tmp_path)
    assert again.returncode == 1 and "already holds" in again.stderr
    assert row_counts(fresh_database) == before


@pytest.mark.django_db  # the schema is enough: no rows to commit, no flush afterwards
def test_a_damaged_backup_is_refused(fresh_database, tmp_path):
    need_postgresql()
    made = run("backup.sh", database=database_url(connection.settings_dict), backups=tmp_path)
    assert made.returncode == 0, made.stderr
    [dump] = tmp_path.glob("*.dump")
    with dump.open("ab") as damaged:
        damaged.write(b"\0")
    refused = run("restore.sh", str(dump), database=fresh_database, backups=tmp_path)
    assert refused.returncode == 1 and "does not match its checksum" in refused.stderr

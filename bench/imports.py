"""Register import of 100k rows: the dry run and the commit, timed through the same services
the worker runs, inside a transaction that is rolled back afterwards (the province keeps its
register as generated)."""

import io
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook

from .table import Figure

ROWS = 100_000
TARGET_SECONDS = 60
USER = "p320115_aic_clerk"  # a county department that keeps shops: it imports its own county
COUNTY = "320115"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Rollback(Exception):
    pass


def register_file(rows: int) -> bytes:
    """A register of `rows` small shops, all valid, with codes no generated operator has."""
    from licensing.imports import COLUMNS
    from licensing.synthetic import credit_code

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.header for c in COLUMNS])
    for number in range(rows):
        values = {
            "kind": "small_retailer",
            "name": f"基准测试便利店{number:06d}",
            # Serials far above the generated ones: the codes are new to the register.
            "credit_code": credit_code(COUNTY, 10**9 + number),
            "county": COUNTY,
            "address": f"江宁区测试路{number}号",
            "contact_person": "王五",
            "phone": "025-52100000",
            "registered_with_aic": "是",
        }
        sheet.append([values.get(c.field) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure() -> list[Figure]:
    from dairy_campaign.models import User
    from licensing.services.imports import (
        register_import_commit,
        register_import_start,
        register_import_validate,
        register_import_write,
    )

    upload = SimpleUploadedFile("register.xlsx", register_file(ROWS), content_type=XLSX)
    actor = User.objects.get(username=USER)
    times = {}
    try:
        with transaction.atomic():
            # The tasks these services queue on commit never run: the transaction is rolled back.
            job = register_import_start(actor=actor, upload=upload)
            began = time.perf_counter()
            job = register_import_validate(job_id=job.pk)
            times["dry run"] = time.perf_counter() - began
            began = time.perf_counter()
            register_import_commit(actor=actor, job=job)
            job = register_import_write(job_id=job.pk)
            times["commit"] = time.perf_counter() - began
            committed = job.committed_count
            for stored in (job.file, job.rows_file):
                stored.delete(save=False)
            raise Rollback
    except Rollback:
        pass
    total = times["dry run"] + times["commit"]
    return [
        Figure(f"register import, {ROWS:,} rows: dry run", f"{times['dry run']:.1f} s", "", None),
        Figure(f"register import: commit ({committed:,} operators written)", f"{times['commit']:.1f} s", "", None),
        Figure("register import: dry run + commit", f"{total:.1f} s", f"≤ {TARGET_SECONDS} s", total <= TARGET_SECONDS),
    ]

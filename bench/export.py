"""Excel export of 100k samples by the worker's export job, against the bare openpyxl writer
writing the same rows. Each side runs in a fresh process, so its peak memory is its own; the
sides take turns, and the fastest run of each is compared.

The province has 60k samples (DESIGN §5); each run tops them up to 100k inside a transaction
that it rolls back, so the database is left as it was.
"""

import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from .table import Figure

ROWS = 100_000
RATIO_TARGET = 1.3
MEMORY_TARGET_MB = 250
ROUNDS = int(os.environ.get("BENCH_EXPORT_ROUNDS", "2"))
USER = "p320000_fso_reviewer"


class Rollback(Exception):
    pass


def _top_up(rows: int) -> None:
    """Copies of existing samples (new codes) until there are `rows` of them."""
    from sampling.models import Sample

    missing = rows - Sample.objects.count()
    if missing <= 0:
        return
    columns = [f.column for f in Sample._meta.concrete_fields if f.column not in ("id", "code")]
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        while missing > 0:
            cursor.execute(
                f"INSERT INTO sampling_sample (code, {listed}) "  # noqa: S608 - column names from the model
                f"SELECT 'BENCH-' || id || '-' || %s, {listed} FROM sampling_sample ORDER BY id LIMIT %s",
                [missing, missing],
            )
            missing -= cursor.rowcount


def _plain(value):
    """A value as the bare writer takes it: Excel has no time zones, so local wall time."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def sample_export_job():
    """The province officer's export job for the sample list, over 100k samples, inside a
    transaction that is rolled back when the block ends."""
    from dairy_campaign.models import User
    from reports.services.exports import export_start

    try:
        with transaction.atomic():
            _top_up(ROWS)
            yield export_start(actor=User.objects.get(username=USER), url_name="sample_list")
            raise Rollback
    except Rollback:
        pass


def ours() -> dict:
    """The export as a user gets it: the job run as the worker runs it."""
    from reports.services.exports import export_run

    with sample_export_job() as job:
        began = time.perf_counter()
        job = export_run(job_id=job.pk)
        result = {"seconds": time.perf_counter() - began, "peak_mb": _peak_mb(), "rows": job.rows_written}
        job.file.delete(save=False)
    return result


def bare() -> dict:
    """openpyxl's write-only writer alone, writing the rows the export wrote (read beforehand)."""
    from openpyxl import Workbook

    from reports.services.exports import rebuild_list_view

    with sample_export_job() as job:
        view = rebuild_list_view(job)
        headers = view.export_headers()
        rows = [[_plain(v) for v in view.export_row(r)] for r in view.export_queryset().iterator(chunk_size=2000)]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
        began = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("samples")
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        workbook.save(target.name)
        return {"seconds": time.perf_counter() - began, "rows": len(rows)}


def _run(side: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.export", side], capture_output=True, text=True, check=True, env=os.environ
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fastest(runs: list[dict]) -> dict:
    return min(runs, key=lambda run: run["seconds"])


def measure() -> list[Figure]:
    # The two sides take turns, ROUNDS times each, and the fastest run of each is compared:
    # a shared machine's speed drifts by a tenth or more within a minute, which one run of
    # each side would count as a difference between them.
    runs = {"ours": [], "bare": []}
    for _ in range(ROUNDS):
        for side, done in runs.items():
            done.append(_run(side))
    mine, floor = _fastest(runs["ours"]), _fastest(runs["bare"])
    peak_mb = max(run["peak_mb"] for run in runs["ours"])
    ratio = mine["seconds"] / floor["seconds"]
    return [
        Figure(f"Excel export of {mine['rows']:,} samples: time", f"{mine['seconds']:.1f} s", "", None),
        Figure(f"bare openpyxl writer, same {floor['rows']:,} rows: time", f"{floor['seconds']:.1f} s", "", None),
        Figure("export time / bare writer time", f"{ratio:.2f}×", f"≤ {RATIO_TARGET}×", ratio <= RATIO_TARGET),
        Figure(
            "export: peak memory of the worker process",
            f"{peak_mb:.0f} MB",
            f"≤ {MEMORY_TARGET_MB} MB",
            peak_mb <= MEMORY_TARGET_MB,
        ),
    ]


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dairy_campaign.settings")
    django.setup()
    print(json.dumps({"ours": ours, "bare": bare}[sys.argv[1]]()))

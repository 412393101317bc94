"""The provincial dashboard (issue #8): the provincial food-safety office's page, server
time and queries, in-process (bench.inprocess).

Warm: the figures are cached under the data version (reports.figures_cache), so repeated
loads between two writes cost one cheap version query instead of the rollup's grouped
queries. Cold: the first load after a write computes every figure of the province from the
records; it is reported without a target. Only reads: the database is left as found.

Run alone: `DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.dashboard`
"""

import os
import uuid
from unittest import mock

from django.urls import reverse

from bench.inprocess import client_for, served, time_gets, timed_get
from bench.table import Figure, p
from reports import figures_cache

INSPECTIONS = "inspections.Inspection"  # reports.statistics.INSPECTIONS, importable before setup

PROVINCE_USER = "p320000_fso_reviewer"
P95_TARGET_MS = 150
QUERY_TARGET = 20
WARMUP = 3
REQUESTS = int(os.environ.get("BENCH_DASHBOARD_REQUESTS", "60"))
COLD_LOADS = 3


def _cold_loads(client, url) -> tuple[list[float], int]:
    """Each load under a fresh cache namespace, so none finds the figures cached."""
    samples, most = [], 0
    for _ in range(COLD_LOADS):
        with mock.patch.object(figures_cache, "KEY_PREFIX", f"{figures_cache.KEY_PREFIX}:cold:{uuid.uuid4().hex}"):
            elapsed, queries = timed_get(client, url)
        samples.append(elapsed)
        most = max(most, queries)
    return samples, most


def _after_a_checklist(client, url) -> list[float]:
    """Loads as the first one after a checklist was filed: the checklists' history has moved
    on (simulated, so nothing is written), the figures reading them are computed again and
    the others come from the cache."""
    real = figures_cache.data_version
    samples = []
    for _ in range(COLD_LOADS):
        moved = -uuid.uuid4().int  # no real history id, so no cached value matches

        def version(sources, moved=moved):
            found = real(sources)
            maxima = {**found.maxima, INSPECTIONS: moved} if INSPECTIONS in found.maxima else found.maxima
            return figures_cache.DataVersion(maxima=maxima, being_written=found.being_written)

        with mock.patch.object(figures_cache, "data_version", version):
            samples.append(timed_get(client, url)[0])
    return samples


def measure(username: str = PROVINCE_USER) -> list[Figure]:
    url = reverse("dashboard")
    with served():
        client = client_for(username)
        cold, cold_queries = _cold_loads(client, url)
        warm = time_gets(client, url, warmup=WARMUP, requests=REQUESTS)
        after_checklist = _after_a_checklist(client, url)
    name = "provincial dashboard"
    return [
        Figure(f"{name}: server time p50 (cached figures)", f"{warm.p50:.0f} ms", "", None),
        Figure(
            f"{name}: server time p95 (cached figures)",
            f"{warm.p95:.0f} ms",
            f"≤ {P95_TARGET_MS} ms",
            warm.p95 <= P95_TARGET_MS,
        ),
        Figure(
            f"{name}: SQL queries (cached figures)",
            str(warm.queries),
            f"≤ {QUERY_TARGET}",
            warm.queries <= QUERY_TARGET,
        ),
        Figure(
            f"{name}: cold load, every figure computed, median of {COLD_LOADS}",
            f"{p(cold, 50):.0f} ms",
            "",
            None,
        ),
        Figure(f"{name}: SQL queries (cold load)", str(cold_queries), "", None),
        Figure(
            f"{name}: first load after a checklist is filed, median of {COLD_LOADS} (inspection figures computed)",
            f"{p(after_checklist, 50):.0f} ms",
            "",
            None,
        ),
    ]


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dairy_campaign.settings")
    django.setup()
    from bench.table import markdown

    print(markdown(measure(os.environ.get("BENCH_DASHBOARD_USER", PROVINCE_USER))))

"""A county's list pages and their API twins (issue #8): what a county inspector, reviewer
or clerk opens every day, first page, default order and filters, in-process
(bench.inprocess). Each list: server time p95 and the queries of one request; the number
of queries must not grow with the rows (tests/test_query_counts.py holds that in the suite).

The county's reviewer of the market department (AIC, which keeps the retailers, the bulk of
the register) opens every list; its inspector opens its own task list. Only reads.

Run alone: `DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.lists`
"""

import os

from django.urls import reverse

from bench.inprocess import client_for, served, time_gets
from bench.table import Figure

COUNTY = os.environ.get("BENCH_LISTS_COUNTY", "320115")
DEPARTMENT = os.environ.get("BENCH_LISTS_DEPARTMENT", "aic")
P95_TARGET_MS = 100
WARMUP = 2
REQUESTS = int(os.environ.get("BENCH_LISTS_REQUESTS", "40"))  # p95 of 40: the 3rd slowest sets it

# (what the figure calls the list, URL name of the page or API path, role that opens it)
PAGES = (
    ("inspection checklists page", "inspection_list", "reviewer"),
    ("inspection tasks page (own tasks)", "task_list", "inspector"),
    ("assignments page", "assignment_list", "reviewer"),
    ("measures page", "measure_list", "reviewer"),
    ("operators register page", "operator_list", "reviewer"),
    ("licences page", "licence_list", "reviewer"),
    ("lots page", "lot_list", "reviewer"),
    ("samples page", "sample_list", "reviewer"),
    ("referrals page", "referral_list", "reviewer"),
    ("cases page", "case_list", "reviewer"),
    ("police referrals page", "police_referral_list", "reviewer"),
    ("complaints page", "complaint_list", "reviewer"),
)
APIS = (
    ("inspections API", "/api/v1/inspections/", "reviewer"),
    ("inspections API", "/api/v1/inspections/", "inspector"),
    ("assignments API", "/api/v1/assignments/", "reviewer"),
    ("measures API", "/api/v1/measures/", "reviewer"),
    ("operators API", "/api/v1/operators/", "reviewer"),
    ("licences API", "/api/v1/licences/", "reviewer"),
    ("lots API", "/api/v1/lots/", "reviewer"),
    ("samples API", "/api/v1/samples/", "reviewer"),
    ("lab results API", "/api/v1/lab-results/", "reviewer"),
    ("referrals API", "/api/v1/referrals/", "reviewer"),
    ("cases API", "/api/v1/cases/", "reviewer"),
    ("police referrals API", "/api/v1/police-referrals/", "reviewer"),
    ("complaints API", "/api/v1/complaints/", "reviewer"),
)


def username(role: str) -> str:
    return f"p{COUNTY}_{DEPARTMENT}_{role}"


def targets() -> list[tuple[str, str, str]]:
    return [(label, reverse(name), role) for label, name, role in PAGES] + list(APIS)


def measure() -> list[Figure]:
    figures = []
    with served():
        clients = {}
        for label, url, role in targets():
            client = clients.get(role) or clients.setdefault(role, client_for(username(role)))
            timing = time_gets(client, url, warmup=WARMUP, requests=REQUESTS)
            name = f"county {COUNTY} {label}, as {DEPARTMENT.upper()} {role}"
            figures.append(
                Figure(f"{name}: p95", f"{timing.p95:.0f} ms", f"≤ {P95_TARGET_MS} ms", timing.p95 <= P95_TARGET_MS)
            )
            figures.append(Figure(f"{name}: SQL queries", str(timing.queries), "", None))
    return figures


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dairy_campaign.settings")
    django.setup()
    from bench.table import markdown

    print(markdown(measure()), end="")

"""`make bench`: every figure of issue #8 measured side by side in one run, printed as one
table and written to bench/results.md. Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)
and the database loaded with `generate_province` (scripts/bench.sh does both)."""

import os
import sys
import time
from importlib import import_module
from pathlib import Path

import django

# Run in this order: the read-only figures first, the ones that write (and roll back or
# leave valid records) after them.
MODULES = ["dashboard", "lists", "export", "imports", "report", "submissions"]
RESULTS = Path(__file__).resolve().parent / "results.md"


def main(selected: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dairy_campaign.settings")
    django.setup()
    from bench.machine import describe, reference_seconds
    from bench.table import Figure, markdown
    from bench.tidy import vacuum_dead_rows

    speed_before = reference_seconds()
    figures: list[Figure] = []
    for name in selected or MODULES:
        began = time.monotonic()
        print(f"… {name}", file=sys.stderr, flush=True)
        if vacuumed := vacuum_dead_rows():
            print(f"  vacuumed first: {', '.join(vacuumed)}", file=sys.stderr, flush=True)
        figures.extend(import_module(f"bench.{name}").measure())
        print(f"  {name} done in {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    speed = f"{speed_before:.2f} s before the figures, {reference_seconds():.2f} s after"
    figures.insert(0, Figure("machine speed: reference workload, CPU time (lower is faster)", speed, "", None))
    table = markdown(figures)
    print(table)
    if not selected:
        RESULTS.write_text(f"# Benchmark results\n\n{describe()}\n\n{table}", encoding="utf-8")
        print(f"Written to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 0 if all(f.met is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

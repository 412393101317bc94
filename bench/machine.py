"""What the benchmark ran on, for the results table."""

import os
import platform
import subprocess
import time
from datetime import UTC, datetime

from django.db import connection


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> str:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return f"{pages * size / 2**30:.0f} GiB"
    except (ValueError, OSError):
        return "unknown memory"


def _redis() -> str:
    try:
        out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True, timeout=5).stdout
        return out.split()[2].removeprefix("v=")
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def _rows() -> str:
    from inspections.models import Inspection
    from licensing.models import Operator
    from sampling.models import Lot, Sample

    counts = {
        "operators": Operator.objects.count(),
        "lots": Lot.objects.count(),
        "inspections": Inspection.objects.count(),
        "samples": Sample.objects.count(),
    }
    return ", ".join(f"{n:,} {what}" for what, n in counts.items())


def reference_seconds() -> float:
    """CPU seconds of a fixed pure-Python workload (the sum of ten million squares). On a
    shared machine it shows how fast the host let this run go: 0.53 s at the quietest here,
    0.83 s in a busy minute, and every figure moves with it."""
    began = time.process_time()
    sum(number * number for number in range(10_000_000))
    return time.process_time() - began


def describe() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    return (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores ({_cpu()}), {_memory_gib()}; "
        f"Python {platform.python_version()}, PostgreSQL {postgres}, Redis {_redis()}. "
        f"Data: {_rows()}."
    )

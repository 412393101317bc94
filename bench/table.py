"""One row of the benchmark table, and the table itself as Markdown."""

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str  # what was measured, e.g. "provincial dashboard: server time p95"
    value: str  # the measurement, formatted with its unit, e.g. "112 ms"
    target: str  # the target it is held to, e.g. "≤ 150 ms"; "" when only reported
    met: bool | None  # None when the figure has no target


def p(samples: list[float], percentile: int) -> float:
    """The given percentile of the samples (inclusive method, as load tools report it)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[percentile - 1]


def markdown(figures: list[Figure]) -> str:
    lines = ["| figure | measured | target | met |", "|---|---|---|---|"]
    for f in figures:
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.name} | {f.value} | {f.target} | {met} |")
    return "\n".join(lines) + "\n"

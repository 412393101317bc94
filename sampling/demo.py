"""Demo sampling for `seed_demo`: intake records, plans, samples and results, in that order."""

from importlib import import_module
from importlib.util import find_spec


def seed(stdout=None) -> dict:
    outcome = {}
    for part in ("demo_lots", "demo_plans", "demo_samples"):
        module = f"sampling.{part}"
        if find_spec(module) is not None:
            outcome.update(import_module(module).seed(stdout) or {})
    return outcome

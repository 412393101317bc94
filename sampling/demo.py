"""Demo sampling for `seed_demo`: intake records, then plans, then samples and results."""

from . import demo_lots, demo_plans, demo_samples


def seed(stdout=None) -> dict:
    outcome = {}
    for part in (demo_lots, demo_plans, demo_samples):
        outcome.update(part.seed(stdout) or {})
    return outcome

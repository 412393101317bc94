"""Demo cases for `seed_demo`: cases, then their supervision, then the hotlines."""

from . import demo_cases, demo_complaints, demo_supervision


def seed(stdout=None) -> dict:
    outcome = {}
    for part in (demo_cases, demo_supervision, demo_complaints):
        outcome.update(part.seed(stdout) or {})
    return outcome

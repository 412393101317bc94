"""A Celery worker for the fault tests: the real app and configuration, with each step of a
summary report's generation slowed by FAULT_STEP_DELAY seconds, so that a test can see the
task half-way and kill the worker there. Run as `python -m tests.faults.slow_worker ARGS`."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dairy_campaign.settings")
django.setup()

from dairy_campaign.celery import app  # noqa: E402
from reports.services import summaries  # noqa: E402


def _slowed(step, delay: float):
    def slow_step(*args, **kwargs):
        time.sleep(delay)
        return step(*args, **kwargs)

    return slow_step


if __name__ == "__main__":
    delay = float(os.environ.get("FAULT_STEP_DELAY") or 0)
    if delay:
        # Patched before the pool forks, so the process running the task has it too.
        summaries._step = _slowed(summaries._step, delay)
    app.worker_main(["worker", *sys.argv[1:]])

"""Celery tasks of inspections: they call services and are safe to retry."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services.measures import reinspections_create_due


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def reinspections_due() -> int:
    """Daily (beat): rectification orders whose deadline has come get their re-inspection
    task. Idempotent: an order has at most one re-inspection."""
    return len(reinspections_create_due())

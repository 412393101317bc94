"""Celery tasks (beat, daily) of the scheduled reminders: each calls its service, which reads
the day in Shanghai and logs what it sent, so a retry or a second run sends nothing twice.

Named explicitly: this module is not one Celery's autodiscovery finds by itself
(`reports.apps` imports it when the app is ready)."""

from functools import wraps

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import translation

from .services.reminders import (
    licence_expiry_send,
    listing_deadlines_send,
    rectification_overdue_send,
    summary_reminders_send,
)

RETRY = {"autoretry_for": (OperationalError, InterfaceError), "retry_backoff": True, "max_retries": 3}


def in_working_language(fn):
    """Reminders are read later, by many: in the platform's language, whatever the worker's."""

    @wraps(fn)
    def run(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return fn(*args, **kwargs)

    return run


@shared_task(name="reports.tasks_reminders.summary_reminders", **RETRY)
@in_working_language
def summary_reminders() -> int:
    """P1: on 1, 20 and 28 December, departments whose summary is not submitted."""
    return summary_reminders_send()


@shared_task(name="reports.tasks_reminders.rectification_overdue", **RETRY)
@in_working_language
def rectification_overdue() -> int:
    """S4: rectification orders past their deadline, to the inspector and the reviewers."""
    return rectification_overdue_send()


@shared_task(name="reports.tasks_reminders.listing_deadlines", **RETRY)
@in_working_language
def listing_deadlines() -> int:
    """C2: listed cases past their deadline or owing a progress report."""
    return listing_deadlines_send()


@shared_task(name="reports.tasks_reminders.licence_expiry", **RETRY)
@in_working_language
def licence_expiry() -> int:
    """Licences expiring in 30 days, in 7 days and today, to the issuing department."""
    return licence_expiry_send()

"""Celery tasks of the core: they take ids, call services and are safe to retry."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


@shared_task
def ping() -> str:
    """Round trip through the broker, used by health checks and tests."""
    return "pong"


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification once: a retry, or a second delivery of the task, skips those
    already claimed. Each one is claimed before it is sent and released if sending fails."""
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    sent = 0
    for note in pending.select_related("recipient"):
        if not note.recipient.email:
            continue
        claim = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True)
        if not claim.update(emailed_at=timezone.now()):
            continue  # another run has it
        try:
            send_mail(
                note.title, f"{note.body}\n\n{note.url}".strip(), settings.DEFAULT_FROM_EMAIL, [note.recipient.email]
            )
        except Exception:
            Notification.objects.filter(pk=note.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent

"""The in-app inbox every app posts to, with e-mail for those who have an address."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import Agency, Notification, User


def notify(
    *, recipients: Iterable[User], title: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    """Post one notification to each active recipient; e-mail them after commit."""
    people = {u.pk: u for u in recipients if u.is_active}
    notes = Notification.objects.bulk_create(
        Notification(recipient_id=pk, title=title[:200], body=body, url=url) for pk in people
    )
    if email:
        from ..tasks import send_notification_emails

        ids = [n.pk for n in notes if people[n.recipient_id].email]
        if ids:
            transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return notes


def notify_agencies(
    *, agencies: Iterable[Agency], title: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    """Notify every active member of the given agencies."""
    members = User.objects.filter(agency__in=list(agencies), is_active=True)
    return notify(recipients=members, title=title, body=body, url=url, email=email)


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    qs = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())

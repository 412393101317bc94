import pytest
from django.core import mail
from django.urls import reverse

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import Notification
from dairy_campaign.services.notifications import notify, notify_agencies

from ..factories import AgencyFactory, member, place

pytestmark = pytest.mark.django_db


def test_notifying_an_agency_reaches_its_active_members_and_emails_them(django_capture_on_commit_callbacks):
    agency = AgencyFactory(kind=AgencyKind.QTS, jurisdiction=place("320115"))
    active = member("320115", AgencyKind.QTS, Role.INSPECTOR, email="a@example.com")
    member("320115", AgencyKind.QTS, Role.REVIEWER, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify_agencies(agencies=[agency], title="关停通报", body="某收购站已关停")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [active.pk]
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "关停通报"


def test_a_retried_email_task_does_not_send_twice(django_capture_on_commit_callbacks):
    from dairy_campaign.tasks import send_notification_emails

    user = member("320115", email="a@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        [note] = notify(recipients=[user], title="提醒")
    assert send_notification_emails([note.pk]) == 0
    assert len(mail.outbox) == 1


def test_the_inbox_shows_the_unread_count_and_marks_read(client, county_inspector):
    notify(recipients=[county_inspector], title="第一条", email=False)
    [second] = notify(recipients=[county_inspector], title="第二条", email=False)
    client.force_login(county_inspector)
    assert client.get(reverse("home")).context["unread_count"] == 2
    response = client.post(reverse("inbox_mark_read"), {"id": second.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ">1<" in response.content.decode()
    client.post(reverse("inbox_mark_read"), {"all": "1"})
    assert client.get(reverse("inbox")).context["unread_count"] == 0


def test_nobody_marks_another_persons_notifications(client, county_inspector):
    [other] = notify(recipients=[member("320115", AgencyKind.QTS, Role.REVIEWER)], title="私信", email=False)
    client.force_login(county_inspector)
    client.post(reverse("inbox_mark_read"), {"id": other.pk})
    other.refresh_from_db()
    assert other.read_at is None

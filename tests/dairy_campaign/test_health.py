import pytest
from celery import Celery
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_the_database_and_broker_answer(client, monkeypatch):
    monkeypatch.setattr("dairy_campaign.views.health._broker_ok", lambda: True)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_is_503_naming_what_is_down(client, monkeypatch):
    monkeypatch.setattr("dairy_campaign.views.health._broker_ok", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["broker"] == "down"


def test_healthz_reports_an_unreachable_broker(client, monkeypatch):
    # A separate app pointed at a closed port, so the real app's connection pool is untouched.
    monkeypatch.setattr(
        "dairy_campaign.views.health.celery_app", Celery(broker="redis://127.0.0.1:1/0", set_as_current=False)
    )
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json() == {"database": "ok", "broker": "down"}

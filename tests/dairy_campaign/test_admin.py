import pytest
from django.urls import reverse

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["jurisdiction", "agency", "user", "campaign", "responsibilityletter", "notification"]
)
def test_the_back_office_lists_every_core_model(client, model):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, agency=None, role=""))
    assert client.get(reverse(f"admin:core_{model}_changelist")).status_code == 200


def test_the_back_office_is_closed_to_campaign_users(client, county_inspector):
    client.force_login(county_inspector)
    assert client.get(reverse("admin:index")).status_code == 302
